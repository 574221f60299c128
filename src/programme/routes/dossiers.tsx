/** The work list of files and its exports (CSV, XLSX), within the caller's scope. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { formatDateTime } from '../../platform/views/components.js';
import { sendTable } from '../../platform/exports.js';
import { departement as departementOf, departements as allDepartements } from '../../territoires/territoires.js';
import { STRUCTURE_TYPES } from '../../structures/structures.js';
import { AVIS_PREFET, isStatut } from '../regles.js';
import { countDossiers, eachDossier, listDossiers, type Dossier, type DossierFilter } from '../dossiers.js';
import { dossierScope } from '../policy.js';
import { DossiersPage, communeLabel, formatDate, statutLabel, typeLabel } from '../views/dossiers.js';
import { q } from './shared.js';
import { resoudreCommune } from '../../territoires/territoires.js';

const PAGE_SIZE = 50;

/** The list's filters from the query string; unknown values are dropped, never an error. */
function filtresOf(request: FastifyRequest) {
  const raw = { q: q(request, 'q'), statut: q(request, 'statut', 40), type: q(request, 'type', 40), commune: q(request, 'commune'), departement: q(request, 'departement', 3), avis: q(request, 'avis', 3) };
  const c = raw.commune ? resoudreCommune(raw.commune) : null;
  const filter: DossierFilter = {
    q: raw.q || undefined,
    statut: isStatut(raw.statut) ? raw.statut : undefined,
    type: Object.hasOwn(STRUCTURE_TYPES, raw.type) ? raw.type : undefined,
    communeInsee: c && 'insee' in c ? c.insee : c ? '—' : undefined,
    departement: departementOf(raw.departement) ? raw.departement.toUpperCase() : undefined,
    avis: raw.avis === 'oui' || raw.avis === 'non' ? raw.avis : undefined,
  };
  const params = new URLSearchParams(Object.entries(raw).filter(([, v]) => v));
  const s = params.toString();
  return { filter, raw, query: s ? `?${s}` : '' };
}

const EXPORT_HEADER = ['Numéro', 'Structure', 'SIRET', 'Type', 'Commune', 'Code INSEE', 'Département', 'Statut', 'Avis du préfet', 'Commentaire du préfet', 'Prioritaire', 'Postes souhaités', 'Postes validés', 'Début souhaité', 'Contact', 'Fonction', 'Courriel', 'Téléphone', 'France Services', 'ZRR', 'QPV', 'Déposé le'];

function exportCells(d: Dossier): (string | number)[] {
  return [
    d.numero,
    d.nom,
    d.siret,
    typeLabel(d.type),
    communeLabel(d.communeInsee),
    d.communeInsee,
    `${departementOf(d.departement)?.nom ?? d.departement} (${d.departement})`,
    statutLabel(d.statut),
    d.avisPrefet ? AVIS_PREFET[d.avisPrefet as keyof typeof AVIS_PREFET] : '',
    d.avisCommentaire ?? '',
    d.prioritaire ? 'Oui' : 'Non',
    d.postesSouhaites,
    d.postesValides,
    formatDate(d.dateDebut),
    `${d.contactPrenom} ${d.contactNom}`,
    d.contactFonction,
    d.contactEmail,
    d.contactTelephone,
    d.labelFranceServices ? 'Oui' : 'Non',
    d.zrr ? 'Oui' : 'Non',
    d.qpv ? 'Oui' : 'Non',
    formatDateTime(d.createdAt),
  ];
}

export function registerDossiersRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/programme/dossiers', { config: { access: 'programme:lister' } }, async (request, reply) => {
    const { filter, raw, query } = filtresOf(request);
    const n = Number(q(request, 'page', 6));
    const page = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const scope = dossierScope(request.user);
    const [rows, counts] = await Promise.all([listDossiers(db, scope, filter, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }), countDossiers(db, scope, filter)]);
    return reply.html(
      DossiersPage({
        ctx: request.ctx(),
        rows: rows.slice(0, PAGE_SIZE),
        counts,
        filtres: { statut: raw.statut, type: raw.type, commune: raw.commune, departement: raw.departement, avis: raw.avis, q: raw.q },
        page,
        hasNext: rows.length > PAGE_SIZE,
        departements: scope.all || scope.validesNational ? allDepartements().map((x) => x.code) : null,
        query,
      }),
    );
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/programme/dossiers/export.${format}`, { config: { access: 'programme:lister' } }, async (request, reply) => {
      const { filter } = filtresOf(request);
      const rows = eachDossier(db, dossierScope(request.user), filter);
      async function* cells(): AsyncGenerator<(string | number)[]> {
        yield EXPORT_HEADER;
        for await (const d of rows) yield exportCells(d);
      }
      return sendTable(reply, { format, filename: `candidatures-structures-${parisCalendarDate()}`, sheet: 'Candidatures', rows: cells() });
    });
  }
}
