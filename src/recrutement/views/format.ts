/** How recruitment's screens write dates and a contract's state, in French. */
import { MOTIFS_RUPTURE } from '../regles.js';
import type { Contrat } from '../recrutement.js';

/** A calendar date as JJ/MM/AAAA (a dash when absent). */
export const fr = (d: string | null | undefined) => (d ? d.split('-').reverse().join('/') : '—');

export function statutContrat(c: Contrat): string {
  return ({ saisi: 'en attente de validation', valide: c.ruptureDate ? `en cours, rupture déclarée au ${fr(c.ruptureDate)}` : 'en cours', rompu: `rompu le ${fr(c.ruptureDate)} (${MOTIFS_RUPTURE[c.ruptureMotif as keyof typeof MOTIFS_RUPTURE] ?? c.ruptureMotif})`, termine: `terminé le ${fr(c.dateFin)}`, annule: 'annulé' } as Record<string, string>)[c.statut] ?? c.statut;
}
