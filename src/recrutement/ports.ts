/**
 * What recruitment tells the contexts that follow contracts (agreements: a post is occupied exactly
 * while a current contract holds it): listeners called inside the transaction that changed a
 * structure's contracts, so that their reaction (a job) commits with the change. Wired in src/app.ts.
 */
import type { Db } from '../platform/db.js';

export type ContratsListener = (tx: Db, structureIds: string[]) => Promise<void>;

const listeners: ContratsListener[] = [];

export function onContratsChanged(l: ContratsListener): void {
  if (!listeners.includes(l)) listeners.push(l);
}

export async function contratsChanged(tx: Db, structureIds: string[]): Promise<void> {
  if (!structureIds.length) return;
  for (const l of listeners) await l(tx, structureIds);
}
