/** Costs per conseiller (Banque des Territoires, ANCT) and the levels → hours table (ANCT). */
import type { FastifyInstance } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody } from '../../platform/http.js';
import { sendTable } from '../../platform/exports.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { validateBareme } from '../regles.js';
import { enregistrerBareme, lireBareme } from '../formation.js';
import { lignesCouts } from '../lecture.js';
import { formationScope } from '../policy.js';
import { BaremePage, CoutsPage } from '../views/couts.js';

export function registerCoutsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/formation/couts', { config: { access: 'formation:couts' } }, async (request, reply) => reply.html(CoutsPage({ ctx: request.ctx(), lignes: await lignesCouts(db, formationScope(request.user), parisCalendarDate()) })));

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/formation/couts/export.${format}`, { config: { access: 'formation:couts' } }, async (request, reply) => {
      const lignes = await lignesCouts(db, formationScope(request.user), parisCalendarDate());
      async function* rows(): AsyncIterable<(string | number)[]> {
        yield ['Conseiller', 'Structure', 'Organismes', 'Heures réalisées', 'Coût (€)'];
        for (const l of lignes) yield [l.nom, l.structure, l.organismes, l.heures, (l.coutCentimes / 100).toFixed(2).replace('.', ',')];
      }
      return sendTable(reply, { format, filename: 'couts-formation', sheet: 'Coûts', rows: rows() });
    });
  }

  app.get('/formation/bareme', { config: { access: 'formation:catalogue-gerer' } }, async (request, reply) => reply.html(BaremePage({ ctx: request.ctx(), bareme: await lireBareme(db) })));

  app.post('/formation/bareme', { config: { access: 'formation:catalogue-gerer' } }, async (request, reply) => {
    const f = formBody(request);
    const v = validateBareme(f);
    if (!v.ok) return reply.html(BaremePage({ ctx: request.ctx(), bareme: await lireBareme(db), values: f, errors: v.errors }), 400);
    await enregistrerBareme(db, actorOf(request), v.value);
    return reply.flash('Barème enregistré : il vaut pour les prochains positionnements.').redirect('/formation/bareme', 303);
  });
}
