/** API: the candidate's application (public, rate-limited), the twin of the public form. */
import type { FastifyInstance } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { enforceRateLimit } from '../../platform/rate-limit/guard.js';
import { commune } from '../../territoires/territoires.js';
import type { RecrutementContext } from '../context.js';
import { validateCandidat } from '../regles.js';
import { CandidatError, CandidatExistantError, creerCandidat } from '../candidats.js';
import { rateRule, registerCandidatsOpenApi } from './candidats.js';

export function registerCandidatsApi(app: FastifyInstance, deps: AppDeps, r: RecrutementContext): void {
  const { db } = deps;
  const options = () => ({ notifier: deps.notifier });


  app.post('/api/v1/candidatures-conseillers', { config: { access: 'public', publicJson: true } }, async (request, reply) => {
    const refused = await enforceRateLimit(request, reply, db, [rateRule(request)]);
    if (refused) return refused;
    const b = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
    const text = (x: unknown) => (typeof x === 'string' ? x : '');
    const v = validateCandidat(
      {
        prenom: text(b.prenom),
        nom: text(b.nom),
        email: text(b.email),
        telephone: text(b.telephone),
        commune_insee: text(b.commune_insee),
        // An array of strings, nothing else.
        situations: Array.isArray(b.situations) ? b.situations : [null],
        diplome: b.diplome === null ? undefined : text(b.diplome),
        date_disponibilite: text(b.date_disponibilite),
        distance_max_km: typeof b.distance_max_km === 'number' ? b.distance_max_km : NaN,
        motivation: text(b.motivation),
        pix_palier: b.pix_palier === undefined || b.pix_palier === null ? undefined : typeof b.pix_palier === 'number' ? b.pix_palier : NaN,
      },
      parisCalendarDate(),
      (insee) => commune(insee) !== undefined,
    );
    if (!v.ok) {
      const params = Object.entries(v.errors).map(([name, reason]) => ({ name, reason }));
      return reply.problem(400, 'Candidature invalide', params.map((p) => p.reason).join(' '), { invalid_params: params });
    }
    try {
      const c = await creerCandidat(db, actorOf(request), r.appariement, v.value, options());
      return reply.code(201).send({ id: c.id });
    } catch (e) {
      if (e instanceof CandidatExistantError) {
        return reply.problem(409, 'Candidature existante', 'Une candidature ou un compte existe déjà avec cette adresse électronique : la personne se connecte pour retrouver sa candidature.', {
          invalid_params: [{ name: 'email', reason: 'Une candidature ou un compte existe déjà avec cette adresse électronique.' }],
        });
      }
      if (e instanceof CandidatError) return reply.problem(e.status, 'Candidature invalide', e.message, { invalid_params: [{ name: e.field, reason: e.message }] });
      throw e;
    }
  });

  registerCandidatsOpenApi();
}
