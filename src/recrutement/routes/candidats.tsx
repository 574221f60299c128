/**
 * The candidate's routes: the public application « Devenir conseiller numérique » (a plain form that
 * works without JavaScript, and its JSON twin in the API), then « Mon profil » for the signed-in
 * candidate: changes, pause / resumption / withdrawal, the CV (multipart, in its own scope).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { clientIp, formBody, notFound } from '../../platform/http.js';
import { addApiPaths } from '../../platform/openapi.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { enforceRateLimit, type RateRule } from '../../platform/rate-limit/guard.js';
import { honeypotFilled } from '../../platform/rate-limit/honeypot.js';
import { enableUploads, readUpload, sendFile } from '../../platform/uploads/index.js';
import type { FieldErrors, FormValues } from '../../platform/views/components.js';
import { commune, normaliseName } from '../../territoires/territoires.js';
import { resoudreCommune } from '../../territoires/territoires.js';
import type { RecrutementContext } from '../context.js';
import { DISTANCES_KM, LIMITES, SITUATIONS, validateCandidat, type CandidatInput, type CandidatValide } from '../regles.js';
import {
  CandidatError,
  CandidatExistantError,
  candidatDeCompte,
  creerCandidat,
  CV_MAX_BYTES,
  cvDe,
  deposerCv,
  mettreEnPause,
  modifierCandidat,
  ouvrirCv,
  reprendre,
  retirer,
  supprimerCv,
  visibilite,
  type CandidatRow,
} from '../candidats.js';
import { CandidatureConseillerEnvoyeePage, CandidatureConseillerPage, ProfilCandidatPage, ProfilSansCandidaturePage } from '../views/candidats.js';

/** Per client address: a person applies once; a few retries after mistakes are plenty. */
export const CANDIDATURE_CONSEILLER_LIMIT_PER_IP = { limit: 20, windowSeconds: 3600 };
export const rateRule = (request: FastifyRequest): RateRule => ({ key: `candidature-conseiller:ip:${clientIp(request)}`, ...CANDIDATURE_CONSEILLER_LIMIT_PER_IP });

const FIELDS = ['prenom', 'nom', 'email', 'telephone', 'commune', 'diplome', 'date_disponibilite', 'distance_max_km', 'motivation', 'pix_palier'] as const;

/** Form field names ← validation (API) names. */
const formName = (k: string) => (k === 'commune_insee' ? 'commune' : k);

interface Saisie {
  values: FormValues;
  situations: string[];
}

function lireFormulaire(request: FastifyRequest): Saisie {
  const f = formBody(request);
  const values: FormValues = {};
  for (const k of FIELDS) values[k] = (f[k] ?? '').slice(0, k === 'motivation' ? 10_000 : 500);
  const raw = ((request.body ?? {}) as Record<string, unknown>).situations;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const situations = list
    .slice(0, 20)
    .map((s) => (typeof s === 'string' ? s.trim().slice(0, 50) : ''))
    .filter(Boolean);
  return { values, situations };
}

/** A commune typed by a person: its INSEE code, a name that designates one commune, or « Nom (INSEE) ». */
function resoudre(text: string | undefined): { insee: string } | { error: string } {
  const t = (text ?? '').trim();
  if (!t) return { error: 'Saisissez votre commune de résidence (son nom ou son code INSEE).' };
  const m = /^(.*\S)\s*\(([0-9][0-9AB][0-9]{3})\)$/i.exec(t);
  if (m) {
    const c = commune(m[2]!);
    if (c && normaliseName(c.nom) === normaliseName(m[1]!)) return { insee: c.insee };
  }
  return resoudreCommune(t);
}

/** How the profile shows the commune: its name when it designates it alone, else « Nom (INSEE) ». */
function communeAffichee(insee: string): string {
  const c = commune(insee);
  if (!c) return insee;
  const r = resoudreCommune(c.nom);
  return 'insee' in r && r.insee === c.insee ? c.nom : `${c.nom} (${c.insee})`;
}

function valider(s: Saisie, email: string): { ok: true; value: CandidatValide } | { ok: false; errors: FieldErrors } {
  const v = s.values;
  const resolved = resoudre(v.commune);
  const input: CandidatInput = {
    prenom: v.prenom,
    nom: v.nom,
    email,
    telephone: v.telephone,
    commune_insee: 'insee' in resolved ? resolved.insee : '',
    situations: s.situations,
    diplome: v.diplome,
    date_disponibilite: v.date_disponibilite,
    distance_max_km: v.distance_max_km,
    motivation: v.motivation,
    pix_palier: v.pix_palier,
  };
  const r = validateCandidat(input, parisCalendarDate(), (insee) => commune(insee) !== undefined);
  const errors: FieldErrors = {};
  if (!r.ok) for (const [k, m] of Object.entries(r.errors)) errors[formName(k)] = m;
  if ('error' in resolved) errors.commune = resolved.error;
  if (!r.ok || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: r.value };
}

function valeursDe(c: CandidatRow): Saisie {
  return {
    values: {
      prenom: c.prenom,
      nom: c.nom,
      email: c.email,
      telephone: c.telephone,
      commune: communeAffichee(c.communeInsee),
      diplome: c.diplome ?? '',
      date_disponibilite: c.dateDisponibilite,
      distance_max_km: String(c.distanceMaxKm),
      motivation: c.motivation,
      pix_palier: c.pixPalier ? String(c.pixPalier) : '',
    },
    situations: [...c.situations],
  };
}

export function registerCandidatsRoutes(app: FastifyInstance, deps: AppDeps, r: RecrutementContext): void {
  const { db } = deps;
  const options = () => ({ notifier: deps.notifier });

  /** A signed-in candidate applying with their own account (no profile yet). */
  async function compteCandidat(request: FastifyRequest): Promise<{ userId: string; email: string; profil: CandidatRow | undefined } | null> {
    const u = request.user;
    if (!u || !hasRole(u, 'candidat')) return null;
    return { userId: u.id, email: u.email, profil: await candidatDeCompte(db, u.id) };
  }

  const page = (request: FastifyRequest, reply: FastifyReply, p: Omit<Parameters<typeof CandidatureConseillerPage>[0], 'ctx' | 'today'>, status = 200) =>
    reply.html(CandidatureConseillerPage({ ctx: request.ctx(), today: parisCalendarDate(), ...p }), status);

  app.get('/candidature/conseiller', { config: { access: 'public' } }, async (request, reply) => {
    const compte = await compteCandidat(request);
    if (compte && !compte.profil) {
      const u = request.user!;
      return page(request, reply, { values: { prenom: u.firstName, nom: u.lastName, email: u.email }, situations: [], emailReadOnly: true });
    }
    return page(request, reply, { values: {}, situations: [], dejaCandidat: !!compte?.profil });
  });

  app.get('/candidature/conseiller/envoyee', { config: { access: 'public' } }, async (request, reply) => {
    return reply.html(CandidatureConseillerEnvoyeePage({ ctx: request.ctx() }));
  });

  app.post('/candidature/conseiller', { config: { access: 'public' } }, async (request, reply) => {
    if (honeypotFilled(request.body)) {
      request.log.info('honeypot filled: candidate application ignored');
      return reply.redirect('/candidature/conseiller/envoyee', 303);
    }
    const refused = await enforceRateLimit(request, reply, db, [rateRule(request)]);
    if (refused) return refused;
    const saisie = lireFormulaire(request);
    const compte = await compteCandidat(request);
    if (compte?.profil) return page(request, reply, { ...saisie, dejaCandidat: true }, 409);
    const attache = compte && !compte.profil ? compte : null;
    if (attache) saisie.values.email = attache.email;
    const v = valider(saisie, saisie.values.email ?? '');
    if (!v.ok) return page(request, reply, { ...saisie, errors: v.errors, emailReadOnly: !!attache }, 400);
    try {
      await creerCandidat(db, actorOf(request), r.appariement, v.value, { ...options(), ...(attache ? { userId: attache.userId } : {}) });
      return reply.redirect('/candidature/conseiller/envoyee', 303);
    } catch (e) {
      if (e instanceof CandidatExistantError) {
        return page(request, reply, { ...saisie, errors: { email: 'Une candidature ou un compte existe déjà avec cette adresse électronique.' }, existant: true, emailReadOnly: !!attache }, 409);
      }
      if (e instanceof CandidatError) return page(request, reply, { ...saisie, errors: { [formName(e.field)]: e.message }, emailReadOnly: !!attache }, e.status);
      throw e;
    }
  });

  // ——— « Mon profil » ———

  async function renderProfil(request: FastifyRequest, reply: FastifyReply, c: CandidatRow, status = 200, form?: Saisie & { errors: FieldErrors }) {
    const [vis, cv] = await Promise.all([visibilite(db, c.id), cvDe(db, c)]);
    const saisie = form ?? valeursDe(c);
    return reply.html(
      ProfilCandidatPage({
        ctx: request.ctx(),
        candidat: c,
        communeNom: commune(c.communeInsee)?.nom ?? c.communeInsee,
        visibles: vis.structures,
        preselections: vis.preselections,
        cv,
        values: { ...saisie.values, email: c.email },
        situations: saisie.situations,
        errors: form?.errors,
        today: parisCalendarDate(),
        emailReadOnly: true,
      }),
      status,
    );
  }

  /** The signed-in candidate's profile; without one, the page says how to apply (and null is returned). */
  async function monProfil(request: FastifyRequest, reply: FastifyReply): Promise<CandidatRow | null> {
    const c = await candidatDeCompte(db, request.user!.id);
    if (!c) {
      if (request.method === 'GET') reply.html(ProfilSansCandidaturePage({ ctx: request.ctx() }));
      else reply.redirect('/candidature/profil', 303);
      return null;
    }
    return c;
  }

  app.get('/candidature/profil', { config: { access: 'recrutement:candidat' } }, async (request, reply) => {
    const c = await monProfil(request, reply);
    if (!c) return reply;
    return renderProfil(request, reply, c);
  });

  app.post('/candidature/profil', { config: { access: 'recrutement:candidat' } }, async (request, reply) => {
    const c = await monProfil(request, reply);
    if (!c) return reply;
    const saisie = lireFormulaire(request);
    const v = valider(saisie, c.email);
    if (!v.ok) return renderProfil(request, reply, c, 400, { ...saisie, errors: v.errors });
    try {
      await modifierCandidat(db, actorOf(request), r.appariement, c.id, v.value, options());
    } catch (e) {
      if (e instanceof CandidatError) return renderProfil(request, reply, c, e.status, { ...saisie, errors: { [formName(e.field)]: e.message } });
      throw e;
    }
    return reply.flash('Votre candidature est mise à jour.').redirect('/candidature/profil', 303);
  });

  const transitions = [
    ['pause', mettreEnPause, 'Votre candidature est en pause : aucune nouvelle structure ne la verra.'],
    ['reprendre', reprendre, 'Votre candidature est de nouveau visible des structures qui recrutent.'],
    ['retirer', retirer, 'Votre candidature est retirée : aucune nouvelle structure ne la verra.'],
  ] as const;
  for (const [path, action, message] of transitions) {
    app.post(`/candidature/profil/${path}`, { config: { access: 'recrutement:candidat' } }, async (request, reply) => {
      const c = await monProfil(request, reply);
      if (!c) return reply;
      try {
        await action(db, actorOf(request), r.appariement, c.id, options());
      } catch (e) {
        if (e instanceof CandidatError) return renderProfil(request, reply, c, e.status, { ...valeursDe(c), errors: { statut: e.message } });
        throw e;
      }
      return reply.flash(message).redirect('/candidature/profil', 303);
    });
  }

  // The CV: multipart in its own scope (src/platform/uploads), the download and the deletion with it.
  void app.register(async (scope) => {
    await enableUploads(scope);

    scope.post('/candidature/profil/cv', { config: { access: 'recrutement:candidat' } }, async (request, reply) => {
      const c = await monProfil(request, reply);
      if (!c) return reply;
      const up = await readUpload(request, { fileField: 'cv', fields: {}, maxBytes: CV_MAX_BYTES });
      if (!up.ok) return renderProfil(request, reply, c, up.status, { ...valeursDe(c), errors: { [up.field === '_form' ? 'cv' : up.field]: up.message } });
      if (!up.file) return renderProfil(request, reply, c, 400, { ...valeursDe(c), errors: { cv: 'Choisissez votre CV, au format PDF.' } });
      try {
        await deposerCv(db, r.storage, { ...actorOf(request), name: `${c.prenom} ${c.nom}` }, c.id, { name: up.file.filename, content: up.file.content });
      } catch (e) {
        if (e instanceof CandidatError) return renderProfil(request, reply, c, e.status, { ...valeursDe(c), errors: { cv: e.message } });
        throw e;
      }
      return reply.flash('Votre CV est déposé. Il sera supprimé automatiquement dans 6 mois.').redirect('/candidature/profil', 303);
    });

    scope.get('/candidature/profil/cv', { config: { access: 'recrutement:candidat' } }, async (request, reply) => {
      const c = await candidatDeCompte(db, request.user!.id);
      const file = c ? await ouvrirCv(db, r.storage, c) : null;
      if (!file) return notFound(request, reply);
      return sendFile(reply, file);
    });

    scope.post('/candidature/profil/cv/supprimer', { config: { access: 'recrutement:candidat' } }, async (request, reply) => {
      const c = await monProfil(request, reply);
      if (!c) return reply;
      const done = await supprimerCv(db, r.storage, actorOf(request), c.id);
      return reply.flash(done ? 'Votre CV est supprimé.' : "Vous n'aviez pas de CV déposé.", done ? 'succes' : 'info').redirect('/candidature/profil', 303);
    });
  });
}

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

export function registerCandidatsOpenApi(): void {
  addApiPaths(
    {
      '/api/v1/candidatures-conseillers': {
        post: {
          tags: ['Recrutement'],
          operationId: 'deposerCandidatureConseiller',
          summary: 'Déposer une candidature de conseiller numérique (public, limité par adresse IP)',
          description:
            "Crée le compte du candidat (invité : il reçoit un courriel pour choisir son mot de passe, puis dépose son CV depuis « Mon profil ») et sa candidature, aussitôt mise en relation avec les structures validées qui recrutent dans son rayon. Une seule candidature par adresse électronique.",
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CandidatureConseiller' } } } },
          responses: {
            '201': {
              description: 'Candidature créée',
              content: { 'application/json': { schema: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid', description: 'Identifiant de la candidature.' } } } } },
            },
            '400': problem('Champ invalide (invalid_params le nomme, avec le nom du champ du corps)'),
            '409': problem('Une candidature ou un compte existe déjà avec cette adresse électronique'),
            '429': problem('Trop de candidatures depuis cette adresse'),
          },
        },
      },
    },
    {
      CandidatureConseiller: {
        type: 'object',
        required: ['prenom', 'nom', 'email', 'telephone', 'commune_insee', 'situations', 'date_disponibilite', 'distance_max_km', 'motivation'],
        properties: {
          prenom: { type: 'string', maxLength: LIMITES.prenom },
          nom: { type: 'string', maxLength: LIMITES.nom },
          email: { type: 'string', format: 'email', maxLength: LIMITES.email },
          telephone: { type: 'string', description: '10 chiffres, ou + et 11 à 12 chiffres (espaces, points et tirets ignorés).' },
          commune_insee: { type: 'string', description: 'Code INSEE de la commune de résidence.' },
          situations: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: Object.keys(SITUATIONS) }, description: 'Au moins une situation.' },
          diplome: { type: 'string', maxLength: LIMITES.diplome, description: 'Le nom du diplôme de médiation numérique : obligatoire avec la situation « diplome ».' },
          date_disponibilite: { type: 'string', format: 'date', description: "Aujourd'hui ou plus tard (Europe/Paris)." },
          distance_max_km: { type: 'integer', enum: [...DISTANCES_KM], description: 'Distance maximale entre la commune et la structure ; 2000 : toute la France.' },
          motivation: { type: 'string', minLength: 1, maxLength: LIMITES.motivation },
          pix_palier: { type: ['integer', 'null'], enum: [1, 2, 3, null], description: 'Facultatif.' },
        },
      },
    },
    { Recrutement: 'Candidatures de conseillers numériques, mises en relation avec les structures, contrats.' },
  );
}
