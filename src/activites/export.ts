/**
 * CSV and XLSX exports of a conseiller's activities, streamed row by row: rows are read from the
 * database by keyset pages (iterateActivites) and written as they come, waiting for the client when
 * it reads slower than we write. Memory stays constant whatever the number of rows.
 * One row per activity; the filters are written in the header rows. Two forms: « lisible » (the
 * default, for people: French column names and labels, place names, dates and times in Paris, no
 * ids) and « codes » (for machines: the exchange codes of domain.md §8, ids, instants in UTC).
 */
import { Readable } from 'node:stream';
import { commune } from '../territoires/territoires.js';
import { AUTONOMIE, GENRES, LIEU_TYPES, MATERIEL, NIVEAUX_ATELIER, ORIENTATIONS, STATUTS, THEMATIQUES, THEMATIQUES_DEMARCHES, TRANCHES_AGE, TRANCHES_DUREE, TYPES, label } from './codes.js';
import type { ActiviteFilter, ActiviteRow } from './activites.js';
import type { Participants } from './validation.js';
import { formatDate } from './dates.js';
import { xlsxFromRows } from '../platform/xlsx.js';
import { csvCell } from '../platform/exports.js';
import { formatDateTime } from '../platform/views/components.js';

const BREAKDOWNS: { key: keyof Pick<Participants, 'genres' | 'tranches_age' | 'statuts'>; prefix: string; codes: readonly string[]; list: { labels: Record<string, string> }; titre: string }[] = [
  { key: 'genres', prefix: 'genre', codes: GENRES.values, list: GENRES, titre: 'Genre' },
  { key: 'tranches_age', prefix: 'age', codes: TRANCHES_AGE.values, list: TRANCHES_AGE, titre: 'Âge' },
  { key: 'statuts', prefix: 'statut', codes: STATUTS.values, list: STATUTS, titre: 'Statut' },
];

/** « lisible » for people (the default), « codes » for machines. */
export type FormeExport = 'lisible' | 'codes';

export interface ExportOptions {
  /** false (the structure's export) leaves out every free text about a person: notes and the procedure's name. */
  notes: boolean;
  beneficiaire: boolean;
  forme?: FormeExport;
  /** A lieu d'activité's name, for the readable form. */
  lieuNom?: (id: string) => string | undefined;
}

/** The readable form's column names. */
export const LISIBLE_COLUMNS: string[] = [
  'Date',
  'Type',
  'Durée (minutes)',
  'Tranche de durée',
  'Lieu',
  'Commune',
  'Thématiques',
  'Démarches administratives',
  'Nom de la démarche',
  'Matériel utilisé',
  'Autonomie',
  'Orientation',
  "Titre de l'atelier",
  "Niveau de l'atelier",
  'Accompagnements',
  'Participants',
  'Participants déjà accompagnés',
  ...BREAKDOWNS.flatMap((b) => b.codes.map((c) => `${b.titre} : ${label(b.list, c)}`)),
  'Bénéficiaire suivi',
  'Notes',
  'Enregistrée le',
  'Modifiée le',
];

const labels = (list: { labels: Record<string, string> }, codes: readonly string[]) => codes.map((c) => label(list, c)).join(', ');

/** One activity for people: labels, names, Paris time; no ids. */
export function lisibleCells(r: ActiviteRow, opts: ExportOptions): (string | number)[] {
  const p = r.participants as Participants;
  const lieu = r.lieuId ? (opts.lieuNom?.(r.lieuId) ?? label(LIEU_TYPES, r.lieuType)) : label(LIEU_TYPES, r.lieuType);
  return [
    formatDate(r.date),
    label(TYPES, r.type),
    r.dureeMinutes,
    label(TRANCHES_DUREE, r.trancheDuree),
    lieu,
    r.communeInsee ? (commune(r.communeInsee)?.nom ?? '') : '',
    labels(THEMATIQUES, r.thematiques),
    labels(THEMATIQUES_DEMARCHES, r.thematiquesDemarches),
    opts.notes ? (r.nomDemarche ?? '') : '',
    labels(MATERIEL, r.materiel),
    r.autonomie ? label(AUTONOMIE, r.autonomie) : '',
    r.orientation ? label(ORIENTATIONS, r.orientation) : '',
    r.titreAtelier ?? '',
    r.niveauAtelier ? label(NIVEAUX_ATELIER, r.niveauAtelier) : '',
    r.accompagnements,
    p.total,
    p.deja_accompagnes,
    ...BREAKDOWNS.flatMap((b) => b.codes.map((c) => p[b.key]?.[c] ?? 0)),
    opts.beneficiaire ? (r.beneficiaireId ? 'oui' : 'non') : '',
    opts.notes ? (r.notes ?? '') : '',
    formatDateTime(r.createdAt),
    formatDateTime(r.updatedAt),
  ];
}

function columnsOf(opts: ExportOptions): string[] {
  return opts.forme === 'codes' ? EXPORT_COLUMNS : LISIBLE_COLUMNS;
}

function cellsOf(r: ActiviteRow, opts: ExportOptions): (string | number)[] {
  return opts.forme === 'codes' ? exportCells(r, opts) : lisibleCells(r, opts);
}

export const EXPORT_COLUMNS: string[] = [
  'id',
  'date',
  'type',
  'duree_minutes',
  'tranche_duree',
  'lieu_type',
  'lieu_id',
  'commune_insee',
  'commune',
  'thematiques',
  'thematiques_demarches',
  'nom_demarche',
  'materiel',
  'autonomie',
  'orientation',
  'titre_atelier',
  'niveau_atelier',
  'accompagnements',
  'participants_total',
  'participants_deja_accompagnes',
  ...BREAKDOWNS.flatMap((b) => b.codes.map((c) => `${b.prefix}_${c}`)),
  'beneficiaire_id',
  'notes',
  'cree_le',
  'modifie_le',
];

/** The machine form: exchange codes, ids, instants in UTC. `notes: false` leaves out free text about a person. */
export function exportCells(r: ActiviteRow, opts: ExportOptions): (string | number)[] {
  const p = r.participants as Participants;
  return [
    r.id,
    r.date,
    r.type,
    r.dureeMinutes,
    r.trancheDuree,
    r.lieuType,
    r.lieuId ?? '',
    r.communeInsee ?? '',
    r.communeInsee ? (commune(r.communeInsee)?.nom ?? '') : '',
    r.thematiques.join('|'),
    r.thematiquesDemarches.join('|'),
    opts.notes ? (r.nomDemarche ?? '') : '', // the procedure's name may describe one person's situation
    r.materiel.join('|'),
    r.autonomie ?? '',
    r.orientation ?? '',
    r.titreAtelier ?? '',
    r.niveauAtelier ?? '',
    r.accompagnements,
    p.total,
    p.deja_accompagnes,
    ...BREAKDOWNS.flatMap((b) => b.codes.map((c) => p[b.key]?.[c] ?? 0)),
    opts.beneficiaire ? (r.beneficiaireId ?? '') : '',
    opts.notes ? (r.notes ?? '') : '',
    new Date(r.createdAt).toISOString(),
    new Date(r.updatedAt).toISOString(),
  ];
}

/** The header rows: who, when, and every filter applied (in plain French). */
export function headerLines(title: string, f: ActiviteFilter, now: Date, lieuNom?: (id: string) => string | undefined): string[][] {
  const parts: string[] = [];
  if (f.du && f.au) parts.push(`période du ${formatDate(f.du)} au ${formatDate(f.au)}`);
  else if (f.du) parts.push(`à partir du ${formatDate(f.du)}`);
  else if (f.au) parts.push(`jusqu'au ${formatDate(f.au)}`);
  if (f.type) parts.push(`type : ${label(TYPES, f.type)}`);
  if (f.thematique) parts.push(`thématique : ${label(THEMATIQUES, f.thematique)}`);
  if (f.lieu)
    parts.push(
      `lieu : ${f.lieu.startsWith('lieu_activite:') ? (lieuNom?.(f.lieu.slice(14)) ?? f.lieu.slice(14)) : label(LIEU_TYPES, f.lieu)}`,
    );
  if (f.beneficiaire) parts.push(`bénéficiaire : ${f.beneficiaire}`);
  const exported = formatDateTime(now);
  return [[title], [`Exporté le ${exported}`], [`Filtres : ${parts.length ? parts.join(' ; ') : 'aucun (toutes les activités)'}`], []];
}

function csvLine(cells: (string | number)[]): string {
  return cells.map(csvCell).join(';') + '\r\n';
}

/** A CSV (UTF-8 with BOM, `;` separated, for spreadsheet software set to French) as a stream. */
export function csvStream(header: string[][], rows: AsyncIterable<ActiviteRow>, opts: ExportOptions): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield '\uFEFF' + header.map(csvLine).join('');
    yield csvLine(columnsOf(opts));
    let chunk = '';
    let n = 0;
    for await (const r of rows) {
      chunk += csvLine(cellsOf(r, opts));
      if (++n % 200 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(lines(), { objectMode: false });
}

/** An XLSX workbook (one sheet: header rows, column names, one row per activity), streamed. */
export function xlsxStream(header: string[][], rows: AsyncIterable<ActiviteRow>, opts: ExportOptions): Readable {
  async function* cells(): AsyncGenerator<(string | number)[]> {
    for (const line of header) yield line;
    yield columnsOf(opts);
    for await (const r of rows) yield cellsOf(r, opts);
  }
  return xlsxFromRows('Activités', cells());
}
