/**
 * Folding the territory journal (schema.ts statistiquesTerritoiresJournal) into the territory rows.
 * Readings are exact at any moment (they read the folded rows plus the journal); folding keeps the
 * journal short so that they stay fast. Every instance folds every few seconds; the database lets one
 * at a time through (an advisory lock), the others return at once.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/db.js';

/** Folds what the journal holds now; returns the number of journal rows folded (0 when another instance is folding). */
export async function replierStatistiques(db: Db): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`select statistiques_replier() as n`));
  return Number(r?.n ?? 0);
}

export interface Replieur {
  /** Stops the timer and waits for a fold in progress. */
  stop(): Promise<void>;
}

interface Log {
  error(obj: object, msg: string): void;
}

/** Folds every `intervalMs` (default 2 s), one fold at a time; an error is logged and the next tick retries. */
export function demarrerRepliage(db: Db, log: Log, intervalMs = 2000): Replieur {
  let enCours: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (enCours) return;
    enCours = replierStatistiques(db)
      .then(() => undefined)
      .catch((err: unknown) => log.error({ err }, 'statistics: folding the territory journal failed'))
      .finally(() => {
        enCours = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await enCours;
    },
  };
}
