/** Coverage gaps: the page /couverture and GET /api/v1/couverture?departement=57 (ANCT; a préfecture for its own). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, type Principal } from '../../platform/access.js';
import type { AppDeps } from '../../platform/deps.js';
import { forbidden } from '../../platform/http.js';
import { addApiPaths } from '../../platform/openapi.js';
import type { MoteurLieux } from '../../lieux/recherche.js';
import { departement, departements } from '../../territoires/territoires.js';
import { couvertureDepartement } from '../couverture.js';
import { CouverturePage } from '../views/couverture.js';

type Choix = { ok: true; code: string } | { ok: false; status: 400 | 403; reason: string };

/** The département asked, else the préfecture's own (ANCT: Moselle on the page, a 400 on the API). */
function departementDe(request: FastifyRequest, api: boolean): Choix {
  const user = request.user as Principal;
  const raw = (request.query as Record<string, unknown>).departement;
  const asked = (Array.isArray(raw) ? String(raw[raw.length - 1]) : typeof raw === 'string' ? raw : '').trim().toUpperCase().slice(0, 10);
  const own = user.roles.find((g) => g.role === 'prefecture' && g.departement)?.departement ?? null;
  const code = asked || own || (api ? '' : '57');
  if (!code) return { ok: false, status: 400, reason: 'Précisez le département (departement=57).' };
  if (!departement(code)) return { ok: false, status: 400, reason: `Département inconnu : « ${code} ».` };
  if (!can(user, 'statistiques:couverture', { kind: 'statistiques', echelle: 'departement', code, departements: [code] }))
    return { ok: false, status: 403, reason: "Ce département n'est pas dans vos droits." };
  return { ok: true, code };
}

export function registerCouverture(app: FastifyInstance, deps: AppDeps, moteur: MoteurLieux): void {
  const liste = departements().map((d) => ({ code: d.code, nom: d.nom }));

  app.get('/couverture', { config: { access: 'statistiques:couverture' } }, async (request, reply) => {
    const d = departementDe(request, false);
    const national = can(request.user, 'statistiques:couverture', { kind: 'statistiques', echelle: 'national', code: '', departements: [] });
    if (!d.ok && d.status === 403) return forbidden(request, reply);
    const code = d.ok ? d.code : '57';
    const dep = departement(code)!;
    const page = CouverturePage({ ctx: request.ctx(), departement: { code, nom: dep.nom }, couverture: await couvertureDepartement(moteur, code), choix: national ? liste : null, ...(d.ok ? {} : { erreur: d.reason }) });
    return reply.html(page, d.ok ? 200 : 400);
  });

  app.get('/api/v1/couverture', { config: { access: 'statistiques:couverture' } }, async (request, reply) => {
    const d = departementDe(request, true);
    if (!d.ok) return reply.problem(d.status, d.status === 403 ? 'Accès refusé' : 'Paramètre invalide', d.reason, { invalid_params: [{ name: 'departement', reason: d.reason }] });
    const c = await couvertureDepartement(moteur, d.code);
    return reply.send({
      communes: c.communes.map((x) => ({ insee: x.insee, nom: x.nom, population: x.population, distance_km: x.distance_km })),
      population_au_dela_km: c.population_au_dela_km,
    });
  });

  addApiPaths(
    {
      '/api/v1/couverture': {
        get: {
          tags: ['Statistiques'],
          operationId: 'couverture',
          summary: "Distance de chaque commune d'un département au lieu le plus proche où des conseillers numériques sont présents",
          security: [{ jeton: [] }],
          parameters: [{ name: 'departement', in: 'query', required: true, description: 'Code du département (57) ; une préfecture : le sien par défaut.', schema: { type: 'string', maxLength: 3 } }],
          responses: {
            '200': { description: 'Les communes et la population éloignée', content: { 'application/json': { schema: { $ref: '#/components/schemas/Couverture' } } } },
            '400': { description: 'Département manquant ou inconnu', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
            '401': { description: 'Jeton manquant ou invalide', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
            '403': { description: 'Département hors de vos droits', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
          },
        },
      },
    },
    {
      Couverture: {
        type: 'object',
        required: ['communes', 'population_au_dela_km'],
        properties: {
          communes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['insee', 'nom', 'population', 'distance_km'],
              properties: { insee: { type: 'string' }, nom: { type: 'string' }, population: { type: 'integer' }, distance_km: { type: ['number', 'null'], description: 'À vol d’oiseau, une décimale ; null : aucun lieu à moins de 100 km.' } },
            },
          },
          population_au_dela_km: {
            type: 'object',
            required: ['5', '10', '20'],
            properties: { '5': { type: 'integer' }, '10': { type: 'integer' }, '20': { type: 'integer' } },
          },
        },
      },
    },
  );
}
