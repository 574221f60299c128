/** The half-days of a week, for the conseillers' permanences. */
const JOURS = [
  ['lundi', 'Lundi'],
  ['mardi', 'Mardi'],
  ['mercredi', 'Mercredi'],
  ['jeudi', 'Jeudi'],
  ['vendredi', 'Vendredi'],
  ['samedi', 'Samedi'],
  ['dimanche', 'Dimanche'],
] as const;

export const CRENEAUX: { code: string; label: string }[] = JOURS.flatMap(([code, label]) => [
  { code: `${code}_matin`, label: `${label.toLowerCase()} matin` },
  { code: `${code}_apres_midi`, label: `${label.toLowerCase()} après-midi` },
]);

export const CRENEAUX_CODES = new Set(CRENEAUX.map((c) => c.code));
