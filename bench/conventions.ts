/**
 * conventions — Banque des Territoires' national table of agreements and its exports, on PostgreSQL,
 * at national scale: 5,000 agreements (one per structure) in the 101 départements, 15,000 posts (1 to 5
 * each, 3 on average), 60,000 payments (12 each), figures (paid, justified, to repay, alerts) filled as
 * the nightly computation leaves them. The server is the real one (`node dist/main.js`, DATABASE_URL on a
 * dedicated database, DEMO=1 so that the demo accounts exist); the bench signs in as banque@demo.test with
 * the demo password, as a person would (GET /connexion, POST /connexion, session cookie). Measured:
 *  - GET /conventions?par=region (the national table), ?par=departement, ?par=structure (page 1, the last
 *    page, and departement=57&alerte=oui): p50 / p95 / p99 over 400 requests, 8 at a time (HTML, through
 *    Fastify, the session, the access policy and Preact rendering);
 *  - GET /conventions/export.csv and export.xlsx (every agreement): time to the last byte (median of
 *    --runs), bytes, and the server's RSS: before, peak (VmHWM after resetting it through
 *    /proc/PID/clear_refs, and sampled every 10 ms from VmRSS as bench/activites.ts does), and peak over before.
 * Baselines, in the same run: the same SQL (the aggregate by région / département and the total, resp. the
 * page of agreements and the total) run bare through a pg Pool, same count and concurrency; for the
 * exports, one plain `select` of the same rows (agreements joined to their regime) through pg, made into a
 * CSV string in memory. The ratios are the figures; absolute numbers are context (shared machine).
 * Checks: every answer 200; the CSV has one line per agreement plus its header, and so has the XLSX's
 * sheet; no agreement's figures were recomputed during the run (the nightly job ran on the empty base).
 *
 * Database: a dedicated one, created and dropped here, on the server of BENCH_DATABASE_URL (default
 * postgres://127.0.0.1:5432/postgres). BENCH_CONVENTIONS sets the number of agreements (default 5,000),
 * BENCH_REQUESTS the requests per page (default 400). lib's startServer is not used: it runs the embedded
 * database (it removes DATABASE_URL), and this bench is about PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inflateRawSync } from 'node:zlib';
import pg from 'pg';
import { benchDatabase, freePort, makeTempDir, max, measureRequests, median, percentile, removeTempDir, ROOT, round, type BenchOptions, type BenchResult, type Cell } from './lib.js';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import { communesOfDepartement, departements } from '../src/territoires/territoires.js';
import { withLuhnKey } from '../src/structures/siret.js';

const N = Number(process.env.BENCH_CONVENTIONS ?? 5_000);
const VERSEMENTS_PAR_CONVENTION = 12;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = 8;
const PAGE = 50;
const BANQUE = 'banque@demo.test';
const REGIME = 'Première enveloppe (France Relance)';

// ---------------------------------------------------------------------------------------------
// The server, on PostgreSQL

interface PgServer {
  child: ChildProcess;
  port: number;
  stop(): Promise<number | null>;
}

async function startPgServer(databaseUrl: string, dataDir: string): Promise<PgServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DEMO: '1',
    SESSION_SECRET: 'bench-conventions-secret-suffisamment-long',
  };
  for (const k of ['TEST_DATABASE_URL', 'PUBLIC_URL', 'SMTP_URL', 'TRUST_PROXY', 'PROCONNECT_ISSUER', 'PROCONNECT_CLIENT_ID', 'PROCONNECT_CLIENT_SECRET', 'PROCONNECT_SCOPE']) delete env[k];
  const args = [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), join(ROOT, 'dist', 'main.js')];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer) => (out = (out + c.toString('utf8')).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(kill, 15_000);
    const code = await exited;
    clearTimeout(timer);
    process.removeListener('exit', kill);
    return code;
  };
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`le serveur s'est arrêté (code ${child.exitCode}) :\n${out}`);
    if (Date.now() - t0 > 120_000) {
      kill();
      throw new Error(`serveur pas prêt en 120 s :\n${out}`);
    }
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await r.arrayBuffer();
      if (r.status === 200) return { child, port, stop };
    } catch {
      /* not listening yet */
    }
    await sleep(50);
  }
}

/** Waits until no job is due or running (the demo's and the schedules' first occurrences, run at start-up). */
async function jobsIdle(pool: pg.Pool, timeoutMs = 120_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const r = await pool.query<{ n: number; quotidien: number }>(
      `select count(*) filter (where status = 'en_cours' or (status = 'en_attente' and run_at <= now()))::int n,
              count(*) filter (where kind = 'conventions.quotidien' and status = 'termine')::int quotidien
       from jobs`,
    );
    if (r.rows[0]!.n === 0 && r.rows[0]!.quotidien > 0) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`tâches de fond encore en cours après ${timeoutMs / 1000} s : ${JSON.stringify(r.rows[0])}`);
    await sleep(200);
  }
}

/** Signs in with the password form, as a browser does: the session cookie(s) to send afterwards. */
export async function login(base: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';', 1)[0]!;
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || /max-age=0\b/i.test(c) || /expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${base}/connexion`, { headers: { accept: 'text/html' } });
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('pas de jeton CSRF dans /connexion');
  const res = await fetch(`${base}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  });
  keep(res);
  const body = await res.text();
  if (res.status !== 303) throw new Error(`connexion de ${email} refusée : ${res.status} ${body.slice(0, 300)}`);
  return header();
}

// ---------------------------------------------------------------------------------------------
// Data

/** 5,000 agreements over the départements (round robin), names of real communes of each. */
async function seed(pool: pg.Pool, n: number): Promise<{ regimeId: string }> {
  const regime = await pool.query<{ id: string }>(`select id from conventions_regimes where nom = $1`, [REGIME]);
  if (!regime.rows[0]) throw new Error(`régime « ${REGIME} » absent (migration 0014)`);
  const regimeId = regime.rows[0].id;
  const deps = departements();
  const types = ['Commune de', 'CCAS de', 'Médiathèque de', 'Association numérique de', 'Communauté de communes de', 'Centre social de'];
  const dep: string[] = [];
  const reg: string[] = [];
  const nom: string[] = [];
  const siret: string[] = [];
  for (let g = 0; g < n; g++) {
    const d = deps[g % deps.length]!;
    const communes = communesOfDepartement(d.code);
    const k = Math.floor(g / deps.length);
    const commune = communes.length ? communes[(k * 7919) % communes.length]!.nom : d.nom;
    dep.push(d.code);
    reg.push(d.region);
    nom.push(`${types[(g * 7) % types.length]} ${commune}${k >= communes.length ? ` (${k})` : ''}`);
    siret.push(withLuhnKey('888' + String(g + 1).padStart(10, '0')));
  }
  // statut, état: mostly validated first agreements, some in progress, renewals, a few not interested.
  const parcours = [
    ['CONVENTIONNEMENT_VALIDE', 'accepte'],
    ['CONVENTIONNEMENT_VALIDE', 'accepte'],
    ['CONVENTIONNEMENT_VALIDE', 'accepte'],
    ['CONVENTIONNEMENT_VALIDE', 'accepte'],
    ['CONVENTIONNEMENT_VALIDE', 'accepte'],
    ['CONVENTIONNEMENT_EN_COURS', 'en_construction'],
    ['CONVENTIONNEMENT_EN_COURS', 'en_instruction'],
    ['RECONVENTIONNEMENT_INITIE', 'en_instruction'],
    ['RECONVENTIONNEMENT_VALIDE', 'accepte'],
    ['NON_INTERESSE', 'accepte'],
  ];
  const arr = (i: number) => `(array[${parcours.map((p) => `'${p[i]}'`).join(',')}])[1 + (x.g / ${deps.length}) % ${parcours.length}]`;
  // 1 to 5 posts (3 on average), 50,000 € each over 24 months, +7,500 € in priority territories.
  await pool.query(
    `insert into conventions_conventions (structure_id, nom, siret, departement, region, regime_id, coselec_numero, statut, etat, prioritaire,
       date_debut, date_fin, postes, montant_centimes, calcule_au, valide_le, valide_par, created_at, updated_at)
     select gen_random_uuid(), x.nom, x.siret, x.dep, x.reg, $5::uuid, 1 + x.g % 12, s.statut, s.etat, x.g % 7 = 0,
       d.debut, (d.debut + interval '24 months' - interval '1 day')::date, 1 + x.g % 5,
       (1 + x.g % 5) * (5000000 + case when x.g % 7 = 0 then 750000 else 0 end), current_date,
       case when s.etat = 'accepte' then d.debut - 15 end, case when s.etat = 'accepte' then 'Banque des Territoires' end,
       d.debut - 60, now()
     from unnest($1::text[], $2::text[], $3::text[], $4::text[]) with ordinality as x(dep, reg, nom, siret, g)
     cross join lateral (select ${arr(0)} statut, ${arr(1)} etat) s
     cross join lateral (select ('2021-01-01'::date + ((x.g * 37) % 1800)::int) debut) d`,
    [dep, reg, nom, siret, regimeId],
  );
  // Each post: occupied (with a holder), vacant, or returned; what it justifies = months occupied × monthly amount.
  await pool.query(
    `insert into conventions_postes (convention_id, structure_id, numero, regime_id, debut, rendu_le, etat, depuis, titulaire, historique, justifie_centimes)
     select c.id, c.structure_id, k, c.regime_id, c.date_debut, e.rendu, e.etat, e.depuis,
       case when e.etat = 'occupe' then 'Conseiller ' || c.numero || '-' || k end,
       jsonb_build_array(
         jsonb_build_object('etat', 'vacant', 'du', c.date_debut, 'au', c.date_debut + 30),
         jsonb_build_object('etat', e.etat, 'du', c.date_debut + 31, 'au', null) || case when e.etat = 'occupe' then jsonb_build_object('nom', 'Conseiller ' || c.numero || '-' || k) else '{}'::jsonb end),
       round((5000000 + case when c.prioritaire then 750000 else 0 end) / 24.0 * e.mois * e.part)::bigint
     from conventions_conventions c
     cross join generate_series(1, c.postes) k
     cross join lateral (
       select case when (c.numero + k) % 11 = 0 then least(c.date_debut + 300, c.date_fin) end rendu,
              case when (c.numero + k) % 11 = 0 then 'rendu' when (c.numero * 3 + k) % 4 = 0 then 'vacant' else 'occupe' end etat,
              case when (c.numero + k) % 11 = 0 then least(c.date_debut + 300, c.date_fin) else c.date_debut + 31 end depuis,
              greatest(0, least(24, (current_date - c.date_debut) / 30.4)) mois,
              case when (c.numero + k) % 11 = 0 then 0.3 when (c.numero * 3 + k) % 4 = 0 then 0.4 else 0.9 end part
     ) e
     where not c.demo and c.regime_id = $1`,
    [regimeId],
  );
  // 12 monthly payments from the start: 25 %, then 5 % each (80 % in all, within the committed amount).
  await pool.query(
    `insert into conventions_versements (convention_id, date, montant_centimes, reference, par, created_at)
     select c.id, (c.date_debut + (k - 1) * interval '1 month')::date,
       round(c.montant_centimes * case when k = 1 then 0.25 else 0.05 end)::bigint,
       'VIR-' || lpad(c.numero::text, 5, '0') || '-' || lpad(k::text, 2, '0'), 'Banque des Territoires', now()
     from conventions_conventions c cross join generate_series(1, $2::int) k
     where not c.demo and c.regime_id = $1`,
    [regimeId, VERSEMENTS_PAR_CONVENTION],
  );
  // The figures as the computation stores them: paid and justified are sums; to repay once ended; alerts.
  await pool.query(
    `update conventions_conventions c set
       verse_centimes = v.verse,
       justifie_centimes = least(p.justifie, c.montant_centimes),
       a_reverser_centimes = case when c.date_fin < current_date then greatest(v.verse - least(p.justifie, c.montant_centimes), 0) else 0 end,
       alertes = (select coalesce(jsonb_agg(a), '[]'::jsonb) from unnest(array[
         case when p.vacants > 0 and c.numero % 2 = 0 and c.date_fin >= current_date then 'poste_vacant' end,
         case when c.date_fin between current_date and current_date + 90 and c.statut <> 'NON_INTERESSE' then 'fin_sans_renouvellement' end,
         case when c.numero % 37 = 0 then 'contrat_sans_poste' end]) a where a is not null)
     from (select convention_id, sum(montant_centimes) verse from conventions_versements group by 1) v,
          (select convention_id, sum(justifie_centimes) justifie, count(*) filter (where etat = 'vacant') vacants from conventions_postes group by 1) p
     where v.convention_id = c.id and p.convention_id = c.id and not c.demo`,
  );
  return { regimeId };
}

/** A fingerprint of the stored figures: it must not move while the bench measures. */
async function empreinte(pool: pg.Pool): Promise<string> {
  const r = await pool.query<{ e: string }>(
    `select md5(string_agg(numero || ':' || verse_centimes || ':' || justifie_centimes || ':' || a_reverser_centimes || ':' || alertes::text || ':' || etat || ':' || updated_at, ',' order by numero)) e
     from conventions_conventions`,
  );
  return r.rows[0]!.e;
}

// ---------------------------------------------------------------------------------------------
// Baselines: the same SQL, bare

const AGREGATS = `count(*)::int conventions, coalesce(sum(postes), 0)::int postes, coalesce(sum(montant_centimes), 0)::bigint montant,
  coalesce(sum(verse_centimes), 0)::bigint verse, coalesce(sum(justifie_centimes), 0)::bigint justifie, coalesce(sum(a_reverser_centimes), 0)::bigint a_reverser,
  count(*) filter (where jsonb_array_length(alertes) > 0)::int alertes`;

function bareTable(pool: pg.Pool, par: 'region' | 'departement', where = 'true'): () => Promise<unknown> {
  return () =>
    Promise.all([
      pool.query(`select ${par} code, ${AGREGATS} from conventions_conventions where ${where} group by ${par}`),
      pool.query(`select ${AGREGATS} from conventions_conventions where ${where}`),
    ]);
}

function bareListe(pool: pg.Pool, offset: number, where = 'true'): () => Promise<unknown> {
  return () =>
    Promise.all([
      pool.query(
        `select c.*, r.nom regime from conventions_conventions c join conventions_regimes r on r.id = c.regime_id
         where ${where} order by c.departement, c.nom, c.numero limit ${PAGE} offset ${offset}`,
      ),
      pool.query(`select ${AGREGATS} from conventions_conventions c where ${where}`),
    ]);
}

interface Figures {
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
}

/** `requests` runs of `run`, `concurrency` at a time, after 20 warm-up runs (as measureRequests does over HTTP). */
async function measureBare(run: () => Promise<unknown>, opts: { requests: number; concurrency: number }): Promise<Figures> {
  for (let i = 0; i < 20; i++) await run();
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < opts.requests) {
        next++;
        const s = performance.now();
        await run();
        lat.push(performance.now() - s);
      }
    }),
  );
  const ms = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return { p50: round(percentile(lat, 50)), p95: round(percentile(lat, 95)), p99: round(percentile(lat, 99)), perSecond: round(opts.requests / (ms / 1000), 0) };
}

/** The export's rows, bare: one select through pg, made into a CSV string (no paging, no labels but the regime's). */
async function bareCsv(pool: pg.Pool): Promise<{ ms: number; bytes: number; rows: number }> {
  const t0 = performance.now();
  const r = await pool.query<Record<string, string | number>>(
    `select c.numero, c.nom, c.siret, c.departement, c.region, r.nom regime, c.statut, c.etat, c.date_debut::text debut, c.date_fin::text fin, c.postes,
       c.montant_centimes, c.verse_centimes, c.justifie_centimes, c.a_reverser_centimes, c.calcule_au::text calcule_au, c.alertes::text alertes
     from conventions_conventions c join conventions_regimes r on r.id = c.regime_id order by c.numero`,
  );
  const cents = (v: string | number) => Number(v) / 100;
  let csv = 'numero;nom;siret;departement;region;regime;statut;etat;debut;fin;postes;montant;verse;justifie;a_reverser;calcule_au;alertes\r\n';
  for (const x of r.rows) {
    csv += [x.numero, x.nom, x.siret, x.departement, x.region, x.regime, x.statut, x.etat, x.debut, x.fin, x.postes, cents(x.montant_centimes!), cents(x.verse_centimes!), cents(x.justifie_centimes!), cents(x.a_reverser_centimes!), x.calcule_au, x.alertes].join(';') + '\r\n';
  }
  const ms = performance.now() - t0;
  return { ms, bytes: Buffer.byteLength(csv), rows: r.rows.length };
}

// ---------------------------------------------------------------------------------------------
// Exports: download, memory, checks

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Resets the peak RSS (VmHWM) of a process of ours (Linux ≥ 4.0); false when not allowed. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** GET over a fresh connection; bytes as received (compressed when asked). */
function download(port: number, path: string, cookie: string, keepBody = false, extra: Record<string, string> = {}): Promise<{ status: number; bytes: number; type: string; encoding: string; body?: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false, headers: { cookie, ...extra } }, (res) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (keepBody) chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, type: String(res.headers['content-type'] ?? ''), encoding: String(res.headers['content-encoding'] ?? ''), ...(keepBody ? { body: Buffer.concat(chunks) } : {}) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** The rows of the first worksheet of an XLSX (read through the zip's central directory). */
function xlsxRows(zip: Buffer): number {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('XLSX : fin du répertoire zip introuvable');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let k = 0; k < count; k++) {
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extra = zip.readUInt16LE(p + 30);
    const comment = zip.readUInt16LE(p + 32);
    const offset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    if (/^xl\/worksheets\/sheet\d*\.xml$/.test(name)) {
      const start = offset + 30 + zip.readUInt16LE(offset + 26) + zip.readUInt16LE(offset + 28);
      const raw = zip.subarray(start, start + compressed);
      const xml = (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
      return (xml.match(/<row /g) ?? []).length;
    }
    p += 46 + nameLength + extra + comment;
  }
  throw new Error('XLSX : pas de feuille de calcul');
}

// ---------------------------------------------------------------------------------------------

export async function conventions(opts: BenchOptions): Promise<BenchResult> {
  const failures: string[] = [];
  const rows: Cell[][] = [];
  const data: Record<string, unknown> = { conventions: N, requests: REQUESTS, concurrency: CONCURRENCY, exportRuns: opts.runs };
  const benchDb = await benchDatabase('conventions');
  const dataDir = makeTempDir('conventions');
  const pool = new pg.Pool({ connectionString: benchDb.url, max: 4 });
  const barePool = new pg.Pool({ connectionString: benchDb.url, max: 10 });
  let server: PgServer | undefined;
  const row = (label: string, c: Partial<Record<'p50' | 'p95' | 'p99' | 'perSecond' | 'ms' | 'ko' | 'rss' | 'rssPlus', number | string>>) =>
    rows.push([label, ...(['p50', 'p95', 'p99', 'perSecond', 'ms', 'ko', 'rss', 'rssPlus'] as const).map((k) => c[k] ?? '—')]);
  try {
    process.stderr.write(`  base ${benchDb.name} ; démarrage du serveur (migrations, démo)… `);
    server = await startPgServer(benchDb.url, dataDir);
    await jobsIdle(pool);
    process.stderr.write(`prêt (port ${server.port})\n`);
    const base = `http://127.0.0.1:${server.port}`;
    const pid = server.child.pid!;
    const rss: Record<string, number> = { pret: round(statusKb(pid, 'VmRSS') / 1024) };

    process.stderr.write(`  ${N} conventions, ${N * 3} postes, ${N * VERSEMENTS_PAR_CONVENTION} versements… `);
    const t = performance.now();
    await seed(pool, N);
    await pool.query('analyze conventions_conventions; analyze conventions_postes; analyze conventions_versements');
    const counts = (
      await pool.query<{ c: number; p: number; v: number; demo: number; alertes: number; d57: number }>(
        `select (select count(*) from conventions_conventions where not demo)::int c, (select count(*) from conventions_postes)::int p,
           (select count(*) from conventions_versements)::int v, (select count(*) from conventions_conventions where demo)::int demo,
           (select count(*) from conventions_conventions where jsonb_array_length(alertes) > 0)::int alertes,
           (select count(*) from conventions_conventions where departement = '57' and jsonb_array_length(alertes) > 0)::int d57`,
      )
    ).rows[0]!;
    data.seed = { ...counts, seconds: round((performance.now() - t) / 1000, 1) };
    process.stderr.write(`ok (${round((performance.now() - t) / 1000, 1)} s : ${counts.c} conventions + ${counts.demo} de démo, ${counts.p} postes, ${counts.v} versements, ${counts.alertes} en alerte)\n`);
    const total = counts.c + counts.demo;
    const before = await empreinte(pool);

    const cookie = await login(base, BANQUE, DEMO_PASSWORD);
    const headers = { cookie, accept: 'text/html' };

    // (1) The table.
    const lastPage = Math.max(1, Math.ceil(total / PAGE));
    const pages: { label: string; path: string; bare: () => Promise<unknown> }[] = [
      { label: 'tableau national par région', path: '/conventions?par=region', bare: bareTable(barePool, 'region') },
      { label: 'par département', path: '/conventions?par=departement', bare: bareTable(barePool, 'departement') },
      { label: 'par structure, page 1', path: '/conventions?par=structure', bare: bareListe(barePool, 0) },
      { label: `par structure, page ${lastPage}`, path: `/conventions?par=structure&page=${lastPage}`, bare: bareListe(barePool, (lastPage - 1) * PAGE) },
      {
        label: 'par structure, Moselle en alerte',
        path: '/conventions?par=structure&departement=57&alerte=oui',
        bare: bareListe(barePool, 0, `c.departement = '57' and jsonb_array_length(c.alertes) > 0`),
      },
    ];
    const tables: Record<string, unknown> = {};
    for (const p of pages) {
      process.stderr.write(`  ${p.label} (${p.path})… `);
      const f = await measureRequests(base + p.path, headers, { requests: REQUESTS, concurrency: CONCURRENCY });
      const b = await measureBare(p.bare, { requests: REQUESTS, concurrency: CONCURRENCY });
      if (Object.keys(f.statuses).some((s) => s !== '200')) failures.push(`GET ${p.path} → ${JSON.stringify(f.statuses)}`);
      tables[p.path] = { platform: f, bare: b };
      row(`${p.label} — plateforme (HTML)`, { p50: f.p50, p95: f.p95, p99: f.p99, perSecond: f.perSecond, ko: round(f.bytes / 1024, 0) });
      row(`${p.label} — SQL nu (pg)`, { p50: b.p50, p95: b.p95, p99: b.p99, perSecond: b.perSecond });
      row('  ratio nue / plateforme', { p50: round(b.p50 / f.p50, 2), p95: round(b.p95 / f.p95, 2) });
      process.stderr.write(`p95 ${f.p95} ms (nue ${b.p95} ms)\n`);
    }
    data.tableau = tables;
    rss.apresLesPages = round(statusKb(pid, 'VmRSS') / 1024);
    // The page shows the right count (the national total), and the filtered page its agreements.
    const html = await (await fetch(`${base}/conventions?par=structure&departement=57&alerte=oui`, { headers })).text();
    const liens = new Set(html.match(/href="\/conventions\/[0-9a-f-]{36}"/g) ?? []).size;
    data.moselleEnAlerte = { attendues: Math.min(PAGE, counts.d57), liens };
    if (liens < Math.min(PAGE, counts.d57)) failures.push(`page Moselle en alerte : ${liens} liens vers des conventions (${Math.min(PAGE, counts.d57)} attendus)`);

    // (2) The exports: warm-up of each format first (lazy code paths), then --runs of each, memory sampled.
    for (const format of ['csv', 'xlsx']) await download(server.port, `/conventions/export.${format}?departement=57`, cookie);
    const exportsData: Record<string, unknown> = {};
    const bare = [] as Awaited<ReturnType<typeof bareCsv>>[];
    for (let i = 0; i < opts.runs; i++) bare.push(await bareCsv(barePool));
    const bareMs = median(bare.map((b) => b.ms));
    exportsData.bare = { runs: bare.map((b) => round(b.ms)), medianMs: round(bareMs), bytes: bare[0]!.bytes, rows: bare[0]!.rows };
    for (const format of ['csv', 'xlsx'] as const) {
      const runs: { ms: number; bytes: number; rssBeforeMb: number; peakSampledMb: number; peakHwmMb: number | null }[] = [];
      process.stderr.write(`  export ${format.toUpperCase()} de ${total} conventions… `);
      for (let i = 0; i < opts.runs; i++) {
        const rssBefore = statusKb(pid, 'VmRSS');
        const hwm = resetPeak(pid);
        let peak = rssBefore;
        const sampler = setInterval(() => {
          try {
            peak = Math.max(peak, statusKb(pid, 'VmRSS'));
          } catch {
            /* process gone */
          }
        }, 10);
        const t1 = performance.now();
        const r = await download(server.port, `/conventions/export.${format}`, cookie);
        const ms = performance.now() - t1;
        clearInterval(sampler);
        peak = Math.max(peak, statusKb(pid, 'VmRSS'));
        const peakHwm = hwm ? statusKb(pid, 'VmHWM') : null;
        if (r.status !== 200) failures.push(`export ${format} → ${r.status}`);
        runs.push({ ms: round(ms), bytes: r.bytes, rssBeforeMb: round(rssBefore / 1024), peakSampledMb: round(peak / 1024), peakHwmMb: peakHwm === null ? null : round(peakHwm / 1024) });
      }
      const ms = median(runs.map((r) => r.ms));
      const peakOf = (r: (typeof runs)[number]) => Math.max(r.peakSampledMb, r.peakHwmMb ?? 0);
      const worst = runs.reduce((a, r) => (peakOf(r) - r.rssBeforeMb > peakOf(a) - a.rssBeforeMb ? r : a));
      const figures = { runs, medianMs: round(ms), maxMs: round(max(runs.map((r) => r.ms))), bytes: runs[0]!.bytes, rssBeforeMb: worst.rssBeforeMb, peakRssMb: peakOf(worst), peakOverBeforeMb: round(peakOf(worst) - worst.rssBeforeMb), ratioBare: round(bareMs / ms, 3) };
      exportsData[format] = figures;
      row(`export ${format.toUpperCase()} (${total} conventions) — plateforme, médiane de ${opts.runs}`, { ms: figures.medianMs, ko: round(figures.bytes / 1024, 0), rss: figures.peakRssMb, rssPlus: figures.peakOverBeforeMb });
      process.stderr.write(`${figures.medianMs} ms, ${round(figures.bytes / 1024, 0)} Ko, RSS max ${figures.peakRssMb} Mo (+${figures.peakOverBeforeMb})\n`);
    }
    // As a browser downloads it: gzip on the wire (@fastify/compress), one run.
    {
      const t1 = performance.now();
      const r = await download(server.port, '/conventions/export.csv', cookie, false, { 'accept-encoding': 'gzip' });
      const ms = performance.now() - t1;
      if (r.status !== 200) failures.push(`export csv (gzip) → ${r.status}`);
      exportsData.csvGzip = { ms: round(ms), bytesOnWire: r.bytes, encoding: r.encoding };
      row(`export CSV, gzip comme un navigateur (${r.encoding || 'sans compression'}), 1 fois`, { ms: round(ms), ko: round(r.bytes / 1024, 0) });
    }
    rss.apresLesExports = round(statusKb(pid, 'VmRSS') / 1024);
    data.rssServeurMo = rss;
    row(`export — select nu + chaîne CSV (pg), médiane de ${opts.runs}`, { ms: round(bareMs), ko: round(bare[0]!.bytes / 1024, 0) });
    row('  ratio nue / plateforme CSV', { ms: (exportsData.csv as { ratioBare: number }).ratioBare });
    row('  ratio nue / plateforme XLSX', { ms: (exportsData.xlsx as { ratioBare: number }).ratioBare });
    row(`RSS du serveur : prêt ${rss.pret} Mo, après les pages ${rss.apresLesPages} Mo, après les exports ${rss.apresLesExports} Mo`, {});
    process.stderr.write(`  export nu (select + chaîne CSV) : ${round(bareMs)} ms, ${round(bare[0]!.bytes / 1024, 0)} Ko\n`);

    // Checks: one CSV line per agreement plus the header, the same count of rows in the XLSX's sheet.
    const csv = await download(server.port, '/conventions/export.csv', cookie, true);
    const csvLines = csv.body!.toString('utf8').split('\r\n').filter(Boolean).length;
    const xlsx = await download(server.port, '/conventions/export.xlsx', cookie, true);
    const sheetRows = xlsxRows(xlsx.body!);
    exportsData.checks = { csvLines, csvType: csv.type, xlsxRows: sheetRows, xlsxType: xlsx.type, expected: total + 1 };
    if (csvLines !== total + 1) failures.push(`CSV : ${csvLines} lignes (${total + 1} attendues)`);
    if (sheetRows !== total + 1) failures.push(`XLSX : ${sheetRows} lignes (${total + 1} attendues)`);
    data.exports = exportsData;

    // Nothing recomputed the figures while measuring (a job would make the pages measure something else).
    const after = await empreinte(pool);
    const jobsRun = (await pool.query<{ kind: string; n: number }>(`select kind, count(*)::int n from jobs where created_at > now() - interval '1 hour' group by kind order by kind`)).rows;
    data.jobs = jobsRun;
    if (after !== before) failures.push('les chiffres des conventions ont changé pendant la mesure (une tâche de fond les a recalculés)');

    // The plans of the table's queries, for the record.
    const plans: Record<string, string[]> = {};
    for (const [name, q] of Object.entries({
      parRegion: `select region, ${AGREGATS} from conventions_conventions group by region`,
      pageStructure: `select c.*, r.nom from conventions_conventions c join conventions_regimes r on r.id = c.regime_id order by c.departement, c.nom, c.numero limit ${PAGE}`,
      moselleEnAlerte: `select c.*, r.nom from conventions_conventions c join conventions_regimes r on r.id = c.regime_id where c.departement = '57' and jsonb_array_length(c.alertes) > 0 order by c.departement, c.nom, c.numero limit ${PAGE}`,
      exportPage: `select c.*, r.nom from conventions_conventions c join conventions_regimes r on r.id = c.regime_id where c.numero > 1000 order by c.numero limit 1000`,
    })) {
      plans[name] = (await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${q}`)).rows.map((r) => r['QUERY PLAN']);
    }
    data.plans = plans;
  } catch (e) {
    failures.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
  } finally {
    if (server) {
      const code = await server.stop();
      if (code !== 0) failures.push(`le serveur s'est arrêté avec le code ${code}`);
    }
    await barePool.end();
    await pool.end();
    await benchDb.drop();
    removeTempDir(dataDir);
  }
  return { table: { columns: ['mesure', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'durée ms', 'Ko', 'RSS max Mo', 'RSS +Mo'], rows }, data, failures };
}
