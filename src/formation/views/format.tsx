/** How training's pages write dates, hours and statuses. */
import { formatEuros } from '../../platform/money.js';
import { RESULTATS_CCP, STATUTS_MODULE, STATUTS_PARCOURS, type StatutModule, type StatutParcours } from '../regles.js';

const LONG = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** « 3 décembre 2026 » from a calendar date. */
export const dateFr = (d: string | null | undefined) => (d ? LONG.format(new Date(`${d}T00:00:00Z`)) : '—');

/** « 70 / 140 h » — what every role in scope reads. */
export const progression = (realisees: number, requises: number | null) => (requises === null ? `${realisees} h (parcours à définir)` : `${realisees} / ${requises} h`);

export const periode = (debut: string, fin: string) => (debut === fin ? `le ${dateFr(debut)}` : `du ${dateFr(debut)} au ${dateFr(fin)}`);

export const resultatCcp = (r: string | null | undefined) => (r ? (RESULTATS_CCP[r as keyof typeof RESULTATS_CCP] ?? r) : 'Non renseigné');

const BADGES: Record<StatutParcours, string> = { non_positionne: 'fr-badge--info', en_cours: 'fr-badge--new', en_retard: 'fr-badge--error', termine: 'fr-badge--success' };

export function BadgeParcours({ statut }: { statut: StatutParcours }) {
  return <p class={`fr-badge fr-badge--sm ${BADGES[statut]}`}>{STATUTS_PARCOURS[statut]}</p>;
}

export function BadgeModule({ statut }: { statut: StatutModule }) {
  const cls = statut === 'realise' ? 'fr-badge--success' : statut === 'du' ? 'fr-badge--warning' : 'fr-badge--info';
  return <p class={`fr-badge fr-badge--sm ${cls}`}>{STATUTS_MODULE[statut]}</p>;
}

export { formatEuros };
