/**
 * The activities API (bearer token): POST /api/v1/activites (idempotent by the client's UUID), list by
 * keyset, read, PATCH, DELETE, and the conseiller's beneficiaries for the offline form.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type AppDeps } from '../platform/deps.js';
import {
  ActiviteConflict,
  ActiviteInvalid,
  checkActivite,
  conseillerProfile,
  createActivite,
  decodeCursor,
  deleteActivite,
  encodeCursor,
  getOwnActivite,
  listActivites,
  toPayload,
  updateActivite,
  type ActiviteRow,
} from './activites.js';
import { listBeneficiaires } from './beneficiaires.js';
import { systemClock } from './dates.js';
import { invalidParams, parseFilter } from './filtres.js';
import { newActiviteIdError, wrongTypeErrors, type ActivitePayload } from './validation.js';

export function registerActivitesApiRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;
  const clock = systemClock;


  function problemInvalid(reply: FastifyReply, errors: Record<string, string>) {
    const n = Object.keys(errors).length;
    return reply.problem(400, 'Activité invalide', n > 1 ? `${n} champs sont invalides.` : 'Un champ est invalide.', { invalid_params: invalidParams(errors) });
  }

  app.post('/api/v1/activites', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    // The offline queue names the user who saved the entry: never record it under another session.
    const owner = request.headers['x-cn-utilisateur'];
    if (owner !== undefined && owner !== request.user!.id)
      return reply.problem(403, 'Activité saisie par une autre personne', "Cette activité a été saisie hors ligne par un autre utilisateur de cet appareil : elle sera envoyée quand il se reconnectera.");
    const profile = await conseillerProfile(db, request.user!);
    const body = request.body;
    try {
      // A new activity is named by the client: only a random or time-ordered UUID (stored ones keep theirs).
      const idError = body && typeof body === 'object' && !Array.isArray(body) ? newActiviteIdError((body as { id?: unknown }).id) : null;
      let v: ActivitePayload;
      try {
        v = await checkActivite(db, profile, body, clock);
      } catch (e) {
        if (e instanceof ActiviteInvalid && idError) throw new ActiviteInvalid({ ...e.errors, id: idError });
        throw e;
      }
      if (idError) throw new ActiviteInvalid({ id: idError });
      const r = await createActivite(db, actorOf(request), profile, v);
      if (r.created) reply.header('location', `/api/v1/activites/${r.row.id}`);
      return reply.code(r.created ? 201 : 200).send(toPayload(r.row));
    } catch (e) {
      if (e instanceof ActiviteInvalid) return problemInvalid(reply, e.errors);
      if (e instanceof ActiviteConflict) return reply.problem(409, 'Identifiant déjà utilisé', e.message, { invalid_params: [{ name: 'id', reason: e.message }] });
      throw e;
    }
  });

  app.get('/api/v1/activites', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const { filter, errors } = parseFilter(q);
    let limit = 100;
    if (q.limite !== undefined) {
      const n = Number(q.limite);
      if (!Number.isInteger(n) || n < 1 || n > 1000) errors.limite = 'La limite doit être un entier entre 1 et 1000.';
      else limit = n;
    }
    const after = q.curseur === undefined ? null : decodeCursor(q.curseur);
    if (q.curseur !== undefined && !after) errors.curseur = 'Curseur invalide : reprenez la valeur curseur_suivant de la page précédente.';
    if (Object.keys(errors).length) return reply.problem(400, 'Paramètres invalides', undefined, { invalid_params: invalidParams(errors) });
    const rows = await listActivites(db, request.user!.id, filter, after, limit + 1);
    const page = rows.slice(0, limit);
    return reply.send({ activites: page.map(toPayload), curseur_suivant: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null });
  });

  async function ownForApi(request: FastifyRequest, reply: FastifyReply): Promise<ActiviteRow | undefined> {
    const row = await getOwnActivite(db, request.user!.id, (request.params as { id: string }).id);
    if (!row) reply.problem(404, 'Activité introuvable', "Aucune de vos activités n'a cet identifiant.");
    return row;
  }

  app.get('/api/v1/activites/:id', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const row = await ownForApi(request, reply);
    if (!row) return reply;
    return reply.send(toPayload(row));
  });

  app.patch('/api/v1/activites/:id', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const row = await ownForApi(request, reply);
    if (!row) return reply;
    const patch = request.body;
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return problemInvalid(reply, { body: 'Le corps de la requête doit être un objet JSON avec les champs à modifier.' });
    const p = patch as Record<string, unknown>;
    const typeErrors = wrongTypeErrors(p);
    if (Object.keys(typeErrors).length) return problemInvalid(reply, typeErrors);
    if (p.id !== undefined && (typeof p.id !== 'string' || p.id.toLowerCase() !== row.id))
      return problemInvalid(reply, { id: "L'identifiant d'une activité ne se modifie pas." });
    const { created_at: _c, updated_at: _u, ...current } = toPayload(row);
    const merged: Record<string, unknown> = { ...current, ...p, id: row.id };
    // becoming a workshop: the one person's description gives way to the workshop's counts
    if (merged.type === 'collectif' && !('personne' in p)) delete merged.personne;
    try {
      const profile = await conseillerProfile(db, request.user!);
      const v = await checkActivite(db, profile, merged, clock, row.beneficiaireId);
      return reply.send(toPayload(await updateActivite(db, actorOf(request), profile, v)));
    } catch (e) {
      if (e instanceof ActiviteInvalid) return problemInvalid(reply, e.errors);
      if (e instanceof ActiviteConflict) return reply.problem(404, 'Activité introuvable', e.message);
      throw e;
    }
  });

  app.delete('/api/v1/activites/:id', { config: { access: 'activites:saisir' } }, async (request, reply) => {
    const row = await ownForApi(request, reply);
    if (!row) return reply;
    await deleteActivite(db, actorOf(request), request.user!.id, row.id);
    return reply.code(204).send();
  });

  app.get('/api/v1/beneficiaires', { config: { access: 'beneficiaires:gerer' } }, async (request, reply) => {
    const rows = await listBeneficiaires(db, request.user!.id, '', 1000);
    return reply.send({
      beneficiaires: rows.map((b) => ({ id: b.id, prenom: b.prenom, nom: b.nom, annee_naissance: b.anneeNaissance, commune_insee: b.communeInsee })),
    });
  });
}
