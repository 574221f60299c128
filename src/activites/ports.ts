/**
 * What the activities context needs from elsewhere, behind small ports so that it never reads
 * another context's tables. Each port has a default that knows nothing, and a setter that app.ts
 * calls once at start-up with the real port.
 *
 * - Lieux: a conseiller's lieux d'activité come from the places context (src/lieux), wired with
 *   `setLieuxPort`. The default port knows no lieu: the form then offers only « autre lieu »,
 *   « à domicile » and « à distance » with a commune, and a `lieu_activite` is refused.
 * - Contrats: a conseiller's working periods come from recruitment (src/recrutement), wired with
 *   `setContratsPort`. They bound the dates of their activities (see `conseillerProfile` in
 *   activites.ts). The default port knows no contract: the start is then the account's creation day.
 * - Équipes: a coordinator's team members and the periods each was in the team, from recruitment,
 *   wired with `setEquipesPort`. The coordinator's statistics count a member's activities only within
 *   those periods. The default port knows no team: a coordinator then sees their own activities.
 * - The conseiller: structure (from the role grant), its département (structures context).
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
  /** Calls `listener` after any change of places or permanences in this process; returns the unsubscribe. */
  onChange?(listener: () => void): () => void;
}

export const NO_LIEUX: LieuxPort = {
  async lieuxOfConseiller() {
    return [];
  },
};

let lieuxPort: LieuxPort = NO_LIEUX;
const lieuxListeners: (() => void)[] = [];
let unsubscribeLieux: (() => void) | undefined;

/**
 * The seam for the places context: call once at start-up (e.g. in app.ts) with the real port.
 * Cached places are dropped now and after every change the port reports.
 */
export function setLieuxPort(port: LieuxPort): void {
  lieuxPort = port;
  unsubscribeLieux?.();
  const changed = () => {
    for (const l of lieuxListeners) l();
  };
  unsubscribeLieux = port.onChange?.(changed);
  changed();
}

/** Called whenever the places port changes or reports a change (activites.ts drops its cache). */
export function onLieuxPortChange(listener: () => void): void {
  lieuxListeners.push(listener);
}

export function getLieuxPort(): LieuxPort {
  return lieuxPort;
}

// ------------------------------------------------------------------------------------------------
// Contracts

/** A working period, calendar dates (YYYY-MM-DD), both included; `fin` null while it runs. */
export interface PeriodeDeTravail {
  debut: string;
  fin: string | null;
}

export interface ContratsPort {
  /** The conseiller's validated contracts (running, broken off or ended), in any order. */
  periodesDeTravail(db: Db, userId: string): Promise<PeriodeDeTravail[]>;
}

export const NO_CONTRATS: ContratsPort = {
  async periodesDeTravail() {
    return [];
  },
};

let contratsPort: ContratsPort = NO_CONTRATS;
const contratsListeners: (() => void)[] = [];

/**
 * The seam for recruitment: call once at start-up (app.ts) with `{ periodesDeTravail }` from
 * src/recrutement/recrutement.ts. Cached profiles are dropped (they were read through the old port).
 */
export function setContratsPort(port: ContratsPort): void {
  contratsPort = port;
  for (const l of contratsListeners) l();
}

export function getContratsPort(): ContratsPort {
  return contratsPort;
}

/** Called whenever the contracts port changes (activites.ts drops its cache). */
export function onContratsPortChange(listener: () => void): void {
  contratsListeners.push(listener);
}

// ------------------------------------------------------------------------------------------------
// Coordinators' teams

/** A member's time in a coordinator's team: calendar dates, both included; `fin` null while it lasts. */
export interface PeriodeEquipe {
  userId: string;
  debut: string;
  fin: string | null;
}

export interface EquipesPort {
  /** Every conseiller who is or was in the coordinator's team, one entry per period. */
  membresPendant(db: Db, coordinateurId: string): Promise<PeriodeEquipe[]>;
}

export const NO_EQUIPES: EquipesPort = {
  async membresPendant() {
    return [];
  },
};

let equipesPort: EquipesPort = NO_EQUIPES;

/** The seam for recruitment's teams: call once at start-up (app.ts) with `{ membresPendant }` from src/recrutement/equipes.ts. */
export function setEquipesPort(port: EquipesPort): void {
  equipesPort = port;
}

export function getEquipesPort(): EquipesPort {
  return equipesPort;
}
