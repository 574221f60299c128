/**
 * The administrators' review list of the likely duplicates held at import: GET shows each pair
 * with a form (no JavaScript needed, CSRF-checked by the platform), POST applies the decision.
 */
import type { FastifyInstance } from 'fastify';
import { actorOf, type AppDeps } from '../platform/deps.js';
import { notFound } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { compterDoublons, deciderDoublon, DECISIONS, listerDoublons, type Decision } from './doublons.js';
import { DoublonsPage } from './views/doublons.js';

const PAGE = 20;

const texte = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 100) : Array.isArray(v) && typeof v[v.length - 1] === 'string' ? String(v[v.length - 1]).trim().slice(0, 100) : '');

export function registerDoublonsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/admin/lieux/doublons', { config: { access: 'lieux:importer' } }, async (request, reply) => {
    const n = Number((request.query as { page?: string }).page);
    const page = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const paires = await listerDoublons(db, { limit: PAGE + 1, offset: (page - 1) * PAGE });
    const total = await compterDoublons(db);
    return reply.html(DoublonsPage({ ctx: request.ctx(), paires: paires.slice(0, PAGE), total, page, hasNext: paires.length > PAGE }));
  });

  app.post('/admin/lieux/doublons/:id', { config: { access: 'lieux:importer' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!isUuid(id)) return notFound(request, reply);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const decision = texte(body.decision);
    if (!(DECISIONS as readonly string[]).includes(decision)) {
      return reply.flash('Choisissez une décision : publier les deux lieux, garder le lieu existant ou garder le nouveau lieu.', 'erreur').redirect('/admin/lieux/doublons', 303);
    }
    const autre = texte(body.autre);
    if (autre && !isUuid(autre)) return reply.flash("La fiche envoyée est incomplète : rechargez la page et recommencez.", 'erreur').redirect('/admin/lieux/doublons', 303);
    const issue = await deciderDoublon(db, actorOf(request), id, decision as Decision, autre || null);
    if (!issue.ok && issue.status === 404) return notFound(request, reply);
    return reply.flash(issue.message, issue.ok ? 'succes' : 'erreur').redirect('/admin/lieux/doublons', 303);
  });
}
