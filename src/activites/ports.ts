/**
 * What the activities context needs from elsewhere, behind small ports so that it never reads
 * another context's tables.
 *
 * - Lieux: a conseiller's lieux d'activité come from the places context (src/lieux), wired in app.ts
 *   with `setLieuxPort`. The default port knows no lieu: the form then offers only « autre lieu »,
 *   « à domicile » and « à distance » with a commune, and a `lieu_activite` is refused.
 * - The conseiller: structure (from the role grant), its département (structures context) and the
 *   start date (comptes context): see `conseillerProfile` in activites.ts.
 */

import type { Db } from '../platform/db.js';

export interface LieuActivite {
  id: string;
  nom: string;
  communeInsee: string | null;
}

export interface LieuxPort {
  /** The lieux d'activité where this conseiller works (for the form and for validation). */
  lieuxOfConseiller(db: Db, userId: string): Promise<LieuActivite[]>;
}

export const NO_LIEUX: LieuxPort = {
  async lieuxOfConseiller() {
    return [];
  },
};

let lieuxPort: LieuxPort = NO_LIEUX;

/** The seam for the places context: call once at start-up (e.g. in app.ts) with the real port. */
export function setLieuxPort(port: LieuxPort): void {
  lieuxPort = port;
}

export function getLieuxPort(): LieuxPort {
  return lieuxPort;
}
