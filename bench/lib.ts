/**
 * Shared tooling for the benchmarks: types of the registry, starting/stopping the real server
 * (`node dist/main.js`) on loopback with a temporary DATA_DIR, and small statistics helpers.
 *
 * Every child process and temporary directory created here is tracked, and removed when the bench
 * process exits — normally, on an error, or on Ctrl+C (see `installCleanup`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** Options from the command line, shared by every benchmark (each one uses what it needs). */
export interface BenchOptions {
  /** Seconds of load per URL (autocannon). */
  duration: number;
  /** Concurrent connections (autocannon). */
  connections: number;
  /** Repetitions of a measurement (cold starts…). */
  runs: number;
}

export type Cell = string | number;

export interface BenchResult {
  /** What is printed: one human table. */
  table: { columns: string[]; rows: Cell[][] };
  /** Raw figures, written to .bench/results-<name>.json. */
  data: unknown;
  /** Checks that failed (an exit code other than 0, non-2xx answers…): the bench then exits 1. */
  failures: string[];
}

export type BenchFn = (opts: BenchOptions) => Promise<BenchResult>;

// ---------------------------------------------------------------------------------------------
// Cleanup of children and temporary directories

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'main.js');

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function cleanupSync(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let installed = false;
/** Kills leftover servers and removes temporary directories on exit, error or interruption. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal} reçu : arrêt des serveurs lancés par le bench.\n`);
      cleanupSync();
      process.exit(130);
    });
  }
}

export function makeTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cn-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

// ---------------------------------------------------------------------------------------------
// The server

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface StopResult {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** ms between SIGTERM and the end of the process. */
  drainMs: number;
  /** Exited by itself with code 0 within the time limit. */
  ok: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  /** ms from spawn to the first 200 on GET /healthz. */
  readyMs: number;
  /** SIGTERM, then waits (15 s by default) for the exit; SIGKILL if it does not come. */
  stop(timeoutMs?: number): Promise<StopResult>;
  /**
   * With `ipc: true` only: sends a message to the server over the IPC channel (an `id` is added
   * when absent) and resolves with the reply carrying the same id (src/platform/diagnostics.ts).
   * Rejects after `timeoutMs` (60 s by default) or when the server exits first.
   */
  ask?<R extends { id: number } = IpcReply>(message: IpcMessage, timeoutMs?: number): Promise<R>;
}

/** A message to the server's IPC channel: `{ type, …fields }`, `id` optional. */
export interface IpcMessage {
  type: string;
  id?: number;
  [field: string]: unknown;
}

export interface IpcReply {
  id: number;
  type?: string;
  [field: string]: unknown;
}

export interface StartOptions {
  /** Time allowed to answer 200 on /healthz (120 s by default). */
  timeoutMs?: number;
  /** Flags for the server's node, before dist/main.js (e.g. `['--expose-gc']`). */
  nodeArgs?: string[];
  /** Extra environment, applied after the bench defaults (e.g. DATABASE_URL, DEMO, SESSION_SECRET). */
  env?: Record<string, string>;
  /** Spawns with an IPC channel and CN_DIAGNOSTICS_IPC=1, and provides `ask` on the result. */
  ipc?: boolean;
}

const STRIPPED_ENV = [
  'DATABASE_URL',
  'TEST_DATABASE_URL',
  'SESSION_SECRET',
  'DEMO',
  'PUBLIC_URL',
  'SMTP_URL',
  'TRUST_PROXY',
  'PROCONNECT_ISSUER',
  'PROCONNECT_CLIENT_ID',
  'PROCONNECT_CLIENT_SECRET',
  'PROCONNECT_SCOPE',
];

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Spawns `node dist/main.js` on 127.0.0.1 with the embedded database of `dataDir` (or the database
 * of `opts.env.DATABASE_URL`), and resolves once GET /healthz answers 200 (polled every 20 ms).
 * Rejects — after killing the child — if the process exits first or is not ready within `timeoutMs`.
 */
export async function startServer(dataDir: string, opts: StartOptions = {}): Promise<RunningServer> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of STRIPPED_ENV) delete env[key];
  Object.assign(env, { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, opts.env ?? {});
  if (opts.ipc) env.CN_DIAGNOSTICS_IPC = '1';
  else delete env.CN_DIAGNOSTICS_IPC;

  const t0 = performance.now();
  // BENCH_NODE_ARGS adds flags to every bench server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...extra, MAIN], { cwd: ROOT, env, stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => (exit = e));
  child.on('error', (e) => keep(Buffer.from(`spawn error: ${e.message}\n`)));

  const fail = async (why: string): Promise<never> => {
    if (!exit) {
      child.kill('SIGKILL');
      await exited;
    }
    throw new Error(`${why}\n--- sortie du serveur (fin) ---\n${tail(output) || '(vide)'}`);
  };

  let readyMs = -1;
  while (readyMs < 0) {
    if (exit) await fail(`le serveur s'est arrêté avant d'être prêt (code ${exit.code}, signal ${exit.signal})`);
    if (performance.now() - t0 > timeoutMs) await fail(`le serveur n'a pas répondu 200 sur /healthz en ${timeoutMs / 1000} s`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) readyMs = performance.now() - t0;
    } catch {
      /* not listening yet */
    }
    if (readyMs < 0) await sleep(20);
  }

  let stopped: Promise<StopResult> | undefined;
  const stop = (limitMs = 15_000): Promise<StopResult> => {
    stopped ??= (async () => {
      const t1 = performance.now();
      if (exit) return { ...exit, drainMs: 0, ok: false };
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
      const e = await exited;
      clearTimeout(timer);
      const drainMs = performance.now() - t1;
      const ok = e.code === 0 && drainMs <= limitMs;
      if (!ok) process.stderr.write(`arrêt anormal (code ${e.code}, signal ${e.signal}) :\n${tail(output)}\n`);
      return { ...e, drainMs, ok };
    })();
    return stopped;
  };

  const server: RunningServer = { url, port, dataDir, readyMs, stop };
  if (opts.ipc) server.ask = ipcAsker(child, exited);
  return server;
}

/** Request/reply over a child's IPC channel, matched by id. */
function ipcAsker(child: ChildProcess, exited: Promise<unknown>): NonNullable<RunningServer['ask']> {
  let nextId = 1;
  const pending = new Map<number, { resolve(reply: IpcReply): void; reject(e: Error): void }>();
  child.on('message', (m: unknown) => {
    const id = (m as { id?: unknown } | null)?.id;
    if (typeof id !== 'number') return;
    pending.get(id)?.resolve(m as IpcReply);
    pending.delete(id);
  });
  void exited.then(() => {
    for (const p of pending.values()) p.reject(new Error('le serveur s’est arrêté avant de répondre'));
    pending.clear();
  });
  return <R extends { id: number } = IpcReply>(message: IpcMessage, timeoutMs = 60_000) =>
    new Promise<R>((resolve, reject) => {
      const id = message.id ?? nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`pas de réponse du serveur à « ${message.type} » en ${timeoutMs / 1000} s`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply as unknown as R);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (!child.connected) {
        pending.get(id)!.reject(new Error('canal IPC du serveur fermé'));
        pending.delete(id);
        return;
      }
      child.send({ ...message, id });
    });
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function min(values: number[]): number {
  return values.length ? Math.min(...values) : NaN;
}

export function max(values: number[]): number {
  return values.length ? Math.max(...values) : NaN;
}

/** Rounds for display and JSON (ms to 0.1). */
export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function formatTable(columns: string[], rows: Cell[][]): string {
  const cells = [columns, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  // numbers (all rows but the header) right-aligned, text left-aligned
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === '—'));
  const line = (r: Cell[]) =>
    r.map((c, i) => (numeric[i] ? String(c ?? '').padStart(widths[i]!) : String(c ?? '').padEnd(widths[i]!))).join('  ').trimEnd();
  const [head, ...body] = cells;
  return [line(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The p-th percentile (nearest rank) of ascending values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface RequestFigures {
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
  /** Size of the last answer's body. */
  bytes: number;
  /** Status of the last answer, and the count of each. */
  status: number;
  statuses: Record<number, number>;
}

/** `requests` GETs of `url`, `concurrency` at a time, after 20 warm-up requests; latencies in ms. */
export async function measureRequests(url: string, headers: Record<string, string>, opts: { requests: number; concurrency: number }): Promise<RequestFigures> {
  for (let i = 0; i < 20; i++) await (await fetch(url, { headers })).arrayBuffer();
  const lat: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  let bytes = 0;
  let status = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < opts.requests) {
        next++;
        const s = performance.now();
        const res = await fetch(url, { headers });
        const b = await res.arrayBuffer();
        lat.push(performance.now() - s);
        bytes = b.byteLength;
        status = res.status;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }),
  );
  const ms = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return { p50: round(percentile(lat, 50), 1), p95: round(percentile(lat, 95), 1), p99: round(percentile(lat, 99), 1), perSecond: round(opts.requests / (ms / 1000), 0), bytes, status, statuses };
}

/**
 * A dedicated PostgreSQL database for one benchmark, on the server of BENCH_DATABASE_URL (default
 * postgres://127.0.0.1:5432/postgres, as the current user): created here, dropped by `drop()`.
 */
export async function benchDatabase(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const server = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/postgres');
  if (!server.username) server.username = process.env.PGUSER || userInfo().username;
  const name = `cn_bench_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    },
  };
}

/**
 * Starts the bare baseline (bench/bare.mjs) in its own process: `insert` (one INSERT per POST) or
 * `bytes` (recorded answers from memory). Stop it with `stop()`.
 */
export async function startBare(mode: 'insert' | 'memes-requetes' | 'bytes', arg: string): Promise<{ port: number; url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'bare.mjs'), mode, String(port), arg], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  process.once('exit', () => child.kill('SIGKILL'));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serveur nu pas prêt en 30 s : ${out}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('prêt')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serveur nu arrêté (code ${code}) : ${out}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
