/**
 * Importing places: the standard v1 CSV (`|` multi-values), the legacy v0.1 CSV or JSON (`;` or `, `
 * multi-values), and JSON arrays of either. Every row is mapped to v1, normalised, validated;
 * valid rows are upserted by (source, id) in one transaction; the report says what happened to
 * each row, in French. Names and streets in capitals are rewritten (normalisation.ts) and names to
 * check flagged in their rows; what the national tools refuse (a SIREN as pivot, a phone number
 * with a wrong number of digits) is kept out of the published fields; a new place that looks like
 * one already there is held, not public, for an administrator's review (doublons.ts).
 */
import { randomUUID } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseCsvStream } from 'csv-parse';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { findStructureBySiret } from '../structures/structures.js';
import { lieux } from './schema.js';
import { columnsOf, comparableOf, empreinte, notifyLieuxChanged } from './lieux.js';
import { DetecteurDoublons } from './doublons.js';
import { normaliserTextes, PIVOT_INCONNU, pivotAccepte, pivotProbleme, telephoneAccepte, telephoneProbleme } from './normalisation.js';
import { fromLegacy, fromV1, isLegacy, normaliseRecord } from './legacy.js';
import { CONTROL_CHARS, FIELDS, FORMULA_EXEMPT, REQUIRED, validateLieuV1, type Field, type LieuV1, type RawRecord } from './standard.js';

export class FichierIllisible extends Error {}

export interface Rejet {
  /** CSV: line number in the file (header = line 1); JSON: position in the array (from 1). */
  numero: number;
  id: string;
  problemes: { champ: string; motif: string }[];
}

/** A value set aside from a row that was imported without it. */
export interface Ecart {
  numero: number;
  id: string;
  champ: string;
  motif: string;
}

/** A new place that looks like one already there (or earlier in the file): held for an administrator's review. */
export interface DoublonImport {
  numero: number;
  id: string;
  nom: string;
  adresse: string;
  /** The place it looks like. */
  doublonDe: { id: string; nom: string; adresse: string };
}

export interface RapportImport {
  format: string;
  total: number;
  crees: number;
  misAJour: number;
  inchanges: number;
  rejetes: Rejet[];
  /** Rows imported with an unusable optional value set aside (unreadable hours…). */
  ecartes: Ecart[];
  /** Rows imported with something to check (a name in capitals, a web address or a SIRET as name). */
  alertes: Ecart[];
  /** New places held out of the finder and the exports: likely duplicates, for review (/admin/lieux/doublons). */
  doublons: DoublonImport[];
  /** Normalisations applied, by field: how many rows, and a few examples. */
  corrections: Record<string, { n: number; exemples: string[] }>;
  /** The file's encoding, when it was not UTF-8 and was converted (« Windows-1252 »). */
  encodage?: string;
}

interface Ligne {
  numero: number;
  data: Record<string, unknown>;
}

/**
 * The file's text, and its encoding when it was not UTF-8: a byte-order mark says UTF-8 or UTF-16
 * (LE/BE); UTF-16 without one shows as NUL bytes in every other position; bytes that are not valid
 * UTF-8 are read as Windows-1252 (a superset of Latin-1, what spreadsheets on Windows save).
 */
export function decoderFichier(content: Buffer): { text: string; encodage?: string } {
  const b = content;
  const decode = (label: string) => new TextDecoder(label, { fatal: true, ignoreBOM: false }).decode(b);
  try {
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: decode('utf-8') };
    if (b[0] === 0xff && b[1] === 0xfe) return { text: decode('utf-16le'), encodage: 'UTF-16 LE' };
    if (b[0] === 0xfe && b[1] === 0xff) return { text: decode('utf-16be'), encodage: 'UTF-16 BE' };
    const head = b.subarray(0, 1000);
    let even = 0;
    let odd = 0;
    for (let i = 0; i < head.length; i++) {
      if (head[i] !== 0) continue;
      if (i % 2) odd++;
      else even++;
    }
    if (head.length >= 4 && odd > head.length / 4 && even === 0) return { text: decode('utf-16le'), encodage: 'UTF-16 LE' };
    if (head.length >= 4 && even > head.length / 4 && odd === 0) return { text: decode('utf-16be'), encodage: 'UTF-16 BE' };
  } catch {
    throw new FichierIllisible('Fichier illisible : son encodage annoncé (UTF-8 ou UTF-16) ne correspond pas à son contenu. Enregistrez-le en UTF-8 et réessayez.');
  }
  try {
    return { text: decode('utf-8') };
  } catch {
    return { text: decodeWindows1252(b), encodage: 'Windows-1252 (Latin-1)' };
  }
}

/** Windows-1252's characters for bytes 0x80–0x9F (Latin-1 has control characters there); 0 = unassigned. */
const CP1252_80_9F = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/** Node's TextDecoder('windows-1252') decodes as Latin-1 (0x8C is not Œ there): done by hand. */
export function decodeWindows1252(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 8192) {
    const chunk = b.subarray(i, i + 8192);
    const codes = new Array<number>(chunk.length);
    for (let j = 0; j < chunk.length; j++) {
      const c = chunk[j]!;
      codes[j] = c >= 0x80 && c <= 0x9f ? CP1252_80_9F[c - 0x80] || 0xfffd : c;
    }
    out += String.fromCharCode(...codes);
  }
  return out;
}

type LectureCsv = { text: string; delimiter: string };
type Lu = { format: 'csv' | 'json'; lignes: Ligne[]; encodage?: string };
type CsvRecord = { record: Record<string, string>; info: { lines: number } };

/** Decodes, reads JSON whole, or says how to parse the CSV. */
function ouvrir(content: string | Buffer): Lu | (LectureCsv & { encodage?: string }) {
  const decoded = typeof content === 'string' ? { text: content } : decoderFichier(content);
  const text = decoded.text.replace(/^\uFEFF/, '');
  const encodage = decoded.encodage ? { encodage: decoded.encodage } : {};
  const start = text.trimStart()[0];
  if (start === '[' || start === '{') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new FichierIllisible(`JSON illisible : ${(e as Error).message}`);
    }
    const arr = Array.isArray(json)
      ? json
      : Object.values(json as Record<string, unknown>).find((v): v is unknown[] => Array.isArray(v));
    if (!arr) throw new FichierIllisible('Le JSON doit être un tableau de lieux (ou un objet contenant ce tableau).');
    return {
      format: 'json',
      ...encodage,
      lignes: arr.map((data, i) => ({ numero: i + 1, data: data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {} })),
    };
  }
  const firstLine = text.slice(0, Math.max(0, text.search(/\r?\n/)) || text.length);
  if (!firstLine.trim()) throw new FichierIllisible('Le fichier est vide.');
  const delimiter = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length })).sort((a, b) => b.n - a.n)[0]!.d;
  return { text, delimiter, ...encodage };
}

const csvOptions = (delimiter: string) => ({
  columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
  delimiter,
  bom: true,
  relax_column_count: true,
  skip_empty_lines: true,
  info: true,
});

const csvLu = (records: CsvRecord[], encodage: string | undefined): Lu => ({
  format: 'csv',
  ...(encodage ? { encodage } : {}),
  lignes: records.map((r) => ({ numero: r.info.lines, data: r.record })),
});

/** Reads the file into rows; throws FichierIllisible when the file itself cannot be read. */
export function lireFichier(content: string | Buffer): Lu {
  const o = ouvrir(content);
  if ('format' in o) return o;
  let records: CsvRecord[];
  try {
    records = parseCsv(o.text, csvOptions(o.delimiter)) as unknown as CsvRecord[];
  } catch (e) {
    throw new FichierIllisible(`CSV illisible : ${(e as Error).message}`);
  }
  return csvLu(records, o.encodage);
}

/** Lets other requests run between two slices of a long import. */
export const laisserPasser = () => new Promise<void>((resolve) => setImmediate(resolve));
const CSV_SLICE = 128 * 1024;

/** lireFichier, parsing a CSV by slices of 128 K characters and yielding to the event loop between them. */
export async function lireFichierParTranches(content: string | Buffer): Promise<Lu> {
  const o = ouvrir(content);
  if ('format' in o) return o;
  const parser = parseCsvStream(csvOptions(o.delimiter));
  const records: CsvRecord[] = [];
  let failure: Error | null = null;
  parser.on('readable', () => {
    let r: CsvRecord | null;
    while ((r = parser.read() as CsvRecord | null) !== null) records.push(r);
  });
  const done = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', (e) => {
      failure = e;
      resolve();
    });
  });
  const { text } = o;
  for (let i = 0; i < text.length && !failure; ) {
    let end = Math.min(text.length, i + CSV_SLICE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
    parser.write(text.slice(i, end));
    i = end;
    await laisserPasser();
  }
  if (!failure) parser.end();
  await done;
  if (failure) throw new FichierIllisible(`CSV illisible : ${(failure as Error).message}`);
  return csvLu(records, o.encodage);
}

/**
 * Rows written per statement. Kept small, with a turn of the event loop after each: the embedded
 * database (PGlite) runs in this process, so a long batch would hold every other request (about
 * 0.25 ms a row to build and run an insert).
 */
const BATCH = 100;

function note(corrections: RapportImport['corrections'], field: string, message: string): void {
  const c = (corrections[field] ??= { n: 0, exemples: [] });
  c.n++;
  if (c.exemples.length < 3) c.exemples.push(message);
}

interface Valide {
  numero: number;
  origine: string;
  origineId: string;
  v: LieuV1;
  hash: string;
  /** Source values kept out of the published fields (the national tools refuse them). */
  valeursOrigine: Record<string, string> | null;
}

/**
 * A list bullet left at the start of a value (« - Avenue Paul Mairat ») is removed: a dash or a plus
 * followed by a space. Any other value a spreadsheet would run as a formula is refused by validation.
 */
export function retirerPuces(rec: RawRecord): { field: string; message: string }[] {
  const warnings: { field: string; message: string }[] = [];
  for (const f of FIELDS) {
    const v = rec[f];
    if (!v || FORMULA_EXEMPT.includes(f) || !/^[-+]\s/.test(v)) continue;
    const fixed = v.replace(/^[-+]\s+/, '');
    warnings.push({ field: f, message: `puce retirée : « ${fixed.slice(0, 80)} »` });
    rec[f] = fixed;
  }
  return warnings;
}

/** A source value kept in the record (jsonb): bounded, without control characters (U+0000 cannot be stored). */
const lisible = (v: string) => v.replace(new RegExp(CONTROL_CHARS.source, 'g'), '').slice(0, 100);

type Prepare = { valides: Valide[]; rejetes: Rejet[]; ecartes: Ecart[]; alertes: Ecart[]; corrections: RapportImport['corrections']; legacy: number };

/** Maps, normalises and validates every row (pure: no database). */
export function preparer(lignes: Ligne[], source: string | undefined): Prepare {
  const st = nouvellePreparation();
  for (const l of lignes) preparerLigne(st, l, source);
  return st;
}

/** Rows validated per slice before yielding to the event loop (about 0.5 ms a row). */
const PREPARE_SLICE = 100;

/** preparer, by slices of rows, yielding to the event loop between them: a large file does not hold the server. */
export async function preparerParTranches(lignes: Ligne[], source: string | undefined): Promise<Prepare> {
  const st = nouvellePreparation();
  for (let i = 0; i < lignes.length; i += PREPARE_SLICE) {
    for (const l of lignes.slice(i, i + PREPARE_SLICE)) preparerLigne(st, l, source);
    await laisserPasser();
  }
  return st;
}

function nouvellePreparation(): Prepare & { seen: Map<string, number> } {
  return { valides: [], rejetes: [], ecartes: [], alertes: [], corrections: {}, legacy: 0, seen: new Map() };
}

function preparerLigne(st: Prepare & { seen: Map<string, number> }, { numero, data }: Ligne, source: string | undefined): void {
  const { valides, rejetes, ecartes, alertes, corrections, seen } = st;
  const keys = Object.keys(data);
  const old = isLegacy(keys, data);
  if (old) st.legacy++;
  const mapped = old ? fromLegacy(data) : fromV1(data);
  const telephoneSource = (mapped.record.telephone ?? '').trim();
  const warnings = [...mapped.warnings, ...normaliseRecord(mapped.record), ...retirerPuces(mapped.record)];
  const rec = mapped.record;
  const textes = normaliserTextes(rec);
  warnings.push(...textes.corrections);
  // Shown in the report: a control character (rejected below) is made visible, never echoed.
  const id = (rec.id ?? '').replace(new RegExp(CONTROL_CHARS.source, 'g'), '\uFFFD');
  // An unusable optional value (unreadable hours, bad phone, unknown service…) is set aside and
  // reported; the place is imported without it. A required field that is wrong rejects the row.
  const setAside: { champ: string; motif: string }[] = mapped.problems.map((p) => ({ champ: p.field, motif: `${p.reason} : valeur écartée` }));
  // What the schema's patterns accept but the national tools refuse is kept out of the published
  // fields, and kept in the place's record (valeurs_origine): a SIREN or a 13-digit number as pivot
  // (published as 00000000000000, as the national tools write an unknown one), a phone number with
  // a wrong number of digits. A pivot the schema itself refuses still rejects the row.
  const valeursOrigine: Record<string, string> = {};
  const pivot = rec.pivot ?? '';
  if (/^[a-zA-Z0-9]{9,14}$/.test(pivot) && !pivotAccepte(pivot)) {
    setAside.push({ champ: 'pivot', motif: `${pivotProbleme(pivot)} : ${PIVOT_INCONNU} publié, valeur d'origine gardée dans la fiche` });
    valeursOrigine.pivot = pivot;
    rec.pivot = PIVOT_INCONNU;
  }
  const tel = rec.telephone ?? '';
  if (tel && /^\+?\d+$/.test(tel) && !telephoneAccepte(tel)) {
    setAside.push({ champ: 'telephone', motif: `${telephoneProbleme(tel)} : numéro écarté, valeur d'origine gardée dans la fiche` });
    valeursOrigine.telephone = lisible(telephoneSource);
    rec.telephone = '';
  }
  let check = validateLieuV1(rec);
  if (!check.ok && check.problems.every((p) => !REQUIRED.includes(p.field as Field))) {
    for (const p of check.problems) {
      const f = p.field as Field;
      setAside.push({ champ: f, motif: `${p.reason} : valeur écartée` });
      if (f === 'telephone' && telephoneSource) valeursOrigine.telephone = lisible(telephoneSource);
      rec[f] = '';
      if (f === 'latitude' || f === 'longitude') rec.latitude = rec.longitude = '';
    }
    check = validateLieuV1(rec);
  }
  const problemes = check.ok ? [] : check.problems.map((p) => ({ champ: p.field, motif: p.reason }));
  const origine = source || rec.source || 'import';
  const key = `${origine}\u0000${id}`;
  if (id && seen.has(key)) problemes.push({ champ: 'id', motif: `identifiant « ${id} » déjà présent plus haut (n° ${seen.get(key)})` });
  if (problemes.length || !check.ok) {
    rejetes.push({ numero, id, problemes });
    return;
  }
  seen.set(key, numero);
  for (const w of warnings) note(corrections, w.field, w.message);
  for (const e of setAside) ecartes.push({ numero, id, ...e });
  for (const a of textes.alertes) alertes.push({ numero, id, champ: a.field, motif: a.message });
  const kept = Object.keys(valeursOrigine).length ? valeursOrigine : null;
  valides.push({ numero, origine, origineId: id, v: check.value, hash: empreinte(check.value, kept ? { valeursOrigine: kept } : {}), valeursOrigine: kept });
}

/** Key of the transaction-scoped advisory lock that serialises imports (two never race on the (source, id) index). */
const IMPORT_LOCK = sql`select pg_advisory_xact_lock(hashtext('lieux:import'))`;

/** Writes one batch in its own transaction; records what it created and the rows it changed, as they were. */
async function ecrireLot(
  db: Db,
  batch: Valide[],
  structureOf: Map<string, string | null>,
  detecteur: DetecteurDoublons,
  report: RapportImport,
  creees: string[],
  avant: (typeof lieux.$inferSelect)[],
): Promise<void> {
  const counts = { crees: 0, misAJour: 0, inchanges: 0 };
  const ids: string[] = [];
  const anciens: (typeof lieux.$inferSelect)[] = [];
  const doublons: DoublonImport[] = [];
  await db.transaction(async (tx) => {
    await tx.execute(IMPORT_LOCK);
    const byOrigine = new Map<string, Valide[]>();
    for (const x of batch) byOrigine.set(x.origine, [...(byOrigine.get(x.origine) ?? []), x]);
    const existing = new Map<string, typeof lieux.$inferSelect>();
    for (const [origine, xs] of byOrigine) {
      const rows = await tx
        .select()
        .from(lieux)
        .where(and(eq(lieux.origine, origine), inArray(lieux.origineId, xs.map((x) => x.origineId))));
      for (const r of rows) existing.set(`${origine}\u0000${r.origineId}`, r);
    }
    const inserts: (typeof lieux.$inferInsert & { id: string })[] = [];
    for (const x of batch) {
      const e = existing.get(`${x.origine}\u0000${x.origineId}`);
      if (!e) {
        // A new place that looks like one already there, or one earlier in this batch, is held
        // (not public) for an administrator's review instead of being published twice.
        const row = { ...columnsOf(x.v), id: randomUUID(), structureId: structureOf.get(x.v.pivot) ?? null, origine: x.origine, origineId: x.origineId, empreinte: x.hash, valeursOrigine: x.valeursOrigine };
        const me = comparableOf(x.v);
        const pareil = await detecteur.trouver(tx, me);
        detecteur.ajouter({ ...me, id: row.id, public: !pareil, doublonStatut: pareil ? 'a_verifier' : null });
        if (pareil) {
          inserts.push({ ...row, public: false, doublonStatut: 'a_verifier', doublonDe: pareil.id });
          doublons.push({ numero: x.numero, id: x.origineId, nom: x.v.nom, adresse: `${x.v.adresse}, ${x.v.code_postal} ${x.v.commune}`, doublonDe: { id: pareil.id, nom: pareil.nom, adresse: `${pareil.adresse}, ${pareil.codePostal} ${pareil.commune}` } });
        } else inserts.push(row);
      } else if (e.empreinte === x.hash) {
        counts.inchanges++;
      } else {
        await tx
          .update(lieux)
          .set({ ...columnsOf(x.v), structureId: e.structureId ?? structureOf.get(x.v.pivot) ?? null, empreinte: x.hash, valeursOrigine: x.valeursOrigine, updatedAt: new Date() })
          .where(eq(lieux.id, e.id));
        anciens.push(e);
        counts.misAJour++;
      }
    }
    if (inserts.length) ids.push(...(await tx.insert(lieux).values(inserts).returning({ id: lieux.id })).map((r) => r.id));
    counts.crees = inserts.length;
  });
  // Counted once the batch is committed.
  report.crees += counts.crees;
  report.misAJour += counts.misAJour;
  report.inchanges += counts.inchanges;
  report.doublons.push(...doublons);
  creees.push(...ids);
  avant.push(...anciens);
}

/** Undoes the committed batches of a failed import: deletes what it created, puts back what it changed. */
async function defaireImport(db: Db, creees: string[], avant: (typeof lieux.$inferSelect)[]): Promise<void> {
  for (let i = 0; i < creees.length; i += 1_000) {
    await db.delete(lieux).where(inArray(lieux.id, creees.slice(i, i + 1_000)));
    await laisserPasser();
  }
  for (const { id, ...colonnes } of avant) await db.update(lieux).set(colonnes).where(eq(lieux.id, id));
}

/**
 * Imports a file's places. Nothing is written unless every valid row is (one transaction); a row
 * the database could not store (control characters…) is rejected by validation, never sent.
 * Concurrent imports wait for each other (advisory lock; PGlite is single-writer anyway).
 */
export async function importerLieux(db: Db, actor: Actor, content: string | Buffer, opts: { source?: string; fichier?: string } = {}): Promise<RapportImport> {
  const { format, lignes, encodage } = await lireFichierParTranches(content);
  const { valides, rejetes, ecartes, alertes, corrections, legacy } = await preparerParTranches(lignes, opts.source?.trim() || undefined);
  const report: RapportImport = {
    format: `${format.toUpperCase()} ${legacy > lignes.length / 2 ? 'standard v0.1 (converti en v1)' : 'standard v1'}`,
    total: lignes.length,
    crees: 0,
    misAJour: 0,
    inchanges: 0,
    rejetes,
    ecartes,
    alertes,
    doublons: [],
    corrections,
    ...(encodage ? { encodage } : {}),
  };
  const structureOf = new Map<string, string | null>();
  for (const x of valides) {
    if (structureOf.has(x.v.pivot) || !/^\d{14}$/.test(x.v.pivot) || /^0+$/.test(x.v.pivot)) continue;
    structureOf.set(x.v.pivot, (await findStructureBySiret(db, x.v.pivot))?.id ?? null);
  }
  // One short transaction per batch, under the import lock, with a turn of the event loop between
  // two: the embedded database has a single connection, so one transaction for the whole file would
  // hold every other request (even /healthz) until its end. All or nothing still holds when a write
  // fails: what the earlier batches created is deleted and what they changed is put back. After a
  // crash in the middle, the import is idempotent (rows matched by origin and id, unchanged ones
  // skipped): sending the file again completes it. The audit entry is written once every batch is in.
  const creees: string[] = [];
  const avant: (typeof lieux.$inferSelect)[] = [];
  const detecteur = new DetecteurDoublons();
  try {
    for (let i = 0; i < valides.length; i += BATCH) {
      await ecrireLot(db, valides.slice(i, i + BATCH), structureOf, detecteur, report, creees, avant);
      detecteur.lotEcrit();
      await laisserPasser();
    }
  } catch (e) {
    await defaireImport(db, creees, avant);
    throw e;
  } finally {
    if (report.crees || report.misAJour) notifyLieuxChanged(db);
  }
  await db.transaction(async (tx) => {
    await recordAudit(tx, actor, {
      action: 'lieux.importes',
      objectType: 'lieu',
      summary: `Import de lieux${opts.fichier ? ` « ${opts.fichier} »` : ''} : ${report.crees} créés (dont ${report.doublons.length} doublons possibles à vérifier), ${report.misAJour} mis à jour, ${report.inchanges} inchangés, ${report.rejetes.length} rejetés`,
      after: { source: opts.source ?? null, format: report.format, total: report.total, crees: report.crees, misAJour: report.misAJour, inchanges: report.inchanges, rejetes: report.rejetes.length, ecartes: report.ecartes.length, alertes: report.alertes.length, doublons: report.doublons.length },
    });
  });
  return report;
}

/** The report's line about a converted encoding. */
export function encodageTexte(encodage: string): string {
  return `Encodage : le fichier était en ${encodage}, il a été converti en UTF-8. Vérifiez les accents des lieux importés.`;
}

/** The report as plain text lines (CLI). */
export function rapportTexte(r: RapportImport, max = 100): string[] {
  const lines = [
    `Format : ${r.format} — ${r.total} lignes`,
    ...(r.encodage ? [encodageTexte(r.encodage)] : []),
    `${r.crees} créés, ${r.misAJour} mis à jour, ${r.inchanges} inchangés, ${r.rejetes.length} rejetés (${r.total ? Math.round(((r.total - r.rejetes.length) / r.total) * 1000) / 10 : 100} % acceptés)`,
  ];
  const corr = Object.entries(r.corrections);
  if (corr.length) {
    lines.push('Corrections appliquées :');
    for (const [champ, c] of corr) lines.push(`  ${champ} : ${c.n} ligne${c.n > 1 ? 's' : ''} (par exemple ${c.exemples[0]})`);
  }
  if (r.ecartes.length) lines.push('Lignes importées sans une valeur inutilisable :');
  for (const x of r.ecartes.slice(0, max)) lines.push(`  n° ${x.numero}${x.id ? ` (id ${x.id})` : ''} : ${x.champ} — ${x.motif}`);
  if (r.ecartes.length > max) lines.push(`  … et ${r.ecartes.length - max} autres.`);
  if (r.alertes.length) lines.push('Lignes importées à vérifier :');
  for (const x of r.alertes.slice(0, max)) lines.push(`  n° ${x.numero}${x.id ? ` (id ${x.id})` : ''} : ${x.champ} — ${x.motif}`);
  if (r.alertes.length > max) lines.push(`  … et ${r.alertes.length - max} autres.`);
  if (r.doublons.length) lines.push('Doublons possibles, non publiés en attendant une décision (/admin/lieux/doublons) :');
  for (const x of r.doublons.slice(0, max)) lines.push(`  n° ${x.numero}${x.id ? ` (id ${x.id})` : ''} : « ${x.nom} » (${x.adresse}) ressemble à « ${x.doublonDe.nom} » (${x.doublonDe.adresse})`);
  if (r.doublons.length > max) lines.push(`  … et ${r.doublons.length - max} autres.`);
  if (r.rejetes.length) lines.push('Lignes rejetées :');
  for (const x of r.rejetes.slice(0, max)) {
    lines.push(`  n° ${x.numero}${x.id ? ` (id ${x.id})` : ''} : ${x.problemes.map((p) => `${p.champ} — ${p.motif}`).join(' ; ')}`);
  }
  if (r.rejetes.length > max) lines.push(`  … et ${r.rejetes.length - max} autres.`);
  return lines;
}
