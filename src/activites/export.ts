/**
 * CSV and XLSX exports of a conseiller's activities, streamed row by row: rows are read from the
 * database by keyset pages (iterateActivites) and written as they come, waiting for the client when
 * it reads slower than we write. Memory stays constant whatever the number of rows.
 * One row per activity; codes of domain.md §8; the filters are written in the header rows.
 */
import { Readable } from 'node:stream';
import { commune } from '../territoires/territoires.js';
import { GENRES, LIEU_TYPES, STATUTS, THEMATIQUES, TRANCHES_AGE, TYPES, label } from './codes.js';
import type { ActiviteFilter, ActiviteRow } from './activites.js';
import type { Participants } from './validation.js';
import { formatDate } from './dates.js';
import { xlsxFromRows } from '../platform/xlsx.js';
import { csvCell } from '../platform/exports.js';

const BREAKDOWNS: { key: keyof Pick<Participants, 'genres' | 'tranches_age' | 'statuts'>; prefix: string; codes: readonly string[] }[] = [
  { key: 'genres', prefix: 'genre', codes: GENRES.values },
  { key: 'tranches_age', prefix: 'age', codes: TRANCHES_AGE.values },
  { key: 'statuts', prefix: 'statut', codes: STATUTS.values },
];

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

/** `notes: false` (the structure's export) leaves out every free text about a person: notes and the procedure's name. */
export function exportCells(r: ActiviteRow, opts: { notes: boolean; beneficiaire: boolean }): (string | number)[] {
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
  const exported = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(now);
  return [[title], [`Exporté le ${exported}`], [`Filtres : ${parts.length ? parts.join(' ; ') : 'aucun (toutes les activités)'}`], []];
}

function csvLine(cells: (string | number)[]): string {
  return cells.map(csvCell).join(';') + '\r\n';
}

/** A CSV (UTF-8 with BOM, `;` separated, for spreadsheet software set to French) as a stream. */
export function csvStream(header: string[][], rows: AsyncIterable<ActiviteRow>, opts: { notes: boolean; beneficiaire: boolean }): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield '\uFEFF' + header.map(csvLine).join('');
    yield csvLine(EXPORT_COLUMNS);
    let chunk = '';
    let n = 0;
    for await (const r of rows) {
      chunk += csvLine(exportCells(r, opts));
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
export function xlsxStream(header: string[][], rows: AsyncIterable<ActiviteRow>, opts: { notes: boolean; beneficiaire: boolean }): Readable {
  async function* cells(): AsyncGenerator<(string | number)[]> {
    for (const line of header) yield line;
    yield EXPORT_COLUMNS;
    for await (const r of rows) yield exportCells(r, opts);
  }
  return xlsxFromRows('Activités', cells());
}
