import type { FastifyInstance } from 'fastify';
import { actorOf, type AppDeps } from '../deps.js';
import { notFound } from '../http.js';
import { recordAudit } from '../../audit/audit.js';
import { countJobs, findJob, listJobs, purgeFinishedJobs, retryJob, scheduleViews } from './jobs.js';
import { TachesPage } from './views/taches.js';

/** The admin page of background jobs, and the platform's own housekeeping job. */
export function registerJobsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, jobs: registry } = deps;

  registry.define('taches.nettoyage', {
    label: 'Nettoyage des tâches terminées (plus de 30 jours)',
    handler: async (_p, ctx) => {
      const n = await purgeFinishedJobs(ctx.db, ctx.now);
      ctx.log.info({ purged: n }, 'finished jobs purged');
    },
  });
  registry.schedule({ name: 'taches-nettoyage', label: 'Nettoyage des tâches terminées', kind: 'taches.nettoyage', every: 'daily', at: '04:10' });

  app.get('/admin/taches', { config: { access: 'taches:gerer' } }, async (request, reply) => {
    const [counts, en_attente, en_cours, echec, schedules] = await Promise.all([
      countJobs(db),
      listJobs(db, 'en_attente', 100),
      listJobs(db, 'en_cours', 100),
      listJobs(db, 'echec', 100),
      scheduleViews(db, registry),
    ]);
    return reply.html(TachesPage({ ctx: request.ctx(), registry, counts, lists: { en_attente, en_cours, echec }, schedules }));
  });

  app.post<{ Params: { id: string } }>('/admin/taches/:id/relancer', { config: { access: 'taches:gerer' } }, async (request, reply) => {
    const id = Number(request.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) return notFound(request, reply);
    const job = await findJob(db, id);
    if (!job) return notFound(request, reply);
    const ok = await db.transaction(async (tx) => {
      const done = await retryJob(tx, id);
      if (done)
        await recordAudit(tx, actorOf(request), {
          action: 'tache.relancee',
          objectType: 'tache',
          objectId: String(id),
          summary: `Tâche n° ${id} (${registry.label(job.kind)}) relancée`,
        });
      return done;
    });
    registry.wake();
    return reply
      .flash(ok ? `La tâche n° ${id} est relancée.` : `La tâche n° ${id} n'est pas en échec : rien à relancer.`, ok ? 'succes' : 'info')
      .redirect('/admin/taches', 303);
  });
}
