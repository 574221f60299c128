/** How the agreements' screens write statuses, states and amounts. */
import { formatEuros } from '../../platform/money.js';
import { ETATS_DOSSIER, ETATS_POSTE, STATUTS_CONVENTION, type EtatDossier, type EtatPoste, type StatutConvention } from '../regles.js';

export { formatEuros };
export { frDate } from '../regles.js';

const BADGE_ETAT: Record<EtatDossier, string> = { en_construction: 'fr-badge--new', en_instruction: 'fr-badge--info', accepte: 'fr-badge--success', refuse: 'fr-badge--error', sans_suite: '' };

export function BadgeEtat({ etat }: { etat: string }) {
  return <p class={`fr-badge fr-badge--sm ${BADGE_ETAT[etat as EtatDossier] ?? ''}`}>{ETATS_DOSSIER[etat as EtatDossier] ?? etat}</p>;
}

export const libelleStatut = (s: string) => STATUTS_CONVENTION[s as StatutConvention] ?? s;
export const libelleEtatPoste = (s: string) => ETATS_POSTE[s as EtatPoste] ?? s;

export const LIBELLES_ALERTES: Record<string, string> = {
  poste_vacant: 'Poste vacant depuis plus de 3 mois',
  fin_sans_renouvellement: 'Fin dans moins de 90 jours sans reconventionnement',
  contrat_sans_poste: 'Contrat sans poste libre',
};
