import { sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { CENTRES_DEPARTEMENTS } from './centres-departements.js';
import { communeCentres } from './schema.js';
import { commune, distanceKm, setCommuneCentres } from './territoires.js';

export interface CentreRow {
  insee: string;
  lat: number;
  lng: number;
}

export interface Rejet {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  reason: string;
}

const COLUMNS = {
  insee: ['insee_com', 'insee', 'code_insee', 'code_commune_insee', 'code_commune', 'code'],
  lat: ['lat', 'latitude'],
  lng: ['lng', 'lon', 'long', 'longitude'],
};

/** A centre farther than this from its département's chef-lieu is taken for a mistake (e.g. lat/lng swapped). */
const MAX_KM_FROM_CHEF_LIEU = 500;

/** Splits CSV text into records (quoted fields, doubled quotes, newlines inside quotes), each with its first line number. */
function* records(text: string, sep: string): Generator<{ line: number; fields: string[] }> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      yield { line: start, fields };
      fields = [];
      field = '';
      start = ++line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    yield { line: start, fields };
  }
}

function parseCoordinate(value: string | undefined, name: 'latitude' | 'longitude', max: number): number | string {
  const v = (value ?? '').trim();
  if (!v) return `${name} manquante`;
  if (!/^[-+]?\d+(?:[.,]\d+)?$/.test(v)) return `${name} non numérique : « ${v} »`;
  const n = Number(v.replace(',', '.'));
  if (n < -max || n > max) return `${name} hors de l'intervalle [-${max}, ${max}] : ${v}`;
  return n;
}

/**
 * Reads a CSV of commune centres: a header naming the INSEE code (`insee_com`, `insee`, `code_insee`, `code`…),
 * latitude (`lat`, `latitude`) and longitude (`lng`, `lon`, `longitude`) columns, separated by commas or
 * semicolons. Rows that cannot be used are listed in `rejected` with a French reason. Repeated INSEE codes
 * (one row per postcode) are kept once; a repetition with other coordinates is rejected.
 */
export function parseCentresCsv(text: string): { rows: CentreRow[]; rejected: Rejet[] } {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const sep = firstLine.split(';').length > firstLine.split(',').length ? ';' : ',';
  const it = records(body, sep);
  const header = it.next();
  const rows: CentreRow[] = [];
  const rejected: Rejet[] = [];
  if (header.done) return { rows, rejected: [{ line: 1, reason: 'fichier vide' }] };

  const names = header.value.fields.map((f) => f.trim().toLowerCase());
  const col = (candidates: string[]) =>
    candidates.map((c) => names.indexOf(c)).find((i) => i >= 0) ?? -1;
  const iInsee = col(COLUMNS.insee);
  const iLat = col(COLUMNS.lat);
  const iLng = col(COLUMNS.lng);
  const missing = [iInsee < 0 && 'code INSEE', iLat < 0 && 'latitude', iLng < 0 && 'longitude'].filter(Boolean);
  if (missing.length) return { rows, rejected: [{ line: 1, reason: `en-tête : colonne introuvable (${missing.join(', ')})` }] };

  const kept = new Map<string, { row: CentreRow; line: number }>();
  for (const { line, fields } of it) {
    if (fields.every((f) => f.trim() === '')) continue;
    const reject = (reason: string) => rejected.push({ line, reason });
    let insee = (fields[iInsee] ?? '').trim().toUpperCase();
    if (/^\d{4}$/.test(insee)) insee = '0' + insee; // leading zero lost by a spreadsheet
    if (!insee) {
      reject('code INSEE manquant');
      continue;
    }
    const c = commune(insee);
    if (!c) {
      reject('commune inconnue');
      continue;
    }
    const lat = parseCoordinate(fields[iLat], 'latitude', 90);
    const lng = parseCoordinate(fields[iLng], 'longitude', 180);
    if (typeof lat === 'string' || typeof lng === 'string') {
      reject([lat, lng].filter((x) => typeof x === 'string').join(' ; '));
      continue;
    }
    const [cLat, cLng] = CENTRES_DEPARTEMENTS[c.departement]!;
    const km = distanceKm({ lat, lng }, { lat: cLat, lng: cLng });
    if (km > MAX_KM_FROM_CHEF_LIEU) {
      reject(`coordonnées à ${Math.round(km)} km du chef-lieu du département ${c.departement} (latitude et longitude inversées ?)`);
      continue;
    }
    const previous = kept.get(insee);
    if (previous) {
      if (previous.row.lat !== lat || previous.row.lng !== lng)
        reject(`code INSEE ${insee} déjà présent ligne ${previous.line} avec d'autres coordonnées`);
      continue;
    }
    const row = { insee, lat, lng };
    kept.set(insee, { row, line });
    rows.push(row);
  }
  return { rows, rejected };
}

const BATCH = 1000;

/** Parses `text` and upserts its centres in one transaction, then updates the in-memory communes. */
export async function importCentres(db: Db, text: string, source: string): Promise<{ imported: number; rejected: Rejet[] }> {
  const { rows, rejected } = parseCentresCsv(text);
  if (rows.length) {
    await db.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        await tx
          .insert(communeCentres)
          .values(rows.slice(i, i + BATCH).map((r) => ({ ...r, source })))
          .onConflictDoUpdate({
            target: communeCentres.insee,
            set: { lat: sql`excluded.lat`, lng: sql`excluded.lng`, source: sql`excluded.source`, importedAt: sql`now()` },
          });
      }
    });
    setCommuneCentres(rows);
  }
  return { imported: rows.length, rejected };
}

/** Loads the imported centres into memory (at application start); returns how many there are. */
export async function loadCentres(db: Db): Promise<number> {
  const rows = await db.select({ insee: communeCentres.insee, lat: communeCentres.lat, lng: communeCentres.lng }).from(communeCentres);
  setCommuneCentres(rows);
  return rows.length;
}
