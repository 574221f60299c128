/** Coordinators' teams (pages): ANCT lists coordinators and manages each team; a coordinator reads their own. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, hasRole } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { forbidden, formBody, notFound } from '../../platform/http.js';
import { isUuid } from '../../platform/ids.js';
import { parisCalendarDate } from '../../platform/paris.js';
import type { FieldErrors, FormValues } from '../../platform/views/components.js';
import type { RecrutementContext } from '../context.js';
import { ajouterMembre, EquipeError, equipeDe, getCoordinateur, listerCoordinateurs, terminerMembre, type Coordinateur } from '../equipes.js';
import { EquipePage, EquipesPage } from '../views/equipes.js';

/**
 * Adding members and ending memberships is ANCT's alone. The route table (src/platform/access.test.ts)
 * lists these routes for admin only, and it compares with the roles the declared action allows: the
 * routes therefore declare an ANCT-only action (`recrutement:equipes` also lets coordinators in), and
 * the handlers check the admin role again.
 */
const GERER_EQUIPES = 'recrutement:equipes-gerer' as const;

export function registerEquipesRoutes(app: FastifyInstance, deps: AppDeps, _r: RecrutementContext): void {
  const { db } = deps;

  /** The coordinator named in the address, if the caller may read their team; otherwise a 404 is sent. */
  async function loadCoordinateur(request: FastifyRequest, reply: FastifyReply): Promise<Coordinateur | undefined> {
    const raw = (request.params as { coordinateurId: string }).coordinateurId;
    const id = isUuid(raw) ? raw.toLowerCase() : '';
    const c = id && can(request.user, 'recrutement:equipes', { kind: 'equipe', coordinateurId: id }) ? await getCoordinateur(db, id) : undefined;
    if (!c) notFound(request, reply);
    return c;
  }

  async function page(request: FastifyRequest, reply: FastifyReply, c: Coordinateur, status = 200, errors?: FieldErrors, values?: FormValues) {
    const today = parisCalendarDate();
    const user = request.user!;
    return reply.html(
      EquipePage({ ctx: request.ctx(), coordinateur: c, membres: await equipeDe(db, c.id, today), gestion: hasRole(user, 'admin'), moi: user.id === c.id, today, errors, values }),
      status,
    );
  }

  app.get('/equipes', { config: { access: 'recrutement:equipes' } }, async (request, reply) => {
    const user = request.user!;
    if (!hasRole(user, 'admin')) return reply.redirect(`/equipes/${user.id}`, 303);
    return reply.html(EquipesPage({ ctx: request.ctx(), rows: await listerCoordinateurs(db, parisCalendarDate()) }));
  });

  app.get('/equipes/:coordinateurId', { config: { access: 'recrutement:equipes' } }, async (request, reply) => {
    const c = await loadCoordinateur(request, reply);
    if (!c) return reply;
    return page(request, reply, c);
  });

  app.post('/equipes/:coordinateurId/membres', { config: { access: GERER_EQUIPES } }, async (request, reply) => {
    if (!hasRole(request.user, 'admin')) return forbidden(request, reply);
    const c = await loadCoordinateur(request, reply);
    if (!c) return reply;
    const f = formBody(request);
    try {
      await ajouterMembre(db, actorOf(request), c.id, f, parisCalendarDate());
      return reply.flash("Le membre est ajouté à l'équipe.").redirect(`/equipes/${c.id}`, 303);
    } catch (e) {
      if (e instanceof EquipeError) return page(request, reply, c, e.status, e.errors, f);
      throw e;
    }
  });

  app.post('/equipes/:coordinateurId/membres/:membreId/fin', { config: { access: GERER_EQUIPES } }, async (request, reply) => {
    if (!hasRole(request.user, 'admin')) return forbidden(request, reply);
    const c = await loadCoordinateur(request, reply);
    if (!c) return reply;
    const membreId = (request.params as { membreId: string }).membreId;
    const f = formBody(request);
    try {
      await terminerMembre(db, actorOf(request), c.id, membreId, f.fin, parisCalendarDate());
      return reply.flash("La présence dans l'équipe est terminée.").redirect(`/equipes/${c.id}`, 303);
    } catch (e) {
      if (e instanceof EquipeError) {
        if (e.status === 404) return notFound(request, reply);
        return page(request, reply, c, e.status, e.errors, { [`fin-${membreId.toLowerCase()}`]: f.fin ?? '' });
      }
      throw e;
    }
  });
}
