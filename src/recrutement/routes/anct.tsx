/** ANCT validates recruitments and ruptures. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { parisCalendarDate } from '../../platform/paris.js';
import type { RecrutementContext } from '../context.js';
import { fileAnct } from '../lecture.js';
import { RecrutementError, validerRecrutement, validerRupture } from '../recrutement.js';
import { FileAnctPage } from '../views/anct.js';

export function registerAnctRoutes(app: FastifyInstance, deps: AppDeps, r: RecrutementContext): void {
  const { db } = deps;

  async function page(request: FastifyRequest, reply: FastifyReply, errors?: Record<string, string>, status = 200) {
    const f = await fileAnct(db);
    return reply.html(FileAnctPage({ ctx: request.ctx(), ...f, ...(errors ? { errors } : {}) }), status);
  }

  app.get('/admin/recrutements', { config: { access: 'recrutement:valider' } }, async (request, reply) => page(request, reply));

  async function act(request: FastifyRequest, reply: FastifyReply, run: () => Promise<string>) {
    try {
      return reply.flash(await run()).redirect('/admin/recrutements', 303);
    } catch (e) {
      if (!(e instanceof RecrutementError)) throw e;
      return page(request, reply, { [e.field]: e.message }, e.status);
    }
  }

  app.post('/recrutement/:id/validation', { config: { access: 'recrutement:valider' } }, async (request, reply) =>
    act(request, reply, async () => {
      await validerRecrutement(db, actorOf(request), deps.notifier, (request.params as { id: string }).id);
      return 'Recrutement validé : le conseiller a son accès à la structure.';
    }),
  );

  app.post('/recrutement/:id/rupture/validation', { config: { access: 'recrutement:valider' } }, async (request, reply) =>
    act(request, reply, async () => {
      await validerRupture(db, actorOf(request), deps.notifier, r.appariement, (request.params as { id: string }).id, parisCalendarDate());
      return 'Rupture validée : le poste redevient vacant.';
    }),
  );
}
