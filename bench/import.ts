/**
 * import — does a large places import hold the server? (issue 13, finding 7)
 *
 * One server (embedded database, demo on); the admin signs in with the password form and sends a
 * CSV of synthetic places just under the 20 MB limit through the import form
 * (POST /admin/lieux/import, multipart), as a person would. Meanwhile a probe asks GET /healthz
 * one request at a time. The baseline is the same probe on the same server, idle, in the same run:
 * the ratio is import p99 ÷ idle p99. Goal: /healthz p99 under 100 ms during the import.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { makeTempDir, percentile, removeTempDir, round, ROOT, startServer, type BenchOptions, type BenchResult, type Cell } from './lib.js';
import { communes, synthetic } from './lieux.js';
import { login } from './conventions.js';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import { FIELDS, toRecord } from '../src/lieux/standard.js';

const LIMIT_BYTES = 20 * 1024 * 1024;
const GOAL_P99_MS = 100;

/** A CSV of synthetic places as close to (and under) the upload limit as whole rows allow. */
function bigCsv(): { csv: Buffer; rows: number } {
  const list = communes();
  const sample = Buffer.from(stringify(synthetic(list, 2_000).map(toRecord), { header: true, columns: [...FIELDS] }));
  const perRow = sample.length / 2_000;
  let rows = Math.floor((LIMIT_BYTES * 0.97) / perRow);
  for (;;) {
    const csv = Buffer.from(stringify(synthetic(list, rows).map(toRecord), { header: true, columns: [...FIELDS] }));
    if (csv.length < LIMIT_BYTES) return { csv, rows };
    rows = Math.floor(rows * 0.98);
  }
}

/** GET /healthz one at a time until `until` settles (at least `minCount` probes): latencies in ms. */
async function probe(url: string, until: Promise<unknown>, minCount = 0): Promise<{ times: number[]; errors: number }> {
  let done = false;
  void until.finally(() => (done = true));
  const times: number[] = [];
  let errors = 0;
  while (!done || times.length < minCount) {
    const t = performance.now();
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
    } catch {
      errors++;
    }
    times.push(performance.now() - t);
    // A steady pace (about 100 probes a second) rather than a tight loop competing with the import.
    await new Promise((r) => setTimeout(r, 10));
  }
  return { times: times.sort((a, b) => a - b), errors };
}

function figures(p: { times: number[]; errors: number }) {
  return { probes: p.times.length, errors: p.errors, p50Ms: round(percentile(p.times, 50)), p99Ms: round(percentile(p.times, 99)), maxMs: round(p.times.at(-1) ?? NaN) };
}

export async function importBench(_opts: BenchOptions): Promise<BenchResult> {
  if (!existsSync(join(ROOT, '..', 'shared', 'data', 'communes.csv'))) throw new Error('données absentes : ../shared/data/communes.csv est nécessaire');
  const failures: string[] = [];
  process.stderr.write('  fichier CSV de lieux synthétiques… ');
  const { csv, rows } = bigCsv();
  process.stderr.write(`${rows} lignes, ${round(csv.length / 1024 / 1024, 2)} Mo\n`);

  const dataDir = makeTempDir('import');
  const server = await startServer(dataDir);
  try {
    const cookie = await login(server.url, 'admin@demo.test', DEMO_PASSWORD);
    const page = await fetch(`${server.url}/admin/lieux/import`, { headers: { cookie, accept: 'text/html' } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    if (!csrf) throw new Error("pas de jeton CSRF dans la page d'import");

    // Baseline: the same probe, idle server, for five seconds.
    const idle = figures(await probe(server.url, new Promise((r) => setTimeout(r, 5_000)), 50));

    process.stderr.write('  import par le formulaire pendant que /healthz est sondé… ');
    const form = new FormData();
    form.set('_csrf', csrf);
    form.set('source', 'bench-import');
    form.set('fichier', new Blob([new Uint8Array(csv)], { type: 'text/csv' }), 'lieux.csv');
    const t0 = performance.now();
    const upload = fetch(`${server.url}/admin/lieux/import`, { method: 'POST', body: form, headers: { cookie, accept: 'text/html' }, signal: AbortSignal.timeout(900_000) }).then(async (res) => ({
      status: res.status,
      body: await res.text(),
      ms: performance.now() - t0,
    }));
    const during = figures(await probe(server.url, upload));
    const result = await upload;
    process.stderr.write(`${round(result.ms / 1000)} s (${result.status})\n`);
    const summary = /<h2[^>]*>([^<]*)<\/h2>/.exec(result.body)?.[1]?.trim() ?? '';
    const imported = /(\d[\d  ]*) lieux? (?:créés?|importés?|ajoutés?)/.exec(result.body.replace(/<[^>]+>/g, ' '))?.[0] ?? '';

    if (result.status !== 200) failures.push(`import : réponse ${result.status} ${result.body.slice(0, 300)}`);
    if (during.errors || idle.errors) failures.push(`/healthz : ${during.errors + idle.errors} réponses non 200`);
    if (during.p99Ms >= GOAL_P99_MS) failures.push(`/healthz pendant l'import : p99 ${during.p99Ms} ms (objectif < ${GOAL_P99_MS} ms)`);
    const ratio = round(idle.p99Ms / during.p99Ms, 2);
    const rowsOut: Cell[][] = [
      ['/healthz, serveur au repos (témoin)', idle.probes, idle.p50Ms, idle.p99Ms, idle.maxMs, '—'],
      [`/healthz pendant l'import de ${round(csv.length / 1024 / 1024, 1)} Mo (${rows} lignes)`, during.probes, during.p50Ms, during.p99Ms, during.maxMs, ratio],
      ['import (envoi → rapport)', 1, round(result.ms), '—', '—', [summary, imported].filter(Boolean).join(' · ') || String(result.status)],
    ];
    return {
      table: { columns: ['mesure', 'requêtes', 'p50 ms', 'p99 ms', 'max ms', 'ratio p99 repos ÷ import'], rows: rowsOut },
      data: { file: { bytes: csv.length, rows }, idle, during, import: { status: result.status, ms: round(result.ms), summary, imported }, goalP99Ms: GOAL_P99_MS },
      failures,
    };
  } finally {
    await server.stop(60_000);
    removeTempDir(dataDir);
  }
}
