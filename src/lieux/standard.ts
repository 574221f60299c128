/**
 * The national data standard for places, « Schéma de données des lieux de médiation numérique »
 * v1.0.2 (LaMednum/standard-mediation-num, Licence Ouverte 2.0), written as constants.
 * `standard.test.ts` compares them with schema-v1.0.2.json so that they cannot drift.
 *
 * `validateLieuV1` is a pure function: a record of strings (a CSV row, multi-values joined by `|`)
 * in, a typed place or a list of problems (field + French reason) out.
 */
import { isCalendarDate } from '../platform/http.js';
import { horairesProblem } from './horaires.js';
import { pivotProbleme, telephoneProbleme } from './normalisation.js';

export const STANDARD_VERSION = '1.0.2';

export const SERVICES = [
  'Aide aux démarches administratives',
  'Maîtrise des outils numériques du quotidien',
  'Insertion professionnelle via le numérique',
  'Utilisation sécurisée du numérique',
  'Parentalité et éducation avec le numérique',
  'Loisirs et créations numériques',
  'Compréhension du monde numérique',
  'Accès internet et matériel informatique',
  'Acquisition de matériel informatique à prix solidaire',
] as const;

export const PUBLICS_SPECIFIQUEMENT_ADRESSES = ['Jeunes', 'Étudiants', 'Familles et/ou enfants', 'Seniors', 'Femmes'] as const;

export const PRISE_EN_CHARGE_SPECIFIQUE = [
  'Surdité',
  'Handicaps moteurs',
  'Handicaps mentaux',
  'Illettrisme',
  'Langues étrangères (anglais)',
  'Langues étrangères (autres)',
  'Déficience visuelle',
] as const;

export const FRAIS_A_CHARGE = ['Gratuit', 'Gratuit sous condition', 'Payant'] as const;

export const DISPOSITIF_PROGRAMMES_NATIONAUX = [
  'Aidants Connect',
  'Bibliothèques numérique de référence',
  'Certification PIX',
  'Conseillers numériques',
  'Emmaüs Connect',
  'France Services',
  'Grande école du numérique',
  'La Croix Rouge',
  "Point d'accès numérique CAF",
  'Promeneurs du net',
  'Relais numérique (Emmaüs Connect)',
] as const;

export const FORMATIONS_LABELS = [
  'Formé à « Mon Espace Santé »',
  'Formé à « DUPLEX » (illettrisme)',
  'Arnia/MedNum BFC (Bourgogne-Franche-Comté)',
  'Collectif ressources et acteurs réemploi (Normandie)',
  'Étapes numériques(La Poste)',
  'Fabriques de Territoire',
  'Les Éclaireurs du numérique (Drôme)',
  'Mes Papiers (Métropole de Lyon)',
  'ORDI 3.0',
  'SUD LABS (PACA)',
] as const;

export const MODALITES_ACCES = [
  'Se présenter',
  'Téléphoner',
  'Contacter par mail',
  'Prendre un RDV en ligne',
  "Ce lieu n'accueille pas de public",
  'Envoyer un mail avec une fiche de prescription',
] as const;

export const MODALITES_ACCOMPAGNEMENT = ['En autonomie', 'Accompagnement individuel', 'Dans un atelier collectif', 'À distance'] as const;

export const ITINERANCE = ['Itinérant', 'Fixe'] as const;

/** Fields whose values are a closed list (checkboxes in the form, a `|`-separated list in files). */
export const ENUMS = {
  itinerance: ITINERANCE,
  services: SERVICES,
  publics_specifiquement_adresses: PUBLICS_SPECIFIQUEMENT_ADRESSES,
  prise_en_charge_specifique: PRISE_EN_CHARGE_SPECIFIQUE,
  frais_a_charge: FRAIS_A_CHARGE,
  dispositif_programmes_nationaux: DISPOSITIF_PROGRAMMES_NATIONAUX,
  formations_labels: FORMATIONS_LABELS,
  modalites_acces: MODALITES_ACCES,
  modalites_accompagnement: MODALITES_ACCOMPAGNEMENT,
} as const;
export type EnumField = keyof typeof ENUMS;

/** Patterns of the schema other than the enumerations (copied as written there). */
export const PATTERNS = {
  pivot: '^[a-zA-Z0-9]{9,14}$',
  code_postal: '^\\d{5}$',
  code_insee: '^([013-9]\\d|2[AB1-9])\\d{3}$',
  telephone: '^(\\+33|\\+590|\\+594|\\+262|\\+596|\\+269|\\+687|\\+689|\\+508|\\+681)(\\d){6,9}$',
} as const;

/** The schema's way of writing an enumeration as a pattern: `(?:(?:^|\|)(A|B))+$`. */
export function enumPattern(values: readonly string[]): string {
  return `(?:(?:^|\\|)(${values.map((v) => v.replace(/[()]/g, (c) => '\\' + c)).join('|')}))+$`;
}

/** Every field, in the schema's order. */
export const FIELDS = [
  'id',
  'pivot',
  'nom',
  'commune',
  'code_postal',
  'code_insee',
  'adresse',
  'complement_adresse',
  'latitude',
  'longitude',
  'typologie',
  'telephone',
  'courriels',
  'site_web',
  'horaires',
  'presentation_resume',
  'presentation_detail',
  'source',
  'itinerance',
  'structure_parente',
  'date_maj',
  'services',
  'publics_specifiquement_adresses',
  'prise_en_charge_specifique',
  'frais_a_charge',
  'dispositif_programmes_nationaux',
  'formations_labels',
  'autres_formations_labels',
  'modalites_acces',
  'modalites_accompagnement',
  'fiche_acces_libre',
  'prise_rdv',
] as const;
export type Field = (typeof FIELDS)[number];

export const REQUIRED: readonly Field[] = ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'date_maj'];
export const MAX_LENGTH: Partial<Record<Field, number>> = { presentation_resume: 280 };
/**
 * The maximum length (in characters) of every field, checked for the form, the API and imports:
 * the standard's where it sets one (MAX_LENGTH), otherwise a bound well above real data (the
 * national CNFS file's longest name is 134 characters, its longest hours 166) that keeps a place a
 * few kilobytes. Multi-value fields are bounded as a whole (values joined by `|`).
 */
export const LIMITS: Record<Field, number> = {
  id: 200,
  pivot: 100,
  nom: 200,
  commune: 100,
  code_postal: 100,
  code_insee: 100,
  adresse: 300,
  complement_adresse: 300,
  latitude: 100,
  longitude: 100,
  typologie: 500,
  telephone: 100,
  courriels: 1000,
  site_web: 2000,
  horaires: 2000,
  presentation_resume: 280,
  presentation_detail: 10000,
  source: 200,
  itinerance: 2000,
  structure_parente: 200,
  date_maj: 100,
  services: 2000,
  publics_specifiquement_adresses: 2000,
  prise_en_charge_specifique: 2000,
  frais_a_charge: 2000,
  dispositif_programmes_nationaux: 2000,
  formations_labels: 2000,
  autres_formations_labels: 2000,
  modalites_acces: 2000,
  modalites_accompagnement: 2000,
  fiche_acces_libre: 500,
  prise_rdv: 500,
  ...MAX_LENGTH,
};
export const NUMBER_FIELDS: readonly Field[] = ['latitude', 'longitude'];
export const DATE_FIELDS: readonly Field[] = ['date_maj'];

/** Fields holding several values, separated by `|` in files (text[] in the database). */
export const MULTI_FIELDS = [
  'typologie',
  'courriels',
  'site_web',
  'itinerance',
  'services',
  'publics_specifiquement_adresses',
  'prise_en_charge_specifique',
  'frais_a_charge',
  'dispositif_programmes_nationaux',
  'formations_labels',
  'autres_formations_labels',
  'modalites_acces',
  'modalites_accompagnement',
] as const satisfies readonly Field[];
export type MultiField = (typeof MULTI_FIELDS)[number];

export const FIELD_LABELS: Record<Field, string> = {
  id: 'Identifiant',
  pivot: 'SIRET, RNA ou RIDET',
  nom: 'Nom',
  commune: 'Commune',
  code_postal: 'Code postal',
  code_insee: 'Code INSEE',
  adresse: 'Adresse',
  complement_adresse: "Complément d'adresse",
  latitude: 'Latitude',
  longitude: 'Longitude',
  typologie: 'Typologie',
  telephone: 'Téléphone',
  courriels: 'Courriels',
  site_web: 'Sites web',
  horaires: 'Horaires',
  presentation_resume: 'Présentation résumée',
  presentation_detail: 'Présentation détaillée',
  source: 'Structure collectant la donnée',
  itinerance: 'Itinérance',
  structure_parente: 'Structure parente',
  date_maj: 'Date de mise à jour',
  services: 'Services',
  publics_specifiquement_adresses: 'Publics spécifiquement adressés',
  prise_en_charge_specifique: 'Prise en charge spécifique',
  frais_a_charge: 'Frais à charge',
  dispositif_programmes_nationaux: 'Dispositifs et programmes nationaux',
  formations_labels: 'Formations et labels',
  autres_formations_labels: 'Autres formations et labels',
  modalites_acces: "Modalités d'accès",
  modalites_accompagnement: "Modalités d'accompagnement",
  fiche_acces_libre: 'Fiche Accès libre',
  prise_rdv: 'Prise de rendez-vous',
};

/** A place in the standard, typed: multi-values as arrays, absent optional values as null. */
export interface LieuV1 {
  id: string;
  pivot: string;
  nom: string;
  commune: string;
  code_postal: string;
  code_insee: string | null;
  adresse: string;
  complement_adresse: string | null;
  latitude: number | null;
  longitude: number | null;
  typologie: string[];
  telephone: string | null;
  courriels: string[];
  site_web: string[];
  horaires: string | null;
  presentation_resume: string | null;
  presentation_detail: string | null;
  source: string | null;
  itinerance: string[];
  structure_parente: string | null;
  date_maj: string;
  services: string[];
  publics_specifiquement_adresses: string[];
  prise_en_charge_specifique: string[];
  frais_a_charge: string[];
  dispositif_programmes_nationaux: string[];
  formations_labels: string[];
  autres_formations_labels: string[];
  modalites_acces: string[];
  modalites_accompagnement: string[];
  fiche_acces_libre: string | null;
  prise_rdv: string | null;
}

export interface Problem {
  field: string;
  reason: string;
}

export type RawRecord = Partial<Record<Field, string | null | undefined>>;

const isMulti = (f: Field): f is MultiField => (MULTI_FIELDS as readonly string[]).includes(f);
const COMPILED = Object.fromEntries(Object.entries(PATTERNS).map(([k, v]) => [k, new RegExp(v)])) as Record<keyof typeof PATTERNS, RegExp>;
const EMAIL = /^[^\s@|]+@[^\s@|]+\.[^\s@|]+$/;
const URL_RE = /^https?:\/\/[^\s|]+$/i;
/** Control characters (C0 but tab, line feed, carriage return; DEL): never text of a place, and U+0000 cannot be stored at all. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** « U+0000 » for the first control character of `v`, for the reports. */
export function controlCharProblem(v: string): string | null {
  const m = CONTROL_CHARS.exec(v);
  return m ? `caractère de contrôle interdit (U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) : retirez-le du fichier` : null;
}

/**
 * A spreadsheet reads a cell starting with one of these as a formula (CSV injection, OWASP). No
 * field of the standard expects one: numbers (latitude, longitude: a leading minus) and the phone
 * number (its pattern starts with +33…) are checked by their own formats instead.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;
export const FORMULA_EXEMPT: readonly Field[] = ['latitude', 'longitude', 'telephone'];

/** The French reason for a value a spreadsheet would run as a formula, or null. */
export function formulaProblem(f: Field, v: string): string | null {
  if (FORMULA_EXEMPT.includes(f)) return null;
  const values = isMulti(f) ? [v, ...v.split('|').map((x) => x.trim())] : [v];
  const bad = values.find((x) => FORMULA_START.test(x));
  if (!bad) return null;
  const c = bad[0] === '\t' ? 'une tabulation' : bad[0] === '\r' ? 'un retour chariot' : `« ${bad[0]} »`;
  return `ne doit pas commencer par ${c} (un tableur le prendrait pour une formule) : retirez ce caractère`;
}

export function splitMulti(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split('|').map((v) => v.trim()).filter(Boolean))];
}

/**
 * Checks a record against the schema's constraints (required, patterns, enumerations, maximum
 * lengths, types) and the opening-hours syntax, and returns the typed place or every problem.
 */
export function validateLieuV1(raw: RawRecord): { ok: true; value: LieuV1 } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const v = (raw[f] ?? '').trim();
    if (!v) {
      if (REQUIRED.includes(f)) problems.push({ field: f, reason: `champ obligatoire manquant (${FIELD_LABELS[f].toLowerCase()})` });
      out[f] = isMulti(f) ? [] : null;
      continue;
    }
    const control = controlCharProblem(v);
    if (control) {
      problems.push({ field: f, reason: control });
      out[f] = isMulti(f) ? [] : null;
      continue;
    }
    const max = LIMITS[f];
    if (v.length > max && [...v].length > max) {
      // Never echoed: the value may be huge.
      problems.push({ field: f, reason: `au plus ${max} caractères (${[...v].length} reçus)` });
      out[f] = isMulti(f) ? [] : null;
      continue;
    }
    const formula = formulaProblem(f, v);
    if (formula) {
      problems.push({ field: f, reason: formula });
      out[f] = isMulti(f) ? [] : null;
      continue;
    }
    if (f in COMPILED && !COMPILED[f as keyof typeof PATTERNS].test(v)) {
      problems.push({ field: f, reason: `valeur « ${v} » non conforme au format attendu (${PATTERN_HINTS[f as keyof typeof PATTERNS]})` });
    } else if (f === 'pivot' || f === 'telephone') {
      // Stricter than the schema's patterns: what the national tools (the ANCT's library of the standard) accept.
      const national = f === 'pivot' ? pivotProbleme(v) : telephoneProbleme(v);
      if (national) problems.push({ field: f, reason: f === 'pivot' ? `${national} : indiquez le SIRET ou le numéro RNA, ou laissez vide` : national });
    }
    if (NUMBER_FIELDS.includes(f)) {
      const n = Number(v);
      const limit = f === 'latitude' ? 90 : 180;
      if (!/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v) || !Number.isFinite(n)) problems.push({ field: f, reason: `« ${v} » n'est pas un nombre` });
      else if (Math.abs(n) > limit) problems.push({ field: f, reason: `${v} hors de l'intervalle [-${limit}, ${limit}]` });
      out[f] = n;
      continue;
    }
    if (DATE_FIELDS.includes(f) && !isCalendarDate(v)) problems.push({ field: f, reason: `date « ${v} » invalide (format AAAA-MM-JJ attendu)` });
    if (isMulti(f)) {
      const values = splitMulti(v);
      const allowed = (ENUMS as Record<string, readonly string[]>)[f];
      if (allowed) {
        const unknown = values.filter((x) => !allowed.includes(x));
        if (unknown.length) problems.push({ field: f, reason: `valeur${unknown.length > 1 ? 's' : ''} inconnue${unknown.length > 1 ? 's' : ''} : ${unknown.map((x) => `« ${x} »`).join(', ')}` });
      }
      if (f === 'courriels') {
        const bad = values.filter((x) => !EMAIL.test(x));
        if (bad.length) problems.push({ field: f, reason: `adresse électronique invalide : ${bad.map((x) => `« ${x} »`).join(', ')}` });
      }
      if (f === 'site_web') {
        const bad = values.filter((x) => !URL_RE.test(x));
        if (bad.length) problems.push({ field: f, reason: `adresse web invalide (http:// ou https:// attendu) : ${bad.map((x) => `« ${x} »`).join(', ')}` });
      }
      out[f] = values;
      continue;
    }
    if ((f === 'fiche_acces_libre' || f === 'prise_rdv') && !URL_RE.test(v)) {
      problems.push({ field: f, reason: `adresse web invalide (http:// ou https:// attendu) : « ${v} »` });
    }
    if (f === 'horaires') {
      const p = horairesProblem(v);
      if (p) problems.push({ field: f, reason: `horaires illisibles au format OpenStreetMap : ${p}` });
    }
    out[f] = v;
  }
  if ((out.latitude === null) !== (out.longitude === null)) {
    problems.push({ field: out.latitude === null ? 'latitude' : 'longitude', reason: 'latitude et longitude vont ensemble' });
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: out as unknown as LieuV1 };
}

const PATTERN_HINTS: Record<keyof typeof PATTERNS, string> = {
  pivot: 'SIRET à 14 chiffres ou numéro RNA : W suivi de 9 caractères',
  code_postal: '5 chiffres',
  code_insee: 'code officiel géographique à 5 caractères',
  telephone: 'format international sans espace, par exemple +33387000000',
};

/** A place as a row of strings, in the schema's order, multi-values joined by `|` (for CSV and JSON export). */
export function toRecord(l: LieuV1): Record<Field, string> {
  const out = {} as Record<Field, string>;
  for (const f of FIELDS) {
    const v = l[f];
    out[f] = Array.isArray(v) ? v.join('|') : v === null || v === undefined ? '' : String(v);
  }
  return out;
}
