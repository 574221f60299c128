/** A coordinator's own coordination activities (animation, event, partnership): list, figures, form, deletion. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, notFound } from '../../platform/http.js';
import { isUuid } from '../../platform/ids.js';
import { parisCalendarDate } from '../../platform/paris.js';
import type { FieldErrors, FormValues } from '../../platform/views/components.js';
import { CoordinationError, TYPES_COORDINATION, creerCoordination, listerCoordination, supprimerCoordination } from '../coordination.js';
import { CoordinationPage } from '../views/coordination.js';

const ACCESS = 'recrutement:coordination' as const;

/** The fields the form sends back when it is shown again with errors. */
const CHAMPS = ['type', 'date', 'duree_minutes', 'titre', 'partenaire', 'participants', 'notes'] as const;

export function registerCoordinationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  async function page(request: FastifyRequest, reply: FastifyReply, status = 200, errors?: FieldErrors, values?: FormValues) {
    const today = parisCalendarDate();
    const liste = await listerCoordination(db, request.user!.id, today);
    return reply.html(CoordinationPage({ ctx: request.ctx(), liste, today, errors, values }), status);
  }

  app.get('/coordination', { config: { access: ACCESS } }, async (request, reply) => page(request, reply));

  app.post('/coordination', { config: { access: ACCESS } }, async (request, reply) => {
    const f = formBody(request);
    const saisie = Object.fromEntries(CHAMPS.map((k) => [k, f[k] ?? ''])) as Record<(typeof CHAMPS)[number], string>;
    try {
      const a = await creerCoordination(db, actorOf(request), request.user!.id, saisie, parisCalendarDate());
      const type = TYPES_COORDINATION[a.type as keyof typeof TYPES_COORDINATION] ?? a.type;
      return reply.flash(`L'activité « ${a.titre} » (${type.toLowerCase()}) est enregistrée.`).redirect('/coordination', 303);
    } catch (e) {
      if (e instanceof CoordinationError) return page(request, reply, e.status, e.errors, saisie);
      throw e;
    }
  });

  app.post('/coordination/:id/supprimer', { config: { access: ACCESS } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    if (!isUuid(id)) return notFound(request, reply);
    const gone = await supprimerCoordination(db, actorOf(request), request.user!.id, id);
    if (!gone) return notFound(request, reply);
    return reply.flash("L'activité de coordination est supprimée.").redirect('/coordination', 303);
  });
}
