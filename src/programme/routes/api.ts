/** The programme's API (bearer tokens; the application is public): paths and fields as the issue fixed them. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { clientIp, isCalendarDate } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { enforceRateLimit } from '../../platform/rate-limit/guard.js';
import { validateAvis, validateCandidature, validateDecision, STATUTS, type Statut } from '../regles.js';
import { deposerCandidature, donnerAvisPrefet, DossierExistantError, getDossier, getDossierOfStructure, historique, ProgrammeError, type Dossier } from '../dossiers.js';
import { avenantsDe, avisAvenant, deciderAvenant, demanderAvenant, getAvenant, type Avenant } from '../avenants.js';
import { cloturerCoselec, creerCoselec, decisionsDe, enregistrerDecision, getCoselec } from '../coselec.js';
import { definirEnveloppe, EnveloppeDepasseeError, postesDuTerritoire, type LignePostes } from '../postes.js';
import { formName, CANDIDATURE_LIMIT_PER_IP } from './candidature.js';
import { loadDossier, resourceOf } from './shared.js';
import { registerProgrammeOpenApi } from './openapi.js';

type Body = Record<string, unknown>;
const bodyOf = (request: FastifyRequest): Body => (request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Body) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function invalid(reply: FastifyReply, errors: Record<string, string | undefined>, status = 400, title = 'Requête invalide') {
  const params = Object.entries(errors)
    .filter(([, m]) => m)
    .map(([name, reason]) => ({ name, reason }));
  return reply.problem(status, title, params.map((p) => p.reason).join(' '), { invalid_params: params });
}

function programmeProblem(reply: FastifyReply, e: ProgrammeError) {
  const title = e.status === 404 ? 'Ressource introuvable' : e.status === 409 ? 'Conflit avec l’état du dossier' : 'Requête invalide';
  return reply.problem(e.status, title, e.message, { invalid_params: [{ name: e.field, reason: e.message }] });
}

function enveloppeProblem(reply: FastifyReply, e: EnveloppeDepasseeError) {
  return reply.problem(409, 'Enveloppe dépassée', e.message, {
    invalid_params: [{ name: 'derogation', reason: 'Une enveloppe serait dépassée : donnez une dérogation motivée ou modifiez les décisions.' }],
    depassements: e.depassements.map((d) => ({ territoire: d.code, libelle: d.libelle, enveloppe: d.enveloppe, postes_avant: d.avant, postes_apres: d.apres, dossiers: d.dossiers })),
  });
}

export function avenantPayload(a: Avenant) {
  return {
    id: a.id,
    type: a.type,
    postes: a.postesDemandes,
    postes_avant: a.postesAvant,
    motif: a.motif,
    temps_coordinateur: a.tempsCoordinateur,
    statut: a.statut,
    avis_prefet: a.avisPrefet ? { avis: a.avisPrefet, commentaire: a.avisCommentaire, date: a.avisLe?.toISOString() ?? null } : null,
    postes_accordes: a.postesAccordes,
    refus: a.refus,
    decide_le: a.decideLe?.toISOString() ?? null,
    cree_le: a.createdAt.toISOString(),
  };
}

export async function dossierPayload(db: AppDeps['db'], d: Dossier) {
  const [events, avenants] = await Promise.all([historique(db, d.id), avenantsDe(db, d.id)]);
  return {
    id: d.structureId,
    dossier_id: d.id,
    numero: d.numero,
    statut: d.statut,
    statut_libelle: STATUTS[d.statut as Statut] ?? d.statut,
    nom: d.nom,
    siret: d.siret,
    type: d.type,
    commune_insee: d.communeInsee,
    departement: d.departement,
    postes_souhaites: d.postesSouhaites,
    postes_valides: d.postesValides,
    date_debut: d.dateDebut,
    prioritaire: d.prioritaire,
    avis_prefet: d.avisPrefet ? { avis: d.avisPrefet, commentaire: d.avisCommentaire, date: d.avisLe?.toISOString() ?? null, par: d.avisPar } : null,
    historique: events.map((e) => ({ date: e.le.toISOString(), type: e.type, resume: e.resume, acteur: e.acteur })),
    avenants: avenants.map(avenantPayload),
    depose_le: d.createdAt.toISOString(),
  };
}

const postesPayload = (l: LignePostes) => ({
  code: l.code,
  libelle: l.libelle,
  enveloppe: l.enveloppe,
  postes_valides: l.postesValides,
  postes_occupes: l.postesOccupes,
  postes_vacants: l.postesVacants,
  dossiers_en_attente: l.dossiersEnAttente,
});

export function registerProgrammeApi(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;
  registerProgrammeOpenApi();

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

  app.post('/api/v1/coselec', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const date = bodyOf(request).date;
    if (!isCalendarDate(date)) return invalid(reply, { date: 'Donnez la date du comité au format AAAA-MM-JJ.' });
    const c = await creerCoselec(db, actorOf(request), date);
    return reply.code(201).send({ id: c.id, numero: c.numero, date: c.date, statut: c.statut });
  });

  app.post('/api/v1/coselec/:id/decisions', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const b = bodyOf(request);
    const v = validateDecision(b.avis, b.postes, b.observation);
    if (!v.ok) return invalid(reply, v.errors);
    const d = typeof b.structure_id === 'string' ? await getDossierOfStructure(db, b.structure_id) : undefined;
    if (!d) return invalid(reply, { structure_id: 'Aucun dossier pour cette structure.' }, 404, 'Ressource introuvable');
    try {
      const row = await enregistrerDecision(db, actorOf(request), (request.params as { id: string }).id, d.id, { avis: v.avis, postes: v.postes, observation: v.observation, ...(typeof b.prioritaire === 'boolean' ? { prioritaire: b.prioritaire } : {}) });
      return reply.code(201).send({ id: row.id, coselec_id: row.coselecId, structure_id: d.structureId, avis: row.avis, postes: row.postes, observation: row.observation, en_vigueur: false });
    } catch (e) {
      if (e instanceof ProgrammeError) return programmeProblem(reply, e);
      throw e;
    }
  });

  app.post('/api/v1/coselec/:id/cloture', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const b = bodyOf(request);
    if (b.derogation !== undefined && b.derogation !== null && typeof b.derogation !== 'string') return invalid(reply, { derogation: 'La dérogation est un texte.' });
    try {
      const r = await cloturerCoselec(db, actorOf(request), (request.params as { id: string }).id, { derogation: (b.derogation as string | undefined) ?? null });
      return reply.send({ id: r.coselec.id, numero: r.coselec.numero, statut: r.coselec.statut, decisions: r.decisions, derogation: r.coselec.derogation, cloture_le: r.coselec.clotureLe?.toISOString() ?? null });
    } catch (e) {
      if (e instanceof EnveloppeDepasseeError) return enveloppeProblem(reply, e);
      if (e instanceof ProgrammeError) return programmeProblem(reply, e);
      throw e;
    }
  });

  app.get('/api/v1/coselec/:id', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const c = await getCoselec(db, (request.params as { id: string }).id);
    if (!c) return reply.problem(404, 'Ressource introuvable', 'Aucun comité de sélection ne porte cet identifiant.');
    const lignes = await decisionsDe(db, c.id);
    return reply.send({
      id: c.id,
      numero: c.numero,
      date: c.date,
      statut: c.statut,
      derogation: c.derogation,
      cloture_le: c.clotureLe?.toISOString() ?? null,
      decisions: lignes.map(({ decision, dossier }) => ({ structure_id: dossier.structureId, numero: dossier.numero, nom: dossier.nom, avis: decision.avis, postes: decision.postes, observation: decision.observation })),
    });
  });

  const code = (request: FastifyRequest) => String((request.params as { code: string }).code ?? '').toUpperCase();

  app.get('/api/v1/departements/:code/postes', { config: { access: 'programme:postes' } }, async (request, reply) => {
    const c = code(request);
    if (!can(request.user, 'programme:postes', { kind: 'territoire', code: c })) return reply.problem(404, 'Ressource introuvable', 'Département inconnu ou hors de vos droits.');
    const l = await postesDuTerritoire(db, c);
    if (!l) return reply.problem(404, 'Ressource introuvable', 'Département inconnu.');
    return reply.send(postesPayload(l));
  });

  app.put('/api/v1/departements/:code/enveloppe', { config: { access: 'programme:enveloppes' } }, async (request, reply) => {
    const b = bodyOf(request);
    const postes = b.postes;
    if (typeof postes !== 'number' || !Number.isInteger(postes) || postes < 0) return invalid(reply, { postes: "L'enveloppe est un nombre entier de postes, 0 ou plus." });
    const date = b.date === undefined ? parisCalendarDate() : b.date;
    if (!isCalendarDate(date)) return invalid(reply, { date: 'Date de la vague au format AAAA-MM-JJ.' });
    if (b.libelle !== undefined && typeof b.libelle !== 'string') return invalid(reply, { libelle: 'Le libellé est un texte.' });
    try {
      await definirEnveloppe(db, actorOf(request), code(request), postes, { date, libelle: (b.libelle as string | undefined) ?? null });
      return reply.send(postesPayload((await postesDuTerritoire(db, code(request)))!));
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
