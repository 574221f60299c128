/**
 * Training's pure rules (no I/O): the entry assessment → the path's length, the hours done (from
 * attendance only), the compliance status (in progress / late / completed), the annual module owed,
 * the cost, and the validation of every form and API body. Dates are Europe/Paris calendar dates
 * (`YYYY-MM-DD`); hours are whole hours; money is integer euro cents.
 */
import { isCalendarDate } from '../platform/http.js';

/** The initial path lasts 70 to 315 hours (three weeks to four months), by the programme's rules. */
export const HEURES_MIN = 70;
export const HEURES_MAX = 315;

export const NIVEAUX_PIX = [1, 2, 3] as const;
export type NiveauPix = (typeof NIVEAUX_PIX)[number];

/**
 * The default table from the Pix level of the entry assessment to the path's hours. Level 1 (a
 * beginner) follows the whole path (315 h, about four months); level 2, the common path (140 h);
 * level 3, the short path for people already at ease (70 h, three weeks). A different table can be
 * configured (`formation_bareme`, page « Barème du positionnement »); each value stays within 70–315 h.
 */
export const BAREME_PAR_DEFAUT: Readonly<Record<NiveauPix, number>> = { 1: 315, 2: 140, 3: 70 };
export type Bareme = Readonly<Record<NiveauPix, number>>;

/** The three competences assessed with the Pix level (each 1–3), as today's imports carry them. */
export const COMPETENCES = {
  competence1: 'Mener une recherche et une veille d’information',
  competence2: 'Interagir et accompagner en ligne',
  competence3: 'Protéger ses données et sécuriser son équipement',
} as const;

export const RESULTATS_CCP = { obtenu: 'Obtenu', reporte: 'Reporté', non_presente: 'Non présenté' } as const;
export type ResultatCcp = keyof typeof RESULTATS_CCP;

export const LIMITES = { nom: 200, titre: 200, lieu: 300, motif: 1000, sujet: 200, description: 2000, email: 254, capacite: 500, heuresSession: 315, scorePix: 1024, tauxHoraireCentimes: 100_000 };

/** A module of the annual catalogue lasts 7 or 14 hours. */
export const DUREES_MODULE = [7, 14] as const;
/** Annual modules are owed from this year on (« depuis janvier 2024 »). */
export const PREMIERE_ANNEE_MODULE = 2024;
/** A contract started more than this many months ago with an incomplete path is late. */
export const RETARD_MOIS = 4;

// ——— Calendar ———

/** The same day n months later, or the month's last day (31 October + 4 months = 28 or 29 February). */
export function addMonths(d: string, n: number): string {
  const y = Number(d.slice(0, 4));
  const m = Number(d.slice(5, 7));
  const j = Number(d.slice(8, 10));
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(j, last)).padStart(2, '0')}`;
}

// ——— The path ———

/** The path's hours for a Pix level, from a table (the default one unless configured). */
export function heuresParcours(niveau: NiveauPix, bareme: Bareme = BAREME_PAR_DEFAUT): number {
  const h = bareme[niveau];
  if (!Number.isInteger(h) || h < HEURES_MIN || h > HEURES_MAX) throw new Error(`Barème invalide pour le niveau ${niveau} : ${h}`);
  return h;
}

/** A table typed by ANCT: each level's hours, whole, within 70–315 h. */
export function validateBareme(input: Record<string, unknown>): { ok: true; value: Bareme } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const value: Record<number, number> = {};
  for (const n of NIVEAUX_PIX) {
    const h = entier(input[`niveau${n}`]);
    if (h === null || h < HEURES_MIN || h > HEURES_MAX) errors[`niveau${n}`] = `Indiquez un nombre d'heures entier entre ${HEURES_MIN} et ${HEURES_MAX}.`;
    else value[n] = h;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: value as Bareme };
}

/** The hours done: the sum of the attendance recorded, never a typed total. */
export function heuresRealisees(presences: readonly { heures: number | null }[]): number {
  return presences.reduce((s, p) => s + (p.heures ?? 0), 0);
}

export type StatutParcours = 'non_positionne' | 'en_cours' | 'en_retard' | 'termine';
export const STATUTS_PARCOURS: Record<StatutParcours, string> = {
  non_positionne: 'Positionnement à faire',
  en_cours: 'Parcours en cours',
  en_retard: 'En retard',
  termine: 'Parcours terminé',
};

/**
 * The initial path's status. Complete when the hours done reach the hours required. Otherwise late
 * when the first contract started more than four months ago (the path comes before the job, and
 * lasts four months at most), whether or not the assessment is recorded.
 */
export function statutParcours(p: { heuresRequises: number | null; heuresRealisees: number; debutContrat: string | null }, today: string): StatutParcours {
  if (p.heuresRequises !== null && p.heuresRealisees >= p.heuresRequises) return 'termine';
  if (p.debutContrat !== null && today > addMonths(p.debutContrat, RETARD_MOIS)) return 'en_retard';
  return p.heuresRequises === null ? 'non_positionne' : 'en_cours';
}

/** Certified: the CCP1 obtained and a Pix certification recorded. */
export const estCertifie = (c: { ccp1Resultat: string | null; pixScore: number | null } | undefined) => !!c && c.ccp1Resultat === 'obtenu' && c.pixScore !== null;

// ——— The annual module ———

/** A conseiller recruited before the year starts owes one module that year (from 2024). */
export function moduleDu(debutContrat: string | null, annee: number): boolean {
  return annee >= PREMIERE_ANNEE_MODULE && debutContrat !== null && debutContrat < `${annee}-01-01`;
}

export type StatutModule = 'non_du' | 'du' | 'choisi' | 'realise';
export const STATUTS_MODULE: Record<StatutModule, string> = {
  non_du: 'Pas de module dû cette année',
  du: 'Module dû, à choisir',
  choisi: 'Module choisi, à suivre',
  realise: 'Module réalisé',
};

export function statutModule(debutContrat: string | null, annee: number, choix: { realiseLe: string | null } | undefined): StatutModule {
  if (choix?.realiseLe) return 'realise';
  if (!moduleDu(debutContrat, annee)) return choix ? 'choisi' : 'non_du';
  return choix ? 'choisi' : 'du';
}

// ——— Cost ———

/**
 * The training cost, funded at 100 % by Banque des Territoires: for each provider, the hours done with
 * it × its agreement's hourly rate, in integer cents.
 */
export function coutFormation(lignes: readonly { heures: number; tauxHoraireCentimes: number }[]): number {
  return lignes.reduce((s, l) => s + l.heures * l.tauxHoraireCentimes, 0);
}

// ——— Validation ———

type Result<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

function entier(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v !== 'string' || !/^\s*\d{1,6}\s*$/.test(v)) return null;
  return Number(v.trim());
}
const texte = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export interface Positionnement {
  niveau: NiveauPix;
  competence1: number;
  competence2: number;
  competence3: number;
  date: string;
}

/** The entry assessment: Pix level 1–3, its three competences 1–3, a date not in the future. */
export function validatePositionnement(input: Record<string, unknown>, today: string): Result<Positionnement> {
  const errors: Record<string, string> = {};
  const niveau = entier(input.niveau);
  if (niveau === null || !(NIVEAUX_PIX as readonly number[]).includes(niveau)) errors.niveau = 'Choisissez le niveau Pix du positionnement (1, 2 ou 3).';
  const comps: number[] = [];
  for (const k of Object.keys(COMPETENCES)) {
    const c = entier(input[k]);
    if (c === null || c < 1 || c > 3) errors[k] = 'Indiquez un niveau de 1 à 3.';
    comps.push(c ?? 0);
  }
  const date = texte(input.date);
  if (!isCalendarDate(date)) errors.date = 'Indiquez la date du positionnement.';
  else if (date > today) errors.date = 'La date du positionnement ne peut pas être dans le futur.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { niveau: niveau as NiveauPix, competence1: comps[0]!, competence2: comps[1]!, competence3: comps[2]!, date } };
}

/** An adjustment of the path by the provider: whole hours within 70–315 and a reason. */
export function validateAjustement(input: Record<string, unknown>): Result<{ heures: number; motif: string }> {
  const errors: Record<string, string> = {};
  const heures = entier(input.heures);
  if (heures === null || heures < HEURES_MIN || heures > HEURES_MAX) errors.heures = `Le parcours dure entre ${HEURES_MIN} et ${HEURES_MAX} heures (nombre entier).`;
  const motif = texte(input.motif);
  if (!motif) errors.motif = "Indiquez le motif de l'ajustement.";
  else if (motif.length > LIMITES.motif) errors.motif = `Le motif ne dépasse pas ${LIMITES.motif} caractères.`;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { heures: heures!, motif } };
}

export interface SessionValide {
  titre: string;
  debut: string;
  fin: string;
  heures: number;
  lieu: string | null;
  aDistance: boolean;
  capacite: number;
  moduleId: string | null;
}

export function validateSession(input: Record<string, unknown>): Result<SessionValide> {
  const errors: Record<string, string> = {};
  const titre = texte(input.titre);
  if (!titre) errors.titre = 'Indiquez le titre de la session.';
  else if (titre.length > LIMITES.titre) errors.titre = `Le titre ne dépasse pas ${LIMITES.titre} caractères.`;
  const debut = texte(input.debut);
  const fin = texte(input.fin);
  if (!isCalendarDate(debut)) errors.debut = 'Indiquez la date de début.';
  if (!isCalendarDate(fin)) errors.fin = 'Indiquez la date de fin.';
  else if (isCalendarDate(debut) && fin < debut) errors.fin = 'La fin ne peut pas précéder le début.';
  const heures = entier(input.heures);
  if (heures === null || heures < 1 || heures > LIMITES.heuresSession) errors.heures = `Indiquez la durée en heures (entier de 1 à ${LIMITES.heuresSession}).`;
  const aDistance = input.a_distance === 'oui' || input.a_distance === true;
  const lieu = texte(input.lieu);
  if (!aDistance && !lieu) errors.lieu = 'Indiquez le lieu, ou cochez « À distance ».';
  else if (lieu.length > LIMITES.lieu) errors.lieu = `Le lieu ne dépasse pas ${LIMITES.lieu} caractères.`;
  const capacite = entier(input.capacite);
  if (capacite === null || capacite < 1 || capacite > LIMITES.capacite) errors.capacite = `Indiquez le nombre de places (de 1 à ${LIMITES.capacite}).`;
  const moduleId = texte(input.module_id) || null;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { titre, debut, fin, heures: heures!, lieu: lieu || null, aDistance, capacite: capacite!, moduleId } };
}

/** Attendance: whole hours from 0 to the session's length. */
export function validatePresence(input: { heures: unknown }, heuresSession: number): Result<{ heures: number }> {
  const heures = entier(input.heures);
  if (heures === null || heures < 0) return { ok: false, errors: { heures: 'Indiquez les heures de présence (nombre entier).' } };
  if (heures > heuresSession) return { ok: false, errors: { heures: `La session dure ${heuresSession} h : la présence ne peut pas dépasser cette durée.` } };
  return { ok: true, value: { heures } };
}

export interface CertificationValide {
  ccp1Resultat: ResultatCcp | null;
  ccp1Date: string | null;
  pixScore: number | null;
  pixDate: string | null;
  ccp2Resultat: ResultatCcp | null;
  ccp2Date: string | null;
  ccp3Resultat: ResultatCcp | null;
  ccp3Date: string | null;
}

/** Certification: each CCP's result with its date, the Pix score with its date; no date in the future. */
export function validateCertification(input: Record<string, unknown>, today: string): Result<CertificationValide> {
  const errors: Record<string, string> = {};
  const out: Record<string, unknown> = {};
  const dateDe = (k: string, requise: boolean): string | null => {
    const d = texte(input[k]);
    if (!d) {
      if (requise) errors[k] = 'Indiquez la date.';
      return null;
    }
    if (!isCalendarDate(d)) errors[k] = 'Indiquez une date valide.';
    else if (d > today) errors[k] = 'La date ne peut pas être dans le futur.';
    return d;
  };
  for (const ccp of ['ccp1', 'ccp2', 'ccp3'] as const) {
    const r = texte(input[`${ccp}_resultat`]);
    if (r && !Object.hasOwn(RESULTATS_CCP, r)) errors[`${ccp}_resultat`] = 'Choisissez un résultat de la liste.';
    out[`${ccp}Resultat`] = r ? r : null;
    // A CCP presented or obtained has a date; « non présenté » may have one (the session missed).
    out[`${ccp}Date`] = dateDe(`${ccp}_date`, r === 'obtenu' || r === 'reporte');
  }
  const s = texte(input.pix_score);
  let pixScore: number | null = null;
  if (s) {
    pixScore = entier(s);
    if (pixScore === null || pixScore > LIMITES.scorePix) errors.pix_score = `Indiquez le score Pix (entier de 0 à ${LIMITES.scorePix}).`;
  }
  out.pixScore = pixScore;
  out.pixDate = dateDe('pix_date', pixScore !== null);
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: out as unknown as CertificationValide };
}

export function validateOrganisme(input: Record<string, unknown>): Result<{ nom: string; tauxHoraireCentimes: number }> {
  const errors: Record<string, string> = {};
  const nom = texte(input.nom);
  if (!nom) errors.nom = "Indiquez le nom de l'organisme.";
  else if (nom.length > LIMITES.nom) errors.nom = `Le nom ne dépasse pas ${LIMITES.nom} caractères.`;
  const t = input.tauxHoraireCentimes;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > LIMITES.tauxHoraireCentimes) errors.taux = 'Indiquez le taux horaire de la convention, en euros (par exemple 25,00).';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { nom, tauxHoraireCentimes: t as number } };
}

export function validateModule(input: Record<string, unknown>, anneeCourante: number): Result<{ annee: number; titre: string; heures: 7 | 14; organismeId: string; description: string | null }> {
  const errors: Record<string, string> = {};
  const annee = entier(input.annee);
  if (annee === null || annee < PREMIERE_ANNEE_MODULE || annee > anneeCourante + 1) errors.annee = `Indiquez l'année du catalogue (de ${PREMIERE_ANNEE_MODULE} à ${anneeCourante + 1}).`;
  const titre = texte(input.titre);
  if (!titre) errors.titre = 'Indiquez le titre du module.';
  else if (titre.length > LIMITES.titre) errors.titre = `Le titre ne dépasse pas ${LIMITES.titre} caractères.`;
  const heures = entier(input.heures);
  if (heures !== 7 && heures !== 14) errors.heures = 'Un module dure 7 ou 14 heures.';
  const organismeId = texte(input.organisme_id);
  if (!organismeId) errors.organisme_id = "Choisissez l'organisme de formation.";
  const description = texte(input.description);
  if (description.length > LIMITES.description) errors.description = `La description ne dépasse pas ${LIMITES.description} caractères.`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { annee: annee!, titre, heures: heures as 7 | 14, organismeId, description: description || null } };
}

export function validateSujet(input: Record<string, unknown>): Result<{ sujet: string }> {
  const sujet = texte(input.sujet);
  if (!sujet) return { ok: false, errors: { sujet: 'Indiquez le thème proposé.' } };
  if (sujet.length > LIMITES.sujet) return { ok: false, errors: { sujet: `Le thème ne dépasse pas ${LIMITES.sujet} caractères.` } };
  return { ok: true, value: { sujet } };
}
