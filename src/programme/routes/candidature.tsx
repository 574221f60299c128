/** The public application « Devenir structure d'accueil »: no account, works without JavaScript. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { clientIp, formBody } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { enforceRateLimit, type RateRule } from '../../platform/rate-limit/guard.js';
import { honeypotFilled } from '../../platform/rate-limit/honeypot.js';
import { commune } from '../../territoires/territoires.js';
import { normaliseSiret, siretProblem } from '../../structures/siret.js';
import { validateCandidature, type CandidatureInput } from '../regles.js';
import { deposerCandidature, DossierExistantError } from '../dossiers.js';
import { AnnuaireIndisponible, type AnnuaireEntreprises } from '../entreprises.js';
import { CandidatureEnvoyeePage, CandidaturePage } from '../views/candidature.js';
import { lireCommune } from '../../territoires/territoires.js';

/** Per client address: a structure applies once; a few retries after mistakes are plenty. */
export const CANDIDATURE_LIMIT_PER_IP = { limit: 20, windowSeconds: 3600 };
/** Directory lookups per client address. */
export const ANNUAIRE_LIMIT_PER_IP = { limit: 30, windowSeconds: 15 * 60 };

const FIELDS = [
  'siret',
  'type',
  'nom',
  'adresse',
  'commune',
  'commune_insee',
  'commune_insee_pour',
  'code_postal',
  'contact_prenom',
  'contact_nom',
  'contact_fonction',
  'contact_email',
  'contact_telephone',
  'postes_souhaites',
  'date_debut',
  'candidat_identifie',
  'motivation',
  'label_france_services',
  'zrr',
  'qpv',
  'engagement',
] as const;

/** Form field names (snake case, as the API) ← validation fields (camel case). */
const FORM_NAME: Record<string, string> = {
  communeInsee: 'commune',
  codePostal: 'code_postal',
  contactPrenom: 'contact_prenom',
  contactNom: 'contact_nom',
  contactFonction: 'contact_fonction',
  contactEmail: 'contact_email',
  contactTelephone: 'contact_telephone',
  postesSouhaites: 'postes_souhaites',
  dateDebut: 'date_debut',
  candidatIdentifie: 'candidat_identifie',
  labelFranceServices: 'label_france_services',
};
export const formName = (k: string) => FORM_NAME[k] ?? k;

export function registerCandidatureRoutes(app: FastifyInstance, deps: AppDeps, annuaire: AnnuaireEntreprises, annuaireActif: boolean): void {
  const { db } = deps;

  const page = (request: FastifyRequest, reply: FastifyReply, extra: Omit<Parameters<typeof CandidaturePage>[0], 'ctx' | 'today' | 'annuaireActif'>, status = 200) =>
    reply.html(CandidaturePage({ ctx: request.ctx(), today: parisCalendarDate(), annuaireActif, ...extra }), status);

  app.get('/candidature/structure', { config: { access: 'public' } }, async (request, reply) => {
    return page(request, reply, { values: { candidat_identifie: 'non' } });
  });

  app.get('/candidature/structure/envoyee', { config: { access: 'public' } }, async (request, reply) => {
    const n = Number((request.query as Record<string, unknown>).numero);
    return reply.html(CandidatureEnvoyeePage({ ctx: request.ctx(), numero: Number.isInteger(n) && n > 0 && n < 1e9 ? n : null, email: null }));
  });

  app.post('/candidature/structure', { config: { access: 'public' } }, async (request, reply) => {
    const f = formBody(request);
    const values: Record<string, string> = {};
    for (const k of FIELDS) values[k] = (f[k] ?? '').slice(0, k === 'motivation' ? 10_000 : 500);
    if (honeypotFilled(request.body)) {
      request.log.info('honeypot filled: structure application ignored');
      return reply.redirect('/candidature/structure/envoyee', 303);
    }
    const ip = clientIp(request);
    if (f._action === 'siret') {
      const refused = await enforceRateLimit(request, reply, db, [{ key: `annuaire:ip:${ip}`, ...ANNUAIRE_LIMIT_PER_IP } satisfies RateRule]);
      if (refused) return refused;
      const siret = normaliseSiret(values.siret!);
      const err = siretProblem(siret);
      if (err) return page(request, reply, { values, errors: { siret: err } }, 400);
      try {
        const e = await annuaire.parSiret(siret);
        if (!e) return page(request, reply, { values, annuaire: { kind: 'warning', message: "Ce SIRET est introuvable dans l'annuaire des entreprises : vérifiez-le, ou remplissez les champs vous-même." } });
        const c = commune(e.communeInsee);
        const filled = {
          ...values,
          siret,
          nom: e.nom,
          adresse: e.adresse,
          commune: c ? c.nom : e.commune,
          ...(c ? { commune_insee: c.insee, commune_insee_pour: c.nom } : {}),
          code_postal: e.codePostal,
          ...(e.typeSuggere ? { type: e.typeSuggere } : {}),
        };
        const message = `Trouvé : ${e.nom}, ${e.formeJuridique}, ${e.codePostal} ${e.commune}.${e.fermee ? ' Attention : cet établissement est indiqué comme fermé.' : ''} Vérifiez les champs remplis.`;
        return page(request, reply, { values: filled, annuaire: { kind: e.fermee ? 'warning' : 'success', message } });
      } catch (e) {
        if (!(e instanceof AnnuaireIndisponible)) throw e;
        request.log.warn({ err: e }, 'company directory unavailable');
        return page(request, reply, { values, annuaire: { kind: 'info', message: "L'annuaire des entreprises ne répond pas pour le moment : remplissez les champs vous-même, votre candidature sera traitée de la même façon." } });
      }
    }
    const refused = await enforceRateLimit(request, reply, db, [{ key: `candidature-structure:ip:${ip}`, ...CANDIDATURE_LIMIT_PER_IP }]);
    if (refused) return refused;
    const trouvee = lireCommune(values.commune!, values.commune_insee!, values.commune_insee_pour!, values.code_postal!.replace(/\s/g, ''));
    const resolved: { insee: string } | { error: string } = trouvee.ok ? { insee: trouvee.commune.insee } : { error: trouvee.error };
    const input: CandidatureInput = {
      siret: values.siret!,
      type: values.type!,
      nom: values.nom!,
      adresse: values.adresse!,
      communeInsee: 'insee' in resolved ? resolved.insee : '',
      codePostal: values.code_postal!,
      contactPrenom: values.contact_prenom!,
      contactNom: values.contact_nom!,
      contactFonction: values.contact_fonction!,
      contactEmail: values.contact_email!,
      contactTelephone: values.contact_telephone!,
      postesSouhaites: values.postes_souhaites!,
      dateDebut: values.date_debut!,
      candidatIdentifie: values.candidat_identifie === 'oui',
      motivation: f.motivation ?? '',
      labelFranceServices: values.label_france_services,
      zrr: values.zrr,
      qpv: values.qpv,
      engagement: values.engagement,
    };
    const v = validateCandidature(input, parisCalendarDate());
    const errors: Record<string, string> = {};
    if (!v.ok) for (const [k, m] of Object.entries(v.errors)) errors[formName(k)] = m!;
    if ('error' in resolved) errors.commune = resolved.error;
    if (!v.ok || Object.keys(errors).length) return page(request, reply, { values, errors }, 400);
    try {
      const d = await deposerCandidature(db, actorOf(request), v.value);
      return reply.redirect(`/candidature/structure/envoyee?numero=${d.numero}`, 303);
    } catch (e) {
      if (!(e instanceof DossierExistantError)) throw e;
      return page(request, reply, { values, errors: { siret: e.numero ? 'Un dossier existe déjà pour ce SIRET.' : 'Cette structure est déjà enregistrée sur la plateforme.' }, existant: { numero: e.numero } }, 409);
    }
  });
}
