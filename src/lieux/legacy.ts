/**
 * The legacy standard v0.1 → v1, as `evolutions-v0-v1.txt` describes it, and the normalisations
 * applied to every incoming record (v0 or v1) before validation: what a source gets slightly wrong
 * is corrected, not rejected. Each correction can be reported as a warning.
 */
import { commune as communeByInsee, normaliseName, searchCommunes } from '../territoires/territoires.js';
import type { Field, RawRecord } from './standard.js';
import { horairesProblem } from './horaires.js';
import { casseFrancaise } from './normalisation.js';

/** The 15 services of v0.1 → the 9 of v1. */
export const SERVICES_V0: Record<string, string> = {
  'Devenir autonome dans les démarches administratives': 'Aide aux démarches administratives',
  'Réaliser des démarches administratives avec un accompagnement': 'Aide aux démarches administratives',
  'Accompagner les démarches de santé': 'Aide aux démarches administratives',
  'Prendre en main un smartphone ou une tablette': 'Maîtrise des outils numériques du quotidien',
  'Prendre en main un ordinateur': 'Maîtrise des outils numériques du quotidien',
  'Utiliser le numérique au quotidien': 'Maîtrise des outils numériques du quotidien',
  'Approfondir ma culture numérique': 'Compréhension du monde numérique',
  'Promouvoir la citoyenneté numérique': 'Compréhension du monde numérique',
  'Favoriser mon insertion professionnelle': 'Insertion professionnelle via le numérique',
  'Créer et développer mon entreprise': 'Insertion professionnelle via le numérique',
  'Accéder à une connexion internet': 'Accès internet et matériel informatique',
  'Accéder à du matériel': 'Accès internet et matériel informatique',
  "S'équiper en matériel informatique": 'Acquisition de matériel informatique à prix solidaire',
  'Créer avec le numérique': 'Loisirs et créations numériques',
  "Soutenir la parentalité et l'éducation avec le numérique": 'Parentalité et éducation avec le numérique',
};

/** labels_nationaux (v0.1) → dispositif_programmes_nationaux, formations_labels or autres_formations_labels. */
export const LABELS_V0: Record<string, { field: 'dispositif_programmes_nationaux' | 'formations_labels' | 'autres_formations_labels'; value: string }> = {
  'France Services': { field: 'dispositif_programmes_nationaux', value: 'France Services' },
  CNFS: { field: 'dispositif_programmes_nationaux', value: 'Conseillers numériques' },
  'Aidants Connect': { field: 'dispositif_programmes_nationaux', value: 'Aidants Connect' },
  'Grandes écoles du numérique': { field: 'dispositif_programmes_nationaux', value: 'Grande école du numérique' },
  'Point relais CAF': { field: 'dispositif_programmes_nationaux', value: "Point d'accès numérique CAF" },
  'Point numérique CAF': { field: 'dispositif_programmes_nationaux', value: "Point d'accès numérique CAF" },
  'Fabriques de Territoire': { field: 'formations_labels', value: 'Fabriques de Territoire' },
  APTIC: { field: 'autres_formations_labels', value: 'APTIC' },
  'Relais pôle emploi': { field: 'autres_formations_labels', value: 'Relais pôle emploi' },
  'French Tech': { field: 'autres_formations_labels', value: 'French Tech' },
  'Campus connecté': { field: 'autres_formations_labels', value: 'Campus connecté' },
};

/** publics_accueillis (v0.1) → publics_specifiquement_adresses or prise_en_charge_specifique ('Adultes': everyone, dropped). */
export const PUBLICS_V0: Record<string, { field: 'publics_specifiquement_adresses' | 'prise_en_charge_specifique'; value: string } | null> = {
  'Seniors (+ 65 ans)': { field: 'publics_specifiquement_adresses', value: 'Seniors' },
  'Familles/enfants': { field: 'publics_specifiquement_adresses', value: 'Familles et/ou enfants' },
  'Jeunes (16-26 ans)': { field: 'publics_specifiquement_adresses', value: 'Jeunes' },
  'Uniquement femmes': { field: 'publics_specifiquement_adresses', value: 'Femmes' },
  Adultes: null,
  'Public langues étrangères': { field: 'prise_en_charge_specifique', value: 'Langues étrangères (autres)' },
  'Déficience visuelle': { field: 'prise_en_charge_specifique', value: 'Déficience visuelle' },
  Surdité: { field: 'prise_en_charge_specifique', value: 'Surdité' },
  'Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes comportementales': { field: 'prise_en_charge_specifique', value: 'Handicaps mentaux' },
  "Handicaps mentaux : déficiences limitant les activités d'une personne": { field: 'prise_en_charge_specifique', value: 'Handicaps mentaux' },
  "Personnes en situation d'illettrisme": { field: 'prise_en_charge_specifique', value: 'Illettrisme' },
};

/** conditions_acces (v0.1), by the label before « : » → frais_a_charge. */
export const CONDITIONS_V0: Record<string, string> = {
  Gratuit: 'Gratuit',
  'Gratuit sous condition': 'Gratuit sous condition',
  Payant: 'Payant',
  Adhésion: 'Payant',
  'Accepte le Pass numérique': 'Gratuit sous condition',
};

/** modalites_accompagnement (v0.1), by the label before « : » → v1. */
export const ACCOMPAGNEMENT_V0: Record<string, string> = {
  Seul: 'En autonomie',
  "Avec de l'aide": 'Accompagnement individuel',
  'Dans un atelier': 'Dans un atelier collectif',
  'A ma place': 'Accompagnement individuel',
  'À ma place': 'Accompagnement individuel',
};

const V0_ONLY = ['labels_nationaux', 'labels_autres', 'publics_accueillis', 'conditions_acces', 'conditions_access', 'accessibilite', 'courriel', 'cle_ban'];
const V1_ONLY = ['dispositif_programmes_nationaux', 'formations_labels', 'publics_specifiquement_adresses', 'prise_en_charge_specifique', 'frais_a_charge', 'modalites_acces', 'fiche_acces_libre', 'courriels', 'itinerance', 'autres_formations_labels'];

/** Whether a record (its keys and values) is in the legacy v0.1 format. */
export function isLegacy(keys: string[], sample?: Record<string, unknown>): boolean {
  if (keys.some((k) => V0_ONLY.includes(k))) return true;
  if (keys.some((k) => V1_ONLY.includes(k))) return false;
  const services = typeof sample?.services === 'string' ? sample.services : '';
  return Object.keys(SERVICES_V0).some((s) => services.includes(s));
}

/** v0.1 multi-values: `;`, or `, ` before a capital (a comma inside a label is followed by lower case). */
export function splitLegacy(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const s = String(value).trim();
  if (!s) return [];
  const parts = s.includes(';') ? s.split(';') : s.split(/,\s*(?=[A-ZÀ-ÖØ-Þ])/u);
  return parts.map((p) => p.trim()).filter(Boolean);
}

export interface Mapped {
  record: RawRecord;
  /** Corrections and values that v1 cannot hold, for the report. */
  warnings: { field: string; message: string }[];
  /** Values that cannot be mapped (unknown v0 service…): the row is rejected with them. */
  problems: { field: string; reason: string }[];
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : String(v).trim());
const beforeColon = (s: string) => s.split(' : ')[0]!.trim();

/** Maps a v0.1 record (CSV row or JSON object) to a v1 record of strings. */
export function fromLegacy(r: Record<string, unknown>): Mapped {
  const warnings: Mapped['warnings'] = [];
  const problems: Mapped['problems'] = [];
  const out: RawRecord = {};
  const copy: Field[] = ['id', 'pivot', 'nom', 'commune', 'code_postal', 'code_insee', 'adresse', 'complement_adresse', 'latitude', 'longitude', 'telephone', 'horaires', 'presentation_resume', 'presentation_detail', 'source', 'structure_parente', 'date_maj', 'prise_rdv'];
  for (const f of copy) out[f] = str(r[f]);
  out.typologie = splitLegacy(r.typologie).join('|');
  out.courriels = splitLegacy(r.courriel ?? r.courriels).join('|');
  out.site_web = splitLegacy(String(r.site_web ?? '').replace(/,(?=https?:)/g, ';')).join('|');
  out.fiche_acces_libre = str(r.accessibilite ?? r.fiche_acces_libre);
  const add = (field: Field, value: string) => {
    const list = out[field] ? out[field]!.split('|') : [];
    if (!list.includes(value)) list.push(value);
    out[field] = list.join('|');
  };
  for (const s of splitLegacy(r.services)) {
    const v1 = SERVICES_V0[s] ?? (Object.values(SERVICES_V0).includes(s) ? s : undefined);
    if (v1) add('services', v1);
    else problems.push({ field: 'services', reason: `service inconnu de la version 0.1 : « ${s} »` });
  }
  for (const l of splitLegacy(r.labels_nationaux)) {
    const m = LABELS_V0[l];
    if (m) add(m.field, m.value);
    else add('autres_formations_labels', l);
  }
  for (const l of splitLegacy(r.labels_autres ?? r.autres_formations_labels)) add('autres_formations_labels', l);
  for (const p of splitLegacy(r.publics_accueillis)) {
    const m = PUBLICS_V0[p] ?? PUBLICS_V0[beforeColon(p)];
    if (m) add(m.field, m.value);
    else if (m === undefined) warnings.push({ field: 'publics_accueillis', message: `public « ${p} » sans équivalent en version 1, ignoré` });
  }
  for (const c of splitLegacy(r.conditions_acces ?? r.conditions_access)) {
    const v = CONDITIONS_V0[beforeColon(c)];
    if (v) add('frais_a_charge', v);
    else problems.push({ field: 'frais_a_charge', reason: `condition d'accès inconnue : « ${c} »` });
  }
  for (const m of splitLegacy(r.modalites_accompagnement)) {
    const v = ACCOMPAGNEMENT_V0[beforeColon(m)];
    if (v) add('modalites_accompagnement', v);
    else problems.push({ field: 'modalites_accompagnement', reason: `modalité d'accompagnement inconnue : « ${m} »` });
  }
  return { record: out, warnings, problems };
}

/** A v1 record from a CSV row or JSON object (JSON arrays are joined by `|`). */
export function fromV1(r: Record<string, unknown>): Mapped {
  const out: RawRecord = {};
  for (const [k, v] of Object.entries(r)) {
    (out as Record<string, string>)[k] = Array.isArray(v) ? v.map(str).join('|') : str(v);
  }
  return { record: out, warnings: [], problems: [] };
}

// ---------------------------------------------------------------------------------------------
// Normalisations (v0 and v1 alike)

const DOM_PREFIX: Record<string, string> = { '971': '+590', '972': '+596', '973': '+594', '974': '+262', '976': '+262' };
const COUNTRY_CODES = ['+33', '+590', '+594', '+262', '+596', '+269', '+687', '+689', '+508', '+681'];

/**
 * « 03 87 00 00 00 », « 0387000000 », « +33 (0)3 87… », « +330387000000 » → « +33387000000 ».
 * Returns '' for a placeholder with no subscriber number (« + », « +33 »), or the cleaned value
 * (which validation may still refuse).
 */
export function normalisePhone(value: string, departement?: string): string {
  let v = value.trim().split(/\s*[|/;]\s*|\s+ou\s+/)[0]!.replace(/\(0\)/g, '').replace(/[\s.\-()]/g, '');
  if (/^00\d/.test(v)) v = '+' + v.slice(2);
  if (/^\+0[1-9]\d{8}$/.test(v)) v = v.slice(1); // « +0147… »: a national number with a stray +
  if (/^0\d{9}$/.test(v)) {
    const dom = departement && DOM_PREFIX[departement];
    v = (dom && /^0(26|59|69)/.test(v) ? dom : '+33') + v.slice(1);
  }
  const cc = COUNTRY_CODES.find((c) => v.startsWith(c));
  if (cc) {
    let rest = v.slice(cc.length);
    if (rest.startsWith('0') && rest.length === 10) rest = rest.slice(1); // +33 0X XX…: the trunk 0 is dropped
    if (rest.length < 4) return '';
    v = cc + rest;
  } else if (/^\+?\d{0,3}$/.test(v)) return '';
  return v;
}

/** SIRET/RNA/RIDET: spaces removed, « SIRET/APE:… » cut; missing → 00000000000000 as the national tools write it. */
export function normalisePivot(value: string): string {
  let v = value.trim().replace(/[\s.]/g, '');
  const m = /^(\d{14})\D/.exec(v);
  if (m) v = m[1]!;
  if (/^W\d{9}$/i.test(v)) v = v.toUpperCase();
  return v || '00000000000000';
}

/**
 * The INSEE code from the record, or from the postcode + commune name (« MARSEILLE 11 » + 13011 →
 * 13211); the commune's official spelling when the name matches. Returns warnings for the report.
 */
export function resolveCommune(rec: RawRecord): { warnings: { field: string; message: string }[] } {
  const warnings: { field: string; message: string }[] = [];
  const cp = (rec.code_postal ?? '').replace(/\s/g, '').replace(/cedex.*$/i, '').trim();
  // « SAINT-ÉTIENNE (LOIRE) »: the département in brackets is not part of the name.
  const typed = (rec.commune ?? '').trim();
  const nom = typed.replace(/\s*\([^)]*\)\s*$/, '').trim() || typed;
  // A leading zero lost by a spreadsheet (« 1000 » for 01000), only when the commune confirms it.
  const padded = /^\d{4}$/.test(cp) && searchCommunes('0' + cp, 100).some((c) => normaliseName(c.nom) === normaliseName(nom)) ? '0' + cp : cp;
  if (padded !== rec.code_postal && /^\d{5}$/.test(padded)) {
    warnings.push({ field: 'code_postal', message: `« ${rec.code_postal} » lu « ${padded} »` });
    rec.code_postal = padded;
  }
  let insee = (rec.code_insee ?? '').trim().toUpperCase();
  if (insee && !communeByInsee(insee)) insee = '';
  if (!insee && nom) {
    const n = normaliseName(nom.replace(/\bcedex\b.*$/i, ''));
    const cp5 = rec.code_postal ?? '';
    const candidates = /^\d{5}$/.test(cp5) ? searchCommunes(cp5, 1000).filter((c) => c.codesPostaux.includes(cp5)) : [];
    const pick =
      candidates.find((c) => normaliseName(c.nom) === n) ??
      candidates.find((c) => arrondissement(c.nom, n)) ??
      candidates.find((c) => normaliseName(c.nom).startsWith(n) || n.startsWith(normaliseName(c.nom))) ??
      (candidates.length === 1 ? candidates[0] : undefined) ??
      searchCommunes(nom, 5).find((c) => normaliseName(c.nom) === n && c.departement === departementOfPostcode(rec.code_postal ?? ''));
    if (pick) {
      insee = pick.insee;
      warnings.push({ field: 'code_insee', message: `code INSEE ${insee} déduit du code postal et de la commune` });
    }
  }
  if (insee) {
    rec.code_insee = insee;
    const c = communeByInsee(insee)!;
    if (normaliseName(c.nom) === normaliseName(nom) && c.nom !== typed) {
      warnings.push({ field: 'commune', message: `« ${typed} » écrit « ${c.nom} »` });
      rec.commune = c.nom;
    }
  }
  if (rec.commune && (rec.commune === rec.commune.toLowerCase() || rec.commune === rec.commune.toUpperCase())) {
    rec.commune = casseFrancaise(rec.commune);
  }
  return { warnings };
}

/** « marseille 11 » ~ « Marseille 11e Arrondissement ». */
function arrondissement(official: string, n: string): boolean {
  const m = /^(.*) (\d+)(?:e|er)? arrondissement$/.exec(normaliseName(official));
  if (!m) return false;
  const q = /^(.*?) (\d+)(?: ?(?:e|er|eme))?(?: arrondissement)?$/.exec(n);
  return !!q && q[1] === m[1] && Number(q[2]) === Number(m[2]);
}

function departementOfPostcode(cp: string): string {
  if (!/^\d{5}$/.test(cp)) return '';
  if (cp.startsWith('97')) return cp.slice(0, 3);
  if (cp.startsWith('20')) return Number(cp) < 20200 ? '2A' : '2B';
  return cp.slice(0, 2);
}

const EMAIL = /^[^\s@|]+@[^\s@|]+\.[^\s@|]+$/;

/**
 * Typing slips in OSM hours that leave no doubt: « 9h-12h30 » → « 09:00-12:30 », a dangling « - »
 * after a complete range (« Mo 09:00-12:00- »). Applied only when the result can be read and the
 * original cannot; anything else is left for validation to report.
 */
export function normaliseHoraires(value: string): string {
  const v = value.trim();
  if (!horairesProblem(v)) return v;
  const fixed = v
    .replace(/\b(\d{1,2})\s*h\s*(\d{2})?\b/gi, (_, h: string, m: string | undefined) => `${h.padStart(2, '0')}:${m ?? '00'}`)
    .replace(/(\d{2}:\d{2}\s*-\s*\d{2}:\d{2})\s*-(?=\s*(?:;|$))/g, '$1');
  return fixed !== v && !horairesProblem(fixed) ? fixed : v;
}

/** Applies every normalisation to a v1 record in place; returns the warnings. */
export function normaliseRecord(rec: RawRecord): { field: string; message: string }[] {
  const warnings: { field: string; message: string }[] = [];
  for (const k of Object.keys(rec) as Field[]) if (typeof rec[k] === 'string') rec[k] = rec[k]!.trim();
  const pivot = normalisePivot(rec.pivot ?? '');
  if (pivot !== (rec.pivot ?? '')) {
    warnings.push({ field: 'pivot', message: rec.pivot ? `« ${rec.pivot} » lu « ${pivot} »` : 'SIRET/RNA absent : 00000000000000' });
    rec.pivot = pivot;
  }
  warnings.push(...resolveCommune(rec).warnings);
  if (rec.telephone) {
    const dep = rec.code_insee ? communeByInsee(rec.code_insee)?.departement : undefined;
    const tel = normalisePhone(rec.telephone, dep);
    if (tel !== rec.telephone) {
      warnings.push({ field: 'telephone', message: tel ? `« ${rec.telephone} » lu « ${tel} »` : `« ${rec.telephone} » n'est pas un numéro : ignoré` });
      rec.telephone = tel;
    }
  }
  for (const f of ['site_web', 'prise_rdv', 'fiche_acces_libre'] as const) {
    const v = rec[f];
    if (!v) continue;
    const fixed = v
      .split('|')
      .map((u) => u.trim())
      .filter(Boolean)
      .map((u) => (/^www\./i.test(u) ? 'https://' + u : u))
      .join('|');
    if (fixed !== v) {
      warnings.push({ field: f, message: `adresse web complétée : « ${fixed} »` });
      rec[f] = fixed;
    }
  }
  if (rec.courriels) {
    const all = rec.courriels.split(/[|;,\s]+/).filter(Boolean);
    const ok = all.filter((e) => EMAIL.test(e));
    for (const bad of all.filter((e) => !EMAIL.test(e))) warnings.push({ field: 'courriels', message: `« ${bad} » n'est pas une adresse électronique : ignorée` });
    rec.courriels = ok.join('|');
  }
  if (rec.horaires) {
    const fixed = normaliseHoraires(rec.horaires);
    if (fixed !== rec.horaires) {
      warnings.push({ field: 'horaires', message: `« ${rec.horaires} » lu « ${fixed} »` });
      rec.horaires = fixed;
    }
  }
  if (rec.latitude && rec.longitude && Number(rec.latitude) === 0 && Number(rec.longitude) === 0) {
    rec.latitude = '';
    rec.longitude = '';
    warnings.push({ field: 'latitude', message: 'coordonnées 0, 0 ignorées' });
  }
  return warnings;
}
