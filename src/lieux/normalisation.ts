/**
 * What an import corrects or flags in the text of a place, beyond the standard's patterns: names and
 * streets typed in capitals (French capitalisation, acronyms kept), names that are a web address or
 * a SIRET, and the values the national tools refuse although the schema's loose patterns accept
 * them (a SIREN as pivot, a phone number with a wrong number of digits). Pure functions.
 */

/** Acronyms kept in capitals (the usual ones of places of digital mediation). */
export const ACRONYMES = new Set([
  'ADMR', 'AFPA', 'ANCT', 'APF', 'APTIC', 'ASBL', 'BIJ', 'BNF', 'CAF', 'CARSAT', 'CC', 'CCAS', 'CCI', 'CD', 'CDAD', 'CDC', 'CFA', 'CHRS', 'CHU',
  'CIAS', 'CIDFF', 'CIO', 'CMA', 'CMS', 'CNAM', 'CNFS', 'CPAM', 'CPIE', 'CROUS', 'CSC', 'CSAPA', 'EHPAD', 'EPCI', 'EPIDE', 'EPN', 'ESAT', 'ESS',
  'FAS', 'FJT', 'FSE', 'GEM', 'GIP', 'GRETA', 'HLM', 'IME', 'IUT', 'MDA', 'MDPH', 'MDS', 'MFR', 'MFS', 'MJC', 'MLJ', 'MPT', 'MSA', 'MSAP', 'MSP',
  'OPH', 'PIJ', 'PIMMS', 'PLIE', 'PMI', 'QPV', 'RSA', 'SA', 'SARL', 'SAS', 'SCIC', 'SCOP', 'SIVOM', 'SIVU', 'SNCF', 'SOS', 'SSIAD', 'UDAF',
  'UNADMR', 'URSSAF', 'ZA', 'ZAC', 'ZI', 'ZUP', 'ZUS',
]);

/** Words in lower case inside a name (not at its start). */
const PETITS_MOTS = new Set(['de', 'du', 'des', 'la', 'le', 'les', 'et', 'à', 'au', 'aux', 'sur', 'sous', 'en', 'lès', 'lez', 'par', 'pour', 'dans', 'chez', 'ou', 'un', 'une', 'd', 'l']);

/** Inside a street: the number's suffixes. */
const PETITS_MOTS_ADRESSE = new Set([...PETITS_MOTS, 'bis', 'ter', 'quater']);

/** Abbreviated street types (in capitals in the national CNFS file) → the word. */
const VOIES: Record<string, string> = {
  AV: 'Avenue', AVE: 'Avenue', BD: 'Boulevard', BLD: 'Boulevard', BLVD: 'Boulevard', PL: 'Place', RTE: 'Route', CHE: 'Chemin', CHEM: 'Chemin',
  IMP: 'Impasse', ALL: 'Allée', SQ: 'Square', FG: 'Faubourg', FBG: 'Faubourg', CRS: 'Cours', PROM: 'Promenade', RES: 'Résidence', QUAR: 'Quartier',
};
const SAINTS: Record<string, string> = { ST: 'Saint', STE: 'Sainte', STS: 'Saints', STES: 'Saintes' };

const ROMAIN = /^(II|III|IV|VI|VII|VIII|IX|XI|XII|XIII|XIV|XV|XVI|XVII|XVIII|XIX|XX|XXI)$/;
const VOYELLE = /[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸŒÆ]/;

/** A word kept as written in capitals: a known acronym, a Roman numeral, letters without a vowel (MJC). */
function resteEnCapitales(motMaj: string): boolean {
  return ACRONYMES.has(motMaj) || ROMAIN.test(motMaj) || (motMaj.length >= 2 && motMaj.length <= 6 && !VOYELLE.test(motMaj) && /^\p{Lu}+$/u.test(motMaj));
}

const capitale = (w: string) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();

/**
 * French capitalisation of a text typed in capitals (or all in lower case): each word capitalised,
 * acronyms kept (CCAS, MJC…), small words in lower case inside (de, la, lès…), an elided article
 * in lower case (« D'HELLEMMES » → « d'Hellemmes »), hyphenated names part by part
 * (« BEHREN-LÈS-FORBACH » → « Behren-lès-Forbach »). In a street (`adresse`), abbreviated types
 * are written out (« AV » → « Avenue ») and « BIS », « 1ER » in lower case.
 */
export function casseFrancaise(s: string, opts: { adresse?: boolean } = {}): string {
  const petits = opts.adresse ? PETITS_MOTS_ADRESSE : PETITS_MOTS;
  // Words (letters and digits) and what separates them.
  const parts = s.split(/([^\p{L}\p{N}]+)/u);
  let mot = 0; // index among words
  let precedentNombre = false;
  for (let i = 0; i < parts.length; i += 2) {
    const w = parts[i]!;
    if (!w) continue;
    const sep = parts[i + 1] ?? '';
    const avant = parts[i - 1] ?? '';
    const maj = w.toUpperCase();
    const min = w.toLowerCase();
    const debut = mot === 0 || /[(«"]\s*$/.test(avant) || /[.:;]\s+$/.test(avant) || /\s[-–—/]\s+$/.test(avant);
    let out: string;
    if (/^\p{N}/u.test(w)) out = min; // 12, 1er, 2e, 12b
    else if (/\p{N}/u.test(w)) out = maj; // RN7, A4
    else if (SAINTS[maj] && (sep.startsWith(' ') || sep === '-')) out = SAINTS[maj]!;
    else if (opts.adresse && VOIES[maj] && (mot === 0 || precedentNombre || petits.has(parts[i - 2]?.toLowerCase() ?? ''))) out = VOIES[maj]!;
    else if (opts.adresse && maj === 'R' && precedentNombre && sep === ' ') out = 'Rue';
    else if ((maj === 'D' || maj === 'L') && /^['’]\s*$/.test(sep)) {
      out = debut ? maj : min; // d'Hellemmes, L'Espoir
      parts[i + 1] = sep.trim(); // « L' EMPLOI » → « l'Emploi »
    }
    else if ((maj === 'D' || maj === 'L') && sep === ' ' && /^[AEIOUYHÀÂÉÈÊÎÔÛ]/i.test(parts[i + 2] ?? '') && !debut) {
      out = min; // « L HOTEL » (apostrophe lost) → « l'Hotel »
      parts[i + 1] = "'";
    } else if (resteEnCapitales(maj)) out = maj;
    else if (!debut && (petits.has(min) || (maj === 'A' && !/^['’.]/.test(sep)))) out = maj === 'A' ? 'à' : min;
    else out = capitale(w);
    parts[i] = out;
    precedentNombre = /^\p{N}+$/u.test(w);
    mot++;
  }
  return parts.join('');
}

/**
 * Whether a text is written in capitals: no lower-case letter and at least one word that is not an
 * acronym (« CCAS » alone is not; « LA POSTE » is).
 */
export function enCapitales(s: string): boolean {
  if (/\p{Ll}/u.test(s)) return false;
  const mots = s.match(/\p{L}+/gu) ?? [];
  return mots.some((m) => m.length >= 2 && !resteEnCapitales(m) && !SAINTS[m]);
}

/** Whether a text is all in lower case (at least two letters). */
const enMinuscules = (s: string) => !/\p{Lu}/u.test(s) && (s.match(/\p{L}/gu) ?? []).length >= 2;

/** A name that is not one: a web address, a SIRET or SIREN, and the French reason. */
export function nomSuspect(nom: string): string | null {
  const v = nom.trim();
  if (/^(https?:\/\/|www\.)\S+$/i.test(v) || /^[\w-]+(\.[\w-]+)+\/\S*$/.test(v) || /^[\w-]+\.(fr|com|org|net|eu|gouv\.fr)$/i.test(v)) {
    return `le nom est une adresse web (« ${v.slice(0, 80)} ») : donnez le nom du lieu`;
  }
  const chiffres = v.replace(/[\s.]/g, '');
  if (/^\d{9,14}$/.test(chiffres)) return `le nom est un numéro (« ${v.slice(0, 20)} », un SIRET ?) : donnez le nom du lieu`;
  return null;
}

export interface Remarque {
  field: string;
  message: string;
}

/** Fields whose capitals are corrected, and whether each is a street. */
const CHAMPS_CASSE = [
  ['nom', false],
  ['adresse', true],
  ['complement_adresse', true],
  ['structure_parente', false],
] as const;

/**
 * Corrects the capitals of names and streets in place. Returns the corrections (for the report's
 * totals) and the flags of the row (a name in capitals, a web address or a SIRET as name).
 */
export function normaliserTextes(rec: Partial<Record<string, string | null | undefined>>): { corrections: Remarque[]; alertes: Remarque[] } {
  const corrections: Remarque[] = [];
  const alertes: Remarque[] = [];
  const suspect = rec.nom ? nomSuspect(rec.nom) : null;
  if (suspect) alertes.push({ field: 'nom', message: suspect });
  for (const [f, adresse] of CHAMPS_CASSE) {
    const v = rec[f];
    if (!v || (f === 'nom' && suspect)) continue;
    const majuscules = enCapitales(v);
    if (!majuscules && !enMinuscules(v)) continue;
    const fixed = casseFrancaise(v, { adresse });
    if (fixed === v) continue;
    rec[f] = fixed;
    corrections.push({ field: f, message: `« ${v.slice(0, 80)} » écrit « ${fixed.slice(0, 80)} »` });
    if (f === 'nom' && majuscules) alertes.push({ field: 'nom', message: `nom en capitales : « ${v.slice(0, 80)} » écrit « ${fixed.slice(0, 80)} », à vérifier` });
  }
  return { corrections, alertes };
}

// ---------------------------------------------------------------------------------------------
// What the national tools accept (the ANCT's library of the standard, @gouvfr-anct/lieux-de-mediation-numerique)

/** The pivot for « unknown », as the national tools write it. */
export const PIVOT_INCONNU = '00000000000000';

/** A SIRET (14 digits) or an RNA number (W and 9 characters): what the national tools take as pivot. */
export const pivotAccepte = (v: string): boolean => /^\d{14}$/.test(v) || /^W[a-zA-Z0-9]{9}$/.test(v);

/** Why a pivot is not one, in French (null when it is a SIRET or an RNA number). */
export function pivotProbleme(v: string): string | null {
  if (pivotAccepte(v)) return null;
  if (/^\d{9}$/.test(v)) return `« ${v} » est un SIREN (9 chiffres), pas le SIRET de l'établissement (14 chiffres)`;
  if (/^\d+$/.test(v)) return `« ${v.slice(0, 20)} » a ${v.length} chiffres : un SIRET en a 14`;
  return `« ${v.slice(0, 20)} » n'est ni un SIRET (14 chiffres) ni un numéro RNA (W suivi de 9 caractères)`;
}

/**
 * A phone number the national tools accept, in the standard's international form: +33 and 9 digits
 * (not starting with 0), or an overseas code and 9 digits, or 6 digits (Saint-Pierre-et-Miquelon,
 * Wallis-et-Futuna, New Caledonia, Comoros).
 */
export function telephoneAccepte(v: string): boolean {
  if (/^\+33[1-9]\d{8}$/.test(v)) return true;
  return /^\+(262|269|508|590|594|596|681|687|689)([1-9]\d{8}|\d{6})$/.test(v);
}

/** Why a normalised phone number is refused, in French (null when accepted). */
export function telephoneProbleme(v: string): string | null {
  if (telephoneAccepte(v)) return null;
  const m = /^\+33(\d*)$/.exec(v);
  if (m) return `« ${v} » : ${m[1]!.length} chiffres après +33, il en faut 9 (un numéro français a 10 chiffres : 03 87 00 00 00)`;
  if (/^0\d*$/.test(v)) return `« ${v} » : ${v.length} chiffres, un numéro français en a 10 (03 87 00 00 00)`;
  return `« ${v.slice(0, 30)} » n'est pas un numéro de téléphone complet`;
}

/** « +33387000000 » → « 03 87 00 00 00 » (French numbers); other numbers as they are. */
export function formaterTelephone(v: string): string {
  const m = /^\+33([1-9])(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v);
  if (m) return `0${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]}`;
  const dom = /^\+(262|590|594|596)(\d{3})(\d{2})(\d{2})(\d{2})$/.exec(v);
  if (dom) return `0${dom[2]} ${dom[3]} ${dom[4]} ${dom[5]}`;
  return v;
}
