/**
 * Recruitment's pure rules: the candidate's application, matching (distance, territory, availability),
 * the statuses of a pair and their transitions, contracts, the quota, ruptures. No I/O.
 */
import { formatEuros } from '../platform/money.js';
import { distanceKm, type LatLng } from '../territoires/territoires.js';

export const SITUATIONS = {
  demandeur_emploi: "Demandeur ou demandeuse d'emploi",
  en_emploi: 'En emploi',
  en_formation: 'En formation',
  diplome: 'Titulaire d’un diplôme de médiation numérique',
  experience: 'Expérience de la médiation numérique',
} as const;
export type Situation = keyof typeof SITUATIONS;

export const DISTANCES_KM = [5, 10, 15, 20, 40, 100, 2000] as const;

export const STATUTS_CANDIDAT = { disponible: 'Disponible', en_pause: 'En pause', retire: 'Retirée', recrute: 'Recruté·e' } as const;

export const STATUTS_MER = {
  nouvelle: 'Nouvelle',
  interessee: 'Présélectionné·e',
  nonInteressee: 'Non retenu·e',
  recrutee: 'Contrat saisi, en attente de validation',
  finalisee: 'Recrutement validé',
  nouvelle_rupture: 'Rupture déclarée, en attente de validation',
  finalisee_rupture: 'Rupture validée',
  renouvellement_initiee: 'Renouvellement en attente de validation',
  terminee: 'Contrat terminé (renouvelé)',
  terminee_naturelle: 'Contrat arrivé à son terme',
  non_disponible: 'Recruté·e ailleurs',
} as const;
export type StatutMer = keyof typeof STATUTS_MER;

export const TYPES_CONTRAT = { CDI: 'CDI', CDD: 'CDD', PEC: 'Parcours emploi compétences (PEC)', contrat_projet: 'Contrat de projet public' } as const;
export type TypeContrat = keyof typeof TYPES_CONTRAT;

export const MOTIFS_RUPTURE = {
  licenciement: 'Licenciement',
  non_reconduction_cdd: 'Non-reconduction du CDD',
  demission: 'Démission',
  cdisation: 'CDIsation',
  fin_subvention: 'Fin de la subvention',
} as const;
export type MotifRupture = keyof typeof MOTIFS_RUPTURE;

export const LIMITES = { prenom: 100, nom: 100, email: 254, motivation: 2500, diplome: 200 };

/** The structure marks a pair interested / not interested (back and forth, before any contract). */
export function peutMarquer(from: StatutMer, to: 'interessee' | 'nonInteressee'): boolean {
  if (to === 'interessee') return from === 'nouvelle' || from === 'nonInteressee';
  return from === 'nouvelle' || from === 'interessee';
}

/** Pairs that hold a post (the quota counts them). */
export const STATUTS_SUR_POSTE: readonly StatutMer[] = ['recrutee', 'finalisee', 'nouvelle_rupture', 'renouvellement_initiee'];

/** The quota: recruiting one more must not exceed the posts in force. */
export function quotaProblem(occupes: number, postes: number): string | null {
  if (occupes + 1 > postes) return `Quota atteint : ${occupes} recrutement${occupes > 1 ? 's' : ''} en cours ou validé${occupes > 1 ? 's' : ''} pour ${postes} poste${postes > 1 ? 's' : ''} accordé${postes > 1 ? 's' : ''}.`;
  return null;
}

/** Overseas départements match only within themselves; the rest of France is one territory. */
export function territoireDe(departement: string): string {
  return /^97/.test(departement) ? departement.slice(0, 3) : 'metropole';
}

export interface PointCandidat extends LatLng {
  departement: string;
  distanceMaxKm: number;
  dateDisponibilite: string;
}
export interface PointStructure extends LatLng {
  departement: string;
  dateDebut: string;
}

/**
 * Whether a candidate and a structure form a pair, and their distance in metres: within the
 * candidate's maximum distance (commune centres), in the same territory, and available by the
 * mission's start (a start already past means « as soon as possible »: available today).
 */
export function apparier(c: PointCandidat, s: PointStructure, today: string): number | null {
  if (territoireDe(c.departement) !== territoireDe(s.departement)) return null;
  const debut = s.dateDebut > today ? s.dateDebut : today;
  if (c.dateDisponibilite > debut) return null;
  const km = distanceKm(c, s);
  if (km > c.distanceMaxKm) return null;
  return Math.round(km * 1000);
}

function isCalendarDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const texte = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export interface CandidatInput {
  prenom: unknown;
  nom: unknown;
  email: unknown;
  telephone: unknown;
  commune_insee: unknown;
  situations: unknown;
  diplome?: unknown;
  date_disponibilite: unknown;
  distance_max_km: unknown;
  motivation: unknown;
  pix_palier?: unknown;
}

export interface CandidatValide {
  prenom: string;
  nom: string;
  email: string;
  telephone: string;
  communeInsee: string;
  situations: Situation[];
  diplome: string | null;
  dateDisponibilite: string;
  distanceMaxKm: number;
  motivation: string;
  pixPalier: number | null;
}

/** Validates a candidate's profile; `communeOk` says whether an INSEE code is a known commune. Errors by API field name. */
export function validateCandidat(
  input: CandidatInput,
  today: string,
  communeOk: (insee: string) => boolean,
): { ok: true; value: CandidatValide } | { ok: false; errors: Record<string, string> } {
  const e: Record<string, string> = {};
  const prenom = texte(input.prenom);
  if (!prenom) e.prenom = 'Saisissez votre prénom.';
  else if (prenom.length > LIMITES.prenom) e.prenom = `Au plus ${LIMITES.prenom} caractères.`;
  const nom = texte(input.nom);
  if (!nom) e.nom = 'Saisissez votre nom.';
  else if (nom.length > LIMITES.nom) e.nom = `Au plus ${LIMITES.nom} caractères.`;
  const email = texte(input.email).toLowerCase();
  if (!email || email.length > LIMITES.email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) e.email = 'Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.';
  const telephone = texte(input.telephone).replace(/[\s.\-()]/g, '');
  if (!/^\d{10}$/.test(telephone) && !/^\+\d{11,12}$/.test(telephone)) e.telephone = 'Saisissez un numéro à 10 chiffres (06 12 34 56 78) ou au format international (+33 6 12 34 56 78).';
  const insee = texte(input.commune_insee).toUpperCase();
  if (!communeOk(insee)) e.commune_insee = 'Commune inconnue : choisissez votre commune (nom ou code INSEE).';
  const raw = Array.isArray(input.situations) ? input.situations : typeof input.situations === 'string' ? [input.situations] : [];
  const situations = [...new Set(raw.filter((s): s is Situation => typeof s === 'string' && Object.hasOwn(SITUATIONS, s)))];
  if (situations.length === 0 || situations.length !== raw.length) e.situations = 'Cochez au moins une situation parmi celles proposées.';
  const diplome = texte(input.diplome);
  if (situations.includes('diplome') && !diplome) e.diplome = 'Indiquez le nom de votre diplôme de médiation numérique.';
  else if (diplome.length > LIMITES.diplome) e.diplome = `Au plus ${LIMITES.diplome} caractères.`;
  const dispo = texte(input.date_disponibilite);
  if (!isCalendarDate(dispo)) e.date_disponibilite = 'Saisissez une date valide, par exemple 2027-01-15.';
  else if (dispo < today) e.date_disponibilite = "La date de disponibilité ne peut pas être passée : choisissez aujourd'hui ou plus tard.";
  const distance = typeof input.distance_max_km === 'number' ? input.distance_max_km : Number(texte(input.distance_max_km));
  if (!(DISTANCES_KM as readonly number[]).includes(distance)) e.distance_max_km = `Choisissez une distance parmi ${DISTANCES_KM.join(', ')} km.`;
  const motivation = texte(input.motivation);
  if (!motivation) e.motivation = 'Expliquez en quelques lignes ce qui vous motive.';
  else if (motivation.length > LIMITES.motivation) e.motivation = `Au plus ${LIMITES.motivation} caractères (vous en avez saisi ${motivation.length}).`;
  let pix: number | null = null;
  if (input.pix_palier !== undefined && input.pix_palier !== null && input.pix_palier !== '') {
    pix = typeof input.pix_palier === 'number' ? input.pix_palier : Number(texte(input.pix_palier));
    if (![1, 2, 3].includes(pix)) e.pix_palier = 'Le palier Pix est 1, 2 ou 3 (laissez vide si vous ne le partagez pas).';
  }
  if (Object.keys(e).length) return { ok: false, errors: e };
  return {
    ok: true,
    value: { prenom, nom, email, telephone, communeInsee: insee, situations, diplome: situations.includes('diplome') ? diplome : null, dateDisponibilite: dispo, distanceMaxKm: distance, motivation, pixPalier: pix },
  };
}

export interface ContratValide {
  type: TypeContrat;
  dateDebut: string;
  dateFin: string | null;
  salaireCentimes: number;
  coordinateur: boolean;
}

/** A contract: CDI has no end, the others need one after the start; salary ≥ the SMIC (gross monthly, cents). */
export function validateContrat(
  input: { type: unknown; date_debut: unknown; date_fin?: unknown; salaire_brut_mensuel_centimes: unknown; coordinateur?: unknown },
  smicCentimes: number,
): { ok: true; value: ContratValide } | { ok: false; errors: Record<string, string> } {
  const e: Record<string, string> = {};
  const type = texte(input.type);
  if (!Object.hasOwn(TYPES_CONTRAT, type)) e.type = 'Choisissez le type de contrat : CDI, CDD, PEC ou contrat de projet public.';
  const debut = texte(input.date_debut);
  if (!isCalendarDate(debut)) e.date_debut = 'Saisissez la date de début du contrat, par exemple 2027-01-15.';
  const finRaw = texte(input.date_fin);
  let fin: string | null = null;
  if (type === 'CDI') {
    if (finRaw) e.date_fin = "Un CDI n'a pas de date de fin : laissez ce champ vide.";
  } else if (!finRaw) e.date_fin = 'Un contrat à durée déterminée a une date de fin : saisissez-la.';
  else if (!isCalendarDate(finRaw)) e.date_fin = 'Saisissez une date valide, par exemple 2028-01-14.';
  else if (isCalendarDate(debut) && finRaw <= debut) e.date_fin = 'La fin du contrat doit suivre son début.';
  else fin = finRaw;
  const s = input.salaire_brut_mensuel_centimes;
  const salaire = typeof s === 'number' ? s : /^\d{1,9}$/.test(texte(s)) ? Number(texte(s)) : NaN;
  if (!Number.isInteger(salaire) || salaire < 0) e.salaire_brut_mensuel_centimes = 'Le salaire brut mensuel est un nombre entier de centimes.';
  else if (salaire < smicCentimes) e.salaire_brut_mensuel_centimes = `Le salaire brut mensuel doit être au moins le SMIC (${formatEuros(smicCentimes)}).`;
  const coordinateur = input.coordinateur === true || input.coordinateur === 'oui' || input.coordinateur === 'on';
  if (Object.keys(e).length) return { ok: false, errors: e };
  return { ok: true, value: { type: type as TypeContrat, dateDebut: debut, dateFin: fin, salaireCentimes: salaire, coordinateur } };
}

export { centimesDepuisEuros, formatEuros } from '../platform/money.js';

/** A rupture: a date within the contract (≤ its end), a reason from the list, the documents' state. */
export function validateRupture(
  input: { date: unknown; motif: unknown; documents?: unknown },
  contrat: { dateDebut: string; dateFin: string | null },
): { ok: true; value: { date: string; motif: MotifRupture; documents: 'complet' | 'en_attente' } } | { ok: false; errors: Record<string, string> } {
  const e: Record<string, string> = {};
  const date = texte(input.date);
  if (!isCalendarDate(date)) e.date = 'Saisissez la date de la rupture, par exemple 2027-03-31.';
  else if (date < contrat.dateDebut) e.date = `La rupture ne peut pas précéder le début du contrat (${contrat.dateDebut.split('-').reverse().join('/')}).`;
  else if (contrat.dateFin && date > contrat.dateFin) e.date = `La rupture ne peut pas suivre la fin du contrat (${contrat.dateFin.split('-').reverse().join('/')}).`;
  const motif = texte(input.motif);
  if (!Object.hasOwn(MOTIFS_RUPTURE, motif)) e.motif = 'Choisissez le motif : licenciement, non-reconduction du CDD, démission, CDIsation ou fin de la subvention.';
  const documents = input.documents === 'complet' ? 'complet' : 'en_attente';
  if (Object.keys(e).length) return { ok: false, errors: e };
  return { ok: true, value: { date, motif: motif as MotifRupture, documents } };
}

/** Add `days` to a calendar date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
