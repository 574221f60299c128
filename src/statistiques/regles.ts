/**
 * Pure rules of the statistics (domain §11), without I/O: the query's parameters, the split of a
 * period into whole months and edge days, percentages adding up to 100 (largest remainder), and the
 * indicators built from the figures read (aggregates or records, the same shape).
 */
import { GENRES, LIEU_TYPES, MATERIEL, ORIENTATIONS, STATUTS, THEMATIQUES, THEMATIQUES_DEMARCHES, TRANCHES_AGE, TRANCHES_DUREE, TYPES, label } from '../activites/codes.js';
import { addMonths, isCalendarDate } from '../activites/dates.js';
import { isUuid } from '../platform/ids.js';

export const ECHELLES = ['national', 'region', 'departement', 'structure', 'conseiller', 'equipe'] as const;
export type Echelle = (typeof ECHELLES)[number];

export const ECHELLE_LABELS: Record<Echelle, string> = {
  national: 'France entière',
  region: 'Région',
  departement: 'Département',
  structure: 'Structure',
  conseiller: 'Conseiller',
  equipe: 'Équipe',
};

/** Dimensions of the aggregates (SQL function statistiques_lignes) and their API name. */
export const DIMENSIONS = {
  type: 'types',
  thematique: 'thematiques',
  thematique_demarche: 'thematiques_demarches',
  materiel: 'materiel',
  lieu: 'lieux',
  duree: 'durees',
  genre: 'genres',
  tranche_age: 'tranches_age',
  statut: 'statuts',
  orientation: 'orientations',
} as const;
export type Dimension = keyof typeof DIMENSIONS | 'lieu_id' | 'commune';
export const PERSONNES: readonly Dimension[] = ['genre', 'tranche_age', 'statut'];

const LABELS: Record<keyof typeof DIMENSIONS, { labels: Record<string, string>; values: string[] }> = {
  type: TYPES,
  thematique: THEMATIQUES,
  thematique_demarche: THEMATIQUES_DEMARCHES,
  materiel: MATERIEL,
  lieu: LIEU_TYPES,
  duree: TRANCHES_DUREE,
  genre: GENRES,
  tranche_age: TRANCHES_AGE,
  statut: STATUTS,
  orientation: ORIENTATIONS,
};

export const MAX_ANNEES = 10;
export const MAX_CODES = 50;

export interface Parametres {
  du: string;
  au: string;
  echelle: Echelle | null;
  code: string | null;
  types: string[];
  thematiques: string[];
  /** Filters that narrow the scope (filtres.ts checks that each value lies in it). */
  conseillers: string[];
  structures: string[];
  communes: string[];
  departements: string[];
  lieux: string[];
}

/** The narrowing filters: query parameter → what a value is. */
export const FILTRES_PERIMETRE = ['conseillers', 'structures', 'communes', 'departements', 'lieux'] as const;
export type FiltrePerimetre = (typeof FILTRES_PERIMETRE)[number];

export type Erreurs = Record<string, string>;

const one = (v: unknown): string | undefined => (Array.isArray(v) ? (v.length ? String(v[v.length - 1]) : undefined) : v === undefined || v === null ? undefined : String(v));

/** The list parameters in words, for the « too many values » message. */
const NOMS_LISTES: Record<string, string> = { types: "types d'activité", thematiques: 'thématiques', conseillers: 'conseillers', structures: 'structures', communes: 'communes', departements: 'départements', lieux: 'lieux' };

/** A list parameter, comma-separated or repeated; `allowed` the codes, or a syntax check (then `what` says it all). */
function list(errors: Erreurs, name: string, raw: unknown, allowed: readonly string[] | ((v: string) => boolean), what: string): string[] {
  const values = (Array.isArray(raw) ? raw.map(String) : raw === undefined || raw === null ? [] : [String(raw)])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (values.length > MAX_CODES) {
    errors[name] = `Trop de valeurs (${NOMS_LISTES[name] ?? name}) : ${MAX_CODES} au plus.`;
    return [];
  }
  const ok = typeof allowed === 'function' ? allowed : (v: string) => allowed.includes(v);
  const unknown = values.filter((v) => !ok(v));
  const quoted = unknown.slice(0, 3).map((u) => `« ${u.slice(0, 40)} »`).join(', ');
  if (unknown.length) errors[name] = typeof allowed === 'function' ? `${what} : ${quoted}.` : `${what} inconnu${unknown.length > 1 ? 's' : ''} : ${quoted}.`;
  return [...new Set(values)].sort();
}

const INSEE = /^(\d{5}|2[AB]\d{3})$/;
const DEPARTEMENT = /^(\d{2,3}|2[AB])$/;

/** Reads du, au, echelle, code, types, thematiques and the narrowing filters (conseillers, structures, communes, departements, lieux). `today` (Paris) is the default end; the default start is a year before. */
export function lireParametres(q: Record<string, unknown>, today: string, codeExiste: (echelle: Echelle, code: string) => boolean): { ok: true; value: Parametres } | { ok: false; errors: Erreurs } {
  const errors: Erreurs = {};
  const au = one(q.au)?.trim() || today;
  const duRaw = one(q.du)?.trim();
  if (!isCalendarDate(au)) errors.au = `La date de fin (au) doit être une date réelle écrite AAAA-MM-JJ : « ${String(au).slice(0, 20)} ».`;
  let du = duRaw || (isCalendarDate(au) ? jourSuivant(addMonths(au, -12)) : today);
  if (!isCalendarDate(du)) {
    errors.du = `La date de début (du) doit être une date réelle écrite AAAA-MM-JJ : « ${String(du).slice(0, 20)} ».`;
    du = today;
  } else if (isCalendarDate(au) && du > au) errors.du = 'La date de début (du) doit précéder la date de fin (au).';
  else if (isCalendarDate(au) && du < addMonths(au, -12 * MAX_ANNEES)) errors.du = `La période ne peut dépasser ${MAX_ANNEES} ans.`;
  const e = one(q.echelle)?.trim() || null;
  let echelle: Echelle | null = null;
  if (e !== null) {
    if ((ECHELLES as readonly string[]).includes(e)) echelle = e as Echelle;
    else errors.echelle = `Échelle inconnue : « ${e.slice(0, 30)} » (national, region, departement, structure, conseiller ou equipe).`;
  }
  const c = one(q.code)?.trim() || null;
  let code: string | null = null;
  if (c !== null) {
    if (c.length > 40) errors.code = 'Le code : 40 caractères au plus.';
    else if (!echelle || echelle === 'national') {
      if (!errors.echelle) errors.code = echelle ? "L'échelle nationale ne prend pas de code." : "Un code demande son échelle (echelle=region, departement, structure, conseiller ou equipe).";
    } else if ((echelle === 'structure' || echelle === 'conseiller' || echelle === 'equipe') && !isUuid(c)) errors.code = `Pour l'échelle ${echelle}, le code est un identifiant (UUID) : « ${String(c).slice(0, 40)} ».`;
    else if (!codeExiste(echelle, echelle === 'departement' ? c.toUpperCase() : c.toLowerCase())) errors.code = `Code inconnu pour l'échelle ${echelle} : « ${String(c).slice(0, 40)} ».`;
    else code = echelle === 'departement' ? c.toUpperCase() : c.toLowerCase();
  }
  const types = list(errors, 'types', q.types, TYPES.values, "Types d'activité");
  const thematiques = list(errors, 'thematiques', q.thematiques, THEMATIQUES.values, 'Thématiques');
  // Syntax only here; filtres.ts says which are unknown (400) or outside the scope (403).
  const uuids = (name: FiltrePerimetre, what: string) => list(errors, name, q[name], isUuid, `Identifiant ${what} mal formé (UUID attendu)`).map((v) => v.toLowerCase());
  const conseillers = uuids('conseillers', 'de conseiller');
  const structures = uuids('structures', 'de structure');
  const lieux = uuids('lieux', "de lieu d'activité");
  const communes = list(errors, 'communes', q.communes, (v) => INSEE.test(v.toUpperCase()), 'Code INSEE de commune mal formé (5 caractères)').map((v) => v.toUpperCase());
  const departements = list(errors, 'departements', q.departements, (v) => DEPARTEMENT.test(v.toUpperCase()), 'Code de département mal formé').map((v) => v.toUpperCase());
  if (Object.keys(errors).length) return { ok: false, errors };
  const unique = (xs: string[]) => [...new Set(xs)].sort();
  return {
    ok: true,
    value: { du, au, echelle, code, types, thematiques, conseillers: unique(conseillers), structures: unique(structures), communes: unique(communes), departements: unique(departements), lieux: unique(lieux) },
  };
}

export function jourSuivant(d: string, n = 1): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

const finDeMois = (d: string) => jourSuivant(addMonths(`${d.slice(0, 7)}-01`, 1), -1);

/**
 * A period [du, au] as whole months (first days, both included) and the days outside them:
 * the aggregates by month cover the middle, those by day the edges.
 */
export function decouperPeriode(du: string, au: string): { mois: [string, string] | null; jours: [string, string][] } {
  const premierMois = du.endsWith('-01') ? du : `${addMonths(du, 1).slice(0, 7)}-01`;
  const dernierMoisFin = finDeMois(au) === au ? au : jourSuivant(`${au.slice(0, 7)}-01`, -1);
  if (premierMois > dernierMoisFin) return { mois: null, jours: [[du, au]] };
  const jours: [string, string][] = [];
  if (du < premierMois) jours.push([du, jourSuivant(premierMois, -1)]);
  if (dernierMoisFin < au) jours.push([jourSuivant(dernierMoisFin), au]);
  return { mois: [premierMois, `${dernierMoisFin.slice(0, 7)}-01`], jours };
}

/**
 * Whole percentages of `values` adding up to exactly 100 (largest remainder: floors first, then one
 * point to the largest remainders, ties to the larger value then the earlier one). All zero → zeros.
 */
export function pourcentages(values: readonly number[]): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  if (total <= 0) return values.map(() => 0);
  const exact = values.map((v) => (v * 100) / total);
  const out = exact.map(Math.floor);
  let left = 100 - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e), v: values[i]! })).sort((a, b) => b.r - a.r || b.v - a.v || a.i - b.i);
  for (const o of order) {
    if (left <= 0) break;
    out[o.i]! += 1;
    left -= 1;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// The figures read (from the aggregates or from the records: the same shape) and the indicators.

export interface Ligne {
  valeur: string;
  activites: number;
  accompagnements: number;
  /** Anonymous people with this value (genre, tranche_age, statut). */
  personnes: number;
  minutes: number;
}

export interface Figures {
  activites: number;
  accompagnements: number;
  participantsAteliers: number;
  anonymes: number;
  anonymesNouveaux: number;
  suivis: number;
  suivisNouveaux: number;
  /** dimension → lines (any order). */
  repartitions: Partial<Record<Dimension, Ligne[]>>;
  /** The followed beneficiaries counted once each: their gender, age bracket and status. */
  suivisPar: Partial<Record<'genre' | 'tranche_age' | 'statut', { valeur: string; personnes: number }[]>>;
  mensuelle: { mois: string; activites: number; accompagnements: number }[];
  quotidienne: { jour: string; activites: number; accompagnements: number }[];
}

export interface Part {
  code: string;
  libelle: string;
  nombre: number;
  pourcentage: number;
}

export interface Indicateurs {
  activites: number;
  accompagnements: number;
  participants_ateliers: number;
  beneficiaires: { total: number; suivis: number; anonymes: number; nouveaux: number };
  repartitions: Record<(typeof DIMENSIONS)[keyof typeof DIMENSIONS], Part[]>;
  series: { mensuelle: { mois: string; activites: number; accompagnements: number }[]; quotidienne: { jour: string; activites: number; accompagnements: number }[] };
}

/** Every value of a dimension in the codes' order (values absent from the codes after them), with percentages. */
export function parts(dimension: keyof typeof DIMENSIONS, counts: Map<string, number>): Part[] {
  const codes = LABELS[dimension].values;
  const extra = [...counts.keys()].filter((k) => !codes.includes(k)).sort();
  const keys = [...codes, ...extra];
  const nombres = keys.map((k) => counts.get(k) ?? 0);
  const pct = pourcentages(nombres);
  return keys.map((k, i) => ({ code: k, libelle: label(LABELS[dimension], k), nombre: nombres[i]!, pourcentage: pct[i]! }));
}

/** The months of the series: the 12 months ending with `au`'s; the days: the 30 ending on `au`. */
export function moisDeSerie(au: string): string[] {
  return Array.from({ length: 12 }, (_, i) => addMonths(`${au.slice(0, 7)}-01`, i - 11).slice(0, 7));
}
export function joursDeSerie(au: string): string[] {
  return Array.from({ length: 30 }, (_, i) => jourSuivant(au, i - 29));
}

export function indicateurs(f: Figures, au: string): Indicateurs {
  const rep = {} as Indicateurs['repartitions'];
  for (const [dim, name] of Object.entries(DIMENSIONS) as [keyof typeof DIMENSIONS, (typeof DIMENSIONS)[keyof typeof DIMENSIONS]][]) {
    const counts = new Map<string, number>();
    const add = (k: string, n: number) => counts.set(k, (counts.get(k) ?? 0) + n);
    const personnes = (PERSONNES as string[]).includes(dim);
    for (const l of f.repartitions[dim] ?? []) add(l.valeur, personnes ? l.personnes : l.accompagnements);
    if (personnes) for (const s of f.suivisPar[dim as 'genre'] ?? []) add(s.valeur, s.personnes);
    for (const [k, n] of counts) if (n === 0) counts.delete(k);
    rep[name] = parts(dim, counts);
  }
  const mensuelle = new Map(f.mensuelle.map((m) => [m.mois, m]));
  const quotidienne = new Map(f.quotidienne.map((m) => [m.jour, m]));
  return {
    activites: f.activites,
    accompagnements: f.accompagnements,
    participants_ateliers: f.participantsAteliers,
    beneficiaires: { total: f.suivis + f.anonymes, suivis: f.suivis, anonymes: f.anonymes, nouveaux: f.suivisNouveaux + f.anonymesNouveaux },
    repartitions: rep,
    series: {
      mensuelle: moisDeSerie(au).map((mois) => ({ mois, activites: mensuelle.get(mois)?.activites ?? 0, accompagnements: mensuelle.get(mois)?.accompagnements ?? 0 })),
      quotidienne: joursDeSerie(au).map((jour) => ({ jour, activites: quotidienne.get(jour)?.activites ?? 0, accompagnements: quotidienne.get(jour)?.accompagnements ?? 0 })),
    },
  };
}

/** Hours by activity type (from the `type` lines). */
export function heuresParType(f: Figures): { code: string; libelle: string; heures: number }[] {
  const m = new Map((f.repartitions.type ?? []).map((l) => [l.valeur, l.minutes]));
  return TYPES.values.map((t) => ({ code: t, libelle: label(TYPES, t), heures: Math.round(((m.get(t) ?? 0) / 60) * 10) / 10 }));
}

/** The `n` values with the most accompagnements (ties by code). */
export function premiers(lignes: readonly Ligne[] | undefined, n = 10): Ligne[] {
  return [...(lignes ?? [])].filter((l) => l.accompagnements > 0).sort((a, b) => b.accompagnements - a.accompagnements || a.valeur.localeCompare(b.valeur)).slice(0, n);
}
