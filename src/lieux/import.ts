/**
 * Importing places: the standard v1 CSV (`|` multi-values), the legacy v0.1 CSV or JSON (`;` or `, `
 * multi-values), and JSON arrays of either. Every row is mapped to v1, normalised, validated;
 * valid rows are upserted by (source, id) in one transaction; the report says what happened to
 * each row, in French.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { findStructureBySiret } from '../structures/structures.js';
import { lieux } from './schema.js';
import { columnsOf, empreinte, notifyLieuxChanged } from './lieux.js';
import { fromLegacy, fromV1, isLegacy, normaliseRecord } from './legacy.js';
import { CONTROL_CHARS, REQUIRED, validateLieuV1, type Field, type LieuV1 } from './standard.js';

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

export interface RapportImport {
  format: string;
  total: number;
  crees: number;
  misAJour: number;
  inchanges: number;
  rejetes: Rejet[];
  /** Rows imported with an unusable optional value set aside (unreadable hours…). */
  ecartes: Ecart[];
  /** Normalisations applied, by field: how many rows, and a few examples. */
  corrections: Record<string, { n: number; exemples: string[] }>;
}

interface Ligne {
  numero: number;
  data: Record<string, unknown>;
}

/** Reads the file into rows; throws FichierIllisible when the file itself cannot be read. */
export function lireFichier(content: string | Buffer): { format: 'csv' | 'json'; lignes: Ligne[] } {
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, '');
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
      lignes: arr.map((data, i) => ({ numero: i + 1, data: data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {} })),
    };
  }
  const firstLine = text.slice(0, Math.max(0, text.search(/\r?\n/)) || text.length);
  if (!firstLine.trim()) throw new FichierIllisible('Le fichier est vide.');
  const delimiter = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length })).sort((a, b) => b.n - a.n)[0]!.d;
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
      delimiter,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
  } catch (e) {
    throw new FichierIllisible(`CSV illisible : ${(e as Error).message}`);
  }
  return { format: 'csv', lignes: records.map((r) => ({ numero: r.info.lines, data: r.record })) };
}

const BATCH = 500;

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
}

/** Maps, normalises and validates every row (pure: no database). */
export function preparer(
  lignes: Ligne[],
  source: string | undefined,
): { valides: Valide[]; rejetes: Rejet[]; ecartes: Ecart[]; corrections: RapportImport['corrections']; legacy: number } {
  const valides: Valide[] = [];
  const rejetes: Rejet[] = [];
  const ecartes: Ecart[] = [];
  const corrections: RapportImport['corrections'] = {};
  const seen = new Map<string, number>();
  let legacy = 0;
  for (const { numero, data } of lignes) {
    const keys = Object.keys(data);
    const old = isLegacy(keys, data);
    if (old) legacy++;
    const mapped = old ? fromLegacy(data) : fromV1(data);
    const warnings = [...mapped.warnings, ...normaliseRecord(mapped.record)];
    const rec = mapped.record;
    // Shown in the report: a control character (rejected below) is made visible, never echoed.
    const id = (rec.id ?? '').replace(new RegExp(CONTROL_CHARS.source, 'g'), '\uFFFD');
    // An unusable optional value (unreadable hours, bad phone, unknown service…) is set aside and
    // reported; the place is imported without it. A required field that is wrong rejects the row.
    const setAside: { champ: string; motif: string }[] = mapped.problems.map((p) => ({ champ: p.field, motif: `${p.reason} : valeur écartée` }));
    let check = validateLieuV1(rec);
    if (!check.ok && check.problems.every((p) => !REQUIRED.includes(p.field as Field))) {
      for (const p of check.problems) {
        const f = p.field as Field;
        setAside.push({ champ: f, motif: `${p.reason} : valeur écartée` });
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
      continue;
    }
    seen.set(key, numero);
    for (const w of warnings) note(corrections, w.field, w.message);
    for (const e of setAside) ecartes.push({ numero, id, ...e });
    valides.push({ numero, origine, origineId: id, v: check.value, hash: empreinte(check.value) });
  }
  return { valides, rejetes, ecartes, corrections, legacy };
}

/** Key of the transaction-scoped advisory lock that serialises imports (two never race on the (source, id) index). */
const IMPORT_LOCK = sql`select pg_advisory_xact_lock(hashtext('lieux:import'))`;

/**
 * Imports a file's places. Nothing is written unless every valid row is (one transaction); a row
 * the database could not store (control characters…) is rejected by validation, never sent.
 * Concurrent imports wait for each other (advisory lock; PGlite is single-writer anyway).
 */
export async function importerLieux(db: Db, actor: Actor, content: string | Buffer, opts: { source?: string; fichier?: string } = {}): Promise<RapportImport> {
  const { format, lignes } = lireFichier(content);
  const { valides, rejetes, ecartes, corrections, legacy } = preparer(lignes, opts.source?.trim() || undefined);
  const report: RapportImport = {
    format: `${format.toUpperCase()} ${legacy > lignes.length / 2 ? 'standard v0.1 (converti en v1)' : 'standard v1'}`,
    total: lignes.length,
    crees: 0,
    misAJour: 0,
    inchanges: 0,
    rejetes,
    ecartes,
    corrections,
  };
  const structureOf = new Map<string, string | null>();
  for (const x of valides) {
    if (structureOf.has(x.v.pivot) || !/^\d{14}$/.test(x.v.pivot) || /^0+$/.test(x.v.pivot)) continue;
    structureOf.set(x.v.pivot, (await findStructureBySiret(db, x.v.pivot))?.id ?? null);
  }
  await db.transaction(async (tx) => {
    await tx.execute(IMPORT_LOCK);
    for (let i = 0; i < valides.length; i += BATCH) {
      const batch = valides.slice(i, i + BATCH);
      const byOrigine = new Map<string, Valide[]>();
      for (const x of batch) byOrigine.set(x.origine, [...(byOrigine.get(x.origine) ?? []), x]);
      const existing = new Map<string, { id: string; empreinte: string; structureId: string | null }>();
      for (const [origine, xs] of byOrigine) {
        const rows = await tx
          .select({ id: lieux.id, origineId: lieux.origineId, empreinte: lieux.empreinte, structureId: lieux.structureId })
          .from(lieux)
          .where(and(eq(lieux.origine, origine), inArray(lieux.origineId, xs.map((x) => x.origineId))));
        for (const r of rows) existing.set(`${origine}\u0000${r.origineId}`, r);
      }
      const inserts = [];
      for (const x of batch) {
        const e = existing.get(`${x.origine}\u0000${x.origineId}`);
        if (!e) {
          inserts.push({ ...columnsOf(x.v), structureId: structureOf.get(x.v.pivot) ?? null, origine: x.origine, origineId: x.origineId, empreinte: x.hash });
        } else if (e.empreinte === x.hash) {
          report.inchanges++;
        } else {
          await tx
            .update(lieux)
            .set({ ...columnsOf(x.v), structureId: e.structureId ?? structureOf.get(x.v.pivot) ?? null, empreinte: x.hash, updatedAt: new Date() })
            .where(eq(lieux.id, e.id));
          report.misAJour++;
        }
      }
      if (inserts.length) await tx.insert(lieux).values(inserts);
      report.crees += inserts.length;
    }
    await recordAudit(tx, actor, {
      action: 'lieux.importes',
      objectType: 'lieu',
      summary: `Import de lieux${opts.fichier ? ` « ${opts.fichier} »` : ''} : ${report.crees} créés, ${report.misAJour} mis à jour, ${report.inchanges} inchangés, ${report.rejetes.length} rejetés`,
      after: { source: opts.source ?? null, format: report.format, total: report.total, crees: report.crees, misAJour: report.misAJour, inchanges: report.inchanges, rejetes: report.rejetes.length, ecartes: report.ecartes.length },
    });
  });
  if (report.crees || report.misAJour) notifyLieuxChanged(db);
  return report;
}

/** The report as plain text lines (CLI). */
export function rapportTexte(r: RapportImport, max = 100): string[] {
  const lines = [
    `Format : ${r.format} — ${r.total} lignes`,
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
  if (r.rejetes.length) lines.push('Lignes rejetées :');
  for (const x of r.rejetes.slice(0, max)) {
    lines.push(`  n° ${x.numero}${x.id ? ` (id ${x.id})` : ''} : ${x.problemes.map((p) => `${p.champ} — ${p.motif}`).join(' ; ')}`);
  }
  if (r.rejetes.length > max) lines.push(`  … et ${r.rejetes.length - max} autres.`);
  return lines;
}
