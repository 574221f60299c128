import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export class LockError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per embedded database directory: the server and the CLI take this lock, so that two
 * processes never open the same PGlite files (which would corrupt them). A lock left by a dead
 * process is taken over.
 */
export function acquireDataDirLock(dataDir: string, what: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'instance.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: { pid?: number; what?: string } = {};
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as typeof holder;
      } catch {
        /* unreadable: treat as stale */
      }
      if (holder.pid && holder.pid !== process.pid && alive(holder.pid)) {
        throw new LockError(
          `La base embarquée (${dataDir}) est déjà ouverte par un autre processus (${holder.what ?? 'inconnu'}, pid ${holder.pid}). ` +
            `Arrêtez-le d'abord (Ctrl+C sur « npm start »), puis relancez cette commande ; ou utilisez une base PostgreSQL avec DATABASE_URL.`,
        );
      }
      // Stale lock of a dead process: move it aside atomically, so that of two processes taking it
      // over at once only one removes it; then check that what was moved is the dead one's.
      const aside = `${file}.${process.pid}.stale`;
      try {
        renameSync(file, aside);
      } catch {
        continue; // another process moved it first: try again from the start
      }
      let moved: { pid?: number } = {};
      try {
        moved = JSON.parse(readFileSync(aside, 'utf8')) as typeof moved;
      } catch {
        /* unreadable: stale */
      }
      if (moved.pid && moved.pid !== holder.pid && alive(moved.pid)) {
        // We moved a fresh lock taken meanwhile by a live process: put it back and give up.
        renameSync(aside, file);
        throw new LockError(`La base embarquée (${dataDir}) vient d'être ouverte par un autre processus (pid ${moved.pid}).`);
      }
      unlinkSync(aside);
    }
  }
  throw new LockError(`Impossible de prendre le verrou ${file}`);
}
