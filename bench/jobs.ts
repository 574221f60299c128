/**
 * jobs — durable jobs on PostgreSQL: how many jobs per second the platform's workers claim, run
 * (a handler doing nothing) and mark done, with one worker and with two workers (two connection
 * pools, as two instances would have; both in this process), each running 8 jobs at a time.
 *
 * Baseline, in the same run, on the same table shape: a bare queue doing the least for the same
 * work — `delete … where id in (select … for update skip locked limit 8) returning` in a loop, one
 * statement per batch, no lease, no retry, no status kept. The ratio is the figure.
 *
 * Database: a dedicated one, created and dropped here, on the server of BENCH_DATABASE_URL
 * (default postgres://127.0.0.1:5432/postgres). BENCH_JOBS sets the number of jobs (default 20,000).
 */
import pg from 'pg';
import { round, type BenchOptions, type BenchResult, type Cell, benchDatabase } from './lib.js';
import { wrapPool, type Database } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { createJobWorker, JobRegistry } from '../src/platform/jobs/jobs.js';

const N = Number(process.env.BENCH_JOBS ?? 20_000);

async function fill(database: Database): Promise<void> {
  await database.exec('truncate jobs');
  const now = new Date().toISOString();
  for (let i = 0; i < N; i += 5000) {
    const n = Math.min(5000, N - i);
    await database.query(
      `insert into jobs (kind, payload, run_at, created_at) select 'bench.rien', jsonb_build_object('n', g), $1::timestamptz, $1::timestamptz from generate_series(1, $2) g`,
      [now, n],
    );
  }
}

async function platform(databases: Database[]): Promise<{ perSecond: number; ms: number; counts: number[] }> {
  const registry = new JobRegistry();
  registry.define('bench.rien', { label: 'Rien', handler: async () => undefined });
  await fill(databases[0]!);
  const t0 = performance.now();
  const counts = await Promise.all(databases.map((database, i) => createJobWorker({ database, registry, concurrency: 8, workerId: `w${i}` }).runDue()));
  const ms = performance.now() - t0;
  const [left] = await databases[0]!.query<{ n: number }>(`select count(*)::int n from jobs where status <> 'termine'`);
  if (left!.n !== 0) throw new Error(`${left!.n} jobs not done`);
  return { perSecond: N / (ms / 1000), ms, counts };
}

async function bare(pools: pg.Pool[]): Promise<{ perSecond: number; ms: number }> {
  const t0 = performance.now();
  await Promise.all(
    pools.map(async (pool) => {
      for (;;) {
        const r = await pool.query(`delete from jobs where id in (select id from jobs where status = 'en_attente' and run_at <= now() order by run_at, id limit 8 for update skip locked) returning id, payload`);
        if (r.rowCount === 0) break;
      }
    }),
  );
  const ms = performance.now() - t0;
  return { perSecond: N / (ms / 1000), ms };
}

export async function jobs(_opts: BenchOptions): Promise<BenchResult> {
  const failures: string[] = [];
  const benchDb = await benchDatabase('jobs');
  const url = benchDb.url;
  const pools = [new pg.Pool({ connectionString: url.toString(), max: 10 }), new pg.Pool({ connectionString: url.toString(), max: 10 })];
  const databases = pools.map((p) => wrapPool(p));
  const rows: Cell[][] = [];
  const data: Record<string, unknown> = { jobs: N };
  try {
    await migrate(databases[0]!);
    for (const workers of [1, 2]) {
      const p = await platform(databases.slice(0, workers));
      await fill(databases[0]!);
      const b = await bare(pools.slice(0, workers));
      data[`workers_${workers}`] = { platform: p, bare: b };
      rows.push([`${workers} worker${workers > 1 ? 's' : ''} (plateforme)`, round(p.perSecond, 0), round(p.ms, 0), p.counts.join(' + ')]);
      rows.push([`${workers} worker${workers > 1 ? 's' : ''} (file nue)`, round(b.perSecond, 0), round(b.ms, 0), '—']);
      rows.push([`ratio plateforme / nue`, round(p.perSecond / b.perSecond, 2), '', '']);
    }
  } catch (e) {
    failures.push(e instanceof Error ? e.message : String(e));
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await benchDb.drop();
  }
  return { table: { columns: ['mesure', 'tâches/s', 'durée ms', 'réparties'], rows }, data, failures };
}
