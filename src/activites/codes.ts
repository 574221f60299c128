/**
 * Exchange codes of activity reports (domain.md §8) with their French labels (for screens).
 * The codes are what the database, the API and the exports carry.
 */

function codes<const K extends string>(labels: Record<K, string>) {
  return { labels, values: Object.keys(labels) as K[] };
}

export const TYPES = codes({
  individuel: 'Accompagnement individuel',
  collectif: 'Atelier collectif',
  ponctuel: 'Aide ponctuelle',
});
export type TypeActivite = (typeof TYPES.values)[number];

export const LIEU_TYPES = codes({
  lieu_activite: "Lieu d'activité",
  autre: 'Autre lieu',
  domicile: 'À domicile',
  a_distance: 'À distance (téléphone, visio)',
});
export type LieuType = (typeof LIEU_TYPES.values)[number];

export const THEMATIQUES = codes({
  diagnostic_numerique: 'Diagnostic numérique',
  prendre_en_main_du_materiel: 'Prendre en main du matériel',
  maintenance_de_materiel: 'Maintenance de matériel',
  gere_ses_contenus_numeriques: 'Gérer ses contenus numériques',
  navigation_sur_internet: 'Navigation sur internet',
  email: 'E-mail',
  bureautique: 'Bureautique',
  reseaux_sociaux: 'Réseaux sociaux, communication',
  sante: 'Santé',
  banque_et_achats_en_ligne: 'Banque et achats en ligne',
  entrepreneuriat: 'Accompagner un professionnel',
  insertion_professionnelle: 'Insertion professionnelle',
  securite_numerique: 'Sécurité numérique',
  parentalite: 'Parentalité',
  scolarite_et_numerique: 'Scolarité et numérique',
  creer_avec_le_numerique: 'Créer avec le numérique',
  culture_numerique: 'Culture numérique',
  intelligence_artificielle: 'Intelligence artificielle',
  aide_aux_demarches_administratives: 'Aide aux démarches administratives',
});
export type Thematique = (typeof THEMATIQUES.values)[number];
export const DEMARCHES = 'aide_aux_demarches_administratives' satisfies Thematique;

export const THEMATIQUES_DEMARCHES = codes({
  papiers_elections_citoyennete: 'Papiers, élections, citoyenneté',
  famille_scolarite: 'Famille, scolarité',
  social_sante: 'Social, santé',
  travail_formation: 'Travail, formation, entreprise',
  logement: 'Logement',
  transports_mobilite: 'Transports, mobilité',
  argent_impots: 'Argent, impôts',
  justice: 'Justice',
  etrangers_europe: 'Étrangers, Europe',
  loisirs_sports_culture: 'Loisirs, sports, culture',
  associations: 'Associations',
});

export const MATERIEL = codes({
  ordinateur: 'Ordinateur',
  telephone: 'Téléphone',
  tablette: 'Tablette',
  autre: 'Autre matériel',
  aucun: 'Aucun matériel',
});

export const AUTONOMIE = codes({
  entierement_accompagne: 'Entièrement accompagné',
  partiellement_autonome: 'Partiellement autonome',
  autonome: 'Autonome',
});

export const NIVEAUX_ATELIER = codes({
  debutant: 'Débutant',
  intermediaire: 'Intermédiaire',
  avance: 'Avancé',
});

export const ORIENTATIONS = codes({
  administration: 'Administration',
  mediation_numerique: 'Autre structure de médiation numérique',
  operateur_ou_organisme_en_charge: "Opérateur ou organisme en charge de la démarche",
  aide_sociale: "Structure d'accompagnement social",
  insertion_professionnelle: "Structure d'insertion professionnelle (France Travail, mission locale…)",
  aide_aux_demarches_administratives: "Structure d'aide aux démarches (France Services…)",
  autre: 'Autre',
});

export const GENRES = codes({
  masculin: 'Masculin',
  feminin: 'Féminin',
  non_communique: 'Non communiqué',
});

export const TRANCHES_AGE = codes({
  moins_de_douze: 'Moins de 12 ans',
  douze_dix_huit: '12 à 17 ans',
  dix_huit_vingt_quatre: '18 à 24 ans',
  vingt_cinq_trente_neuf: '25 à 39 ans',
  quarante_cinquante_neuf: '40 à 59 ans',
  soixante_soixante_neuf: '60 à 69 ans',
  soixante_dix_plus: '70 ans et plus',
  non_communique: 'Non communiqué',
});
export type TrancheAge = (typeof TRANCHES_AGE.values)[number];

export const STATUTS = codes({
  scolarise: 'Scolarisé',
  sans_emploi: 'Sans emploi',
  en_emploi: 'En emploi',
  retraite: 'Retraité',
  non_communique: 'Non communiqué ou hétérogène',
});

/** Duration presets of the entry form, in minutes (domain §3). */
export const DUREE_PRESETS = [15, 30, 45, 60, 90, 120] as const;

/** Statistics buckets of durations (domain §3): < 30, 30–60, 60–120, ≥ 120 minutes. */
export const TRANCHES_DUREE = codes({
  moins_30: 'Moins de 30 min',
  '30_60': '30 à 60 min',
  '60_120': '60 à 120 min',
  plus_120: '120 min et plus',
});
export type TrancheDuree = (typeof TRANCHES_DUREE.values)[number];

export function trancheDuree(minutes: number): TrancheDuree {
  if (minutes < 30) return 'moins_30';
  if (minutes < 60) return '30_60';
  if (minutes < 120) return '60_120';
  return 'plus_120';
}

/** Age bracket of a person born in `birthYear`, at `year` (the year of the activity). */
export function trancheAge(birthYear: number | null | undefined, year: number): TrancheAge {
  if (!birthYear) return 'non_communique';
  const age = year - birthYear;
  if (age < 0) return 'non_communique';
  if (age < 12) return 'moins_de_douze';
  if (age < 18) return 'douze_dix_huit';
  if (age < 25) return 'dix_huit_vingt_quatre';
  if (age < 40) return 'vingt_cinq_trente_neuf';
  if (age < 60) return 'quarante_cinquante_neuf';
  if (age < 70) return 'soixante_soixante_neuf';
  return 'soixante_dix_plus';
}

export function label(list: { labels: Record<string, string> }, code: string | null | undefined): string {
  if (!code) return '';
  return list.labels[code] ?? code;
}
