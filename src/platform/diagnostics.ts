/**
 * Memory diagnostics for the soak benchmark (`npm run bench -- soak`), over the IPC channel of the
 * parent process only — never an HTTP route. Active only when the server was spawned with an IPC
 * channel (`process.send` exists) and CN_DIAGNOSTICS_IPC=1; a server started any other way has
 * nothing of this.
 *
 * Messages from the parent, each with an `id` that the reply carries back:
 * - `{ type: 'memoire', id }`            → `{ type, id, memoire: process.memoryUsage(), caches, cpu: process.cpuUsage() }`
 * - `{ type: 'gc', id }`                 → two full collections (when node runs with --expose-gc),
 *                                          then `{ type, id, gc: true|false, memoire, caches }`
 * - `{ type: 'instantane', id, path }`   → a heap snapshot written to `path`, then `{ type, id, path }`
 * A request that fails is answered `{ type, id, erreur }`; a message of another shape is ignored.
 */
import { writeHeapSnapshot } from 'node:v8';
import { cachesInProcess, type CacheStats } from './cache.js';

export type DiagnosticRequest = { type: 'memoire'; id: number } | { type: 'gc'; id: number } | { type: 'instantane'; id: number; path: string };

export type DiagnosticReply =
  | { type: 'memoire'; id: number; memoire: NodeJS.MemoryUsage; caches: CacheStats[]; cpu: NodeJS.CpuUsage }
  | { type: 'gc'; id: number; gc: boolean; memoire: NodeJS.MemoryUsage; caches: CacheStats[] }
  | { type: 'instantane'; id: number; path: string }
  | { type: string; id: number; erreur: string };

/** The answer to one request; undefined for a message that is not a diagnostic request. */
export function answer(message: unknown): DiagnosticReply | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, id, path } = message as { type?: unknown; id?: unknown; path?: unknown };
  if (typeof id !== 'number' || typeof type !== 'string') return undefined;
  try {
    switch (type) {
      case 'memoire':
        return { type, id, memoire: process.memoryUsage(), caches: cachesInProcess(), cpu: process.cpuUsage() };
      case 'gc': {
        const gc = (globalThis as { gc?: () => void }).gc;
        // Twice: the first pass may only make finalised objects collectable.
        gc?.();
        gc?.();
        return { type, id, gc: !!gc, memoire: process.memoryUsage(), caches: cachesInProcess() };
      }
      case 'instantane':
        if (typeof path !== 'string' || !path) return { type, id, erreur: 'chemin du fichier manquant' };
        return { type, id, path: writeHeapSnapshot(path) };
      default:
        return { type, id, erreur: `demande inconnue « ${type.slice(0, 30)} »` };
    }
  } catch (e) {
    return { type, id, erreur: e instanceof Error ? e.message : String(e) };
  }
}

/** Listens to the parent's diagnostic requests; returns whether it did (see the conditions above). */
export function installDiagnostics(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!process.send || env.CN_DIAGNOSTICS_IPC !== '1') return false;
  process.on('message', (message: unknown) => {
    const reply = answer(message);
    if (reply && process.connected) process.send?.(reply);
  });
  // Listening to 'message' refs the channel; unref'd explicitly, it never keeps the server alive
  // (shutdown on SIGTERM, or the natural end of a script, is unchanged).
  process.channel?.unref();
  return true;
}
