/**
 * demarrage — cold start of `node dist/main.js`: ms from spawn to the first 200 on GET /healthz.
 *   a) first start on an empty embedded database (migrations + demo seed), each run in a fresh DATA_DIR;
 *   b) restart on the DATA_DIR of the first a) run (data already there);
 *   c) start on PostgreSQL with 1,000,000 activities (migrations already applied by a first start, then
 *      the rows generated in one INSERT … SELECT generate_series), without the demo: the cold start of a
 *      production instance; target under 2 s. BENCH_DEMARRAGE_ACTIVITES sets the count (0 skips c).
 * Every start is stopped with SIGTERM: the process must exit 0 within 15 s (drain time reported).
 */
import pg from 'pg';
import { benchDatabase, makeTempDir, max, median, min, removeTempDir, round, startServer, type BenchOptions, type BenchResult } from './lib.js';

interface Run {
  readyMs: number;
  drainMs: number;
  exitCode: number | null;
  signal: string | null;
  ok: boolean;
}

async function once(dataDir: string, env?: Record<string, string>): Promise<Run> {
  const server = await startServer(dataDir, env ? { env } : {});
  const stop = await server.stop(15_000);
  return { readyMs: round(server.readyMs), drainMs: round(stop.drainMs), exitCode: stop.code, signal: stop.signal, ok: stop.ok };
}

function summary(runs: Run[]) {
  const ready = runs.map((r) => r.readyMs);
  const drain = runs.map((r) => r.drainMs);
  return {
    runs: runs.length,
    readyMinMs: round(min(ready)),
    readyMedianMs: round(median(ready)),
    readyMaxMs: round(max(ready)),
    drainMedianMs: round(median(drain)),
    drainMaxMs: round(max(drain)),
    allExited0: runs.every((r) => r.ok),
  };
}

export async function demarrage(opts: BenchOptions): Promise<BenchResult> {
  const failures: string[] = [];
  const cold: Run[] = [];
  const warm: Run[] = [];
  let warmDir: string | undefined;

  for (let i = 0; i < opts.runs; i++) {
    const dir = makeTempDir('demarrage');
    process.stderr.write(`  a) premier démarrage, base vide ${i + 1}/${opts.runs}… `);
    const run = await once(dir);
    process.stderr.write(`${run.readyMs} ms (arrêt ${run.drainMs} ms)\n`);
    cold.push(run);
    if (warmDir === undefined) warmDir = dir;
    else removeTempDir(dir);
  }
  for (let i = 0; i < opts.runs; i++) {
    process.stderr.write(`  b) redémarrage, données existantes ${i + 1}/${opts.runs}… `);
    const run = await once(warmDir!);
    process.stderr.write(`${run.readyMs} ms (arrêt ${run.drainMs} ms)\n`);
    warm.push(run);
  }
  if (warmDir) removeTempDir(warmDir);

  // c) PostgreSQL with a million activities (of 4,000 conseillers over 3 years), migrations applied.
  const volume = Number(process.env.BENCH_DEMARRAGE_ACTIVITES ?? 1_000_000);
  const big: Run[] = [];
  if (volume > 0) {
    const base = await benchDatabase('demarrage');
    const dir = makeTempDir('demarrage-pg');
    try {
      const env = { DATABASE_URL: base.url, DEMO: '0', SESSION_SECRET: 'bench-secret-suffisamment-long' };
      process.stderr.write(`  c) base PostgreSQL : migrations… `);
      const first = await once(dir, env);
      process.stderr.write(`${first.readyMs} ms ; ${volume} activités… `);
      const client = new pg.Client({ connectionString: base.url });
      await client.connect();
      const t0 = performance.now();
      await client.query(
        `insert into activites (id, conseiller_id, structure_id, departement, type, date, duree_minutes, tranche_duree, lieu_type, commune_insee, thematiques, accompagnements, participants)
         select gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad((g % 4000)::text, 12, '0'))::uuid, null, '57',
           case when g % 3 = 0 then 'collectif' else 'individuel' end, current_date - (g % 1095), 45, '30_60', 'domicile', '57463',
           array['email'], case when g % 3 = 0 then 8 else 1 end, '{"total": 1}'::jsonb
         from generate_series(1, $1) g`,
        [volume],
      );
      await client.query('analyze');
      const [{ n }] = (await client.query<{ n: number }>('select count(*)::int as n from activites')).rows as [{ n: number }];
      await client.end();
      process.stderr.write(`${n} en ${round((performance.now() - t0) / 1000)} s\n`);
      for (let i = 0; i < opts.runs; i++) {
        process.stderr.write(`  c) démarrage sur ${n} activités ${i + 1}/${opts.runs}… `);
        const run = await once(dir, env);
        process.stderr.write(`${run.readyMs} ms (arrêt ${run.drainMs} ms)\n`);
        big.push(run);
      }
    } finally {
      removeTempDir(dir);
      await base.drop();
    }
  }

  for (const [label, runs] of [['a) premier démarrage', cold], ['b) redémarrage', warm], ['c) PostgreSQL, 1 million d’activités', big]] as const) {
    runs.forEach((r, i) => {
      if (!r.ok) failures.push(`${label} n°${i + 1} : arrêt par SIGTERM → code ${r.exitCode}, signal ${r.signal}, ${r.drainMs} ms`);
    });
  }

  const a = summary(cold);
  const b = summary(warm);
  const c = big.length ? summary(big) : null;
  if (c && c.readyMaxMs >= 2000) failures.push(`c) démarrage sur ${volume} activités : ${c.readyMaxMs} ms au plus (objectif < 2 s)`);
  if (b.readyMaxMs >= 2000) failures.push(`b) redémarrage : ${b.readyMaxMs} ms au plus (objectif < 2 s)`);
  const row = (label: string, s: ReturnType<typeof summary>) => [
    label,
    s.runs,
    s.readyMinMs,
    s.readyMedianMs,
    s.readyMaxMs,
    s.drainMedianMs,
    s.allExited0 ? 'oui' : 'NON',
  ];
  return {
    table: {
      columns: ['démarrage → 1er 200 /healthz', 'runs', 'min ms', 'médiane ms', 'max ms', 'arrêt SIGTERM médian ms', 'exit 0 < 15 s'],
      rows: [
        row('a) base vide (migrations + démo)', a),
        row('b) redémarrage (données présentes)', b),
        ...(c ? [row(`c) PostgreSQL, ${volume} activités, sans démo`, c)] : []),
      ],
    },
    data: { premierDemarrage: { ...a, details: cold }, redemarrage: { ...b, details: warm }, ...(c ? { millionActivites: { activites: volume, ...c, details: big } } : {}) },
    failures,
  };
}
