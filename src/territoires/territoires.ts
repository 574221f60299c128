import { createRequire } from 'node:module';
import { CENTRES_DEPARTEMENTS } from './centres-departements.js';

/**
 * Reference data on French territories (régions, départements, communes), from
 * `@etalab/decoupage-administratif`, kept in memory and loaded lazily on first use.
 * Scope: the 101 départements (metropolitan France and the 5 DROM); collectivités d'outre-mer are left out.
 */

export interface Region {
  code: string;
  nom: string;
}

export interface Departement {
  code: string;
  nom: string;
  region: string;
}

export interface Commune {
  insee: string;
  nom: string;
  departement: string;
  region: string;
  codesPostaux: string[];
  population: number;
  lat: number;
  lng: number;
  /** True while the commune sits at its département's chef-lieu (no imported centre). */
  centreApproximatif: boolean;
  /** For an arrondissement municipal (Paris, Lyon, Marseille): the INSEE code of its commune. */
  communeParente?: string;
}

export interface LatLng {
  lat: number;
  lng: number;
}

interface RawRegion {
  code: string;
  nom: string;
  zone: string;
}
interface RawDepartement extends RawRegion {
  region: string;
}
interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  region?: string;
  commune?: string;
  codesPostaux?: string[];
  population?: number;
}

interface Data {
  regions: Region[];
  departements: Departement[];
  regionByCode: Map<string, Region>;
  departementByCode: Map<string, Departement>;
  /** Sorted by population descending, so that scans meet the largest communes first. */
  communes: Commune[];
  byInsee: Map<string, Commune>;
  byPostcode: Map<string, Commune[]>;
  /** Each list sorted by name at its first reading (sorting them all with the collator costs ~0.2 s of start-up). */
  byDepartement: Map<string, Commune[]>;
  departementsTries: Set<string>;
  /** Search index, built on the first search (not at start-up); commune numbers are positions in `communes`, so smaller means more populated. */
  search?: {
    names: string[];
    byName: Map<string, number[]>;
    /** Every normalised name from each of its word starts, sorted, with its commune and whether it is the whole name. */
    keys: string[];
    keyCommune: Int32Array;
    keyWhole: Uint8Array;
    /** Communes by 3-character substring of their normalised name. */
    trigrams: Map<string, number[]>;
  };
}

let cache: Data | undefined;

/** One French collator for every comparison (`localeCompare(…, 'fr')` builds one per call: seconds at start-up). */
const frCollator = new Intl.Collator('fr');
const byPopulation = (a: Commune, b: Commune) => b.population - a.population || frCollator.compare(a.nom, b.nom);

const PKG = '@etalab/decoupage-administratif/data/';

type Divisions = Pick<Data, 'regions' | 'departements' | 'regionByCode' | 'departementByCode'>;
let divisions: Divisions | undefined;

/** Régions and départements only (a few kilobytes): what the routes read while they are registered. */
function loadDivisions(): Divisions {
  if (divisions) return divisions;
  const require = createRequire(import.meta.url);
  const rawRegions = require(`${PKG}regions.json`) as RawRegion[];
  const rawDepartements = require(`${PKG}departements.json`) as RawDepartement[];
  const inScope = (zone: string) => zone === 'metro' || zone === 'drom';
  const regions = rawRegions.filter((r) => inScope(r.zone)).map(({ code, nom }) => ({ code, nom }));
  const departements = rawDepartements
    .filter((d) => inScope(d.zone) && CENTRES_DEPARTEMENTS[d.code])
    .map(({ code, nom, region }) => ({ code, nom, region }));
  divisions = { regions, departements, regionByCode: new Map(regions.map((r) => [r.code, r])), departementByCode: new Map(departements.map((d) => [d.code, d])) };
  return divisions;
}

/** The communes too (8.6 MB of JSON, ~0.4 s): loaded at their first use or by the preload after start-up. */
function load(): Data {
  if (cache) return cache;
  const rawCommunes = createRequire(import.meta.url)(`${PKG}communes.json`) as RawCommune[];

  const communes: Commune[] = [];
  for (const c of rawCommunes) {
    if (c.type !== 'commune-actuelle' && c.type !== 'arrondissement-municipal') continue;
    const centre = c.departement ? CENTRES_DEPARTEMENTS[c.departement] : undefined;
    if (!c.departement || !c.region || !centre) continue;
    communes.push({
      insee: c.code,
      nom: c.nom,
      departement: c.departement,
      region: c.region,
      codesPostaux: c.codesPostaux ?? [],
      population: c.population ?? 0,
      lat: centre[0],
      lng: centre[1],
      centreApproximatif: true,
      ...(c.commune ? { communeParente: c.commune } : {}),
    });
  }
  communes.sort(byPopulation);

  const byPostcode = new Map<string, Commune[]>();
  const byDepartement = new Map<string, Commune[]>();
  for (const c of communes) {
    for (const cp of c.codesPostaux) push(byPostcode, cp, c);
    push(byDepartement, c.departement, c);
  }

  cache = {
    ...loadDivisions(),
    communes,
    byInsee: new Map(communes.map((c) => [c.insee, c])),
    byPostcode,
    byDepartement,
    departementsTries: new Set(),
  };
  applyCentres(cache.byInsee, centresEnAttente);
  centresEnAttente = [];
  return cache;
}

/** Centres read before the communes were loaded: applied when they are (start-up does not load them). */
let centresEnAttente: { insee: string; lat: number; lng: number }[] = [];

function applyCentres(byInsee: Map<string, Commune>, rows: readonly { insee: string; lat: number; lng: number }[]): void {
  for (const r of rows) {
    const c = byInsee.get(r.insee);
    if (!c) continue;
    c.lat = r.lat;
    c.lng = r.lng;
    c.centreApproximatif = false;
  }
}

const push = <V>(m: Map<string, V[]>, k: string, v: V) => {
  const list = m.get(k);
  if (!list) m.set(k, [v]);
  else if (list[list.length - 1] !== v) list.push(v);
};

/** Builds the search index of the communes' names, yielding after every slice of communes (see prechargerTerritoires). */
function* buildSearchIndex(communes: readonly Commune[]): Generator<void, NonNullable<Data['search']>> {
  const byName = new Map<string, number[]>();
  const trigrams = new Map<string, number[]>();
  const names: string[] = [];
  const suffixes: { key: string; commune: number; whole: boolean }[] = [];
  for (let i = 0; i < communes.length; i++) {
    const n = normaliseName(communes[i]!.nom);
    names.push(n);
    push(byName, n, i);
    for (let p = 0; p < n.length; p++) {
      if (p === 0 || n[p - 1] === ' ') suffixes.push({ key: n.slice(p), commune: i, whole: p === 0 });
      if (p + 3 <= n.length) push(trigrams, n.slice(p, p + 3), i);
    }
    if (i % 2000 === 1999) yield;
  }
  suffixes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.commune - b.commune));
  return {
    names,
    byName,
    keys: suffixes.map((x) => x.key),
    keyCommune: Int32Array.from(suffixes, (x) => x.commune),
    keyWhole: Uint8Array.from(suffixes, (x) => (x.whole ? 1 : 0)),
    trigrams,
  };
}

/** The search index of the communes' names, built once (at once when a search comes before the preload ends). */
function searchIndex(): NonNullable<Data['search']> {
  const data = load();
  if (data.search) return data.search;
  const build = buildSearchIndex(data.communes);
  let step = build.next();
  while (!step.done) step = build.next();
  data.search = step.value;
  return data.search;
}

/**
 * Builds the communes' data and search index after start-up, so that the first search does not wait:
 * in slices of a few tens of milliseconds between which requests are answered (in one go it held the
 * event loop ~0.6 s right after the server started listening).
 */
export async function prechargerTerritoires(): Promise<void> {
  const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
  await pause();
  const data = load();
  await pause();
  const build = buildSearchIndex(data.communes);
  for (let step = build.next(); ; step = build.next()) {
    if (data.search) return; // a search came first and built it
    if (step.done) {
      data.search = step.value;
      return;
    }
    await pause();
  }
}

/** Lower case, no accents, ligatures expanded, any punctuation as one space, `st`/`ste` spelt out. */
export function normaliseName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/\bst(e?)\b/g, 'saint$1');
}

export const regions = (): readonly Region[] => loadDivisions().regions;
export const departements = (): readonly Departement[] => loadDivisions().departements;
export const region = (code: string): Region | undefined => loadDivisions().regionByCode.get(code);
export const departement = (code: string): Departement | undefined => loadDivisions().departementByCode.get(code.toUpperCase());
export const commune = (insee: string): Commune | undefined => load().byInsee.get(insee.toUpperCase());
/** Communes (and arrondissements municipaux) of a département, by name. */
export function communesOfDepartement(code: string): readonly Commune[] {
  const data = load();
  const key = code.toUpperCase();
  const list = data.byDepartement.get(key);
  if (!list) return [];
  if (!data.departementsTries.has(key)) {
    list.sort((a, b) => frCollator.compare(a.nom, b.nom));
    data.departementsTries.add(key);
  }
  return list;
}

/**
 * Commune search for autocompletion. A 5-digit query returns every commune with that postcode
 * (not truncated), or else the commune with that INSEE code; `2A004` style codes return that
 * commune. Other queries match names ignoring case, accents and punctuation: exact match first,
 * then names starting with the query, then a word starting with it, then containing it;
 * population descending within each rank.
 */
export function searchCommunes(query: string, limit = 10): Commune[] {
  const data = load();
  const q = query.trim();
  if (/^\d{5}$/.test(q)) {
    const byPostcode = data.byPostcode.get(q);
    if (byPostcode) return [...byPostcode];
  }
  if (/^(\d{5}|2[AB]\d{3})$/i.test(q)) {
    const c = data.byInsee.get(q.toUpperCase());
    return c ? [c] : [];
  }
  const n = normaliseName(q);
  if (!n || limit <= 0) return [];
  const { names, byName, keys, keyCommune, keyWhole, trigrams } = searchIndex();

  const exact = (byName.get(n) ?? []).slice(0, limit);
  // Names, then other words, starting with the query: one range of the sorted keys.
  const prefix: number[] = [];
  const word: number[] = [];
  for (let k = lowerBound(keys, n), end = lowerBound(keys, n + '~'); k < end; k++) {
    const i = keyCommune[k]!;
    if (keyWhole[k]) {
      if (names[i] !== n) keepBest(prefix, i, limit);
    } else if (wouldKeep(word, i, limit) && !names[i]!.startsWith(n)) keepBest(word, i, limit);
  }
  const found = [...exact, ...prefix, ...word].slice(0, limit);
  // Then names containing the query inside a word, found through their rarest trigram.
  if (found.length < limit) {
    // Queries under 3 characters scan every name, in population order: they match early.
    let candidates: readonly number[] | undefined;
    for (let p = 0; p + 3 <= n.length; p++) {
      const list = trigrams.get(n.slice(p, p + 3)) ?? [];
      if (!candidates || list.length < candidates.length) candidates = list;
    }
    const count = candidates ? candidates.length : names.length;
    for (let j = 0; j < count && found.length < limit; j++) {
      const i = candidates ? candidates[j]! : j;
      const name = names[i]!;
      if (name.includes(n) && !name.startsWith(n) && !name.includes(' ' + n)) found.push(i);
    }
  }
  return found.map((i) => data.communes[i]!);
}

/** First index of sorted `keys` whose key is not below `k`. */
function lowerBound(keys: readonly string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const wouldKeep = (best: number[], i: number, limit: number) =>
  (best.length < limit || i < best[best.length - 1]!) && !best.includes(i);

/** Keeps in `best` (ascending) the `limit` smallest distinct commune numbers seen. */
function keepBest(best: number[], i: number, limit: number): void {
  if (!wouldKeep(best, i, limit)) return;
  let at = best.length;
  while (at > 0 && best[at - 1]! > i) at--;
  best.splice(at, 0, i);
  if (best.length > limit) best.pop();
}

/** Overrides commune centres in memory with imported ones; unknown INSEE codes are ignored. */
export function setCommuneCentres(rows: readonly { insee: string; lat: number; lng: number }[]): void {
  if (cache) applyCentres(cache.byInsee, rows);
  else for (const r of rows) centresEnAttente.push(r);
}

/** Great-circle distance in kilometres (haversine, mean Earth radius). */
export function distanceKm(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** What a person typed for a commune: the one commune it designates, or why not and the communes it may mean. */
export type CommuneTrouvee = { ok: true; commune: Commune } | { ok: false; error: string; choix: Commune[] };

/** At most this many communes are offered as a choice (a postcode shared by more is rare: a few dozen). */
const CHOIX_MAX = 30;

const communeLabel = (c: Commune) => `${c.nom} (${c.departement})`;

/**
 * A commune typed by a person, as a name (accents, case and punctuation ignored; « Forbach (57) »
 * narrowed to the département), a postcode or an INSEE code. One commune → found; several (a name
 * shared by several communes, a postcode covering several) → the list to choose from; none → the
 * closest names. `codePostal` narrows a shared name.
 */
export function trouverCommune(text: string, codePostal = ''): CommuneTrouvee {
  const t = text.trim().slice(0, 100);
  if (!t) return { ok: false, error: 'Indiquez la commune : son nom, son code postal ou son code INSEE.', choix: [] };
  const data = load();
  if (/^\d{5}$/.test(t) || /^2[AB]\d{3}$/i.test(t)) {
    const byCode = data.byInsee.get(t.toUpperCase());
    const byPostcode = data.byPostcode.get(t) ?? [];
    // a person types a postcode more often than an INSEE code: its communes first (57600 is Forbach's postcode and Roussy-le-Village's code)
    const all = [...[...byPostcode].sort((a, b) => b.population - a.population), ...(byCode && !byPostcode.includes(byCode) ? [byCode] : [])];
    if (all.length === 1) return { ok: true, commune: all[0]! };
    if (all.length === 0) return { ok: false, error: `Aucune commune n'a le code postal ou le code INSEE ${t}.`, choix: [] };
    return { ok: false, error: `Plusieurs communes ont le code ${t} : choisissez la vôtre.`, choix: all.slice(0, CHOIX_MAX) };
  }
  const dep = /\s*\((\d[\dAB]?\d?)\)\s*$/i.exec(t)?.[1]?.toUpperCase();
  const nameText = dep ? t.slice(0, t.lastIndexOf('(')) : t;
  const name = normaliseName(nameText);
  let exact = (searchIndex().byName.get(name) ?? []).map((i) => data.communes[i]!);
  if (dep) exact = exact.filter((c) => c.departement === dep);
  if (codePostal && exact.length > 1) {
    const inPostcode = exact.filter((c) => c.codesPostaux.includes(codePostal));
    if (inPostcode.length) exact = inPostcode;
  }
  if (exact.length === 1) return { ok: true, commune: exact[0]! };
  if (exact.length > 1)
    return { ok: false, error: `Plusieurs communes s'appellent ${exact[0]!.nom} : choisissez la vôtre.`, choix: exact.slice(0, CHOIX_MAX) };
  const near = searchCommunes(nameText, 5);
  if (near.length === 0)
    return { ok: false, error: `Aucune commune ne s'appelle « ${t.slice(0, 60)} » : vérifiez l'orthographe, ou saisissez son code postal.`, choix: [] };
  return { ok: false, error: `Aucune commune ne s'appelle exactement « ${t.slice(0, 60)} » : choisissez-la parmi les plus proches, ou corrigez.`, choix: near };
}

/** A commune typed by a person, as one message when it does not designate one commune. */
export function resoudreCommune(text: string, codePostal = ''): { insee: string } | { error: string } {
  const r = trouverCommune(text, codePostal);
  if (r.ok) return { insee: r.commune.insee };
  return { error: r.choix.length ? `${r.error} ${r.choix.slice(0, 5).map((c) => `${communeLabel(c)}, code INSEE ${c.insee}`).join(' ; ')}.` : r.error };
}

/**
 * A commune field of a form (views/commune-field.tsx): the code picked (from the suggestions or the
 * choice offered) when it was picked for the text now in the field, else the text resolved.
 */
export function lireCommune(texte: string, code: string, pour: string, codePostal = ''): CommuneTrouvee {
  if (code && pour.trim() === texte.trim()) {
    const c = commune(code);
    if (c) return { ok: true, commune: c };
  }
  return trouverCommune(texte, codePostal);
}

/** The communes to offer for what was typed: none when it designates one commune. */
export function choixCommune(texte: string, codePostal = ''): Commune[] {
  const r = trouverCommune(texte, codePostal);
  return r.ok ? [] : r.choix;
}
