import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, peerDatabase } from '../testing.js';
import type { Database } from '../db.js';
import { countJobs, createJobWorker, enqueue, findJob, JobRegistry, listJobs, purgeFinishedJobs, retryJob } from './jobs.js';
import { jobs } from './schema.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.db.delete(jobs);
});

/** A clock the test moves by hand. */
function movableClock(start: string) {
  let t = new Date(start).getTime();
  const clock = () => new Date(t);
  return Object.assign(clock, { advance: (ms: number) => (t += ms) });
}

describe('durable jobs', () => {
  it('runs a job only if the transaction that enqueued it committed', async () => {
    const ran: unknown[] = [];
    const registry = new JobRegistry();
    registry.define('test.trace', { label: 'Trace', handler: async (p) => void ran.push(p.n) });
    await database.db
      .transaction(async (tx) => {
        await enqueue(tx, 'test.trace', { n: 1 });
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await database.db.transaction(async (tx) => {
      await enqueue(tx, 'test.trace', { n: 2 });
    });
    const worker = createJobWorker({ database, registry });
    expect(await worker.runDue()).toBe(1);
    expect(ran).toEqual([2]);
    expect((await countJobs(database.db)).termine).toBe(1);
  });

  it('makes one job per idempotency key', async () => {
    expect(await enqueue(database.db, 'test.trace', {}, { key: 'cle-1' })).not.toBeNull();
    expect(await enqueue(database.db, 'test.trace', {}, { key: 'cle-1' })).toBeNull();
    const [r] = await database.db.select({ n: sql<number>`count(*)::int` }).from(jobs);
    expect(r!.n).toBe(1);
  });

  it('waits for run_at', async () => {
    const clock = movableClock('2026-12-01T10:00:00Z');
    const registry = new JobRegistry();
    let n = 0;
    registry.define('test.plus-tard', { label: 'Plus tard', handler: async () => void n++ });
    await enqueue(database.db, 'test.plus-tard', {}, { runAt: new Date('2026-12-01T11:00:00Z'), now: clock() });
    const worker = createJobWorker({ database, registry, clock });
    expect(await worker.runDue()).toBe(0);
    clock.advance(3_600_000);
    expect(await worker.runDue()).toBe(1);
    expect(n).toBe(1);
  });

  it('retries a failing job with backoff, then marks it failed with its error; the others go on', async () => {
    const clock = movableClock('2026-12-01T10:00:00Z');
    const registry = new JobRegistry();
    const failures: string[] = [];
    registry.onFailed(async (_id, kind, error) => void failures.push(`${kind}: ${error}`));
    let ok = 0;
    registry.define('test.casse', {
      label: 'Cassée',
      maxAttempts: 3,
      handler: async () => {
        throw new Error('le service distant ne répond pas');
      },
    });
    registry.define('test.ok', { label: 'Bonne', handler: async () => void ok++ });
    const id = (await enqueue(database.db, 'test.casse', {}, { now: clock(), maxAttempts: 3 }))!;
    await enqueue(database.db, 'test.ok', {}, { now: clock() });
    const worker = createJobWorker({ database, registry, clock });
    expect(await worker.runDue()).toBe(2);
    expect(ok).toBe(1);
    let job = (await findJob(database.db, id))!;
    expect(job.status).toBe('en_attente');
    expect(job.attempts).toBe(1);
    expect(job.lastError).toBe('le service distant ne répond pas');
    expect(job.runAt.getTime() - clock().getTime()).toBe(30_000);
    expect(await worker.runDue()).toBe(0); // not before its backoff
    clock.advance(30_000);
    expect(await worker.runDue()).toBe(1);
    clock.advance(60_000);
    expect(await worker.runDue()).toBe(1);
    job = (await findJob(database.db, id))!;
    expect(job.status).toBe('echec');
    expect(job.attempts).toBe(3);
    expect(failures).toEqual(['test.casse: le service distant ne répond pas']);
    expect((await listJobs(database.db, 'echec')).map((j) => j.id)).toEqual([id]);
    // an administrator retries it
    expect(await retryJob(database.db, id, clock())).toBe(true);
    expect(await retryJob(database.db, id, clock())).toBe(false);
    expect((await findJob(database.db, id))!.status).toBe('en_attente');
  });

  it('fails a job of an unknown kind at once, with a clear error', async () => {
    const id = (await enqueue(database.db, 'test.inconnue', {}))!;
    await createJobWorker({ database, registry: new JobRegistry() }).runDue();
    const job = (await findJob(database.db, id))!;
    expect(job.status).toBe('echec');
    expect(job.lastError).toMatch(/Aucun gestionnaire/);
  });

  it('claims again a job whose worker stopped renewing its lease', async () => {
    const clock = movableClock('2026-12-01T10:00:00Z');
    const registry = new JobRegistry();
    let release: () => void = () => undefined;
    let calls = 0;
    registry.define('test.longue', {
      label: 'Longue',
      leaseMs: 60_000,
      handler: async () => {
        calls++;
        if (calls === 1) await new Promise<void>((r) => (release = r)); // the first worker "dies" here
      },
    });
    const id = (await enqueue(database.db, 'test.longue', {}, { now: clock() }))!;
    const first = createJobWorker({ database, registry, clock, workerId: 'premier' });
    const stuck = first.runDue();
    await expect.poll(() => calls).toBe(1);
    const second = createJobWorker({ database, registry, clock, workerId: 'second' });
    expect(await second.runDue()).toBe(0); // the lease holds
    // The first worker's heartbeat would renew; a dead process does not: simulate by moving the
    // lease's end into the past as a killed worker would leave it.
    await database.db.update(jobs).set({ lockedUntil: new Date(clock().getTime() - 1) }).where(eq(jobs.id, id));
    expect(await second.runDue()).toBe(1);
    expect((await findJob(database.db, id))!.status).toBe('termine');
    expect((await findJob(database.db, id))!.attempts).toBe(2);
    release();
    await stuck; // the stale worker's late completion does not overwrite the second one's result
    expect((await findJob(database.db, id))!.lockedBy).toBeNull();
  });

  it('does not report a failure of a job that another worker took over and completed', async () => {
    const clock = movableClock('2026-12-01T10:00:00Z');
    const registry = new JobRegistry();
    const reported: number[] = [];
    registry.onFailed(async (jobId) => void reported.push(jobId));
    let fail: (e: Error) => void = () => undefined;
    let calls = 0;
    registry.define('test.lente', {
      label: 'Lente',
      maxAttempts: 2,
      handler: async () => {
        calls++;
        if (calls === 1) await new Promise<void>((_r, reject) => (fail = reject));
      },
    });
    const id = (await enqueue(database.db, 'test.lente', {}, { now: clock(), maxAttempts: 1 }))!;
    const first = createJobWorker({ database, registry, clock, workerId: 'premier' });
    const stuck = first.runDue();
    await expect.poll(() => calls).toBe(1);
    await database.db.update(jobs).set({ lockedUntil: new Date(clock().getTime() - 1), maxAttempts: 2 }).where(eq(jobs.id, id));
    expect(await createJobWorker({ database, registry, clock, workerId: 'second' }).runDue()).toBe(1);
    fail(new Error('trop tard'));
    await stuck;
    expect((await findJob(database.db, id))!.status).toBe('termine');
    expect(reported).toEqual([]);
  });

  it('runs a recurring schedule once per period, whatever the number of instances', async () => {
    const clock = movableClock('2026-12-01T09:00:00Z');
    const registry = new JobRegistry();
    let n = 0;
    registry.define('test.quotidienne', { label: 'Quotidienne', handler: async () => void n++ });
    registry.schedule({ name: 'quotidienne', label: 'Chaque jour', kind: 'test.quotidienne', every: 'daily', at: '03:00' });
    const peer = peerDatabase(database);
    const a = createJobWorker({ database, registry, clock, workerId: 'a' });
    const b = createJobWorker({ database: peer?.database ?? database, registry, clock, workerId: 'b' });
    try {
      await Promise.all([a.enqueueSchedules(), b.enqueueSchedules(), a.enqueueSchedules()]);
      await Promise.all([a.runDue(), b.runDue()]);
      await Promise.all([a.enqueueSchedules(), b.enqueueSchedules()]);
      await Promise.all([a.runDue(), b.runDue()]);
      expect(n).toBe(1);
      clock.advance(24 * 3_600_000);
      await Promise.all([a.enqueueSchedules(), b.enqueueSchedules()]);
      await Promise.all([a.runDue(), b.runDue()]);
      expect(n).toBe(2);
    } finally {
      await peer?.database.close();
    }
  });

  it('purges finished jobs after 30 days, never failed ones', async () => {
    const registry = new JobRegistry();
    registry.define('test.ok', { label: 'Bonne', handler: async () => undefined });
    const clock = movableClock('2026-10-01T10:00:00Z');
    await enqueue(database.db, 'test.ok', {}, { now: clock() });
    await enqueue(database.db, 'test.inconnue', {}, { now: clock() });
    await createJobWorker({ database, registry, clock }).runDue();
    expect(await purgeFinishedJobs(database.db, new Date('2026-10-20T10:00:00Z'))).toBe(0);
    expect(await purgeFinishedJobs(database.db, new Date('2026-11-01T10:00:00Z'))).toBe(1);
    expect((await countJobs(database.db)).echec).toBe(1);
  });

  it('polls in the background and stops after the job in progress', async () => {
    const registry = new JobRegistry();
    let n = 0;
    registry.define('test.fond', { label: 'Fond', handler: async () => void n++ });
    const worker = createJobWorker({ database, registry, pollMs: 20 });
    worker.start();
    await enqueue(database.db, 'test.fond', {});
    worker.wake();
    await expect.poll(() => n, { timeout: 20_000 }).toBe(1);
    await worker.stop();
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('durable jobs on PostgreSQL, several processes', () => {
  it('two workers with 1,000 jobs run each exactly once', async () => {
    const peer = peerDatabase(database)!;
    try {
      const runs = new Map<string, number>();
      const registry = new JobRegistry();
      registry.define('test.compte', {
        label: 'Compte',
        handler: async (p) => void runs.set(String(p.n), (runs.get(String(p.n)) ?? 0) + 1),
      });
      const values = Array.from({ length: 1000 }, (_, n) => ({ kind: 'test.compte', payload: { n }, runAt: new Date(), createdAt: new Date() }));
      await database.db.insert(jobs).values(values);
      const a = createJobWorker({ database, registry, concurrency: 8, workerId: 'a' });
      const b = createJobWorker({ database: peer.database, registry, concurrency: 8, workerId: 'b' });
      const [ra, rb] = await Promise.all([a.runDue(), b.runDue()]);
      expect(ra + rb).toBe(1000);
      expect(ra).toBeGreaterThan(0);
      expect(rb).toBeGreaterThan(0);
      expect(runs.size).toBe(1000);
      expect([...runs.values()].every((v) => v === 1)).toBe(true);
      expect((await countJobs(database.db)).termine).toBe(1000);
    } finally {
      await peer.database.close();
    }
  }, 120_000);

  it('a worker process killed during a job (SIGKILL) leaves it to be retried', async () => {
    const peer = peerDatabase(database)!;
    await peer.database.close();
    const id = (await enqueue(database.db, 'test.bloque', {}))!;
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/job-child.ts'], {
      env: { ...process.env, JOB_CHILD_URL: peer.url, JOB_CHILD_SCHEMA: peer.schema },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('started')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const claimed = (await findJob(database.db, id))!;
    expect(claimed.status).toBe('en_cours');
    expect(claimed.lockedBy).toBe('enfant');
    const registry = new JobRegistry();
    let n = 0;
    registry.define('test.bloque', { label: 'Bloque', handler: async () => void n++ });
    const later = () => new Date(claimed.lockedUntil!.getTime() + 1000); // the lease has lapsed
    expect(await createJobWorker({ database, registry, clock: later }).runDue()).toBe(1);
    expect(n).toBe(1);
    const done = (await findJob(database.db, id))!;
    expect(done.status).toBe('termine');
    expect(done.attempts).toBe(2);
  }, 120_000);
});
