/** Conseillers' records (ANCT nationally, a préfecture its département, a structure its own) and their exports. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import type { AppDeps } from '../../platform/deps.js';
import { notFound } from '../../platform/http.js';
import { isUuid } from '../../platform/ids.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { sendTable } from '../../platform/exports.js';
import { departement as departementOf } from '../../territoires/territoires.js';
import { conseillers, dossierConseiller, type LigneConseiller } from '../lecture.js';
import { conseillerScope } from '../policy.js';
import { formatEuros, TYPES_CONTRAT } from '../regles.js';
import { ConseillerPage, ConseillersPage, STATUTS_CONSEILLER } from '../views/conseillers.js';
import { fr } from '../views/format.js';

const PAGE_SIZE = 50;

function filtresOf(request: FastifyRequest) {
  const q = request.query as Record<string, unknown>;
  const get = (k: string, max = 100) => (typeof q[k] === 'string' ? (q[k] as string).trim().slice(0, max) : '');
  const raw = { q: get('q'), statut: get('statut', 10), departement: get('departement', 3).toUpperCase() };
  const f = { q: raw.q || undefined, statut: Object.hasOwn(STATUTS_CONSEILLER, raw.statut) ? raw.statut : undefined, departement: departementOf(raw.departement) ? raw.departement : undefined };
  const params = new URLSearchParams(Object.entries(raw).filter(([, v]) => v));
  return { f, raw, query: params.toString() ? `?${params}` : '' };
}

const HEADER = ['Nom', 'Prénom', 'Statut', 'Structure', 'Département', 'Contrat', 'Début', 'Fin', 'Salaire brut mensuel'];
const cells = (r: LigneConseiller) => [r.nom, r.prenom, STATUTS_CONSEILLER[r.statut], r.structure, `${departementOf(r.departement)?.nom ?? r.departement} (${r.departement})`, TYPES_CONTRAT[r.contrat.type as keyof typeof TYPES_CONTRAT] ?? r.contrat.type, fr(r.contrat.dateDebut), r.contrat.statut === 'rompu' ? fr(r.contrat.ruptureDate) : fr(r.contrat.dateFin), formatEuros(r.contrat.salaireCentimes)];

export function registerConseillersRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/conseillers', { config: { access: 'recrutement:conseillers' } }, async (request, reply) => {
    const { f, raw, query } = filtresOf(request);
    const n = Number((request.query as Record<string, unknown>).page);
    const page = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const scope = conseillerScope(request.user);
    const rows = await conseillers(db, scope, f, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
    return reply.html(ConseillersPage({ ctx: request.ctx(), rows: rows.slice(0, PAGE_SIZE), filtres: raw, query, page, hasNext: rows.length > PAGE_SIZE, national: scope.all }));
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/conseillers/export.${format}`, { config: { access: 'recrutement:conseillers' } }, async (request, reply) => {
      const { f } = filtresOf(request);
      const scope = conseillerScope(request.user);
      async function* rows(): AsyncGenerator<(string | number)[]> {
        yield HEADER;
        for (let offset = 0; ; offset += 1000) {
          const page = await conseillers(db, scope, f, { limit: 1000, offset });
          for (const r of page) yield cells(r);
          if (page.length < 1000) return;
        }
      }
      return sendTable(reply, { format, filename: `conseillers-${parisCalendarDate()}`, sheet: 'Conseillers', rows: rows() });
    });
  }

  app.get('/conseillers/:userId', { config: { access: 'recrutement:conseillers' } }, async (request, reply) => {
    const userId = (request.params as { userId: string }).userId;
    const d = isUuid(userId) ? await dossierConseiller(db, userId) : undefined;
    const resource = d ? { kind: 'conseiller' as const, userId, departements: [...new Set(d.contrats.map((c) => c.departement))], structureIds: [...new Set(d.contrats.map((c) => c.structureId))] } : undefined;
    if (!d || !can(request.user, 'recrutement:conseillers', resource)) return notFound(request, reply);
    const last = d.contrats.find((c) => c.statut !== 'saisi') ?? d.contrats[0]!;
    const statut = last.statut === 'valide' ? 'RECRUTE' : last.statut === 'rompu' ? 'RUPTURE' : last.statut === 'termine' ? 'TERMINE' : 'RECRUTE';
    return reply.html(ConseillerPage({ ctx: request.ctx(), nom: d.nom || `${d.candidat?.prenom ?? ''} ${d.candidat?.nom ?? ''}`, statut, contrats: d.contrats, email: d.candidat?.email ?? null }));
  });
}
