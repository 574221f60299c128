/**
 * pages — throughput of public pages: one server (embedded database, demo seeded) on 127.0.0.1,
 * then autocannon against each URL in turn (1 s warm-up, then `--duration` s with `--connections`);
 * then Lighthouse (mobile preset: phone emulation, simulated slow 4G and CPU) on the finder
 * `/trouver?q=Forbach` and on a demo place page, with Debian's Chromium (CHROME_PATH, by default
 * /usr/bin/chromium): performance, accessibility, best practices and SEO scores, and the bytes of that
 * first visit (no cache) as Lighthouse saw them on the wire, by resource type. Issue 15's goals are
 * failures when missed: accessibility and SEO 100, performance 98 or more, 70 KB at most.
 * `BENCH_LIGHTHOUSE=0` leaves Lighthouse out.
 */
import autocannon from 'autocannon';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { makeTempDir, removeTempDir, round, startServer, type BenchOptions, type BenchResult, type Cell } from './lib.js';

const PATHS = ['/', '/connexion', '/healthz'];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
/** A first visit of the results or of a place page: at most 70 KB transferred (issue 15). */
const BYTES_BUDGET = 70 * 1000;
const PERFORMANCE_GOAL = 98;

export interface LighthouseFigures {
  path: string;
  /** Scores out of 100, by category. */
  scores: Record<(typeof CATEGORIES)[number], number | null>;
  /** Audits below 1 in accessibility, best practices and SEO: id and title. */
  failing: { category: string; id: string; title: string }[];
  firstContentfulPaintMs: number | null;
  largestContentfulPaintMs: number | null;
  totalBlockingTimeMs: number | null;
  cumulativeLayoutShift: number | null;
  /** The first visit's requests (Lighthouse's network-requests audit): bytes transferred, in all and by resource type. */
  bytes: { total: number; requests: number; byType: Record<string, { requests: number; bytes: number }> };
}

/** One Lighthouse run per path (mobile preset, the default configuration), each in a fresh headless Chromium. */
export async function lighthouseScores(baseUrl: string, paths: string[]): Promise<LighthouseFigures[]> {
  const out: LighthouseFigures[] = [];
  for (const path of paths) {
    const chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const runner = await lighthouse(baseUrl + path, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] });
      if (!runner) throw new Error(`Lighthouse n'a rien rendu pour ${path}`);
      const lhr = runner.lhr;
      if (lhr.runtimeError) throw new Error(`Lighthouse ${path} : ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score == null ? null : Math.round(lhr.categories[c]!.score! * 100)])) as LighthouseFigures['scores'];
      const failing: LighthouseFigures['failing'] = [];
      for (const c of ['accessibility', 'best-practices', 'seo'] as const) {
        for (const ref of lhr.categories[c]?.auditRefs ?? []) {
          const a = lhr.audits[ref.id];
          if (a && ref.weight > 0 && a.score !== null && a.score < 1) failing.push({ category: c, id: a.id, title: a.title });
        }
      }
      // data: URIs (the sheet's inlined icons) are no request on the wire.
      const items = ((lhr.audits['network-requests']?.details as { items?: { url?: string; transferSize?: number; resourceType?: string }[] } | undefined)?.items ?? []).filter((it) => !it.url?.startsWith('data:'));
      const bytes: LighthouseFigures['bytes'] = { total: 0, requests: 0, byType: {} };
      for (const it of items) {
        const size = it.transferSize ?? 0;
        const t = (bytes.byType[it.resourceType ?? 'Other'] ??= { requests: 0, bytes: 0 });
        t.requests++;
        t.bytes += size;
        bytes.total += size;
        bytes.requests++;
      }
      const num = (id: string) => (typeof lhr.audits[id]?.numericValue === 'number' ? round(lhr.audits[id].numericValue!, id === 'cumulative-layout-shift' ? 3 : 0) : null);
      out.push({
        path,
        scores,
        failing,
        firstContentfulPaintMs: num('first-contentful-paint'),
        largestContentfulPaintMs: num('largest-contentful-paint'),
        totalBlockingTimeMs: num('total-blocking-time'),
        cumulativeLayoutShift: num('cumulative-layout-shift'),
        bytes,
      });
    } finally {
      await chrome.kill();
    }
  }
  return out;
}

/** A demo place page: the first place listed by the finder for Forbach. */
async function demoPlacePath(baseUrl: string): Promise<string> {
  const html = await (await fetch(`${baseUrl}/trouver?q=Forbach`, { signal: AbortSignal.timeout(10_000) })).text();
  const m = /href="(\/lieux\/[0-9a-f-]{36})"/.exec(html);
  if (!m) throw new Error('aucun lieu de démonstration dans /trouver?q=Forbach');
  return m[1]!;
}

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
    if (process.env.BENCH_LIGHTHOUSE !== '0') {
      const paths = ['/trouver?q=Forbach', await demoPlacePath(server.url)];
      process.stderr.write(`  Lighthouse (mobile) : ${paths.join(', ')}… `);
      const lh = await lighthouseScores(server.url, paths);
      process.stderr.write('fait\n');
      data.lighthouse = lh;
      const ko = (n: number) => `${(n / 1000).toFixed(1)} Ko`;
      for (const r of lh) {
        const label = r.path === paths[0] ? r.path : '/lieux/:id (démo)';
        rows.push([`Lighthouse ${label}`, `perf ${r.scores.performance}`, `a11y ${r.scores.accessibility}`, `bonnes pratiques ${r.scores['best-practices']}`, `SEO ${r.scores.seo}`, `LCP ${r.largestContentfulPaintMs} ms`, `TBT ${r.totalBlockingTimeMs} ms`, `CLS ${r.cumulativeLayoutShift}`]);
        const type = (t: string) => `${t} ${ko(r.bytes.byType[t]?.bytes ?? 0)} (${r.bytes.byType[t]?.requests ?? 0})`;
        const others = Object.entries(r.bytes.byType).filter(([t]) => !['Document', 'Stylesheet', 'Font', 'Script'].includes(t));
        rows.push([
          `Poids 1re visite ${label}`,
          ko(r.bytes.total),
          `${r.bytes.requests} requêtes`,
          type('Document'),
          type('Stylesheet'),
          type('Font'),
          type('Script'),
          others.map(([t, v]) => `${t} ${ko(v.bytes)} (${v.requests})`).join(', ') || '—',
        ]);
        if (r.scores.accessibility !== 100) {
          failures.push(`Lighthouse ${r.path} : accessibilité ${r.scores.accessibility} (100 attendu) — ${r.failing.filter((f) => f.category === 'accessibility').map((f) => f.id).join(', ')}`);
        }
        if (r.scores.seo !== 100) failures.push(`Lighthouse ${r.path} : SEO ${r.scores.seo} (100 attendu) — ${r.failing.filter((f) => f.category === 'seo').map((f) => f.id).join(', ')}`);
        if ((r.scores.performance ?? 0) < PERFORMANCE_GOAL) failures.push(`Lighthouse ${r.path} : performance ${r.scores.performance} (${PERFORMANCE_GOAL} au moins attendu), LCP ${r.largestContentfulPaintMs} ms`);
        if (r.bytes.total > BYTES_BUDGET) failures.push(`première visite de ${r.path} : ${ko(r.bytes.total)} (${ko(BYTES_BUDGET)} au plus attendu)`);
      }
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
