/**
 * What the programme tells the contexts that follow a structure's posts (recruitment): a listener
 * called inside the transaction that changed them, so that its reaction (a job) commits with it.
 * Wired in src/app.ts; nobody listens by default.
 */
import type { Db } from '../platform/db.js';

export type PostesListener = (tx: Db, structureIds: string[]) => Promise<void>;

let listener: PostesListener = async () => undefined;

export function onPostesChanged(l: PostesListener): void {
  listener = l;
}

export function postesChanged(tx: Db, structureIds: string[]): Promise<void> {
  return structureIds.length ? listener(tx, structureIds) : Promise.resolve();
}
