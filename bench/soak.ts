/**
 * soak — does the server leak under a long stretch of ordinary traffic? (issue 13, « Memory »)
 *
 * One server (`node --expose-gc dist/main.js`, demo data, on a PostgreSQL database of its own as
 * bench/activites does), spawned with an IPC channel for memory readings (src/platform/diagnostics.ts:
 * no HTTP surface). For `--duration` seconds — 600 when the option is not given — `--connections`
 * clients (closed loop, 10 by default) send a steady mix:
 *   trouver    GET /trouver?q=… over several communes and postcodes, with and without filters
 *   api-lieux  GET /api/v1/lieux?lat=&lon= (nearest) and ?commune=INSEE
 *   fiche      GET /lieux/{id} of the public places
 *   connexion  the whole sign-in of a demo account: GET /connexion (CSRF), POST /connexion,
 *              GET /tableau-de-bord and the role's dashboard, POST /deconnexion
 *   ecriture   POST /api/v1/activites (bearer token of the demo conseiller, a fresh UUID each)
 *   export     the conseiller's CSV export, the structure's CSV export (bearer tokens), the public
 *              GET /api/v1/lieux.csv — the activity exports stop at yesterday, over 2,000 activities
 *              seeded before the run, so that their size does not grow with the writes
 * Readings: RSS, heap, external, array buffers and every bounded cache's size (cachesInProcess) at
 * start, at the end of each interval (60 s, or a tenth of the duration when shorter) and at the end;
 * the heap after a forced collection at start, after warm-up (the first interval, traffic paused while
 * it runs) and at the end. p50/p99 per interval and per kind, status counts (429 apart); the server's
 * CPU time per request and the machine's load in each interval — the bench, PostgreSQL and the server
 * share the CPUs, so a p99 drift at a constant CPU per request is waiting, not a slower server.
 *
 * Baseline: a bare server does not apply here (nothing to compare a throughput with): the reference
 * is the server's own first interval after warm-up. Goals: heap after GC at the end within 10 % or
 * 20 MB of the heap after GC at warm-up; p99 of the last interval ≤ 2 × the first after warm-up for
 * each kind; no 5xx and no other unexpected answer; every cache within its bound.
 *
 * BENCH_SNAPSHOTS=1 also writes heap snapshots after warm-up and at the end, to
 * .bench/soak-debut.heapsnapshot and .bench/soak-fin.heapsnapshot (Chrome DevTools → Memory →
 * Comparison). Writing a snapshot costs the server native memory that it keeps: the RSS figures of
 * such a run are not comparable with those of a run without (the heap figures are). BENCH_DATABASE_URL chooses the PostgreSQL server (see benchDatabase in lib.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { benchDatabase, makeTempDir, percentile, removeTempDir, round, ROOT, startServer, type BenchOptions, type BenchResult, type Cell, type RunningServer } from './lib.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../src/demo/seed.js';
import { wrapPool } from '../src/platform/db.js';
import { createApiToken } from '../src/comptes/tokens.js';
import { SYSTEM_ACTOR } from '../src/audit/audit.js';
import { parisDate } from '../src/activites/dates.js';
import type { CacheStats } from '../src/platform/cache.js';

/** Used when `--duration` is not on the command line (the harness default, 10 s, is meant for throughput). */
const DEFAULT_DURATION_S = 600;
/** Past activities of the demo conseiller, read by the activity exports. */
const SEEDED_ACTIVITES = 2_000;
const KINDS = ['trouver', 'api-lieux', 'fiche', 'connexion', 'ecriture', 'export'] as const;
type Kind = (typeof KINDS)[number];
/** Out of 100 requests. */
const WEIGHTS: Record<Kind, number> = { trouver: 25, 'api-lieux': 20, fiche: 15, connexion: 5, ecriture: 30, export: 5 };
const RECHERCHES = ['Metz', 'Thionville', 'Forbach', 'Behren-lès-Forbach', 'Achen', 'Nancy', '57000', '57100', 'Sarreguemines', 'Saint-Avold', 'Montigny-lès-Metz', '57600'];
const FILTRES = ['', '&gratuit=1', '&ouvert=1', '&itinerance=Fixe', '&page=2'];
const POINTS: [number, number][] = [
  [49.1193, 6.1757],
  [49.3579, 6.1683],
  [49.1886, 6.8964],
  [49.1099, 7.0693],
  [48.6921, 6.1844],
  [49.0481, 6.6353],
];
const COMMUNES_INSEE = ['57463', '57672', '57227', '57058', '54395'];
/** Answers each step is expected to give; anything else (other than 429 and 5xx, counted apart) is a failure. */
const EXPECTED = new Set([200, 201, 303]);
const MB = (bytes: number) => round(bytes / 1024 / 1024, 1);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on the keep-alive agent; the body is kept only when `keep` (status 0: no answer). */
function send(agent: http.Agent, port: number, method: string, path: string, headers: Record<string, string>, body?: string, keep = false): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        if (keep) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: keep ? Buffer.concat(chunks).toString('utf8') : '' }));
      res.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
    });
    req.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
    req.setTimeout(120_000, () => req.destroy());
    req.end(body);
  });
}

/** A browser's cookies, from Set-Cookie answers (removals included). */
class Jar {
  private readonly cookies = new Map<string, string>();
  keep(a: Answer): void {
    for (const c of a.headers['set-cookie'] ?? []) {
      const pair = c.split(';', 1)[0]!;
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || /max-age=0\b/i.test(c) || /expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

interface Interval {
  /** Latencies (ms) of each kind. */
  latencies: Record<Kind, number[]>;
  /** Status counts of each kind (a sign-in counts each of its steps). */
  statuses: Record<Kind, Record<number, number>>;
  memoire?: NodeJS.MemoryUsage;
  caches?: CacheStats[];
  /** The server's CPU time (user + system) over the interval, in ms. */
  cpuMs?: number;
  /** The machine's 1-minute load average at the reading: the bench shares the CPUs with the server. */
  load?: number;
}

interface MemoryReply {
  id: number;
  memoire: NodeJS.MemoryUsage;
  caches: CacheStats[];
  gc?: boolean;
  path?: string;
  cpu?: NodeJS.CpuUsage;
  erreur?: string;
}

const cpuMs = (from: NodeJS.CpuUsage | undefined, to: NodeJS.CpuUsage | undefined) => (from && to ? (to.user + to.system - from.user - from.system) / 1000 : undefined);

function durationOption(opts: BenchOptions): number {
  const given = process.argv.some((a) => a === '--duration' || a.startsWith('--duration='));
  return given ? opts.duration : DEFAULT_DURATION_S;
}

function clockLabel(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function snapshotPath(which: 'debut' | 'fin'): string {
  const dir = join(ROOT, '.bench');
  mkdirSync(dir, { recursive: true });
  return join(dir, `soak-${which}.heapsnapshot`);
}

export async function soak(opts: BenchOptions): Promise<BenchResult> {
  const durationS = durationOption(opts);
  const intervalS = Math.min(60, durationS / 10);
  const intervals = Math.ceil(durationS / intervalS - 1e-9);
  const clients = opts.connections;
  const snapshots = process.env.BENCH_SNAPSHOTS === '1';
  const failures: string[] = [];

  const database = await benchDatabase('soak');
  const dataDir = makeTempDir('soak');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  let server: RunningServer | undefined;
  try {
    process.stderr.write(`  base ${database.name} ; démarrage du serveur (migrations, démo)… `);
    server = await startServer(dataDir, {
      nodeArgs: ['--expose-gc'],
      ipc: true,
      env: { DATABASE_URL: database.url, DEMO: '1', SESSION_SECRET: 'bench-soak-secret-suffisamment-long', BAN_URL: 'off', ENTREPRISES_API_URL: 'off' },
    });
    process.stderr.write(`prêt en ${round(server.readyMs / 1000)} s (port ${server.port})\n`);
    const { port } = server;
    const ask = async (message: { type: string; path?: string }, timeoutMs?: number): Promise<MemoryReply> => {
      const reply = await server!.ask!<MemoryReply>(message, timeoutMs);
      if (reply.erreur) throw new Error(`diagnostic « ${message.type} » : ${reply.erreur}`);
      return reply;
    };

    // ----- Data: tokens of the demo conseiller and structure, past activities for the exports.
    const db = wrapPool(pool).db;
    const idOf = async (email: string) => {
      const { rows } = await pool.query<{ id: string }>('select id from users where email = $1', [email]);
      if (!rows[0]) throw new Error(`compte de démonstration ${email} absent`);
      return rows[0].id;
    };
    const conseillerId = await idOf('conseiller@demo.test');
    const conseillerToken = (await createApiToken(db, SYSTEM_ACTOR, conseillerId, 'soak')).token;
    const structureToken = (await createApiToken(db, SYSTEM_ACTOR, await idOf('structure@demo.test'), 'soak')).token;
    const { rows: roles } = await pool.query<{ structure_id: string }>("select structure_id from role_assignments where user_id = $1 and role = 'conseiller'", [conseillerId]);
    await pool.query(
      `insert into activites (id, conseiller_id, structure_id, departement, type, date, duree_minutes, tranche_duree, lieu_type, commune_insee, thematiques, materiel, accompagnements, participants, notes)
       select gen_random_uuid(), $1, $2, '57', case when g % 2 = 0 then 'individuel' else 'ponctuel' end, current_date - 1 - (g % 365), 45, '30_60', 'domicile', '57463',
         array['email'], array['ordinateur'], 1, '{"total": 1}'::jsonb, 'Séance ' || g
       from generate_series(1, $3) g`,
      [conseillerId, roles[0]?.structure_id ?? null, SEEDED_ACTIVITES],
    );
    const { rows: lieux } = await pool.query<{ id: string }>('select id from lieux where public order by id');
    if (!lieux.length) throw new Error('aucun lieu public dans la démonstration');
    const accounts = DEMO_ACCOUNTS.map((a) => a.email);
    const today = parisDate(new Date());
    const yesterday = parisDate(new Date(Date.now() - 86_400_000));
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const html = { accept: 'text/html' };
    const exports: [string, Record<string, string>][] = [
      [`/activites/export.csv?au=${yesterday}`, bearer(conseillerToken)],
      [`/activites/structure/export.csv?au=${yesterday}`, bearer(structureToken)],
      ['/api/v1/lieux.csv', {}],
    ];
    process.stderr.write(`  ${lieux.length} lieux publics, ${SEEDED_ACTIVITES} activités passées ; trafic : ${durationS} s, ${clients} clients, relevé toutes les ${round(intervalS)} s\n`);

    // ----- The traffic
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    const tally = (statuses: Record<number, number>, status: number) => (statuses[status] = (statuses[status] ?? 0) + 1);
    const signIn = async (i: number, statuses: Record<number, number>): Promise<void> => {
      const jar = new Jar();
      const step = async (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer | undefined> => {
        const a = await send(agent, port, method, path, { ...headers, cookie: jar.header() }, body, true);
        tally(statuses, a.status);
        jar.keep(a);
        return EXPECTED.has(a.status) ? a : undefined;
      };
      const form = (fields: Record<string, string>) => [{ ...html, 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams(fields).toString()] as const;
      const page = await step('GET', '/connexion', html);
      const csrf = page && csrfOf(page.body);
      if (!csrf) return;
      const signedIn = await step('POST', '/connexion', ...form({ _csrf: csrf, email: accounts[i % accounts.length]!, password: DEMO_PASSWORD }));
      if (signedIn?.status !== 303) return;
      const home = await step('GET', '/tableau-de-bord', html);
      const location = home?.headers.location;
      const dashboard = typeof location === 'string' && location.startsWith('/') ? await step('GET', location, html) : home;
      const csrfSession = dashboard && csrfOf(dashboard.body);
      if (csrfSession) await step('POST', '/deconnexion', ...form({ _csrf: csrfSession }));
    };
    const one = async (kind: Kind, i: number, statuses: Record<number, number>): Promise<void> => {
      const get = async (path: string, headers: Record<string, string> = {}) => void tally(statuses, (await send(agent, port, 'GET', path, headers)).status);
      switch (kind) {
        case 'trouver':
          return get(`/trouver?q=${encodeURIComponent(RECHERCHES[i % RECHERCHES.length]!)}${FILTRES[Math.floor(i / RECHERCHES.length) % FILTRES.length]}`, html);
        case 'api-lieux': {
          if (i % 4 === 3) return get(`/api/v1/lieux?commune=${COMMUNES_INSEE[i % COMMUNES_INSEE.length]}`);
          const [lat, lon] = POINTS[i % POINTS.length]!;
          return get(`/api/v1/lieux?lat=${lat}&lon=${lon}&limit=${10 + (i % 3) * 20}${i % 5 === 0 ? '&rayon_km=20' : ''}`);
        }
        case 'fiche':
          return get(`/lieux/${lieux[i % lieux.length]!.id}`, html);
        case 'connexion':
          return signIn(i, statuses);
        case 'ecriture': {
          const body = JSON.stringify({ id: randomUUID(), type: 'individuel', date: today, duree_minutes: 30 + (i % 4) * 15, lieu: { type: 'domicile', commune_insee: '57463' }, thematiques: ['email'], materiel: ['ordinateur'], notes: `soak ${i}` });
          return void tally(statuses, (await send(agent, port, 'POST', '/api/v1/activites', { ...bearer(conseillerToken), 'content-type': 'application/json' }, body)).status);
        }
        case 'export': {
          const [path, headers] = exports[i % exports.length]!;
          return get(path, headers);
        }
      }
    };
    // A fixed order through the weights (37 is prime to 100: every slot once per 100 requests).
    const schedule: Kind[] = KINDS.flatMap((k) => Array<Kind>(WEIGHTS[k]).fill(k));
    let seq = 0;
    const perKind: Record<Kind, number> = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
    const nextKind = (): Kind => schedule[(seq++ * 37) % schedule.length]!;

    const newInterval = (): Interval => ({
      latencies: Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Record<Kind, number[]>,
      statuses: Object.fromEntries(KINDS.map((k) => [k, {}])) as Record<Kind, Record<number, number>>,
    });
    const rows: Interval[] = Array.from({ length: intervals }, newInterval);

    // Pause (for the collection after warm-up and the snapshot): new requests wait, those in flight finish.
    let gate: Promise<void> | null = null;
    let inFlight = 0;
    const pause = async (): Promise<() => void> => {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      while (inFlight > 0) await sleep(5);
      return () => {
        gate = null;
        release();
      };
    };

    const start = await ask({ type: 'memoire' });
    const startGc = await ask({ type: 'gc' });
    if (!startGc.gc) failures.push('le serveur ne tourne pas avec --expose-gc : tas après GC non mesurable');
    const t0 = performance.now();
    const endAt = t0 + durationS * 1000;
    const indexAt = (t: number) => Math.min(intervals - 1, Math.floor((t - t0) / (intervalS * 1000)));
    const traffic = Array.from({ length: clients }, async () => {
      while (performance.now() < endAt) {
        while (gate) await gate;
        if (performance.now() >= endAt) break;
        const kind = nextKind();
        const i = perKind[kind]++;
        const s = performance.now();
        const row = rows[indexAt(s)]!;
        inFlight++;
        try {
          await one(kind, i, row.statuses[kind]);
        } finally {
          inFlight--;
        }
        row.latencies[kind].push(performance.now() - s);
      }
    });

    let warm: MemoryReply | undefined;
    let cpuBase = start.cpu;
    const sampler = (async () => {
      for (let k = 1; k <= intervals; k++) {
        const tick = t0 + Math.min(k * intervalS, durationS) * 1000;
        await sleep(Math.max(0, tick - performance.now()));
        if (k === intervals) await Promise.all(traffic); // the last reading once the traffic is over
        const r = await ask({ type: 'memoire' });
        const row = rows[k - 1]!;
        row.memoire = r.memoire;
        row.caches = r.caches;
        row.cpuMs = cpuMs(cpuBase, r.cpu);
        row.load = round(loadavg()[0]!, 2);
        cpuBase = r.cpu;
        const count = KINDS.reduce((n, kind) => n + row.latencies[kind].length, 0);
        process.stderr.write(`  ${clockLabel(Math.min(k * intervalS, durationS))} : ${count} requêtes, RSS ${MB(r.memoire.rss)} Mo, tas ${MB(r.memoire.heapUsed)} Mo, charge ${row.load}\n`);
        if (k === 1 && intervals > 1) {
          // End of warm-up: the reference heap, measured with the traffic paused.
          const resume = await pause();
          try {
            warm = await ask({ type: 'gc' });
            process.stderr.write(`  fin de la chauffe : tas après GC ${MB(warm.memoire.heapUsed)} Mo\n`);
            if (snapshots) process.stderr.write(`  instantané du tas : ${(await ask({ type: 'instantane', path: snapshotPath('debut') }, 600_000)).path}\n`);
            cpuBase = (await ask({ type: 'memoire' })).cpu; // the collection and the snapshot are not the next interval's cost
          } finally {
            resume();
          }
        }
      }
    })();
    await Promise.all([...traffic, sampler]);
    agent.destroy();
    const end = await ask({ type: 'gc' });
    if (snapshots) process.stderr.write(`  instantané du tas : ${(await ask({ type: 'instantane', path: snapshotPath('fin') }, 600_000)).path}\n`);
    const { rows: written } = await pool.query<{ n: number }>('select count(*)::int as n from activites where date = $1', [today]);

    // ----- Figures
    const p = (xs: number[], q: number): number | '—' => (xs.length ? round(percentile([...xs].sort((a, b) => a - b), q)) : '—');
    const sum = (statuses: Record<number, number>, test: (s: number) => boolean) => Object.entries(statuses).reduce((n, [s, c]) => n + (test(Number(s)) ? c : 0), 0);
    const entries = (caches: CacheStats[] | undefined): number | '—' => (caches ? caches.reduce((n, c) => n + c.size, 0) : '—');
    const totals: Record<Kind, Record<number, number>> = Object.fromEntries(KINDS.map((k) => [k, {}])) as Record<Kind, Record<number, number>>;
    for (const r of rows) for (const k of KINDS) for (const [s, c] of Object.entries(r.statuses[k])) totals[k][Number(s)] = (totals[k][Number(s)] ?? 0) + c;
    const count = (r: Interval) => KINDS.reduce((n, kind) => n + r.latencies[kind].length, 0);
    const cpuPerRequest = (rs: Interval[]): number | '—' => {
      const n = rs.reduce((t, r) => t + count(r), 0);
      return n && rs.every((r) => r.cpuMs !== undefined) ? round(rs.reduce((t, r) => t + r.cpuMs!, 0) / n, 2) : '—';
    };
    const dashes = KINDS.map((): Cell => '—');
    const table: Cell[][] = [];
    const memRow = (label: string, m: NodeJS.MemoryUsage, caches: CacheStats[]): Cell[] => [label, '—', ...dashes, '—', '—', '—', '—', MB(m.rss), MB(m.heapUsed), entries(caches), ''];
    table.push(memRow('départ', start.memoire, start.caches));
    table.push(memRow('départ, après GC', startGc.memoire, startGc.caches));
    rows.forEach((r, k) => {
      const all = KINDS.map((kind) => r.statuses[kind]);
      table.push([
        `${clockLabel(k * intervalS)}–${clockLabel(Math.min((k + 1) * intervalS, durationS))}${k === 0 && intervals > 1 ? ' (chauffe)' : ''}`,
        count(r),
        ...KINDS.map((kind) => p(r.latencies[kind], 99)),
        all.reduce((n, st) => n + sum(st, (x) => x === 429), 0),
        all.reduce((n, st) => n + sum(st, (x) => x >= 500 || x === 0), 0),
        r.cpuMs !== undefined && count(r) ? round(r.cpuMs / count(r), 2) : '—',
        r.load ?? '—',
        r.memoire ? MB(r.memoire.rss) : '—',
        r.memoire ? MB(r.memoire.heapUsed) : '—',
        entries(r.caches),
        '',
      ]);
    });
    if (warm) table.push(memRow('après la chauffe, après GC', warm.memoire, warm.caches));
    table.push(memRow('fin, après GC', end.memoire, end.caches));

    // ----- Verdict, against the server's own first interval after warm-up (no bare baseline here)
    const reference = warm ?? startGc;
    const growth = end.memoire.heapUsed - reference.memoire.heapUsed;
    const growthPct = round((growth / reference.memoire.heapUsed) * 100, 1);
    const heapOk = growth <= Math.max(0.1 * reference.memoire.heapUsed, 20 * 1024 * 1024);
    const first = rows[intervals > 1 ? 1 : 0]!;
    const last = rows[intervals - 1]!;
    const drift: Partial<Record<Kind, number>> = {};
    for (const k of KINDS) {
      const a = p(first.latencies[k], 99);
      const b = p(last.latencies[k], 99);
      if (typeof a === 'number' && typeof b === 'number' && a > 0) drift[k] = round(b / a, 2);
    }
    const driftOk = Object.values(drift).every((d) => d <= 2);
    // Server CPU per request, last interval over the first after warm-up: ≈ 1 when each request costs
    // the server the same, so that a p99 drift comes from waiting (for the CPUs, the database).
    const cpuFirst = cpuPerRequest([first]);
    const cpuLast = cpuPerRequest([last]);
    const cpuDrift = typeof cpuFirst === 'number' && typeof cpuLast === 'number' && cpuFirst > 0 ? round(cpuLast / cpuFirst, 2) : '—';
    const loads = rows.map((r) => r.load ?? 0);
    const busy = Math.max(...loads) > cpus().length;
    const fives = KINDS.reduce((n, k) => n + sum(totals[k], (x) => x >= 500), 0);
    const noAnswer = KINDS.reduce((n, k) => n + sum(totals[k], (x) => x === 0), 0);
    const tooMany = KINDS.reduce((n, k) => n + sum(totals[k], (x) => x === 429), 0);
    const unexpected = KINDS.flatMap((k) =>
      Object.entries(totals[k])
        .filter(([st]) => !EXPECTED.has(Number(st)) && Number(st) !== 429 && Number(st) < 500 && Number(st) !== 0)
        .map(([st, c]) => `${k} ${st} × ${c}`),
    );
    const answersOk = fives + noAnswer === 0 && !unexpected.length;
    const overBound = [start, startGc, ...rows, warm, end].flatMap((r) => r?.caches ?? []).filter((c) => c.size > c.max);
    const fullest = end.caches.length ? Math.max(...end.caches.map((c) => (c.size / c.max) * 100)) : 0;
    const mark = (ok: boolean) => (ok ? 'OK' : 'ÉCHEC');
    const signed = (n: number) => `${n >= 0 ? '+' : ''}${n}`;
    const whole = (kind: Kind) => rows.flatMap((r) => r.latencies[kind]);
    table.push([
      'total',
      rows.reduce((n, r) => n + count(r), 0),
      ...KINDS.map((k) => p(whole(k), 99)),
      tooMany,
      fives + noAnswer,
      cpuPerRequest(rows),
      '—',
      '—',
      '—',
      '—',
      `${mark(answersOk)} : ${fives} 5xx, ${noAnswer} sans réponse, ${unexpected.length ? unexpected.join(', ') : 'aucune autre inattendue'} ; 429 à part (limitation des connexions)`,
    ]);
    table.push([
      'croissance après GC, fin − chauffe',
      '—',
      ...dashes,
      '—',
      '—',
      '—',
      '—',
      MB(end.memoire.rss - reference.memoire.rss),
      MB(growth),
      typeof entries(end.caches) === 'number' && typeof entries(reference.caches) === 'number' ? (entries(end.caches) as number) - (entries(reference.caches) as number) : '—',
      `${mark(heapOk)} : tas ${signed(growthPct)} % (objectif ≤ 10 % ou ≤ 20 Mo)`,
    ]);
    table.push([
      'dérive du p99, dernier ÷ 1er après chauffe',
      '—',
      ...KINDS.map((k) => drift[k] ?? '—'),
      '—',
      '—',
      cpuDrift,
      '—',
      '—',
      '—',
      '—',
      `${mark(driftOk)} (objectif ≤ 2)${busy ? ` — machine chargée (charge ${round(Math.min(...loads), 1)} à ${round(Math.max(...loads), 1)} pour ${cpus().length} cœurs) : p99 peu fiables` : ''}`,
    ]);
    table.push([
      'caches, à la fin',
      '—',
      ...dashes,
      '—',
      '—',
      '—',
      '—',
      '—',
      '—',
      entries(end.caches),
      `${mark(!overBound.length)} : ${end.caches.length ? `${end.caches.length} caches bornés, ${entries(end.caches)} entrées pour ${end.caches.reduce((n, c) => n + c.max, 0)} au plus (le plus rempli : ${round(fullest, 2)} %)` : 'aucun cache borné déclaré'}`,
    ]);
    const verdict = {
      heap: { afterWarmupGcMb: MB(reference.memoire.heapUsed), endGcMb: MB(end.memoire.heapUsed), growthMb: MB(growth), growthPct, ok: heapOk },
      p99Drift: { ratios: drift, serverCpuPerRequestRatio: cpuDrift, machineLoad: loads, ok: driftOk },
      answers: { fiveXx: fives, noAnswer, tooMany, unexpected, ok: answersOk },
      caches: { list: end.caches, overBound, ok: !overBound.length },
    };

    if (!heapOk) failures.push(`le tas après GC a grandi de ${MB(growth)} Mo (${growthPct} %) depuis la fin de la chauffe (objectif ≤ 10 % ou ≤ 20 Mo)`);
    for (const k of KINDS) if ((drift[k] ?? 0) > 2) failures.push(`p99 « ${k} » ×${drift[k]} entre le premier intervalle après la chauffe et le dernier (objectif ≤ 2)`);
    if (fives) failures.push(`${fives} réponses 5xx`);
    if (noAnswer) failures.push(`${noAnswer} requêtes sans réponse`);
    if (unexpected.length) failures.push(`réponses inattendues : ${unexpected.join(', ')}`);
    for (const c of overBound) failures.push(`cache ${c.name} : ${c.size} entrées pour une borne de ${c.max}`);

    return {
      table: { columns: ['intervalle', 'requêtes', ...KINDS.map((k) => `p99 ${k} ms`), '429', '5xx', 'CPU ms/req', 'charge', 'RSS Mo', 'tas Mo', 'entrées en cache', 'verdict'], rows: table },
      data: {
        durationS,
        intervalS,
        clients,
        weights: WEIGHTS,
        seededActivites: SEEDED_ACTIVITES,
        writtenActivites: written[0]?.n ?? 0,
        memory: { start: start.memoire, startAfterGc: startGc.memoire, warmAfterGc: warm?.memoire, endAfterGc: end.memoire },
        heapGrowthMb: MB(growth),
        heapGrowthPct: growthPct,
        drift,
        statuses: totals,
        caches: end.caches,
        intervals: rows.map((r, k) => ({
          fromS: round(k * intervalS),
          counts: Object.fromEntries(KINDS.map((kind) => [kind, r.latencies[kind].length])),
          p50: Object.fromEntries(KINDS.map((kind) => [kind, p(r.latencies[kind], 50)])),
          p99: Object.fromEntries(KINDS.map((kind) => [kind, p(r.latencies[kind], 99)])),
          statuses: r.statuses,
          memoire: r.memoire,
          caches: r.caches,
          serverCpuMs: r.cpuMs,
          load: r.load,
        })),
        verdict,
        snapshots: snapshots ? [snapshotPath('debut'), snapshotPath('fin')] : [],
      },
      failures,
    };
  } finally {
    if (server) await server.stop(20_000);
    await pool.end();
    await database.drop();
    removeTempDir(dataDir);
  }
}
