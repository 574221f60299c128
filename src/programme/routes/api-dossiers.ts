/** API: the application (public), a structure's file, the préfet's opinion, amendments. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { clientIp } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { enforceRateLimit } from '../../platform/rate-limit/guard.js';
import { validateAvis, validateCandidature } from '../regles.js';
import { deposerCandidature, donnerAvisPrefet, DossierExistantError, getDossier, ProgrammeError } from '../dossiers.js';
import { avisAvenant, deciderAvenant, demanderAvenant, getAvenant } from '../avenants.js';
import { EnveloppeDepasseeError } from '../postes.js';
import { formName, CANDIDATURE_LIMIT_PER_IP } from './candidature.js';
import { loadDossier, resourceOf } from './shared.js';
import { avenantPayload, bodyOf, dossierPayload, enveloppeProblem, invalid, programmeProblem, str, type Body } from './api-shapes.js';

export function registerDossiersApi(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.post('/api/v1/candidatures-structures', { config: { access: 'public', publicJson: true } }, async (request, reply) => {
    const refused = await enforceRateLimit(request, reply, db, [{ key: `candidature-structure:ip:${clientIp(request)}`, ...CANDIDATURE_LIMIT_PER_IP }]);
    if (refused) return refused;
    const b = bodyOf(request);
    const contact = b.contact && typeof b.contact === 'object' && !Array.isArray(b.contact) ? (b.contact as Body) : {};
    const v = validateCandidature(
      {
        siret: str(b.siret),
        type: str(b.type),
        nom: str(b.nom),
        adresse: str(b.adresse),
        communeInsee: str(b.commune_insee),
        codePostal: str(b.code_postal),
        contactPrenom: str(contact.prenom),
        contactNom: str(contact.nom),
        contactFonction: str(contact.fonction),
        contactEmail: str(contact.email),
        contactTelephone: str(contact.telephone),
        postesSouhaites: typeof b.postes_souhaites === 'number' ? b.postes_souhaites : str(b.postes_souhaites),
        dateDebut: str(b.date_debut),
        candidatIdentifie: b.candidat_identifie === true,
        motivation: str(b.motivation),
        labelFranceServices: b.label_france_services === true,
        zrr: b.zrr === true,
        qpv: b.qpv === true,
        engagement: b.engagement === true,
      },
      parisCalendarDate(),
    );
    if (!v.ok) {
      const errors: Record<string, string> = {};
      for (const [k, m] of Object.entries(v.errors)) {
        const n = formName(k);
        errors[n.startsWith('contact_') ? `contact.${n.slice(8)}` : n === 'commune' ? 'commune_insee' : n] = m!;
      }
      return invalid(reply, errors, 400, 'Candidature invalide');
    }
    try {
      const d = await deposerCandidature(db, actorOf(request), v.value);
      reply.header('location', `/api/v1/structures/${d.structureId}`);
      return reply.code(201).send({ id: d.structureId, numero: d.numero, statut: d.statut });
    } catch (e) {
      if (!(e instanceof DossierExistantError)) throw e;
      return reply.problem(409, 'Dossier existant', 'Un dossier existe déjà pour ce SIRET : la structure le suit avec son compte sur la plateforme, ou écrit à l’ANCT.', {
        invalid_params: [{ name: 'siret', reason: 'Un dossier existe déjà pour ce SIRET.' }],
      });
    }
  });

  app.get('/api/v1/structures/:id', { config: { access: 'programme:consulter' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:consulter');
    if (!d) return reply;
    return reply.send(await dossierPayload(db, d));
  });

  app.post('/api/v1/structures/:id/avis-prefet', { config: { access: 'programme:avis' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:avis');
    if (!d) return reply;
    const b = bodyOf(request);
    const v = validateAvis(b.avis, b.commentaire);
    if (!v.ok) return invalid(reply, v.errors);
    try {
      const after = await donnerAvisPrefet(db, actorOf(request), d.id, v.avis, v.commentaire);
      return reply.send(await dossierPayload(db, after));
    } catch (e) {
      if (e instanceof ProgrammeError) return programmeProblem(reply, e);
      throw e;
    }
  });

  app.post('/api/v1/structures/:id/avenants', { config: { access: 'programme:avenant' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:avenant');
    if (!d) return reply;
    const b = bodyOf(request);
    try {
      const a = await demanderAvenant(db, actorOf(request), d.id, { type: b.type, postes: b.postes, motif: b.motif, temps: b.temps_coordinateur });
      return reply.code(201).send(avenantPayload(a));
    } catch (e) {
      if (e instanceof ProgrammeError) return programmeProblem(reply, e);
      throw e;
    }
  });

  /** An amendment whose file the caller may read (404 otherwise) and act on (403 otherwise). */
  async function avenantFor(request: FastifyRequest, reply: FastifyReply, action: 'programme:avis' | 'programme:coselec') {
    const a = await getAvenant(db, (request.params as { id: string }).id);
    const d = a ? await getDossier(db, a.dossierId) : undefined;
    if (!a || !d || !can(request.user, 'programme:consulter', resourceOf(d))) {
      reply.problem(404, 'Ressource introuvable', "Aucune demande d'avenant ne porte cet identifiant.");
      return undefined;
    }
    if (!can(request.user, action, resourceOf(d))) {
      reply.problem(403, 'Accès refusé', "Vos droits ne permettent pas d'agir sur cette demande.");
      return undefined;
    }
    return a;
  }

  app.post('/api/v1/avenants/:id/avis-prefet', { config: { access: 'programme:avis' } }, async (request, reply) => {
    const a = await avenantFor(request, reply, 'programme:avis');
    if (!a) return reply;
    const b = bodyOf(request);
    const v = validateAvis(b.avis, b.commentaire);
    if (!v.ok) return invalid(reply, v.errors);
    try {
      return reply.send(avenantPayload(await avisAvenant(db, actorOf(request), a.id, v.avis, v.commentaire)));
    } catch (e) {
      if (e instanceof ProgrammeError) return programmeProblem(reply, e);
      throw e;
    }
  });

  app.post('/api/v1/avenants/:id/decision', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const a = await avenantFor(request, reply, 'programme:coselec');
    if (!a) return reply;
    const b = bodyOf(request);
    const hasRefus = b.refus !== undefined && b.refus !== null;
    if (hasRefus === (b.postes_accordes !== undefined && b.postes_accordes !== null)) {
      return invalid(reply, { postes_accordes: 'Donnez soit postes_accordes (nombre de postes accordés), soit refus (le motif du refus).' });
    }
    if (b.derogation !== undefined && b.derogation !== null && typeof b.derogation !== 'string') return invalid(reply, { derogation: 'La dérogation est un texte.' });
    try {
      const r = await deciderAvenant(db, actorOf(request), deps.notifier, a.id, hasRefus ? { refus: b.refus } : { postesAccordes: b.postes_accordes }, { derogation: (b.derogation as string | undefined) ?? null });
      return reply.send({ ...avenantPayload(r.avenant), postes_valides: r.dossier.postesValides, statut_dossier: r.dossier.statut });
    } catch (e) {
      if (e instanceof EnveloppeDepasseeError) return enveloppeProblem(reply, e);
      if (e instanceof ProgrammeError) return programmeProblem(reply, e);
      throw e;
    }
  });
}
