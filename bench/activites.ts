/**
 * activites — activity reports on PostgreSQL (the server `node dist/main.js` with DATABASE_URL):
 *   a) POST /api/v1/activites by 100 concurrent conseillers: 100 keep-alive connections, each with its
 *      own bearer token (its own conseiller), each sending one new activity after the other for
 *      `--duration` seconds (closed loop, like autocannon's connections). Sustained inserts/s (rows
 *      counted in the database), latency p50 / p99 / max.
 *   b) Export of 100,000 activities of one conseiller (and of ≈ 20,000 of them, for comparison), as
 *      CSV then XLSX: time to the last byte and peak RSS of the server process (sampled every 10 ms
 *      from /proc) over its RSS before. The peak includes garbage not yet collected; the heap left
 *      after a collection does not grow with the number of rows.
 *
 * Database: a dedicated one, created and dropped by the bench, on the server of BENCH_DATABASE_URL
 * (default postgres://127.0.0.1:5432/postgres, used only to create/drop `cn_bench_<pid>`).
 * BENCH_NODE_ARGS passes flags to the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort, makeTempDir, removeTempDir, ROOT, round, startBare, type BenchOptions, type BenchResult, type Cell, percentile } from './lib.js';
import { wrapPool } from '../src/platform/db.js';
import { SYSTEM_ACTOR } from '../src/audit/audit.js';
import { createUser } from '../src/comptes/users.js';
import { createApiToken } from '../src/comptes/tokens.js';
import { createStructure, validateStructure } from '../src/structures/structures.js';
import { withLuhnKey } from '../src/structures/siret.js';
import { parisDate } from '../src/activites/dates.js';

const CONSEILLERS = 100;
const EXPORT_ROWS = 100_000;

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}


function request(agent: http.Agent, port: number, method: string, path: string, token: string, body?: string): Promise<{ status: number; bytes: number; text?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } },
      (res) => {
        let bytes = 0;
        const keep = method !== 'GET' || (res.statusCode ?? 0) >= 400;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (keep) chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ...(keep ? { text: Buffer.concat(chunks).toString('utf8') } : {}) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function startPgServer(databaseUrl: string, dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO: '0', SESSION_SECRET: 'bench-secret-suffisamment-long' };
  delete env.TEST_DATABASE_URL;
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), join(ROOT, 'dist', 'main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-5000)));
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-5000)));
  process.once('exit', () => child.kill('SIGKILL'));
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`le serveur s'est arrêté :\n${out}`);
    if (Date.now() - t0 > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`serveur pas prêt en 60 s :\n${out}`);
    }
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      await r.arrayBuffer();
      if (r.status === 200) return { child, port };
    } catch {
      /* not yet */
    }
    await sleep(50);
  }
}

/**
 * One closed loop per token for `seconds`: each connection sends one new activity after the other
 * (keep-alive), as a conseiller's device would. Latencies, statuses and network errors.
 */
async function charger(port: number, tokens: string[], body: () => string, seconds: number, failures: string[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: tokens.length });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    tokens.map(async (token) => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          const r = await request(agent, port, 'POST', '/api/v1/activites', token, body());
          latencies.push(performance.now() - t);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.status !== 201 && (statuses[r.status] ?? 0) <= 3) failures.push(`POST (port ${port}) → ${r.status} ${r.text?.slice(0, 200)}`);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    seconds: round(elapsed, 2),
    requests: latencies.length,
    latencyP50Ms: round(percentile(latencies, 50)),
    latencyP99Ms: round(percentile(latencies, 99)),
    latencyMaxMs: round(latencies[latencies.length - 1] ?? NaN),
    statuses,
    errors,
  };
}

export async function activites(opts: BenchOptions): Promise<BenchResult> {
  const failures: string[] = [];
  const admin0 = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/postgres');
  if (!admin0.username) admin0.username = process.env.PGUSER || userInfo().username; // the pg client wants a user name
  const adminUrl = admin0.toString();
  const dbName = `cn_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const dataDir = makeTempDir('activites');
  let server: { child: ChildProcess; port: number } | undefined;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  const rows: Cell[][] = [];
  const data: Record<string, unknown> = {};
  try {
    process.stderr.write(`  base ${dbName} créée ; démarrage du serveur (migrations)… `);
    server = await startPgServer(url.toString(), dataDir);
    process.stderr.write(`prêt (port ${server.port})\n`);
    const { port, child } = server;
    const database = wrapPool(pool);
    const db = database.db;

    // Seed: one structure, 100 conseillers with a token each.
    const v = validateStructure({ siret: withLuhnKey('9990000099990'), nom: 'Structure de mesure', type: 'commune', adresse: '1 place de la Mairie', codePostal: '57000', communeInsee: '57463', contactEmail: '', contactTelephone: '' });
    if (!v.ok) throw new Error('structure de mesure invalide');
    const s = await createStructure(db, SYSTEM_ACTOR, v.value);
    const tokens: string[] = [];
    const userIds: string[] = [];
    for (let i = 0; i < CONSEILLERS; i++) {
      const u = await createUser(db, SYSTEM_ACTOR, { email: `conseiller${i}@bench.test`, firstName: 'Conseiller', lastName: String(i), roles: [{ role: 'conseiller', departement: null, structureId: s.id }] });
      userIds.push(u.id);
      tokens.push((await createApiToken(db, SYSTEM_ACTOR, u.id, 'bench')).token);
    }
    process.stderr.write(`  ${CONSEILLERS} conseillers et jetons créés\n`);

    // a) POST load: 100 connections, one token each.
    const today = parisDate(new Date());
    const body = () =>
      JSON.stringify({
        id: randomUUID(), type: 'individuel', date: today, duree_minutes: 45, lieu: { type: 'domicile', commune_insee: '57463' },
        thematiques: ['email', 'aide_aux_demarches_administratives'], thematiques_demarches: ['logement'], nom_demarche: "Demande d'APL",
        materiel: ['ordinateur'], autonomie: 'partiellement_autonome', orientation: 'aide_sociale', notes: 'mesure',
      });
    // warm-up
    const warm = new http.Agent({ keepAlive: true, maxSockets: CONSEILLERS });
    await Promise.all(tokens.slice(0, 10).map((tk) => request(warm, port, 'POST', '/api/v1/activites', tk, body())));
    warm.destroy();
    const before = (await database.query<{ n: number }>('select count(*)::int as n from activites'))[0]!.n;
    process.stderr.write(`  POST /api/v1/activites : ${opts.duration} s, ${CONSEILLERS} conseillers en parallèle… `);
    const load = await charger(port, tokens, body, opts.duration, failures);
    const after = (await database.query<{ n: number }>('select count(*)::int as n from activites'))[0]!.n;
    const inserted = after - before;
    const post = { connections: CONSEILLERS, ...load, insertedRows: inserted, insertsPerSecond: round(inserted / load.seconds) };
    process.stderr.write(`${post.insertsPerSecond} insertions/s, p99 ${post.latencyP99Ms} ms\n`);
    data.post = post;
    if (load.errors) failures.push(`${load.errors} erreurs réseau pendant la charge`);
    if (inserted !== (load.statuses['201'] ?? 0)) failures.push(`${inserted} lignes insérées pour ${load.statuses['201'] ?? 0} réponses 201`);
    rows.push([`POST /api/v1/activites (${CONSEILLERS} conseillers)`, post.insertsPerSecond, post.latencyP50Ms, post.latencyP99Ms, post.latencyMaxMs, '—', '—']);

    // The bare baseline, loaded the same way: Fastify + pg, one INSERT of the same JSON per request.
    process.stderr.write(`  serveur nu (Fastify + pg, un INSERT) : ${opts.duration} s, ${CONSEILLERS} connexions… `);
    const bare = await startBare('insert', url.toString());
    try {
      const warmBare = new http.Agent({ keepAlive: true, maxSockets: CONSEILLERS });
      await Promise.all(tokens.slice(0, 10).map((tk) => request(warmBare, bare.port, 'POST', '/api/v1/activites', tk, body())));
      warmBare.destroy();
      const n0 = (await database.query<{ n: number }>('select count(*)::int as n from bare_activites'))[0]!.n;
      const b = await charger(bare.port, tokens, body, opts.duration, failures);
      const n1 = (await database.query<{ n: number }>('select count(*)::int as n from bare_activites'))[0]!.n;
      const nu = { ...b, insertedRows: n1 - n0, insertsPerSecond: round((n1 - n0) / b.seconds) };
      process.stderr.write(`${nu.insertsPerSecond} insertions/s, p99 ${nu.latencyP99Ms} ms\n`);
      const ratio = round(post.insertsPerSecond / nu.insertsPerSecond, 2);
      data.bare = nu;
      const ratioP99 = round(post.latencyP99Ms / nu.latencyP99Ms, 2);
      data.ratio = { debit: ratio, p99: ratioP99 };
      rows.push([`  serveur nu : Fastify + pg, un INSERT du même JSON`, nu.insertsPerSecond, nu.latencyP50Ms, nu.latencyP99Ms, nu.latencyMaxMs, '—', '—']);
      rows.push([`  ratio plateforme ÷ nu (débit ; objectif ≥ 0,5 et p99 < 150 ms)`, ratio, '—', `${ratioP99} ×`, '—', '—', '—']);
    } finally {
      await bare.stop();
    }

    // The same database work without the platform (the token's user, then the row and its audit entry
    // in the platform's tables and indexes): what the database alone costs on this machine.
    process.stderr.write(`  serveur nu, mêmes requêtes que la plateforme : ${opts.duration} s, ${CONSEILLERS} connexions… `);
    const same = await startBare('memes-requetes', url.toString());
    try {
      const n0 = (await database.query<{ n: number }>('select count(*)::int as n from activites'))[0]!.n;
      const b = await charger(same.port, tokens, body, opts.duration, failures);
      const n1 = (await database.query<{ n: number }>('select count(*)::int as n from activites'))[0]!.n;
      const memes = { ...b, insertedRows: n1 - n0, insertsPerSecond: round((n1 - n0) / b.seconds) };
      process.stderr.write(`${memes.insertsPerSecond} insertions/s, p99 ${memes.latencyP99Ms} ms\n`);
      data.bareMemesRequetes = memes;
      const nu = data.bare as { insertsPerSecond: number; latencyP99Ms: number };
      data.ratioMemesRequetes = { debit: round(post.insertsPerSecond / memes.insertsPerSecond, 2), p99: round(post.latencyP99Ms / memes.latencyP99Ms, 2) };
      rows.push([`  serveur nu, mêmes requêtes (jeton, activité + journal)`, memes.insertsPerSecond, memes.latencyP50Ms, memes.latencyP99Ms, memes.latencyMaxMs, '—', '—']);
      rows.push([`  ratio plateforme ÷ mêmes requêtes ; mêmes requêtes ÷ nu`, `${round(post.insertsPerSecond / memes.insertsPerSecond, 2)} ; ${round(memes.insertsPerSecond / nu.insertsPerSecond, 2)}`, '—', `${round(post.latencyP99Ms / memes.latencyP99Ms, 2)} ×`, '—', '—', '—']);
    } finally {
      await same.stop();
    }

    // b) 100,000 activities of one conseiller, then the exports (BENCH_ACTIVITES_EXPORTS=0 skips them, to profile the writes).
    if (process.env.BENCH_ACTIVITES_EXPORTS !== '0') {
      const owner = userIds[0]!;
      process.stderr.write(`  insertion de ${EXPORT_ROWS} activités pour un conseiller… `);
      await database.query(
        `insert into activites (id, conseiller_id, structure_id, departement, type, date, duree_minutes, tranche_duree, lieu_type, commune_insee,
           thematiques, thematiques_demarches, nom_demarche, materiel, autonomie, orientation, titre_atelier, niveau_atelier, accompagnements, participants, notes)
         select gen_random_uuid(), $1, $2, '57', case when g % 3 = 0 then 'collectif' when g % 3 = 1 then 'individuel' else 'ponctuel' end,
           current_date - (g % 1000), 15 + (g % 8) * 15, '30_60', 'domicile', '57463',
           array['email', 'aide_aux_demarches_administratives'], array['logement'], 'Demande d''APL', array['ordinateur'], null, 'aide_sociale',
           case when g % 3 = 0 then 'Atelier numéro ' || g end, null, case when g % 3 = 0 then 8 else 1 end,
           '{"total": 8, "deja_accompagnes": 2, "genres": {"feminin": 5, "masculin": 3, "non_communique": 0}, "tranches_age": {"soixante_soixante_neuf": 6, "non_communique": 2}, "statuts": {"retraite": 6, "non_communique": 2}}'::jsonb,
           'Notes de la séance ' || g
         from generate_series(1, $3) g`,
        [owner, s.id, EXPORT_ROWS],
      );
      await database.query('analyze activites');
      process.stderr.write('faites\n');
      const exportAgent = new http.Agent({ keepAlive: false });
      // Warm-up: a small export of each format (lazy reference data, code paths), so that the RSS
      // measured next is what 100,000 rows add, not what the first export of any size loads.
      for (const format of ['csv', 'xlsx']) await request(exportAgent, port, 'GET', `/activites/export.${format}?du=${today}`, tokens[0]!);
      // ≈ 20,000 rows (the last 200 days) then all 100,000: constant memory means the same peak for both.
      const since = new Date(Date.now() - 199 * 86400_000).toISOString().slice(0, 10);
      const runs = (['csv', 'xlsx'] as const).flatMap((format) => [
        { format, q: `?du=${since}`, label: `${format.toUpperCase()} ≈ 20 000` },
        { format, q: '', label: `${format.toUpperCase()} ${EXPORT_ROWS}` },
      ]);
      for (const { format, q, label } of runs) {
        const rssBefore = rssKb(child.pid!, 'VmRSS');
        let peak = rssBefore;
        const sampler = setInterval(() => {
          try {
            peak = Math.max(peak, rssKb(child.pid!, 'VmRSS'));
          } catch {
            /* process gone */
          }
        }, 10);
        process.stderr.write(`  export ${label} activités… `);
        const t1 = performance.now();
        const r = await request(exportAgent, port, 'GET', `/activites/export.${format}${q}`, tokens[0]!);
        const ms = performance.now() - t1;
        clearInterval(sampler);
        peak = Math.max(peak, rssKb(child.pid!, 'VmRSS'));
        const figures = { status: r.status, seconds: round(ms / 1000, 2), megabytes: round(r.bytes / 1024 / 1024, 1), rssBeforeMb: round(rssBefore / 1024), peakRssMb: round(peak / 1024), peakOverBeforeMb: round((peak - rssBefore) / 1024), hwmMb: round(rssKb(child.pid!, 'VmHWM') / 1024) };
        process.stderr.write(`${figures.seconds} s, ${figures.megabytes} Mo, RSS max ${figures.peakRssMb} Mo (+${figures.peakOverBeforeMb})\n`);
        data[`export ${label}`] = figures;
        if (r.status !== 200) failures.push(`export ${format} → ${r.status}`);
        rows.push([`export ${label} activités (${figures.megabytes} Mo)`, '—', '—', '—', round(ms), figures.peakRssMb, figures.peakOverBeforeMb]);
      }
      // CSV row count check (one line per activity + 5 header lines)
      const check = await new Promise<number>((resolve, reject) => {
        let lines = 0;
        http.get({ host: '127.0.0.1', port, path: '/activites/export.csv', headers: { authorization: `Bearer ${tokens[0]}` } }, (res) => {
          res.on('data', (c: Buffer) => {
            for (let i = 0; i < c.length; i++) if (c[i] === 10) lines++;
          });
          res.on('end', () => resolve(lines));
        }).on('error', reject);
      });
      // Exactly the owner's activities: the 100,000 above plus what the loads (the platform's and the
      // bare same-queries server's, both signed in as these conseillers) inserted for them.
      const owned = (await database.query<{ n: number }>('select count(*)::int as n from activites where conseiller_id = $1 and deleted_at is null', [owner]))[0]!.n;
      const expectedLines = owned + 5;
      data.csvLines = check;
      if (check !== expectedLines) failures.push(`CSV : ${check} lignes (${expectedLines} attendues : ${owned} activités + 5 lignes d’en-tête)`);
    }
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((r) => (server!.child.exitCode !== null ? r(null) : server!.child.once('exit', r)));
    }
    await pool.end();
    await admin.query(`drop database if exists ${dbName}`);
    await admin.end();
    removeTempDir(dataDir);
  }
  return {
    table: { columns: ['mesure', 'insertions/s', 'p50 ms', 'p99 ms', 'max / durée ms', 'RSS max Mo', 'RSS +Mo'], rows },
    data,
    failures,
  };
}
