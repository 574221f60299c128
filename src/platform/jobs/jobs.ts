/**
 * Durable jobs: enqueue in the caller's transaction, run later by workers on any instance.
 *
 *   registry.define('beneficiaires.retention', { label, handler })       // at start-up, per context
 *   registry.schedule({ name, kind, every: 'daily', at: '03:15' })      // recurring, Europe/Paris
 *   await enqueue(tx, 'notifications.courriel', { id }, { key })         // in the business transaction
 *
 * A worker claims due jobs with `FOR UPDATE SKIP LOCKED` (several instances never run one job
 * twice), holds a lease it keeps extending while the handler runs, and on failure retries with
 * backoff until `max_attempts`, then marks the job `echec` with its error. A worker killed mid-run
 * leaves a lapsed lease: the job is claimed again. Time comes from a clock, so tests can move it.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Db } from '../db.js';
import { jobs } from './schema.js';
import { backoffMs, latestOccurrence, nextOccurrence, type Every } from './schedule.js';

export type Clock = () => Date;
const DEFAULT_LEASE_MS = 5 * 60_000;
export const systemClock: Clock = () => new Date();

export type JobStatus = 'en_attente' | 'en_cours' | 'termine' | 'echec';
export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  en_attente: 'En attente',
  en_cours: 'En cours',
  termine: 'Terminée',
  echec: 'En échec',
};

export interface JobLog {
  info(o: object, m: string): void;
  error(o: object, m: string): void;
}
const silent: JobLog = { info: () => undefined, error: () => undefined };

export interface JobContext {
  db: Db;
  /** The worker's clock reading when the job started. */
  now: Date;
  clock: Clock;
  jobId: number;
  /** 1 for the first attempt. */
  attempt: number;
  log: JobLog;
}

export type JobHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;

export interface JobDefinition {
  kind: string;
  /** What the admin page shows. */
  label: string;
  handler: JobHandler;
  maxAttempts: number;
  /** How long a claim holds without renewal; a live worker renews it every third of it. */
  leaseMs: number;
  /** Base of the exponential backoff between attempts. */
  backoffBaseMs: number;
}

export interface Schedule {
  name: string;
  label: string;
  kind: string;
  every: Every;
  at: string;
  payload: Record<string, unknown>;
}

/** The job kinds and schedules of the application; each context adds its own at start-up. */
export class JobRegistry {
  readonly definitions = new Map<string, JobDefinition>();
  readonly schedules: Schedule[] = [];

  define(kind: string, def: { label: string; handler: JobHandler; maxAttempts?: number; leaseMs?: number; backoffBaseMs?: number }): void {
    if (this.definitions.has(kind)) throw new Error(`Tâche ${kind} déjà définie`);
    this.definitions.set(kind, {
      kind,
      label: def.label,
      handler: def.handler,
      maxAttempts: def.maxAttempts ?? 5,
      leaseMs: def.leaseMs ?? DEFAULT_LEASE_MS,
      backoffBaseMs: def.backoffBaseMs ?? 30_000,
    });
  }

  schedule(s: { name: string; label: string; kind: string; every: Every; at: string; payload?: Record<string, unknown> }): void {
    if (this.schedules.some((x) => x.name === s.name)) throw new Error(`Planification ${s.name} déjà définie`);
    latestOccurrence({ name: s.name, every: s.every, at: s.at }, new Date()); // validates `at`
    this.schedules.push({ ...s, payload: s.payload ?? {} });
  }

  private readonly failureHooks: ((jobId: number, kind: string, error: string) => Promise<void>)[] = [];

  /** Called once when a job reaches `echec` (the notifications context tells the administrators). */
  onFailed(hook: (jobId: number, kind: string, error: string) => Promise<void>): void {
    this.failureHooks.push(hook);
  }

  async failed(jobId: number, kind: string, error: string, log: JobLog): Promise<void> {
    for (const h of this.failureHooks) {
      try {
        await h(jobId, kind, error);
      } catch (e) {
        log.error({ jobId, err: e instanceof Error ? e.message : String(e) }, 'job failure hook failed');
      }
    }
  }

  private readonly wakers = new Set<() => void>();

  /** Tells the workers of this process that a job was just enqueued (a hint: they poll anyway). */
  wake(): void {
    for (const w of this.wakers) w();
  }

  /** @internal used by the workers of this process. */
  addWaker(w: () => void): () => void {
    this.wakers.add(w);
    return () => this.wakers.delete(w);
  }

  label(kind: string): string {
    return this.definitions.get(kind)?.label ?? kind;
  }
}

export interface EnqueueOptions {
  runAt?: Date;
  /** One job per key, ever: a second enqueue with the same key does nothing. */
  key?: string;
  maxAttempts?: number;
  now?: Date;
}

/**
 * Adds a job. Pass the transaction of the business write: the job exists if and only if it commits.
 * Returns the new job's id, or null when a job with the same key already exists.
 */
export async function enqueue(db: Db, kind: string, payload: Record<string, unknown> = {}, opts: EnqueueOptions = {}): Promise<number | null> {
  const now = opts.now ?? new Date();
  const rows = await db
    .insert(jobs)
    .values({
      kind,
      payload,
      runAt: opts.runAt ?? now,
      maxAttempts: opts.maxAttempts ?? 5,
      idempotencyKey: opts.key ?? null,
      createdAt: now,
    })
    .onConflictDoNothing({ target: jobs.idempotencyKey })
    .returning({ id: jobs.id });
  return rows[0]?.id ?? null;
}

interface ClaimedRow {
  id: string | number;
  kind: string;
  payload: Record<string, unknown> | string;
  attempts: number;
  max_attempts: number;
}

export interface WorkerOptions {
  database: Database;
  registry: JobRegistry;
  clock?: Clock;
  /** Jobs run at once by this worker. */
  concurrency?: number;
  /** How often an idle worker looks for due jobs and schedules. */
  pollMs?: number;
  workerId?: string;
  log?: JobLog;
}

export interface JobWorker {
  readonly id: string;
  /** Enqueues the schedules' due occurrences (idempotent across instances). */
  enqueueSchedules(): Promise<number>;
  /** Claims and runs due jobs until none is left; returns how many ran. */
  runDue(): Promise<number>;
  /** Polls in the background. */
  start(): void;
  /** Stops polling and waits for the jobs in progress. */
  stop(): Promise<void>;
  /** Asks an idle worker to look for due jobs now (after an enqueue in this process). */
  wake(): void;
}

export function createJobWorker(opts: WorkerOptions): JobWorker {
  const { database, registry } = opts;
  const clock = opts.clock ?? systemClock;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const pollMs = opts.pollMs ?? 1000;
  const id = opts.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = opts.log ?? silent;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let loop: Promise<void> | null = null;
  let wakeRequested = false;
  let removeWaker: (() => void) | null = null;

  /**
   * Puts back in the queue the running jobs whose lease lapsed (their worker died): they are claimed
   * again like any waiting job, their attempt already counted. Their dead worker can no longer
   * complete them (`locked_by` is cleared).
   */
  async function requeueLapsed(): Promise<void> {
    const now = clock();
    await database.query(
      `update jobs set status = 'en_attente', locked_by = null, locked_until = null, run_at = $1::timestamptz
        where status = 'en_cours' and locked_until < $1::timestamptz`,
      [now.toISOString()],
    );
  }

  /** Claims up to `n` waiting jobs whose time has come (the partial index on due jobs serves it). */
  async function claim(n: number): Promise<ClaimedRow[]> {
    const now = clock();
    const leaseMs = DEFAULT_LEASE_MS;
    return database.query<ClaimedRow>(
      `update jobs set status = 'en_cours', attempts = attempts + 1, locked_by = $1,
              locked_until = $2::timestamptz + make_interval(secs => $3::double precision / 1000), started_at = $2::timestamptz
        where id in (
          select id from jobs
           where status = 'en_attente' and run_at <= $2::timestamptz
           order by run_at, id
           limit $4
           for update skip locked)
        returning id, kind, payload, attempts, max_attempts`,
      [id, now.toISOString(), leaseMs, n],
    );
  }

  /** Runs one claimed job; returns its id when it succeeded (marked done with its batch), else null. */
  async function runOne(row: ClaimedRow, heartbeats: NodeJS.Timeout[]): Promise<number | null> {
    const jobId = Number(row.id);
    const def = registry.definitions.get(row.kind);
    const payload = typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload;
    const leaseMs = def?.leaseMs ?? DEFAULT_LEASE_MS;
    // Keep the lease while the handler runs; a killed process stops renewing it.
    const renew = async () => {
      const until = new Date(clock().getTime() + leaseMs);
      await database.db
        .update(jobs)
        .set({ lockedUntil: until })
        .where(and(eq(jobs.id, jobId), eq(jobs.lockedBy, id), eq(jobs.status, 'en_cours')));
    };
    if (leaseMs !== DEFAULT_LEASE_MS) await renew(); // the claim gave the default lease
    const heartbeat = setInterval(() => void renew().catch(() => undefined), Math.max(1000, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    const maxAttempts = Math.min(row.max_attempts, def?.maxAttempts ?? row.max_attempts);
    try {
      if (!def) throw new Error(`Aucun gestionnaire pour la tâche « ${row.kind} »`);
      if (row.attempts > maxAttempts) throw new Error('Interrompue trop de fois (processus arrêté pendant la tâche)');
      await def.handler(payload, { db: database.db, now: clock(), clock, jobId, attempt: row.attempts, log });
      heartbeats.push(heartbeat); // the lease holds until the batch marks it done
      return jobId;
    } catch (e) {
      const message = (e instanceof Error ? e.message : String(e)).slice(0, 2000) || 'Erreur sans message';
      clearInterval(heartbeat);
      const final = row.attempts >= maxAttempts || !def;
      log.error({ jobId, kind: row.kind, attempt: row.attempts, final, err: message }, 'job failed');
      const now = clock();
      const held = await database.db
        .update(jobs)
        .set(
          final
            ? { status: 'echec', lastError: message, finishedAt: now, lockedBy: null, lockedUntil: null }
            : { status: 'en_attente', lastError: message, runAt: new Date(now.getTime() + backoffMs(row.attempts, def?.backoffBaseMs)), lockedBy: null, lockedUntil: null },
        )
        .where(and(eq(jobs.id, jobId), eq(jobs.lockedBy, id)))
        .returning({ id: jobs.id });
      // Another worker took the job over (our lease lapsed): its outcome is the one that counts.
      if (final && held.length > 0) await registry.failed(jobId, row.kind, message, log);
      return null;
    }
  }

  /** Marks a batch's successful jobs done in one statement (only those this worker still holds). */
  async function complete(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await database.db
      .update(jobs)
      .set({ status: 'termine', finishedAt: clock(), lockedBy: null, lockedUntil: null })
      .where(and(inArray(jobs.id, ids), eq(jobs.lockedBy, id), eq(jobs.status, 'en_cours')));
  }

  async function runDue(): Promise<number> {
    await requeueLapsed();
    let ran = 0;
    for (;;) {
      const batch = await claim(concurrency);
      if (batch.length === 0) break;
      const heartbeats: NodeJS.Timeout[] = [];
      try {
        const done = await Promise.all(batch.map((r) => runOne(r, heartbeats)));
        await complete(done.filter((x): x is number => x !== null));
      } finally {
        for (const h of heartbeats) clearInterval(h);
      }
      ran += batch.length;
      if (stopped) break;
    }
    return ran;
  }

  async function enqueueSchedules(): Promise<number> {
    const now = clock();
    let n = 0;
    for (const s of registry.schedules) {
      const occ = latestOccurrence(s, now);
      if (await enqueue(database.db, s.kind, s.payload, { key: occ.key, runAt: occ.runAt, now })) n++;
    }
    return n;
  }

  const tick = async () => {
    timer = null;
    if (stopped) return;
    loop = (async () => {
      try {
        wakeRequested = false;
        await enqueueSchedules();
        await runDue();
      } catch (e) {
        log.error({ err: e instanceof Error ? e.message : String(e) }, 'job worker tick failed');
      }
    })();
    await loop;
    loop = null;
    if (!stopped) timer = setTimeout(() => void tick(), wakeRequested ? 0 : pollMs);
  };

  return {
    id,
    enqueueSchedules,
    runDue,
    start() {
      if (timer || loop) return;
      stopped = false;
      removeWaker = registry.addWaker(() => this.wake());
      timer = setTimeout(() => void tick(), 0);
    },
    async stop() {
      stopped = true;
      removeWaker?.();
      if (timer) clearTimeout(timer);
      timer = null;
      await loop;
    },
    wake() {
      wakeRequested = true;
      if (timer && !loop) {
        clearTimeout(timer);
        timer = setTimeout(() => void tick(), 0);
      }
    },
  };
}

// ——— Reading, for the admin page ———

export type JobRow = typeof jobs.$inferSelect;

export async function listJobs(db: Db, status: JobStatus, limit = 100): Promise<JobRow[]> {
  return db
    .select()
    .from(jobs)
    .where(eq(jobs.status, status))
    .orderBy(status === 'en_attente' ? jobs.runAt : desc(jobs.id))
    .limit(limit);
}

export async function countJobs(db: Db): Promise<Record<JobStatus, number>> {
  const rows = await db.select({ status: jobs.status, n: sql<number>`count(*)::int` }).from(jobs).groupBy(jobs.status);
  const out: Record<JobStatus, number> = { en_attente: 0, en_cours: 0, termine: 0, echec: 0 };
  for (const r of rows) if (r.status in out) out[r.status as JobStatus] = r.n;
  return out;
}

export async function findJob(db: Db, id: number): Promise<JobRow | undefined> {
  const [r] = await db.select().from(jobs).where(eq(jobs.id, id));
  return r;
}

/** Puts a failed job back in the queue for one more series of attempts. Returns false if it is not failed. */
export async function retryJob(db: Db, id: number, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: 'en_attente', attempts: 0, runAt: now, finishedAt: null })
    .where(and(eq(jobs.id, id), eq(jobs.status, 'echec')))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

export interface ScheduleView extends Schedule {
  next: Date;
  last: JobRow | undefined;
}

/** The schedules with their next occurrence and their latest job. */
export async function scheduleViews(db: Db, registry: JobRegistry, now = new Date()): Promise<ScheduleView[]> {
  const out: ScheduleView[] = [];
  for (const s of registry.schedules) {
    const [last] = await db
      .select()
      .from(jobs)
      .where(sql`${jobs.idempotencyKey} like ${`schedule:${s.name}:%`}`)
      .orderBy(desc(jobs.id))
      .limit(1);
    out.push({ ...s, next: nextOccurrence(s, now), last });
  }
  return out;
}

/** Removes finished jobs older than `days` (the daily housekeeping schedule). */
export async function purgeFinishedJobs(db: Db, now: Date, days = 30): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const rows = await db
    .delete(jobs)
    .where(and(inArray(jobs.status, ['termine']), sql`${jobs.finishedAt} < ${cutoff.toISOString()}::timestamptz`))
    .returning({ id: jobs.id });
  return rows.length;
}
