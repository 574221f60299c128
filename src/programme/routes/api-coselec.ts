/** API: selection committees and envelopes (ANCT), posts per territory. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { isCalendarDate } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { validateDecision } from '../regles.js';
import { getDossierOfStructure, ProgrammeError } from '../dossiers.js';
import { cloturerCoselec, creerCoselec, decisionsDe, enregistrerDecision, getCoselec } from '../coselec.js';
import { definirEnveloppe, EnveloppeDepasseeError, postesDuTerritoire } from '../postes.js';
import { bodyOf, enveloppeProblem, invalid, postesPayload, programmeProblem } from './api-shapes.js';

export function registerCoselecApi(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

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
}
