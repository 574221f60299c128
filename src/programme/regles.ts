/**
 * The programme's pure rules: statuses and their labels, the application's validation, the préfet's
 * opinion, committee decisions, envelopes and amendments. No I/O: unit-tested in regles.test.ts.
 */
import { commune } from '../territoires/territoires.js';
import { normaliseSiret, siretProblem } from '../structures/siret.js';
import { STRUCTURE_TYPES, type StructureType } from '../structures/structures.js';

export const STATUTS = {
  CREEE: "En attente de l'avis du préfet",
  EXAMEN_COMPLEMENTAIRE_COSELEC: 'En examen complémentaire',
  VALIDATION_COSELEC: 'Validée en comité de sélection',
  REFUS_COSELEC: 'Refusée en comité de sélection',
  ABANDON: 'Abandonnée',
  ANNULEE: 'Annulée',
  DOUBLON: 'Doublon',
} as const;
export type Statut = keyof typeof STATUTS;
export const isStatut = (s: unknown): s is Statut => typeof s === 'string' && Object.hasOwn(STATUTS, s);

/** The préfet may give (or replace) an opinion only while the file is open to instruction. */
export const STATUTS_AVIS: ReadonlySet<Statut> = new Set(['CREEE', 'EXAMEN_COMPLEMENTAIRE_COSELEC']);
/** Files a committee may still decide on. */
export const STATUTS_DECIDABLES: ReadonlySet<Statut> = new Set(['CREEE', 'EXAMEN_COMPLEMENTAIRE_COSELEC', 'VALIDATION_COSELEC', 'REFUS_COSELEC']);
/** Files that are over: no opinion, no decision, no amendment. */
export const STATUTS_CLOS: ReadonlySet<Statut> = new Set(['ABANDON', 'ANNULEE', 'DOUBLON']);

export const AVIS_PREFET = { favorable: 'Favorable', defavorable: 'Défavorable' } as const;
export type AvisPrefet = keyof typeof AVIS_PREFET;

export const AVIS_COSELEC = { POSITIF: 'Positif', NEGATIF: 'Négatif', EXAMEN_COMPLEMENTAIRE: 'Examen complémentaire' } as const;
export type AvisCoselec = keyof typeof AVIS_COSELEC;

/** Status a file takes when a committee's decision on it comes into force. */
export const STATUT_APRES_DECISION: Record<AvisCoselec, Statut> = {
  POSITIF: 'VALIDATION_COSELEC',
  NEGATIF: 'REFUS_COSELEC',
  EXAMEN_COMPLEMENTAIRE: 'EXAMEN_COMPLEMENTAIRE_COSELEC',
};

export const TYPES_AVENANT = { ajout: 'Ajout de postes', retrait: 'Rendu de postes', coordinateur: 'Poste de coordinateur' } as const;
export type TypeAvenant = keyof typeof TYPES_AVENANT;
export const STATUTS_AVENANT = { en_cours: 'En cours', validee: 'Validée', refusee: 'Refusée' } as const;

/** The reasons a structure may give to return posts (domain §9). */
export const MOTIFS_RETRAIT = {
  besoin: 'Besoin non justifié',
  recrutement: 'Difficultés de recrutement',
  financier: 'Capacité financière',
  renouvellement: 'Incertitude sur le renouvellement du financement',
  fin_subvention: 'Fin de la subvention',
} as const;

export const LIMITES = {
  nom: 200,
  adresse: 300,
  prenom: 100,
  nomContact: 100,
  fonction: 100,
  email: 254,
  motivation: 2500,
  commentaireMin: 10,
  commentaire: 1000,
  observation: 1000,
  motif: 1000,
  derogation: 1000,
  postesMax: 500,
};

/** Which national identifier a structure gives: a SIRET, or overseas a RIDET (7 digits). */
export function identifiantProblem(value: string, departement: string | undefined): string | null {
  const v = normaliseSiret(value);
  if (/^\d{7}$/.test(v) || /^\d{10}$/.test(v)) {
    // RIDET (New Caledonia's company number, 7 digits, plus 3 for an establishment): overseas only.
    if (departement && /^9[78]/.test(departement)) return null;
    return 'Le RIDET (7 chiffres) ne concerne que les structures d’outre-mer : saisissez le SIRET à 14 chiffres.';
  }
  return siretProblem(v);
}

/** Phone as the national back office accepts it: 10 digits, or `+` and 11–12 digits. */
export function normaliseTelephone(value: string): string {
  return value.replace(/[\s.\-()\u00a0]/g, '');
}
export function telephoneProblem(t: string): string | null {
  if (!t) return 'Saisissez le numéro de téléphone du contact.';
  if (/^\d{10}$/.test(t) || /^\+\d{11,12}$/.test(t)) return null;
  return 'Saisissez un numéro à 10 chiffres (03 87 00 00 00) ou au format international (+33 3 87 00 00 00).';
}

export interface CandidatureInput {
  siret: string;
  type: string;
  nom: string;
  adresse: string;
  communeInsee: string;
  codePostal?: string;
  contactPrenom: string;
  contactNom: string;
  contactFonction: string;
  contactEmail: string;
  contactTelephone: string;
  postesSouhaites: string | number;
  dateDebut: string;
  candidatIdentifie: boolean | string | undefined;
  motivation: string;
  labelFranceServices: boolean | string | undefined;
  zrr: boolean | string | undefined;
  qpv: boolean | string | undefined;
  engagement: boolean | string | undefined;
}

export type CandidatureErrors = Partial<Record<keyof CandidatureInput, string>>;

export interface Candidature {
  siret: string;
  type: StructureType;
  nom: string;
  adresse: string;
  communeInsee: string;
  codePostal: string;
  departement: string;
  region: string;
  contactPrenom: string;
  contactNom: string;
  contactFonction: string;
  contactEmail: string;
  contactTelephone: string;
  postesSouhaites: number;
  dateDebut: string;
  candidatIdentifie: boolean;
  motivation: string;
  labelFranceServices: boolean;
  zrr: boolean;
  qpv: boolean;
}

/** A form checkbox or a JSON boolean. */
export function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === 'on' || v === 'oui' || v === '1';
}

/** A whole number written by a person or sent as JSON; NaN otherwise. */
export function entier(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v : NaN;
  if (typeof v !== 'string' || !/^\s*\d{1,6}\s*$/.test(v)) return NaN;
  return Number(v);
}

function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function texte(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** Validates an application; `today` is the Paris calendar date. Every problem is reported against its field. */
export function validateCandidature(input: CandidatureInput, today: string): { ok: true; value: Candidature } | { ok: false; errors: CandidatureErrors } {
  const e: CandidatureErrors = {};
  const c = commune(texte(input.communeInsee).toUpperCase());
  if (!c) e.communeInsee = 'Commune inconnue : choisissez-la dans la liste ou saisissez son code INSEE (57463 pour Metz).';
  const siret = normaliseSiret(texte(input.siret));
  const idErr = identifiantProblem(siret, c?.departement);
  if (idErr) e.siret = idErr;
  if (!Object.hasOwn(STRUCTURE_TYPES, texte(input.type))) e.type = 'Choisissez le type de structure.';
  const nom = texte(input.nom);
  if (!nom) e.nom = 'Saisissez la raison sociale de la structure.';
  else if (nom.length > LIMITES.nom) e.nom = `La raison sociale doit contenir au plus ${LIMITES.nom} caractères.`;
  const adresse = texte(input.adresse);
  if (!adresse) e.adresse = "Saisissez l'adresse (numéro et voie).";
  else if (adresse.length > LIMITES.adresse) e.adresse = `L'adresse doit contenir au plus ${LIMITES.adresse} caractères.`;
  let codePostal = texte(input.codePostal).replace(/\s/g, '');
  if (c) {
    if (!codePostal) codePostal = c.codesPostaux[0] ?? '';
    else if (!c.codesPostaux.includes(codePostal)) e.codePostal = `Ce code postal ne correspond pas à ${c.nom} (${c.codesPostaux.join(', ')}).`;
  }
  const prenom = texte(input.contactPrenom);
  if (!prenom) e.contactPrenom = 'Saisissez le prénom du contact.';
  else if (prenom.length > LIMITES.prenom) e.contactPrenom = `Le prénom doit contenir au plus ${LIMITES.prenom} caractères.`;
  const nomContact = texte(input.contactNom);
  if (!nomContact) e.contactNom = 'Saisissez le nom du contact.';
  else if (nomContact.length > LIMITES.nomContact) e.contactNom = `Le nom doit contenir au plus ${LIMITES.nomContact} caractères.`;
  const fonction = texte(input.contactFonction);
  if (!fonction) e.contactFonction = 'Saisissez la fonction du contact (par exemple : directrice générale des services).';
  else if (fonction.length > LIMITES.fonction) e.contactFonction = `La fonction doit contenir au plus ${LIMITES.fonction} caractères.`;
  const email = texte(input.contactEmail).toLowerCase();
  if (!email || email.length > LIMITES.email || !EMAIL.test(email)) e.contactEmail = 'Saisissez une adresse électronique valide, par exemple contact@mairie.fr.';
  const telephone = normaliseTelephone(texte(input.contactTelephone));
  const telErr = telephoneProblem(telephone);
  if (telErr) e.contactTelephone = telErr;
  const postes = entier(input.postesSouhaites);
  if (!Number.isInteger(postes) || postes < 1) e.postesSouhaites = 'Indiquez un nombre de postes souhaités, au moins 1.';
  else if (postes > LIMITES.postesMax) e.postesSouhaites = `Au plus ${LIMITES.postesMax} postes par demande.`;
  const dateDebut = texte(input.dateDebut);
  if (!isCalendarDate(dateDebut)) e.dateDebut = 'Saisissez une date valide, par exemple 2027-01-15.';
  else if (dateDebut < today) e.dateDebut = "La date de début souhaitée ne peut pas être passée : choisissez aujourd'hui ou une date future.";
  const motivation = typeof input.motivation === 'string' ? input.motivation.trim() : '';
  if (!motivation) e.motivation = 'Expliquez en quelques lignes pourquoi vous souhaitez accueillir un conseiller numérique.';
  else if (motivation.length > LIMITES.motivation) e.motivation = `La motivation doit contenir au plus ${LIMITES.motivation} caractères (vous en avez saisi ${motivation.length}).`;
  if (!truthy(input.engagement)) e.engagement = 'Cochez la case d’engagement pour envoyer votre candidature.';
  if (Object.keys(e).length > 0 || !c) return { ok: false, errors: e };
  return {
    ok: true,
    value: {
      siret,
      type: texte(input.type) as StructureType,
      nom,
      adresse,
      communeInsee: c.insee,
      codePostal,
      departement: c.departement,
      region: c.region,
      contactPrenom: prenom,
      contactNom: nomContact,
      contactFonction: fonction,
      contactEmail: email,
      contactTelephone: telephone,
      postesSouhaites: postes,
      dateDebut,
      candidatIdentifie: truthy(input.candidatIdentifie),
      motivation,
      labelFranceServices: truthy(input.labelFranceServices),
      zrr: truthy(input.zrr),
      qpv: truthy(input.qpv),
    },
  };
}

/** The préfet's opinion: favourable / unfavourable and a comment of 10–1,000 characters. */
export function validateAvis(avis: unknown, commentaire: unknown): { ok: true; avis: AvisPrefet; commentaire: string } | { ok: false; errors: { avis?: string; commentaire?: string } } {
  const errors: { avis?: string; commentaire?: string } = {};
  if (avis !== 'favorable' && avis !== 'defavorable') errors.avis = 'Choisissez un avis : favorable ou défavorable.';
  const c = typeof commentaire === 'string' ? commentaire.trim() : '';
  if (c.length < LIMITES.commentaireMin) errors.commentaire = `Le commentaire doit contenir au moins ${LIMITES.commentaireMin} caractères (vous en avez saisi ${c.length}).`;
  else if (c.length > LIMITES.commentaire) errors.commentaire = `Le commentaire doit contenir au plus ${LIMITES.commentaire} caractères (vous en avez saisi ${c.length}).`;
  if (errors.avis || errors.commentaire) return { ok: false, errors };
  return { ok: true, avis: avis as AvisPrefet, commentaire: c };
}

/** A committee decision: POSITIF needs posts ≥ 1; the others grant none. */
export function validateDecision(avis: unknown, postes: unknown, observation: unknown): { ok: true; avis: AvisCoselec; postes: number; observation: string | null } | { ok: false; errors: { avis?: string; postes?: string; observation?: string } } {
  const errors: { avis?: string; postes?: string; observation?: string } = {};
  if (typeof avis !== 'string' || !Object.hasOwn(AVIS_COSELEC, avis)) errors.avis = 'Choisissez une décision : positif, négatif ou examen complémentaire.';
  let n = 0;
  if (avis === 'POSITIF') {
    n = entier(postes);
    if (!Number.isInteger(n) || n < 1) errors.postes = 'Une décision positive accorde au moins 1 poste.';
    else if (n > LIMITES.postesMax) errors.postes = `Au plus ${LIMITES.postesMax} postes.`;
  } else if (postes !== undefined && postes !== null && postes !== '' && entier(postes) !== 0) {
    errors.postes = 'Seule une décision positive accorde des postes : laissez 0.';
  }
  const obs = typeof observation === 'string' ? observation.trim() : '';
  if (obs.length > LIMITES.observation) errors.observation = `L'observation doit contenir au plus ${LIMITES.observation} caractères.`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, avis: avis as AvisCoselec, postes: n, observation: obs || null };
}

/** One territory's posts after a set of changes, against its envelope. */
export interface DepassementEnveloppe {
  code: string;
  enveloppe: number;
  avant: number;
  apres: number;
}

/**
 * Granted posts per territory after applying `deltas` (new posts in force − old), and the territories
 * that would exceed their envelope. Territories whose posts do not grow are never at fault: a committee
 * that only lowers posts can always close.
 */
export function depassements(
  actuels: ReadonlyMap<string, { enveloppe: number; postesValides: number }>,
  deltas: ReadonlyMap<string, number>,
): DepassementEnveloppe[] {
  const out: DepassementEnveloppe[] = [];
  for (const [code, delta] of deltas) {
    if (delta <= 0) continue;
    const cur = actuels.get(code) ?? { enveloppe: 0, postesValides: 0 };
    const apres = cur.postesValides + delta;
    if (apres > cur.enveloppe) out.push({ code, enveloppe: cur.enveloppe, avant: cur.postesValides, apres });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * An amendment request. Returns the problem against its field, or null.
 * `postesEnForce`: the latest positive decision; `conseillersEnPoste`: conseillers currently employed.
 */
export function avenantProblem(p: {
  type: unknown;
  postes: unknown;
  motif: unknown;
  statut: Statut;
  postesEnForce: number;
  conseillersEnPoste: number;
  enCours: boolean;
}): { field: 'type' | 'postes' | 'motif' | 'statut'; message: string } | null {
  if (p.enCours) return { field: 'statut', message: 'Une demande d’avenant est déjà en cours pour cette structure : attendez sa décision.' };
  if (p.statut !== 'VALIDATION_COSELEC') return { field: 'statut', message: 'Un avenant ne concerne que les structures validées en comité de sélection.' };
  if (p.type !== 'ajout' && p.type !== 'retrait' && p.type !== 'coordinateur') return { field: 'type', message: 'Choisissez le type de demande : ajout ou rendu de postes.' };
  const n = entier(p.postes);
  if (!Number.isInteger(n) || n < 1) return { field: 'postes', message: 'Indiquez un nombre de postes, au moins 1.' };
  if (n > LIMITES.postesMax) return { field: 'postes', message: `Au plus ${LIMITES.postesMax} postes.` };
  if (p.type === 'coordinateur' && n !== 1) return { field: 'postes', message: 'Une demande de coordinateur porte sur 1 poste.' };
  if (p.type === 'retrait') {
    const libres = p.postesEnForce - p.conseillersEnPoste;
    if (n > libres) {
      return {
        field: 'postes',
        message: `Vous pouvez rendre au plus ${Math.max(0, libres)} poste${libres > 1 ? 's' : ''} : ${p.postesEnForce} en vigueur, dont ${p.conseillersEnPoste} occupé${p.conseillersEnPoste > 1 ? 's' : ''} par un conseiller en poste.`,
      };
    }
  }
  const motif = typeof p.motif === 'string' ? p.motif.trim() : '';
  if (!motif) return { field: 'motif', message: 'Indiquez le motif de la demande.' };
  if (motif.length > LIMITES.motif) return { field: 'motif', message: `Le motif doit contenir au plus ${LIMITES.motif} caractères.` };
  return null;
}

/** Posts in force after an amendment is granted `accordes` posts. */
export function postesApresAvenant(type: TypeAvenant, avant: number, accordes: number): number {
  return type === 'retrait' ? Math.max(0, avant - accordes) : avant + accordes;
}

/** What the structure reads on its dashboard: where its file stands and what comes next, in plain French. */
export function prochaineEtape(statut: Statut, aUnAvis: boolean): string {
  switch (statut) {
    case 'CREEE':
      return aUnAvis
        ? "Le préfet a donné son avis. Votre dossier sera examiné lors d'un prochain comité de sélection de l'ANCT."
        : "Votre dossier est en attente de l'avis du préfet de votre département. Vous serez prévenu par courriel.";
    case 'EXAMEN_COMPLEMENTAIRE_COSELEC':
      return "Le comité de sélection a demandé un examen complémentaire : le préfet peut compléter son avis, puis le dossier repassera en comité.";
    case 'VALIDATION_COSELEC':
      return 'Votre candidature est validée. Vous pouvez recruter vos conseillers numériques dans la limite des postes accordés.';
    case 'REFUS_COSELEC':
      return "Votre candidature n'a pas été retenue par le comité de sélection.";
    case 'ABANDON':
      return 'Vous avez renoncé à accueillir un conseiller numérique : le dossier est clos.';
    case 'ANNULEE':
      return 'Ce dossier a été annulé.';
    case 'DOUBLON':
      return 'Ce dossier a été rattaché à un autre dossier de votre structure.';
  }
}
