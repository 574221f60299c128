/** The table of agreements (national for Banque and ANCT, a département for a préfecture) and its exports. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import type { AppDeps } from '../../platform/deps.js';
import { sendTable } from '../../platform/exports.js';
import { departement, region } from '../../territoires/territoires.js';
import { ETATS_DOSSIER, STATUTS_CONVENTION } from '../regles.js';
import { conventionsScope } from '../policy.js';
import { lignesExport, listeConventions, tableauParTerritoire, type FiltresConventions, type Regroupement } from '../lecture.js';
import { TableauPage } from '../views/tableau.js';

const PAGE = 50;

/** The filters from the query string, each checked against its list (anything else is ignored). */
export function filtresDe(request: FastifyRequest): { f: FiltresConventions; values: Record<string, string>; query: string } {
  const q = request.query as Record<string, unknown>;
  const s = (k: string, max = 100) => (typeof q[k] === 'string' ? (q[k] as string).trim().slice(0, max) : '');
  const values: Record<string, string> = {};
  const f: FiltresConventions = {};
  const reg = s('region', 3);
  if (reg && region(reg)) f.region = values.region = reg;
  const dep = s('departement', 3).toUpperCase();
  if (dep && departement(dep)) f.departement = values.departement = dep;
  const statut = s('statut', 40);
  if (Object.hasOwn(STATUTS_CONVENTION, statut)) f.statut = values.statut = statut;
  const etat = s('etat', 40);
  if (Object.hasOwn(ETATS_DOSSIER, etat)) f.etat = values.etat = etat;
  if (s('alerte') === 'oui') {
    f.alerte = true;
    values.alerte = 'oui';
  }
  const text = s('q');
  if (text) f.q = values.q = text;
  return { f, values, query: new URLSearchParams(values).toString() };
}

export function registerTableauRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/conventions', { config: { access: 'conventions:lister' } }, async (request, reply) => {
    const scope = conventionsScope(request.user);
    const { f, values, query } = filtresDe(request);
    const q = request.query as Record<string, unknown>;
    const asked = typeof q.par === 'string' ? q.par : '';
    const par: Regroupement = asked === 'region' || asked === 'departement' || asked === 'structure' ? asked : scope.all ? 'region' : 'structure';
    const effective: Regroupement = !scope.all && par === 'region' ? 'departement' : par;
    const pageNo = Math.max(1, Math.min(10_000, Number.parseInt(typeof q.page === 'string' ? q.page : '1', 10) || 1));
    const common = { ctx: request.ctx(), par: effective, values, query, national: scope.all, peutRegimes: can(request.user, 'conventions:regimes') };
    if (effective === 'structure') {
      const { lignes, total } = await listeConventions(db, scope, f, { limit: PAGE, offset: (pageNo - 1) * PAGE });
      return reply.html(TableauPage({ ...common, conventions: lignes, total, page: pageNo, pages: Math.max(1, Math.ceil(total.conventions / PAGE)) }));
    }
    const { lignes, total } = await tableauParTerritoire(db, scope, f, effective);
    return reply.html(TableauPage({ ...common, groupes: lignes, total, page: 1, pages: 1 }));
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/conventions/export.${format}`, { config: { access: 'conventions:lister' } }, async (request, reply) => {
      const { f } = filtresDe(request);
      return sendTable(reply, { format, filename: 'conventions', sheet: 'Conventions', rows: lignesExport(db, conventionsScope(request.user), f, format) });
    });
  }
}
