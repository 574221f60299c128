/**
 * The rules of an activity report (domain.md §3), as one pure function shared by the entry form,
 * the offline queue (replayed through the API) and the API. Input is untrusted JSON; output is
 * either the normalised activity or one French message per invalid field (names as in the API,
 * nested ones dotted: `lieu.commune_insee`, `participants.genres`).
 */
import {
  AUTONOMIE,
  DEMARCHES,
  GENRES,
  LIEU_TYPES,
  MATERIEL,
  NIVEAUX_ATELIER,
  ORIENTATIONS,
  STATUTS,
  THEMATIQUES,
  THEMATIQUES_DEMARCHES,
  TRANCHES_AGE,
  TYPES,
  type LieuType,
  type TypeActivite,
} from './codes.js';
import { formatDate, isCalendarDate } from './dates.js';
import { isUuid } from '../platform/ids.js';

export const LIMITS = {
  dureeMin: 1,
  dureeMax: 480,
  notes: 2000,
  nomDemarche: 200,
  titreAtelier: 200,
  participantsMax: 10_000,
  commune: 100,
} as const;

export interface Participants {
  total: number;
  deja_accompagnes: number;
  /** Always complete: the unstated remainder is counted as `non_communique`. */
  genres: Record<string, number>;
  tranches_age: Record<string, number>;
  statuts: Record<string, number>;
}

/** What is known of the one person of an individual accompaniment or a one-off help (each optional). */
export interface Personne {
  genre: string | null;
  tranche_age: string | null;
  statut: string | null;
}

export interface LieuPayload {
  type: LieuType;
  lieu_id: string | null;
  commune_insee: string | null;
}

/** An activity as the API reads and writes it (codes of domain.md §8). */
export interface ActivitePayload {
  id: string;
  type: TypeActivite;
  date: string;
  duree_minutes: number;
  lieu: LieuPayload;
  thematiques: string[];
  thematiques_demarches: string[];
  nom_demarche: string | null;
  materiel: string[];
  autonomie: string | null;
  orientation: string | null;
  beneficiaire_id: string | null;
  notes: string | null;
  titre_atelier: string | null;
  niveau_atelier: string | null;
  participants: Participants | null;
  /** One person, anonymous or not (not for a workshop): gender, age bracket, status when stated; null when none is. */
  personne?: Personne | null;
}

export interface ValidationContext {
  /** Today in Europe/Paris (YYYY-MM-DD): no activity after it. */
  today: string;
  /** The day the conseiller started (YYYY-MM-DD): no activity before it; null when unknown. */
  startDate: string | null;
  /** The last day of their last contract once none runs (YYYY-MM-DD): no activity after it; null or absent while one runs. */
  endDate?: string | null;
  /** The conseiller's lieux d'activité (from the lieux port). */
  lieux: readonly { id: string; communeInsee: string | null }[];
  /** Whether an INSEE code names a known commune. */
  communeExists: (insee: string) => boolean;
  /** A commune typed as a name or a postcode (`lieu.commune`): the one it designates, or why not. */
  resoudreCommune?: (text: string) => { insee: string } | { error: string };
  /** The commune of an activity « à distance » given none: the conseiller's structure's (as the national tool does). */
  communeParDefaut?: string | null;
}

export type FieldErrors = Record<string, string>;
export type Validation = { ok: true; value: ActivitePayload } | { ok: false; errors: FieldErrors };


const absent = (v: unknown) => v === undefined || v === null;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const quoted = (v: unknown) => `« ${typeof v === 'string' ? v.slice(0, 60) : JSON.stringify(v)?.slice(0, 60)} »`;

function codeList(
  errors: FieldErrors,
  field: string,
  value: unknown,
  allowed: readonly string[],
  what: string,
): string[] {
  if (absent(value)) return [];
  if (!Array.isArray(value)) {
    errors[field] = `${what} : une liste de codes est attendue, par exemple ["${allowed[0]}"].`;
    return [];
  }
  const out: string[] = [];
  for (const v of value) {
    if (typeof v !== 'string' || !allowed.includes(v)) {
      errors[field] = `${what} : code inconnu ${quoted(v)}. Codes possibles : ${allowed.join(', ')}.`;
      return [];
    }
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

function code(errors: FieldErrors, field: string, value: unknown, allowed: readonly string[], what: string): string | null {
  if (absent(value) || value === '') return null;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    errors[field] = `${what} : code inconnu ${quoted(value)}. Codes possibles : ${allowed.join(', ')}.`;
    return null;
  }
  return value;
}

function text(errors: FieldErrors, field: string, value: unknown, max: number, what: string): string | null {
  if (absent(value)) return null;
  if (typeof value !== 'string') {
    errors[field] = `${what} doit être un texte.`;
    return null;
  }
  const t = value.trim();
  if (t.length > max) {
    errors[field] = `${what} doit contenir au plus ${max} caractères (${t.length} reçus).`;
    return null;
  }
  return t === '' ? null : t;
}

function breakdown(
  errors: FieldErrors,
  field: string,
  value: unknown,
  allowed: readonly string[],
  total: number | null,
  what: string,
): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(allowed.map((k) => [k, 0]));
  if (absent(value)) {
    if (total !== null) out.non_communique = total;
    return out;
  }
  if (!isObject(value)) {
    errors[field] = `${what} : un objet de nombres est attendu, par exemple {"${allowed[0]}": 2}.`;
    return out;
  }
  let sum = 0;
  for (const [k, n] of Object.entries(value)) {
    if (!allowed.includes(k)) {
      errors[field] = `${what} : code inconnu ${quoted(k)}. Codes possibles : ${allowed.join(', ')}.`;
      return out;
    }
    if (!isInt(n) || n < 0) {
      errors[field] = `${what} : le nombre pour « ${k} » doit être un entier positif ou nul.`;
      return out;
    }
    out[k] = n;
    sum += n;
  }
  if (total !== null) {
    if (sum > total) {
      errors[field] = `${what} : la somme (${sum}) dépasse le nombre total de participants (${total}).`;
      return out;
    }
    out.non_communique = (out.non_communique ?? 0) + (total - sum);
  }
  return out;
}

/** The API fields holding a text (or null): an object or a list there is a wrong JSON type. */
const TEXT_FIELDS = ['id', 'type', 'date', 'nom_demarche', 'autonomie', 'orientation', 'beneficiaire_id', 'notes', 'titre_atelier', 'niveau_atelier'] as const;
const LIEU_TEXT_FIELDS = ['type', 'lieu_id', 'commune_insee', 'commune'] as const;

/**
 * One message per field holding a JSON object or list where a text is expected (`lieu.*` included).
 * Checked before any other rule, so that no rule ever turns such a value into a string (String() on
 * `{"toString": 1}` throws).
 */
export function wrongTypeErrors(input: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  const check = (name: string, v: unknown) => {
    if (typeof v === 'object' && v !== null)
      errors[name] = `Le champ « ${name} » doit être un texte, pas ${Array.isArray(v) ? 'une liste' : 'un objet'}.`;
  };
  for (const f of TEXT_FIELDS) check(f, input[f]);
  const lieu = input.lieu;
  if (isObject(lieu)) for (const f of LIEU_TEXT_FIELDS) check(`lieu.${f}`, lieu[f]);
  return errors;
}

const CLIENT_UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Whether a client may name a new activity with `v`: a random (version 4) or time-ordered (version 7)
 * UUID of the RFC 9562 variant. The nil and max UUIDs, name-based (3, 5), MAC-based (1, 6) and other
 * variants are refused: they collide easily between devices.
 */
export function isClientUuid(v: unknown): v is string {
  return typeof v === 'string' && CLIENT_UUID_RE.test(v);
}

/** The message for the id of a new activity sent by a client, or null when it is acceptable. */
export function newActiviteIdError(v: unknown): string | null {
  if (isClientUuid(v)) return null;
  if (typeof v === 'object' && v !== null) return wrongTypeErrors({ id: v }).id!;
  if (isUuid(v))
    return "L'identifiant (id) doit être un UUID aléatoire (version 4) ou horodaté (version 7), généré par l'appareil ; l'UUID nul et les autres versions sont refusés.";
  return "L'identifiant (id) doit être un UUID, par exemple 8f0c6a4e-2b1d-4c3e-9f10-1a2b3c4d5e6f.";
}

export function validateActivite(input: unknown, ctx: ValidationContext): Validation {
  if (!isObject(input)) return { ok: false, errors: { body: 'Le corps de la requête doit être un objet JSON décrivant une activité.' } };
  const b = input;
  const typeErrors = wrongTypeErrors(b);
  const errors: FieldErrors = {};

  // id
  let id = '';
  if (!isUuid(b.id)) errors.id = "L'identifiant (id) doit être un UUID, par exemple 8f0c6a4e-2b1d-4c3e-9f10-1a2b3c4d5e6f.";
  else id = b.id.toLowerCase();

  // type
  let type: TypeActivite | null = null;
  if (absent(b.type) || b.type === '') errors.type = "Choisissez le type d'activité : accompagnement individuel, atelier collectif ou aide ponctuelle.";
  else if (typeof b.type !== 'string' || !(TYPES.values as string[]).includes(b.type))
    errors.type = `Type d'activité inconnu ${quoted(b.type)}. Codes possibles : ${TYPES.values.join(', ')}.`;
  else type = b.type as TypeActivite;

  // date
  let date = '';
  if (absent(b.date) || b.date === '') errors.date = "Indiquez la date de l'activité.";
  else if (!isCalendarDate(b.date)) errors.date = 'La date doit être une date réelle au format AAAA-MM-JJ, par exemple 2026-03-29.';
  else if (b.date > ctx.today) errors.date = `La date ne peut pas être dans le futur (nous sommes le ${formatDate(ctx.today)}).`;
  else if (ctx.startDate && b.date < ctx.startDate)
    errors.date = `La date ne peut pas précéder votre prise de fonction (le ${formatDate(ctx.startDate)}).`;
  else if (ctx.endDate && b.date > ctx.endDate)
    errors.date = `La date ne peut pas suivre la fin de votre contrat (le ${formatDate(ctx.endDate)}).`;
  else date = b.date;

  // duration
  let duree = 0;
  if (absent(b.duree_minutes) || b.duree_minutes === '') errors.duree_minutes = 'Indiquez la durée, en minutes.';
  else if (!isInt(b.duree_minutes)) errors.duree_minutes = 'La durée doit être un nombre entier de minutes.';
  else if (b.duree_minutes < LIMITS.dureeMin || b.duree_minutes > LIMITS.dureeMax)
    errors.duree_minutes = `La durée doit être comprise entre ${LIMITS.dureeMin} et ${LIMITS.dureeMax} minutes.`;
  else duree = b.duree_minutes;

  // place
  let lieu: LieuPayload = { type: 'autre', lieu_id: null, commune_insee: null };
  if (!isObject(b.lieu)) errors.lieu = "Indiquez le lieu de l'activité : lieu d'activité, autre lieu, à domicile ou à distance.";
  else if (typeof b.lieu.type !== 'string' || !(LIEU_TYPES.values as string[]).includes(b.lieu.type))
    errors['lieu.type'] = `Type de lieu inconnu ${quoted(b.lieu.type)}. Codes possibles : ${LIEU_TYPES.values.join(', ')}.`;
  else if (b.lieu.type === 'lieu_activite') {
    const found = isUuid(b.lieu.lieu_id) ? ctx.lieux.find((l) => l.id === (b.lieu as { lieu_id: string }).lieu_id.toLowerCase()) : undefined;
    if (!isUuid(b.lieu.lieu_id)) errors['lieu.lieu_id'] = "Choisissez un de vos lieux d'activité (lieu_id : un UUID).";
    else if (!found) errors['lieu.lieu_id'] = "Ce lieu ne fait pas partie de vos lieux d'activité.";
    else lieu = { type: 'lieu_activite', lieu_id: found.id, commune_insee: found.communeInsee };
  } else {
    const lieuType = b.lieu.type as LieuType;
    const insee = b.lieu.commune_insee;
    const texte = b.lieu.commune;
    if (!absent(insee) && insee !== '') {
      if (typeof insee !== 'string' || !ctx.communeExists(insee)) errors['lieu.commune_insee'] = `Commune inconnue : code INSEE ${quoted(insee)}.`;
      else lieu = { type: lieuType, lieu_id: null, commune_insee: insee.toUpperCase() };
    } else if (typeof texte === 'string' && texte.trim() !== '') {
      const found = texte.length > LIMITS.commune ? { error: `La commune : ${LIMITS.commune} caractères au plus.` } : ctx.resoudreCommune ? ctx.resoudreCommune(texte) : { error: 'Indiquez le code INSEE de la commune (lieu.commune_insee).' };
      if ('insee' in found) lieu = { type: lieuType, lieu_id: null, commune_insee: found.insee };
      else errors['lieu.commune'] = found.error;
    } else if (lieuType === 'a_distance') lieu = { type: lieuType, lieu_id: null, commune_insee: ctx.communeParDefaut ?? null };
    else errors['lieu.commune_insee'] = "Indiquez la commune (son nom, son code postal ou son code INSEE) : un lieu autre qu'un lieu d'activité en demande une.";
  }

  // themes
  let thematiques: string[] = [];
  if (absent(b.thematiques) || (Array.isArray(b.thematiques) && b.thematiques.length === 0))
    errors.thematiques = 'Choisissez au moins une thématique.';
  else thematiques = codeList(errors, 'thematiques', b.thematiques, THEMATIQUES.values, 'Thématiques');
  const withDemarches = thematiques.includes(DEMARCHES);
  const demarches = codeList(errors, 'thematiques_demarches', b.thematiques_demarches, THEMATIQUES_DEMARCHES.values, 'Démarches administratives');
  if (demarches.length && !withDemarches && !errors.thematiques)
    errors.thematiques_demarches = "Les démarches administratives se précisent seulement avec la thématique « Aide aux démarches administratives ».";
  const nomDemarche = text(errors, 'nom_demarche', b.nom_demarche, LIMITS.nomDemarche, 'Le nom de la démarche');
  if (nomDemarche && !withDemarches && !errors.thematiques)
    errors.nom_demarche = "Le nom de la démarche se précise seulement avec la thématique « Aide aux démarches administratives ».";

  // equipment, autonomy, orientation
  const materiel = codeList(errors, 'materiel', b.materiel, MATERIEL.values, 'Matériel utilisé');
  if (materiel.includes('aucun') && materiel.length > 1) errors.materiel = '« Aucun matériel » ne se combine pas avec un autre matériel.';
  const autonomie = code(errors, 'autonomie', b.autonomie, AUTONOMIE.values, 'Autonomie');
  if (autonomie && type && type !== 'individuel') errors.autonomie = "L'autonomie se renseigne seulement pour un accompagnement individuel.";
  const orientation = code(errors, 'orientation', b.orientation, ORIENTATIONS.values, 'Orientation');

  // beneficiary
  let beneficiaireId: string | null = null;
  if (!absent(b.beneficiaire_id) && b.beneficiaire_id !== '') {
    if (!isUuid(b.beneficiaire_id)) errors.beneficiaire_id = "Le bénéficiaire (beneficiaire_id) doit être l'UUID d'un de vos bénéficiaires suivis.";
    else if (type === 'collectif')
      errors.beneficiaire_id = "Un atelier collectif se décrit par des effectifs anonymes, sans bénéficiaire suivi.";
    else beneficiaireId = b.beneficiaire_id.toLowerCase();
  }

  const notes = text(errors, 'notes', b.notes, LIMITS.notes, 'Les notes');

  // workshop
  let titre: string | null = null;
  let niveau: string | null = null;
  let participants: Participants | null = null;
  let personne: Personne | null = null;
  if (type === 'collectif') {
    titre = text(errors, 'titre_atelier', b.titre_atelier, LIMITS.titreAtelier, "Le titre de l'atelier");
    if (!titre && !errors.titre_atelier) errors.titre_atelier = "Indiquez le titre de l'atelier.";
    niveau = code(errors, 'niveau_atelier', b.niveau_atelier, NIVEAUX_ATELIER.values, "Niveau de l'atelier");
    const p = b.participants;
    if (!isObject(p)) errors.participants = 'Indiquez le nombre de participants (participants.total).';
    else {
      let total: number | null = null;
      if (absent(p.total) || p.total === '') errors['participants.total'] = "Indiquez combien de personnes ont participé à l'atelier, en chiffres (par exemple 8).";
      else if (!isInt(p.total) || p.total < 1 || p.total > LIMITS.participantsMax)
        errors['participants.total'] = `Indiquez un nombre de participants en chiffres, sans virgule, de 1 à ${LIMITS.participantsMax} (par exemple 8).`;
      else total = p.total;
      let deja = 0;
      if (!absent(p.deja_accompagnes)) {
        if (!isInt(p.deja_accompagnes) || p.deja_accompagnes < 0)
          errors['participants.deja_accompagnes'] = 'Le nombre de participants déjà accompagnés doit être un entier positif ou nul.';
        else if (total !== null && p.deja_accompagnes > total)
          errors['participants.deja_accompagnes'] = `Les participants déjà accompagnés (${p.deja_accompagnes}) dépassent le total (${total}).`;
        else deja = p.deja_accompagnes;
      }
      const genres = breakdown(errors, 'participants.genres', p.genres, GENRES.values, total, 'Genres');
      const ages = breakdown(errors, 'participants.tranches_age', p.tranches_age, TRANCHES_AGE.values, total, "Tranches d'âge");
      const statuts = breakdown(errors, 'participants.statuts', p.statuts, STATUTS.values, total, 'Statuts');
      if (total !== null) participants = { total, deja_accompagnes: deja, genres, tranches_age: ages, statuts };
    }
    if (!absent(b.personne)) errors.personne = "Le genre, l'âge et le statut d'un atelier se comptent dans ses effectifs (participants), pas dans « personne ».";
  } else if (type) {
    personne = personneOf(errors, b.personne);
    if (!absent(b.titre_atelier) && b.titre_atelier !== '') errors.titre_atelier = "Le titre se renseigne seulement pour un atelier collectif.";
    if (!absent(b.niveau_atelier) && b.niveau_atelier !== '') errors.niveau_atelier = 'Le niveau se renseigne seulement pour un atelier collectif.';
    if (!absent(b.participants)) errors.participants = 'Les effectifs se renseignent seulement pour un atelier collectif.';
  }

  // A wrong JSON type is reported as such, whatever another rule said of the same field.
  Object.assign(errors, typeErrors);
  if (Object.keys(errors).length > 0 || !type) return { ok: false, errors };
  return {
    ok: true,
    value: {
      id,
      type,
      date,
      duree_minutes: duree,
      lieu,
      thematiques,
      thematiques_demarches: withDemarches ? demarches : [],
      nom_demarche: withDemarches ? nomDemarche : null,
      materiel,
      autonomie,
      orientation,
      beneficiaire_id: beneficiaireId,
      notes,
      titre_atelier: titre,
      niveau_atelier: niveau,
      participants,
      personne,
    },
  };
}

/** The optional gender, age bracket and status of one person; « non communiqué » is the same as nothing said. */
function personneOf(errors: FieldErrors, v: unknown): Personne | null {
  if (absent(v)) return null;
  if (!isObject(v)) {
    errors.personne = 'La personne : un objet est attendu, par exemple {"genre": "feminin", "tranche_age": "soixante_dix_plus", "statut": "retraite"}.';
    return null;
  }
  const said = (c: string | null) => (c === 'non_communique' ? null : c);
  const p: Personne = {
    genre: said(code(errors, 'personne.genre', v.genre, GENRES.values, 'Genre')),
    tranche_age: said(code(errors, 'personne.tranche_age', v.tranche_age, TRANCHES_AGE.values, "Tranche d'âge")),
    statut: said(code(errors, 'personne.statut', v.statut, STATUTS.values, 'Statut')),
  };
  return p.genre || p.tranche_age || p.statut ? p : null;
}

/** Accompaniments counted nationally: one per participant for a workshop, one otherwise (domain §3). */
export function accompagnementsOf(a: Pick<ActivitePayload, 'type' | 'participants'>): number {
  return a.type === 'collectif' ? (a.participants?.total ?? 0) : 1;
}

/** Turns the entry form's fields (strings, repeated checkboxes) into an API payload, unvalidated. */
export function formToPayload(f: Record<string, string | string[] | undefined>): Record<string, unknown> {
  const one = (k: string) => {
    const v = f[k];
    return (Array.isArray(v) ? v[v.length - 1] : v)?.trim() ?? '';
  };
  const many = (k: string) => {
    const v = f[k];
    return (Array.isArray(v) ? v : v ? [v] : []).map((x) => x.trim()).filter(Boolean);
  };
  const num = (s: string): unknown => (s === '' ? undefined : /^-?\d+$/.test(s) ? Number(s) : s);
  const orNull = (s: string) => (s === '' ? null : s);
  const type = one('type');
  const duree = one('duree') === 'autre' || one('duree') === '' ? one('duree_autre') : one('duree');
  const lieuChoice = one('lieu');
  const lieu: Record<string, unknown> = lieuChoice.startsWith('lieu_activite:')
    ? { type: 'lieu_activite', lieu_id: lieuChoice.slice('lieu_activite:'.length) }
    : { type: lieuChoice || undefined, ...communeOfForm(one('commune'), one('commune_insee'), one('commune_insee_pour')) };
  const payload: Record<string, unknown> = {
    id: one('id'),
    type: orNull(type),
    date: one('date'),
    duree_minutes: num(duree),
    lieu,
    thematiques: many('thematiques'),
    thematiques_demarches: many('thematiques_demarches'),
    nom_demarche: orNull(one('nom_demarche')),
    materiel: many('materiel'),
    autonomie: type === 'individuel' ? orNull(one('autonomie')) : null,
    orientation: orNull(one('orientation')),
    beneficiaire_id: type === 'collectif' ? null : orNull(one('beneficiaire_id')),
    notes: orNull(one('notes')),
  };
  if (type && type !== 'collectif') {
    const personne = { genre: orNull(one('personne_genre')), tranche_age: orNull(one('personne_age')), statut: orNull(one('personne_statut')) };
    if (personne.genre || personne.tranche_age || personne.statut) payload.personne = personne;
  }
  if (type === 'collectif') {
    const counts = (prefix: string, codes: readonly string[]) => {
      const out: Record<string, unknown> = {};
      for (const c of codes) {
        const v = one(`${prefix}_${c}`);
        if (v !== '') out[c] = num(v);
      }
      return out;
    };
    payload.titre_atelier = orNull(one('titre_atelier'));
    payload.niveau_atelier = orNull(one('niveau_atelier'));
    payload.participants = {
      total: num(one('participants_total')),
      deja_accompagnes: num(one('participants_deja_accompagnes')),
      genres: counts('genre', GENRES.values.filter((c) => c !== 'non_communique')),
      tranches_age: counts('age', TRANCHES_AGE.values.filter((c) => c !== 'non_communique')),
      statuts: counts('statut', STATUTS.values.filter((c) => c !== 'non_communique')),
    };
  }
  return payload;
}

/**
 * The commune of the entry form: the code picked from suggestions or from the choice offered for
 * what was typed (`commune_insee_pour` is that text: a code picked for another text is ignored), else the
 * text itself, resolved by the server — a name, a postcode or an INSEE code.
 */
export function communeOfForm(texte: string, code: string, pour: string): { commune_insee?: string; commune?: string } {
  if (code && pour === texte) return { commune_insee: code };
  return texte ? { commune: texte } : {};
}

/** Maps API field names of errors to form field names (for messages next to the fields). */
export function formFieldOf(apiField: string): string {
  const map: Record<string, string> = {
    duree_minutes: 'duree',
    lieu: 'lieu',
    'lieu.type': 'lieu',
    'lieu.lieu_id': 'lieu',
    'lieu.commune_insee': 'commune',
    'lieu.commune': 'commune',
    personne: 'personne_genre',
    'personne.genre': 'personne_genre',
    'personne.tranche_age': 'personne_age',
    'personne.statut': 'personne_statut',
    'participants.total': 'participants_total',
    participants: 'participants_total',
    'participants.deja_accompagnes': 'participants_deja_accompagnes',
    'participants.genres': 'genres',
    'participants.tranches_age': 'tranches_age',
    'participants.statuts': 'statuts',
  };
  return map[apiField] ?? apiField;
}
