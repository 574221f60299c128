import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from './db.js';
import { flashMessages } from './flash-schema.js';

/** How a one-time message is shown: a green success, a red error, or a blue information alert. */
export type FlashKind = 'succes' | 'erreur' | 'info';
export const FLASH_KINDS: readonly FlashKind[] = ['succes', 'erreur', 'info'];

export interface Flash {
  message: string;
  kind: FlashKind;
}

/** Where flash messages wait for the next page: the cookie only carries the id. */
export interface FlashStore {
  put(id: string, flash: Flash): Promise<void> | void;
  /** Reads and deletes: a message is shown once. Null when unknown or expired. */
  take(id: string): Promise<Flash | null> | Flash | null;
}

/** A message longer than this is cut: flash texts are one sentence, never a document. */
export const FLASH_MAX_LENGTH = 500;
/** A message not read within this delay (the redirect was not followed) is forgotten. */
export const FLASH_TTL_MS = 5 * 60_000;

export function normaliseFlash(message: string, kind: unknown): Flash {
  const text = message.length > FLASH_MAX_LENGTH ? message.slice(0, FLASH_MAX_LENGTH - 1) + '…' : message;
  return { message: text, kind: FLASH_KINDS.includes(kind as FlashKind) ? (kind as FlashKind) : 'succes' };
}

/** The database store: works across several instances behind a load balancer. */
export function dbFlashStore(db: Db, now: () => Date = () => new Date()): FlashStore {
  let writes = 0;
  return {
    async put(id, flash) {
      const at = now();
      await db.insert(flashMessages).values({ id, ...flash, expiresAt: new Date(at.getTime() + FLASH_TTL_MS) });
      // Messages whose redirect was never followed are swept now and then.
      if (++writes % 50 === 1) await db.delete(flashMessages).where(lt(flashMessages.expiresAt, at));
    },
    async take(id) {
      const rows = await db
        .delete(flashMessages)
        .where(and(eq(flashMessages.id, id), gt(flashMessages.expiresAt, now())))
        .returning({ message: flashMessages.message, kind: flashMessages.kind });
      const r = rows[0];
      return r ? normaliseFlash(r.message, r.kind) : null;
    },
  };
}

/**
 * The in-process store, used when no database store is given: bounded (oldest dropped first) and
 * expiring. Only correct with a single instance, since the next page may reach another process.
 */
export function memoryFlashStore(max = 10_000, now: () => number = Date.now): FlashStore {
  const map = new Map<string, Flash & { expires: number }>();
  return {
    put(id, flash) {
      while (map.size >= max) map.delete(map.keys().next().value as string);
      map.set(id, { ...flash, expires: now() + FLASH_TTL_MS });
    },
    take(id) {
      const f = map.get(id);
      if (!f) return null;
      map.delete(id);
      return f.expires > now() ? { message: f.message, kind: f.kind } : null;
    },
  };
}
