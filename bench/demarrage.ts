/**
 * demarrage — cold start of `node dist/main.js`: ms from spawn to the first 200 on GET /healthz.
 *   a) first start on an empty embedded database (migrations + demo seed), each run in a fresh DATA_DIR;
 *   b) restart on the DATA_DIR of the first a) run (data already there).
 * Every start is stopped with SIGTERM: the process must exit 0 within 15 s (drain time reported).
 */
import { makeTempDir, max, median, min, removeTempDir, round, startServer, type BenchOptions, type BenchResult } from './lib.js';

interface Run {
  readyMs: number;
  drainMs: number;
  exitCode: number | null;
  signal: string | null;
  ok: boolean;
}

async function once(dataDir: string): Promise<Run> {
  const server = await startServer(dataDir);
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

  for (const [label, runs] of [['a) premier démarrage', cold], ['b) redémarrage', warm]] as const) {
    runs.forEach((r, i) => {
      if (!r.ok) failures.push(`${label} n°${i + 1} : arrêt par SIGTERM → code ${r.exitCode}, signal ${r.signal}, ${r.drainMs} ms`);
    });
  }

  const a = summary(cold);
  const b = summary(warm);
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
      rows: [row('a) base vide (migrations + démo)', a), row('b) redémarrage (données présentes)', b)],
    },
    data: { premierDemarrage: { ...a, details: cold }, redemarrage: { ...b, details: warm } },
    failures,
  };
}
