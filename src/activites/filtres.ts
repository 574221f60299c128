/** Reading the activity list's filters from a query string, and the problem+json list of invalid parameters. */
import type { ActiviteFilter } from './activites.js';
import { LIEU_TYPES, THEMATIQUES, TYPES } from './codes.js';
import { isCalendarDate } from './dates.js';
import { isUuid } from '../platform/ids.js';

export function invalidParams(errors: Record<string, string>) {
  return Object.entries(errors).map(([name, reason]) => ({ name, reason }));
}

/** Reads list filters from a query string; unknown or malformed values are reported, one per field. */
export function parseFilter(q: Record<string, unknown>): { filter: ActiviteFilter; errors: Record<string, string> } {
  const filter: ActiviteFilter = {};
  const errors: Record<string, string> = {};
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
  for (const k of ['du', 'au'] as const) {
    const v = s(k);
    if (v && !isCalendarDate(v)) errors[k] = `La date « ${k === 'du' ? 'du' : 'au'} » doit être au format AAAA-MM-JJ.`;
    else if (v) filter[k] = v;
  }
  if (filter.du && filter.au && filter.du > filter.au) errors.au = 'La fin de la période précède son début.';
  const type = s('type');
  if (type && !(TYPES.values as string[]).includes(type)) errors.type = `Type inconnu « ${type.slice(0, 30)} ».`;
  else if (type) filter.type = type;
  const th = s('thematique');
  if (th && !(THEMATIQUES.values as string[]).includes(th)) errors.thematique = `Thématique inconnue « ${th.slice(0, 30)} ».`;
  else if (th) filter.thematique = th;
  const lieu = s('lieu');
  if (lieu && !(LIEU_TYPES.values as string[]).includes(lieu) && !(lieu.startsWith('lieu_activite:') && isUuid(lieu.slice(14))))
    errors.lieu = `Lieu inconnu « ${lieu.slice(0, 50)} ».`;
  else if (lieu) filter.lieu = lieu;
  const b = s('beneficiaire');
  if (b && !isUuid(b)) errors.beneficiaire = 'Le bénéficiaire doit être un identifiant (UUID).';
  else if (b) filter.beneficiaire = b.toLowerCase();
  return { filter, errors };
}
