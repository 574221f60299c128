/** The compliance dashboard (scoped: national, a département, a structure, a coordinator's team) and its CSV / XLSX exports. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps.js';
import { sendTable } from '../../platform/exports.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { departement as departementDe, departements } from '../../territoires/territoires.js';
import { STATUTS_MODULE, STATUTS_PARCOURS, type StatutModule, type StatutParcours } from '../regles.js';
import { formationScope } from '../policy.js';
import { compter, lignesExport, lignesSuivi, type FiltresSuivi } from '../lecture.js';
import { SuiviPage } from '../views/suivi.js';

/** The filters from the query string, each checked against its list (anything else is ignored). */
export function filtresDe(request: FastifyRequest): { f: FiltresSuivi; values: Record<string, string>; query: string } {
  const q = request.query as Record<string, unknown>;
  const s = (k: string, max = 100) => (typeof q[k] === 'string' ? (q[k] as string).trim().slice(0, max) : '');
  const values: Record<string, string> = {};
  const f: FiltresSuivi = {};
  const statut = s('statut', 20);
  if (Object.hasOwn(STATUTS_PARCOURS, statut)) f.statut = (values.statut = statut) as StatutParcours;
  const module = s('module', 20);
  if (Object.hasOwn(STATUTS_MODULE, module)) f.module = (values.module = module) as StatutModule;
  const certifie = s('certifie', 3);
  if (certifie === 'oui' || certifie === 'non') {
    f.certifie = certifie === 'oui';
    values.certifie = certifie;
  }
  const dep = s('departement', 3).toUpperCase();
  if (dep && departementDe(dep)) f.departement = values.departement = dep;
  const text = s('q');
  if (text) f.q = values.q = text;
  return { f, values, query: new URLSearchParams(values).toString() };
}

export function registerSuiviRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/formation/suivi', { config: { access: 'formation:suivi' } }, async (request, reply) => {
    const today = parisCalendarDate();
    const scope = formationScope(request.user);
    const { f, values, query } = filtresDe(request);
    const lignes = await lignesSuivi(db, scope, f, today);
    // The figures count the scope with the other filters, whatever the status chosen.
    const total = f.statut ? compter(await lignesSuivi(db, scope, { ...f, statut: undefined } as FiltresSuivi, today)) : compter(lignes);
    const deps_ = scope.all ? departements().map((d) => ({ code: d.code, nom: d.nom })) : scope.departements.map((c) => ({ code: c, nom: departementDe(c)?.nom ?? c }));
    return reply.html(SuiviPage({ ctx: request.ctx(), lignes, total, values, query, annee: Number(today.slice(0, 4)), departements: deps_ }));
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/formation/suivi/export.${format}`, { config: { access: 'formation:suivi' } }, async (request, reply) => {
      const { f } = filtresDe(request);
      return sendTable(reply, { format, filename: 'suivi-formation', sheet: 'Formation', rows: lignesExport(db, formationScope(request.user), f, parisCalendarDate()) });
    });
  }
}
