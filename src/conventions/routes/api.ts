/** The agreements' API (bearer tokens, problem+json): paths and fields as the issue fixed them. Amounts are integers in euro cents. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { notFound } from '../../platform/http.js';
import { getDossierOfStructure } from '../../programme/dossiers.js';
import { validateVersement } from '../regles.js';
import { conventionCourante, conventionsDeStructure, enregistrerVersement, postesDe, valider, type Convention, type Poste } from '../conventions.js';
import { ConventionsError, getRegime } from '../regimes.js';
import { loadConvention, resourceOf } from './shared.js';
import { registerConventionsOpenApi } from './openapi.js';

export function conventionPayload(c: Convention, regime: string) {
  return {
    id: c.id,
    numero: c.numero,
    regime,
    regime_id: c.regimeId,
    statut: c.statut,
    etat: c.etat,
    postes: c.postes,
    montant_centimes: c.montantCentimes,
    date_debut: c.dateDebut,
    date_fin: c.dateFin,
    verse_centimes: c.verseCentimes,
    justifie_centimes: c.justifieCentimes,
    a_reverser_centimes: c.aReverserCentimes,
    prioritaire: c.prioritaire,
    alertes: c.alertes,
    calcule_au: c.calculeAu,
    precedente_id: c.precedenteId,
  };
}

export const postePayload = (p: Poste) => ({ numero: p.numero, etat: p.etat, depuis: p.depuis, titulaire: p.titulaire, justifie_centimes: p.justifieCentimes });

const body = (request: FastifyRequest) => (request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {});

function problemOf(reply: FastifyReply, e: ConventionsError): FastifyReply {
  const title = e.status === 404 ? 'Introuvable' : e.status === 409 ? 'Conflit' : 'Requête invalide';
  return reply.problem(e.status, title, e.message, { invalid_params: [{ name: e.field, reason: e.message }] });
}

export function registerConventionsApi(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;
  registerConventionsOpenApi();

  /** The structure named in the URL, if the caller may read its agreements (404 otherwise). */
  async function structureLisible(request: FastifyRequest, reply: FastifyReply): Promise<string | undefined> {
    const id = (request.params as { id: string }).id;
    const d = await getDossierOfStructure(db, id);
    if (!d || !can(request.user, 'conventions:consulter', resourceOf({ structureId: d.structureId, departement: d.departement }))) {
      notFound(request, reply);
      return undefined;
    }
    return d.structureId;
  }

  app.get('/api/v1/structures/:id/conventions', { config: { access: 'conventions:consulter' } }, async (request, reply) => {
    const id = await structureLisible(request, reply);
    if (!id) return reply;
    const list = await conventionsDeStructure(db, id);
    const noms = new Map<string, string>();
    for (const c of list) if (!noms.has(c.regimeId)) noms.set(c.regimeId, (await getRegime(db, c.regimeId))?.nom ?? '');
    return reply.send(list.map((c) => conventionPayload(c, noms.get(c.regimeId)!)));
  });

  app.get('/api/v1/structures/:id/postes', { config: { access: 'conventions:consulter' } }, async (request, reply) => {
    const id = await structureLisible(request, reply);
    if (!id) return reply;
    const c = conventionCourante(await conventionsDeStructure(db, id));
    return reply.send(c ? (await postesDe(db, c.id)).map(postePayload) : []);
  });

  app.get('/api/v1/conventions/:id', { config: { access: 'conventions:consulter' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:consulter');
    if (!c) return reply;
    return reply.send({ ...conventionPayload(c, (await getRegime(db, c.regimeId))?.nom ?? ''), structure_id: c.structureId, nom: c.nom, postes_detail: (await postesDe(db, c.id)).map(postePayload) });
  });

  app.post('/api/v1/conventions/:id/validation', { config: { access: 'conventions:instruire' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:instruire');
    if (!c) return reply;
    try {
      const after = await valider(db, actorOf(request), c.id, deps.notifier);
      return reply.send(conventionPayload(after, (await getRegime(db, after.regimeId))?.nom ?? ''));
    } catch (e) {
      if (e instanceof ConventionsError) return problemOf(reply, e);
      throw e;
    }
  });

  app.post('/api/v1/conventions/:id/versements', { config: { access: 'conventions:instruire' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:instruire');
    if (!c) return reply;
    const b = body(request);
    const v = validateVersement({ date: b.date, montantCentimes: b.montant_centimes, reference: b.reference });
    if (!v.ok) {
      return reply.problem(400, 'Versement invalide', Object.values(v.errors).join(' '), { invalid_params: Object.entries(v.errors).map(([name, reason]) => ({ name, reason })) });
    }
    try {
      const { convention, versement } = await enregistrerVersement(db, actorOf(request), c.id, v.value, deps.notifier);
      reply.header('location', `/api/v1/conventions/${c.id}`);
      return reply.code(201).send({
        id: versement.id,
        date: versement.date,
        montant_centimes: versement.montantCentimes,
        reference: versement.reference,
        convention: conventionPayload(convention, (await getRegime(db, convention.regimeId))?.nom ?? ''),
      });
    } catch (e) {
      if (e instanceof ConventionsError) return problemOf(reply, e);
      throw e;
    }
  });
}
