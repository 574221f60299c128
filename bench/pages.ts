/**
 * pages — throughput of public pages: one server (embedded database, demo seeded) on 127.0.0.1,
 * then autocannon against each URL in turn (1 s warm-up, then `--duration` s with `--connections`).
 */
import autocannon from 'autocannon';
import { makeTempDir, removeTempDir, round, startServer, type BenchOptions, type BenchResult, type Cell } from './lib.js';

const PATHS = ['/', '/connexion', '/healthz'];

export async function pages(opts: BenchOptions): Promise<BenchResult> {
  const failures: string[] = [];
  const dataDir = makeTempDir('pages');
  process.stderr.write('  démarrage du serveur… ');
  const server = await startServer(dataDir);
  process.stderr.write(`prêt en ${round(server.readyMs)} ms (${server.url})\n`);

  const rows: Cell[][] = [];
  const data: Record<string, unknown> = {};
  try {
    for (const path of PATHS) {
      const url = server.url + path;
      const probe = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      await probe.arrayBuffer();
      if (probe.status !== 200) failures.push(`GET ${path} → ${probe.status} (200 attendu)`);

      process.stderr.write(`  GET ${path} : ${opts.duration} s, ${opts.connections} connexions… `);
      const r = await autocannon({
        url,
        connections: opts.connections,
        duration: opts.duration,
        timeout: 10,
        warmup: { duration: 1, connections: opts.connections },
      });
      const figures = {
        status: probe.status,
        requestsPerSecAvg: round(r.requests.average),
        requestsTotal: r.requests.total,
        latencyAvgMs: round(r.latency.average, 2),
        latencyP50Ms: r.latency.p50,
        latencyP99Ms: r.latency.p99,
        latencyMaxMs: r.latency.max,
        bytesPerSecAvg: Math.round(r.throughput.average),
        '2xx': r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        statusCodeStats: r.statusCodeStats,
      };
      process.stderr.write(`${figures.requestsPerSecAvg} req/s\n`);
      data[path] = figures;
      if (r.non2xx || r.errors || r.timeouts) {
        failures.push(`GET ${path} : ${r.non2xx} réponses non-2xx, ${r.errors} erreurs, ${r.timeouts} timeouts`);
      }
      rows.push([
        `GET ${path}`,
        figures.requestsPerSecAvg,
        figures.latencyP50Ms,
        figures.latencyP99Ms,
        figures.latencyMaxMs,
        round(figures.bytesPerSecAvg / 1024 / 1024, 2),
        figures.non2xx,
        figures.errors + figures.timeouts,
      ]);
    }
  } finally {
    const stop = await server.stop(15_000);
    data.stop = { exitCode: stop.code, signal: stop.signal, drainMs: round(stop.drainMs) };
    if (!stop.ok) failures.push(`arrêt par SIGTERM → code ${stop.code}, signal ${stop.signal}, ${round(stop.drainMs)} ms`);
    else process.stderr.write(`  serveur arrêté (SIGTERM → exit 0 en ${round(stop.drainMs)} ms)\n`);
    removeTempDir(dataDir);
  }

  return {
    table: {
      columns: ['page', 'req/s (moy.)', 'p50 ms', 'p99 ms', 'max ms', 'Mo/s', 'non-2xx', 'erreurs'],
      rows,
    },
    data: { duration: opts.duration, connections: opts.connections, serverReadyMs: round(server.readyMs), results: data },
    failures,
  };
}
