/** The public page /statistiques and its open data (JSON, CSV), no sign-in. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.js';
import { csvCell } from '../../platform/exports.js';
import { parisDate } from '../../activites/dates.js';
import { departement, departements } from '../../territoires/territoires.js';
import { lirePubliques, type Publiques } from '../publique.js';
import { PubliquePage } from '../views/publique.js';
import type { MoteurLieux } from '../../lieux/recherche.js';
import { couvertureDepartement } from '../couverture.js';

/** The département asked (?departement=57), null for France, or an error naming the parameter. */
function departementDe(q: unknown): { ok: true; code: string | null } | { ok: false; reason: string } {
  const v = (q as Record<string, unknown>).departement;
  if (v === undefined || v === '') return { ok: true, code: null };
  const s = String(Array.isArray(v) ? v[v.length - 1] : v).trim().toUpperCase().slice(0, 10);
  return departement(s) ? { ok: true, code: s } : { ok: false, reason: `Département inconnu : « ${s} ».` };
}

export function csvPubliques(d: Publiques): string {
  const l: (string | number)[][] = [
    ['Licence', d.licence],
    ['Périmètre', d.perimetre.nom],
    ['Période', `du ${d.periode.du} au ${d.periode.au}`],
    [],
    ['Département', 'Code', 'Activités', 'Accompagnements', 'Personnes', 'Conseillers actifs'],
    ...d.departements.map((x) => [x.nom, x.code, x.activites, x.accompagnements, x.personnes, x.conseillers_actifs]),
    [],
    ['Mois', 'Accompagnements', 'Cumul'],
    ...d.mensuelle.map((m) => [m.mois, m.accompagnements, m.cumul]),
    [],
    ['Thématique', 'Accompagnements', 'Part (%)'],
    ...d.thematiques.map((t) => [t.libelle, t.nombre, t.pourcentage ?? '']),
  ];
  return `\uFEFF${l.map((r) => r.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

export function registerStatistiquesPubliques(app: FastifyInstance, deps: AppDeps, moteur: MoteurLieux): void {
  const liste = departements().map((d) => ({ code: d.code, nom: d.nom }));
  app.get('/statistiques', { config: { access: 'public' } }, async (request, reply) => {
    const d = departementDe(request.query);
    if (!d.ok) return reply.html(PubliquePage({ ctx: request.ctx(), data: await lirePubliques(deps.db, parisDate(new Date())), departementsListe: liste, erreur: d.reason }), 400);
    // A département's page gives the public summary of its coverage (population far from help).
    const c = d.code ? await couvertureDepartement(moteur, d.code) : null;
    const couverture = c ? { population: c.population, auDela: c.population_au_dela_km } : undefined;
    return reply.header('cache-control', 'public, max-age=60').html(PubliquePage({ ctx: request.ctx(), data: await lirePubliques(deps.db, parisDate(new Date()), d.code), departementsListe: liste, ...(couverture ? { couverture } : {}) }));
  });
  app.get('/api/v1/statistiques/publiques', { config: { access: 'public' } }, async (request, reply) => {
    const d = departementDe(request.query);
    if (!d.ok) return reply.problem(400, 'Paramètre invalide', d.reason, { invalid_params: [{ name: 'departement', reason: d.reason }] });
    return reply.header('cache-control', 'public, max-age=60').send(await lirePubliques(deps.db, parisDate(new Date()), d.code));
  });
  app.get('/api/v1/statistiques/publiques.csv', { config: { access: 'public' } }, async (request, reply) => {
    const d = departementDe(request.query);
    if (!d.ok) return reply.problem(400, 'Paramètre invalide', d.reason, { invalid_params: [{ name: 'departement', reason: d.reason }] });
    const data = await lirePubliques(deps.db, parisDate(new Date()), d.code);
    return reply
      .header('content-disposition', `attachment; filename="statistiques-publiques${d.code ? `-${d.code}` : ''}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(csvPubliques(data));
  });
}
