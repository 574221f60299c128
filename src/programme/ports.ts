/**
 * What the programme tells the contexts that follow a structure's posts (recruitment, agreements): a
 * listener called inside the transaction that changed them, so that its reaction (a job) commits with
 * it. Wired in src/app.ts; nobody listens by default.
 */
import type { Db } from '../platform/db.js';

export type PostesListener = (tx: Db, structureIds: string[]) => Promise<void>;

const listeners: PostesListener[] = [];

/** Adds a listener (each context that follows the posts adds its own, once, at start-up). */
export function onPostesChanged(l: PostesListener): void {
  if (!listeners.includes(l)) listeners.push(l);
}

export async function postesChanged(tx: Db, structureIds: string[]): Promise<void> {
  if (!structureIds.length) return;
  for (const l of listeners) await l(tx, structureIds);
}

/**
 * Who is in post, per structure: recruitment's posts held by a contract (wired in src/app.ts). Until it
 * is wired (a programme without recruitment), an active account with the conseiller or coordinator role.
 */
export type EnPostePort = (db: Db, structureIds?: string[]) => Promise<Map<string, number>>;

let enPoste: EnPostePort | null = null;

export function setEnPostePort(p: EnPostePort): void {
  enPoste = p;
}

export const enPostePort = (): EnPostePort | null => enPoste;
