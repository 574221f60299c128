/**
 * lieux — the places search, with 30,000 synthetic places spread over French communes (centres from
 * ../shared/data/communes.csv, weighted by population) plus the 2,733 real ones of cnfs-2022.json:
 *   a) in process: nearest 20 with two filters (a service + free of charge), p50/p99 over 20,000 queries;
 *      and nearest 20 "open now" on Sunday at 23:30 in Paris (few places open: the worst case of the
 *      open filter, bounded to RAYON_OUVERT_KM), each query with its own instant within that minute;
 *   b) over HTTP: the synthetic CSV and the real JSON imported with the CLI (`lieux:import`), then the
 *      real server (node dist/main.js) under autocannon: GET /api/v1/lieux?lat&lon&services&limit=20 at
 *      `--connections` (200 when left at the default) connections, 500 random points in turn (after the warm-up,
 *      answers of the hot-answer cache), then a bare Fastify sending the same bytes from memory, loaded the same way;
 *      on PostgreSQL (BENCH_LIEUX_PGLITE=1: the embedded database);
 *   c) the /trouver results page: bytes on the wire with gzip, HTML alone and with its style sheets and scripts.
 * Targets: a) p99 < 2 ms (open now at night: p99 < 5 ms); b) throughput ≥ 0.6 of the bare server's, p99 ≤ 1.5 × its p99; c) < 60 KB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ROOT, benchDatabase, makeTempDir, removeTempDir, round, startBare, startServer, type BenchOptions, type BenchResult, type Cell, percentile } from './lib.js';
import { buildSnapshot, MoteurLieux, RAYON_OUVERT_KM } from '../src/lieux/recherche.js';
import { lireFichier, preparer } from '../src/lieux/import.js';
import { FIELDS, FRAIS_A_CHARGE, MODALITES_ACCES, PUBLICS_SPECIFIQUEMENT_ADRESSES, SERVICES, toRecord, type LieuV1 } from '../src/lieux/standard.js';

const SHARED = join(ROOT, '..', 'shared', 'data');
const N = 30_000;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface CommuneRow {
  insee: string;
  nom: string;
  cp: string;
  lat: number;
  lng: number;
  pop: number;
}

export function communes(): CommuneRow[] {
  const rows = parse(readFileSync(join(SHARED, 'communes.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  return rows
    .map((r) => ({ insee: r.insee_com!, nom: r.commune!, cp: r.code_postal!, lat: Number(r.lat), lng: Number(r.lng), pop: Number(r.population_2021) || 1 }))
    .filter((c) => Number.isFinite(c.lat) && Number.isFinite(c.lng) && /^\d{5}$/.test(c.cp) && c.insee.length === 5);
}

export function synthetic(list: CommuneRow[], n: number): LieuV1[] {
  const r = rng(42);
  const cumulative: number[] = [];
  let total = 0;
  for (const c of list) cumulative.push((total += Math.sqrt(c.pop)));
  const pick = () => {
    const x = r() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return list[lo]!;
  };
  const some = <T>(values: readonly T[], p: number) => values.filter(() => r() < p);
  const hours = ['Mo-Fr 09:00-12:00,14:00-17:00', 'Tu-Sa 10:00-18:00', 'Mo,We,Fr 09:00-12:30', 'Mo-Fr 08:30-17:30; PH off', null];
  return Array.from({ length: n }, (_, i) => {
    const c = pick();
    const services = some(SERVICES, 0.3);
    return {
      id: `synth-${i}`,
      pivot: '00000000000000',
      nom: `Lieu synthétique ${i}`,
      commune: c.nom,
      code_postal: c.cp,
      code_insee: c.insee,
      adresse: `${1 + Math.floor(r() * 200)} rue du Test`,
      complement_adresse: null,
      latitude: Math.round((c.lat + (r() - 0.5) * 0.02) * 1e6) / 1e6,
      longitude: Math.round((c.lng + (r() - 0.5) * 0.02) * 1e6) / 1e6,
      typologie: [],
      telephone: '+33387000000',
      courriels: [],
      site_web: [],
      horaires: hours[i % hours.length]!,
      presentation_resume: null,
      presentation_detail: null,
      source: 'bench',
      itinerance: ['Fixe'],
      structure_parente: null,
      date_maj: '2025-01-01',
      services: services.length ? services : [SERVICES[i % SERVICES.length]!],
      publics_specifiquement_adresses: some(PUBLICS_SPECIFIQUEMENT_ADRESSES, 0.15),
      prise_en_charge_specifique: [],
      frais_a_charge: [FRAIS_A_CHARGE[r() < 0.8 ? 0 : 2]!],
      dispositif_programmes_nationaux: ['Conseillers numériques'],
      formations_labels: [],
      autres_formations_labels: [],
      modalites_acces: some(MODALITES_ACCES, 0.3),
      modalites_accompagnement: [],
      fiche_acces_libre: null,
      prise_rdv: null,
    };
  });
}


/** Bytes on the wire for GET url with Accept-Encoding: gzip. */
function gzipBytes(url: string): Promise<{ status: number; bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function lieux(opts: BenchOptions): Promise<BenchResult> {
  const failures: string[] = [];
  const rows: Cell[][] = [];
  const data: Record<string, unknown> = {};
  if (!existsSync(join(SHARED, 'communes.csv')) || !existsSync(join(SHARED, 'lieux', 'cnfs-2022.json'))) {
    throw new Error(`données absentes : ${SHARED}/communes.csv et lieux/cnfs-2022.json sont nécessaires`);
  }
  process.stderr.write('  génération de 30 000 lieux synthétiques… ');
  const synth = synthetic(communes(), N);
  const realFile = readFileSync(join(SHARED, 'lieux', 'cnfs-2022.json'));
  const real = preparer(lireFichier(realFile).lignes, 'cnfs').valides.map((v) => ({ ...v.v, id: `cnfs-${v.origineId}` }));
  const all = [...synth, ...real];
  process.stderr.write(`${all.length} lieux\n`);

  // a) in process
  const t0 = performance.now();
  const snapshot = buildSnapshot(all, 'bench');
  const buildMs = performance.now() - t0;
  const moteur = new MoteurLieux(null as never, { pollMs: 0 });
  (moteur as unknown as { snapshot: unknown; dirty: boolean }).snapshot = snapshot;
  (moteur as unknown as { dirty: boolean }).dirty = false;
  const r = rng(7);
  const points = Array.from({ length: 20_000 }, () => synth[Math.floor(r() * synth.length)]!);
  const filtres = { services: ['Aide aux démarches administratives'], gratuit: true };
  for (let i = 0; i < 2_000; i++) moteur.nearestSync(points[i]!.latitude!, points[i]!.longitude!, filtres, 20); // warm-up
  const times: number[] = [];
  let found = 0;
  for (const p of points) {
    const s = performance.now();
    found += moteur.nearestSync(p.latitude! + 0.003, p.longitude! - 0.003, filtres, 20).length;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const inProcess = { places: all.length, indexBuildMs: round(buildMs), queries: times.length, meanResults: round(found / times.length), p50Ms: round(percentile(times, 50), 3), p99Ms: round(percentile(times, 99), 3), maxMs: round(times.at(-1)!, 3) };
  data.inProcess = inProcess;
  rows.push(['plus proches 20, 2 filtres (en mémoire)', inProcess.p50Ms, inProcess.p99Ms, '< 2 ms', `${all.length} lieux, index ${inProcess.indexBuildMs} ms`]);
  if (inProcess.p99Ms >= 2) failures.push(`recherche en mémoire : p99 ${inProcess.p99Ms} ms (objectif < 2 ms)`);

  // a') "open now" at night: Sunday 19 January 2025, 23:30 in Paris (22:30 UTC); few places are open.
  const nuit = Date.UTC(2025, 0, 19, 22, 30, 0);
  const ouvert = { ouvert: true };
  for (let i = 0; i < 200; i++) moteur.nearestSync(points[i]!.latitude!, points[i]!.longitude!, ouvert, 20, undefined, new Date(nuit + (i % 60) * 1000)); // warm-up
  const nightTimes: number[] = [];
  let nightFound = 0;
  for (let i = 0; i < 2_000; i++) {
    const p = points[i]!;
    const s = performance.now();
    nightFound += moteur.nearestSync(p.latitude! + 0.003, p.longitude! - 0.003, ouvert, 20, undefined, new Date(nuit + (i % 60) * 1000)).length;
    nightTimes.push(performance.now() - s);
  }
  nightTimes.sort((a, b) => a - b);
  const night = { queries: nightTimes.length, meanResults: round(nightFound / nightTimes.length), p50Ms: round(percentile(nightTimes, 50), 3), p99Ms: round(percentile(nightTimes, 99), 3), maxMs: round(nightTimes.at(-1)!, 3) };
  data.ouvertNuit = night;
  rows.push([`plus proches 20, ouverts dimanche 23 h 30 (en mémoire, ${RAYON_OUVERT_KM} km)`, night.p50Ms, night.p99Ms, '< 5 ms', `${night.meanResults} résultats en moyenne, max ${night.maxMs} ms`]);
  if (night.p99Ms >= 5) failures.push(`recherche « ouvert maintenant » la nuit : p99 ${night.p99Ms} ms (objectif < 5 ms)`);

  // b) and c) the real server
  const dataDir = makeTempDir('lieux');
  const csvFile = join(dataDir, 'synthetiques.csv');
  writeFileSync(csvFile, stringify(synth.map(toRecord), { header: true, columns: [...FIELDS] }));
  // PostgreSQL, as in production (BENCH_LIEUX_PGLITE=1: the embedded database, whose queries — the
  // 5-second poll of the places' signature — run on the server's own thread).
  const base = process.env.BENCH_LIEUX_PGLITE === '1' ? null : await benchDatabase('lieux');
  const serverEnv: Record<string, string> = base ? { DATABASE_URL: base.url, SESSION_SECRET: 'bench-secret-suffisamment-long' } : {};
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: base?.url ?? '', LOG_LEVEL: 'warn', DEMO: '1', ...serverEnv };
  process.stderr.write(`  base : ${base ? `PostgreSQL (${base.name})` : 'PGlite'}\n`);
  data.base = base ? 'postgres' : 'pglite';
  for (const [file, source] of [
    [csvFile, 'bench'],
    [join(SHARED, 'lieux', 'cnfs-2022.json'), 'cnfs'],
  ] as const) {
    process.stderr.write(`  import de ${file.split('/').pop()} (CLI)… `);
    const t1 = performance.now();
    const out = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lieux:import', file, '--source', source], { cwd: ROOT, env, encoding: 'utf8' });
    const ms = performance.now() - t1;
    process.stderr.write(`${round(ms / 1000)} s\n`);
    if (out.status !== 0) failures.push(`lieux:import ${file} → code ${out.status} : ${out.stderr.slice(-500)}`);
    data[`import-${source}`] = { ms: round(ms), summary: out.stdout.split('\n').slice(0, 2) };
    rows.push([`import CLI ${source}`, '—', '—', '—', `${round(ms / 1000)} s · ${out.stdout.split('\n')[1] ?? ''}`]);
  }

  process.stderr.write('  démarrage du serveur… ');
  const server = await startServer(dataDir, { env: serverEnv });
  process.stderr.write(`prêt en ${round(server.readyMs)} ms\n`);
  try {
    const service = encodeURIComponent('Aide aux démarches administratives');
    const paths = points.slice(0, 500).map((p) => `/api/v1/lieux?lat=${p.latitude}&lon=${p.longitude}&rayon_km=30&services=${service}&limit=20`);
    const probe = await fetch(server.url + paths[0]);
    const probeBody = (await probe.json()) as { lieux: unknown[] };
    if (probe.status !== 200 || !probeBody.lieux.length) failures.push(`GET /api/v1/lieux → ${probe.status}, ${probeBody.lieux?.length} lieux`);
    const connections = opts.connections === 10 ? 200 : opts.connections;
    process.stderr.write(`  GET /api/v1/lieux : ${opts.duration} s, ${connections} connexions… `);
    const ac = await autocannon({
      // `requests` (one per connection in turn) is not in the shared minimal typings (bench/autocannon.d.ts)
      ...({ requests: paths.map((path) => ({ method: 'GET', path })) } as object),
      url: server.url,
      connections,
      duration: opts.duration,
      timeout: 10,
      warmup: { duration: 2, connections },
    });
    process.stderr.write(`${round(ac.requests.average)} req/s\n`);
    const http = { connections, requestsPerSec: round(ac.requests.average), p50Ms: ac.latency.p50, p99Ms: ac.latency.p99, maxMs: ac.latency.max, non2xx: ac.non2xx, errors: ac.errors, timeouts: ac.timeouts };
    data.http = http;
    // The goal is relative to the bare server below (the machine's own limit, in the same run).
    rows.push([`GET /api/v1/lieux (${connections} connexions)`, http.p50Ms, http.p99Ms, 'voir le ratio', `${http.requestsPerSec} req/s, non-2xx ${http.non2xx}, erreurs ${http.errors + http.timeouts}`]);
    if (http.non2xx || http.errors || http.timeouts) failures.push(`GET /api/v1/lieux : ${http.non2xx} non-2xx, ${http.errors} erreurs, ${http.timeouts} timeouts`);

    // The bare baseline: a bare Fastify returning the same bytes from memory, loaded the same way.
    const recorded: Record<string, string> = {};
    for (const path of paths) recorded[path] = Buffer.from(await (await fetch(server.url + path, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).toString('base64');
    const file = join(dataDir, 'reponses.json');
    writeFileSync(file, JSON.stringify(recorded));
    process.stderr.write(`  serveur nu (les mêmes octets en mémoire) : ${opts.duration} s, ${connections} connexions… `);
    const bare = await startBare('bytes', file);
    try {
      const b = await autocannon({
        ...({ requests: paths.map((path) => ({ method: 'GET', path })) } as object),
        url: bare.url,
        connections,
        duration: opts.duration,
        timeout: 10,
        warmup: { duration: 2, connections },
      });
      process.stderr.write(`${round(b.requests.average)} req/s\n`);
      const nu = { requestsPerSec: round(b.requests.average), p50Ms: b.latency.p50, p99Ms: b.latency.p99, non2xx: b.non2xx };
      const ratio = { debit: round(http.requestsPerSec / nu.requestsPerSec, 2), p99: round(http.p99Ms / nu.p99Ms, 2) };
      data.bare = nu;
      data.ratio = ratio;
      rows.push(['  serveur nu : les mêmes octets depuis la mémoire', nu.p50Ms, nu.p99Ms, '', `${nu.requestsPerSec} req/s, non-2xx ${nu.non2xx}`]);
      rows.push(['  ratio plateforme ÷ nu', '—', `${ratio.p99} ×`, 'débit ≥ 0,6 ; p99 ≤ 1,5 ×', `débit ${ratio.debit}`]);
      if (nu.non2xx) failures.push(`serveur nu : ${nu.non2xx} réponses non-2xx`);
      if (ratio.debit < 0.6) failures.push(`GET /api/v1/lieux : débit ${ratio.debit} du serveur nu (objectif ≥ 0,6)`);
      if (ratio.p99 > 1.5) failures.push(`GET /api/v1/lieux : p99 ${ratio.p99} × celui du serveur nu (objectif ≤ 1,5 ×)`);
    } finally {
      await bare.stop();
    }

    // The same at 10 connections: the service time without queueing.
    const low = await autocannon({
      ...({ requests: paths.map((path) => ({ method: 'GET', path })) } as object),
      url: server.url,
      connections: 10,
      duration: Math.max(3, Math.round(opts.duration / 2)),
      timeout: 10,
    });
    data.http10 = { requestsPerSec: round(low.requests.average), p50Ms: low.latency.p50, p99Ms: low.latency.p99 };
    rows.push(['GET /api/v1/lieux (10 connexions)', low.latency.p50, low.latency.p99, '', `${round(low.requests.average)} req/s`]);

    // c) page weight
    const page = await gzipBytes(`${server.url}/trouver?q=${encodeURIComponent('Behren-lès-Forbach')}`);
    const assets = ['/static/lieux.css', '/static/lieux.js', '/static/app.css', '/dsfr/dsfr.min.css', '/dsfr/utility/icons/icons.min.css', '/dsfr/dsfr.module.min.js'];
    const sizes = await Promise.all(assets.map((a) => gzipBytes(server.url + a)));
    const firstParty = sizes.slice(0, 3).reduce((s, x) => s + x.bytes, 0);
    const dsfr = sizes.slice(3).reduce((s, x) => s + x.bytes, 0);
    data.page = { status: page.status, htmlGzipBytes: page.bytes, encoding: page.encoding, assets: Object.fromEntries(assets.map((a, i) => [a, sizes[i]!.bytes])) };
    rows.push(['/trouver (résultats) : HTML gzip', '—', '—', '< 60 Ko', `${round(page.bytes / 1024)} Ko (${page.encoding})`]);
    rows.push(['  + CSS/JS du projet', '—', '—', '', `${round((page.bytes + firstParty) / 1024)} Ko`]);
    rows.push(['  + DSFR (CSS, icônes, JS ; en cache)', '—', '—', '', `${round((page.bytes + firstParty + dsfr) / 1024)} Ko`]);
    if (page.status !== 200) failures.push(`/trouver → ${page.status}`);
    if (page.bytes + firstParty >= 60 * 1024) failures.push(`/trouver : ${round((page.bytes + firstParty) / 1024)} Ko (objectif < 60 Ko)`);
  } finally {
    const stop = await server.stop(15_000);
    if (!stop.ok) failures.push(`arrêt par SIGTERM → code ${stop.code}`);
    removeTempDir(dataDir);
    await base?.drop();
  }
  return { table: { columns: ['mesure', 'p50 ms', 'p99 ms', 'objectif', 'détail'], rows }, data, failures };
}
