/**
 * recrutement — incremental matching at national scale, on PostgreSQL: 50,000 candidates and 5,000
 * structures in metropolitan France, placed on real commune centres (../shared/data/communes.csv when
 * present; else the département's approximate centre with a random offset of up to 30 km). Candidates
 * are drawn by population (they live where people live), structures by √population (they are spread
 * more evenly: town halls, France Services, associations). Measured:
 *  - the initial matching: apparierStructure for every structure, 100 per transaction (total seconds,
 *    pairs written), the first call (which loads the in-memory indexes) shown apart;
 *  - one new candidate (insert, then apparierCandidat timed in its transaction), p50 / p95 over 200;
 *  - one new structure (insert, then apparierStructure timed), p50 / p95 over 100;
 *  - the same, interleaved (candidate, structure, candidate…): each call then first merges the other
 *    side's new row and rebuilds its k-d tree(s), which is what a live instance does;
 *  - the structure's candidates page (GET /recrutement?structure=ID, HTML, role `structure`) for the
 *    structure with the most pairs: p50 / p95 / req/s over 400 requests, 8 at a time, through the real
 *    application (Fastify, access policy, Preact rendering).
 * Baselines, in the same run: for a new candidate / structure, the bare SQL that computes the same pairs
 * with a haversine over the whole other table (the scan that the k-d trees avoid); for the page, a bare
 * Fastify + pg server running the page's two queries and answering JSON.
 * Checks: for every measured candidate and structure (and 20 structures of the initial matching), the
 * pairs written by the platform must be exactly those of the SQL baseline (distance within 1 m).
 *
 * Database: a dedicated one, created and dropped here, on the server of BENCH_DATABASE_URL (default
 * postgres://127.0.0.1:5432/postgres). BENCH_CANDIDATS / BENCH_STRUCTURES set the sizes, BENCH_SEED the
 * random seed (the data are reproducible).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import { ROOT, round, type BenchOptions, type BenchResult, type Cell, percentile, measureRequests, benchDatabase } from './lib.js';
import { wrapPool, type Db } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { testConfig } from '../src/platform/testing.js';
import { parisCalendarDate } from '../src/platform/paris.js';
import { buildApp } from '../src/app.js';
import { SYSTEM_ACTOR } from '../src/audit/audit.js';
import { createUser } from '../src/comptes/users.js';
import { createApiToken } from '../src/comptes/tokens.js';
import { communesOfDepartement, departements, setCommuneCentres, type Commune } from '../src/territoires/territoires.js';
import { parseCentresCsv } from '../src/territoires/centres.js';
import { Appariement, apparierCandidat, apparierStructure } from '../src/recrutement/matching.js';
import { candidats, structuresRecrutement } from '../src/recrutement/schema.js';
import { DISTANCES_KM } from '../src/recrutement/regles.js';

const N_CANDIDATS = Number(process.env.BENCH_CANDIDATS ?? 50_000);
const N_STRUCTURES = Number(process.env.BENCH_STRUCTURES ?? 5_000);
const SEED = Number(process.env.BENCH_SEED ?? 20_240_601);
const BATCH = 5_000;
const TX_STRUCTURES = 100;
const NEW_CANDIDATS = 200;
const NEW_STRUCTURES = 100;
const INTERLEAVED = 50;
const CHECKED_INITIAL = 20;
const REQUESTS = 400;
const CONCURRENCY = 8;
const JITTER_KM = 30;
/** Maximum distances chosen by candidates (%): mostly 10–40 km, a few 100 and 2,000 km (anywhere). */
const DISTANCE_WEIGHTS: Record<(typeof DISTANCES_KM)[number], number> = { 5: 5, 10: 20, 15: 20, 20: 25, 40: 26.5, 100: 3, 2000: 0.5 };
const SITUATIONS = ['demandeur_emploi', 'en_emploi', 'en_formation', 'diplome', 'experience'];

// ---------------------------------------------------------------------------------------------
// Reproducible random data

/** mulberry32: a small seeded PRNG, so that two runs place the same people at the same places. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws items in proportion to their weights (binary search on the cumulated weights). */
function weighted<T>(items: readonly T[], weight: (t: T) => number, rnd: () => number): () => T {
  const cum: number[] = [];
  let total = 0;
  for (const i of items) cum.push((total += Math.max(0, weight(i))));
  return () => {
    const r = rnd() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! <= r) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

interface Place {
  insee: string;
  departement: string;
  lat: number;
  lng: number;
}

interface World {
  /** Where the commune centres come from. */
  centres: string;
  communes: number;
  candidatPlace: () => Place;
  structurePlace: () => Place;
  distance: () => number;
  rnd: () => number;
}

function world(): World {
  const rnd = prng(SEED);
  const file = join(ROOT, '..', 'shared', 'data', 'communes.csv');
  let real = false;
  if (existsSync(file)) {
    const { rows } = parseCentresCsv(readFileSync(file, 'utf8'));
    setCommuneCentres(rows);
    real = rows.length > 0;
  }
  const metro = departements().filter((d) => !d.code.startsWith('97'));
  // With real centres: the communes that have one (arrondissements rather than Paris, Lyon, Marseille
  // themselves, which the file leaves out). Otherwise all, at their département's centre, jittered.
  const all = metro.flatMap((d) => communesOfDepartement(d.code)).filter((c) => c.population > 0 && (real ? !c.centreApproximatif : !c.communeParente));
  const jitter = (c: Commune): Place => {
    if (real) return { insee: c.insee, departement: c.departement, lat: c.lat, lng: c.lng };
    const r = JITTER_KM * Math.sqrt(rnd());
    const theta = 2 * Math.PI * rnd();
    const lat = c.lat + (r * Math.cos(theta)) / 111.2;
    const lng = c.lng + (r * Math.sin(theta)) / (111.2 * Math.cos((c.lat * Math.PI) / 180));
    return { insee: c.insee, departement: c.departement, lat, lng };
  };
  const byPopulation = weighted(all, (c) => c.population, rnd);
  const bySqrtPopulation = weighted(all, (c) => Math.sqrt(c.population), rnd);
  const distance = weighted(DISTANCES_KM, (d) => DISTANCE_WEIGHTS[d], rnd);
  return {
    centres: real ? `réels (${file})` : `approximatifs (chef-lieu du département ± ${JITTER_KM} km)`,
    communes: all.length,
    candidatPlace: () => jitter(byPopulation()),
    structurePlace: () => jitter(bySqrtPopulation()),
    distance,
    rnd,
  };
}

interface NewCandidat extends Place {
  n: number;
  situations: string[];
  dateDisponibilite: string;
  distanceMaxKm: number;
  pixPalier: number | null;
  statut: string;
  /** Seconds before now of the last update (applications spread over a year). */
  age: number;
}

function dayBefore(today: string, days: number): string {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

function candidat(w: World, n: number, today: string, fresh: boolean): NewCandidat {
  const p = w.candidatPlace();
  const situations = SITUATIONS.filter(() => w.rnd() < 0.3);
  return {
    ...p,
    n,
    situations: situations.length ? situations : ['demandeur_emploi'],
    dateDisponibilite: dayBefore(today, Math.floor(w.rnd() * 180)),
    distanceMaxKm: w.distance(),
    pixPalier: w.rnd() < 0.4 ? null : 1 + Math.floor(w.rnd() * 3),
    // A few have paused their search (the platform skips them; so must the baseline).
    statut: fresh || w.rnd() >= 0.05 ? 'disponible' : 'en_pause',
    age: fresh ? 0 : Math.floor(w.rnd() * 365 * 86_400),
  };
}

interface NewStructure extends Place {
  n: number;
  postes: number;
  age: number;
}

function structure(w: World, n: number, fresh: boolean): NewStructure {
  return { ...w.structurePlace(), n, postes: 1 + Math.floor(w.rnd() * 3), age: fresh ? 0 : Math.floor(w.rnd() * 180 * 86_400) };
}

async function seed(pool: pg.Pool, w: World, today: string): Promise<void> {
  for (let i = 0; i < N_CANDIDATS; i += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, N_CANDIDATS - i) }, (_, k) => candidat(w, i + k + 1, today, false));
    await pool.query(
      `insert into recrutement_candidats (user_id, prenom, nom, email, telephone, commune_insee, departement, lat, lng, situations, date_disponibilite,
         distance_max_km, motivation, pix_palier, statut, created_at, updated_at)
       select gen_random_uuid(), 'Prénom', 'Candidat ' || n, 'candidat' || n || '@bench.test', '0600000000', insee, dep, lat, lng, sit::jsonb, dispo,
         dmax, 'Je souhaite accompagner les habitants de ma commune dans leurs usages numériques.', pix, statut,
         now() - age * interval '1 second', now() - age * interval '1 second'
       from unnest($1::int[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[], $7::date[], $8::int[], $9::int[], $10::text[], $11::int[])
         as u(n, insee, dep, lat, lng, sit, dispo, dmax, pix, statut, age)`,
      [
        rows.map((r) => r.n),
        rows.map((r) => r.insee),
        rows.map((r) => r.departement),
        rows.map((r) => r.lat),
        rows.map((r) => r.lng),
        rows.map((r) => JSON.stringify(r.situations)),
        rows.map((r) => r.dateDisponibilite),
        rows.map((r) => r.distanceMaxKm),
        rows.map((r) => r.pixPalier),
        rows.map((r) => r.statut),
        rows.map((r) => r.age),
      ],
    );
  }
  for (let i = 0; i < N_STRUCTURES; i += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, N_STRUCTURES - i) }, (_, k) => structure(w, i + k + 1, false));
    await pool.query(
      `insert into recrutement_structures (structure_id, nom, commune_insee, departement, lat, lng, postes, occupes, date_debut, updated_at)
       select gen_random_uuid(), 'Structure ' || n, insee, dep, lat, lng, postes, 0, $7::date, now() - age * interval '1 second'
       from unnest($1::int[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::int[], $8::int[]) as u(n, insee, dep, lat, lng, postes, age)`,
      [rows.map((r) => r.n), rows.map((r) => r.insee), rows.map((r) => r.departement), rows.map((r) => r.lat), rows.map((r) => r.lng), rows.map((r) => r.postes), today, rows.map((r) => r.age)],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The bare SQL: the same rule (regles.ts apparier), by a haversine over the whole other table

/** Great-circle km from c to s, as distanceKm(c, s) in territoires.ts (mean radius 6,371 km). */
const HAVERSINE = `2 * 6371 * asin(least(1, sqrt(power(sin(radians(s.lat - c.lat) / 2), 2) + cos(radians(c.lat)) * cos(radians(s.lat)) * power(sin(radians(s.lng - c.lng) / 2), 2))))`;
const TERRITOIRE = (t: string) => `(case when ${t}.departement like '97%' then left(${t}.departement, 3) else 'metropole' end)`;
const PAIRS_FROM = `from recrutement_candidats c cross join recrutement_structures s cross join lateral (select ${HAVERSINE} as km) x
  where c.statut = 'disponible' and s.postes - s.occupes > 0 and ${TERRITOIRE('c')} = ${TERRITOIRE('s')}
    and c.date_disponibilite <= greatest(s.date_debut, $2::date) and x.km <= c.distance_max_km`;
/** The structures a candidate pairs with (id, metres rounded as Math.round). */
const SQL_CANDIDAT = `select s.structure_id as id, floor(x.km * 1000 + 0.5)::int as m ${PAIRS_FROM} and c.id = $1`;
/** The candidates a structure pairs with. */
const SQL_STRUCTURE = `select c.id, floor(x.km * 1000 + 0.5)::int as m ${PAIRS_FROM} and s.structure_id = $1`;

// ---------------------------------------------------------------------------------------------
// Measures


function stats(ms: number[]): { p50: number; p95: number; max: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50), 1), p95: round(percentile(s, 95), 1), max: round(s[s.length - 1] ?? NaN, 1), n: s.length };
}


async function bareServer(pool: pg.Pool) {
  const app = Fastify();
  app.get<{ Querystring: { structure: string } }>('/candidats', async (request) => {
    const id = request.query.structure;
    const [rows, counts] = await Promise.all([
      pool.query(
        `select m.id as mer_id, m.statut as mer_statut, m.distance_m, m.created_at as mer_created_at, c.*
         from recrutement_mises_en_relation m join recrutement_candidats c on c.id = m.candidat_id
         where m.structure_id = $1 and m.statut not in ('nonInteressee', 'non_disponible')
         order by m.distance_m, m.created_at limit 51`,
        [id],
      ),
      pool.query(`select statut, count(*)::int n from recrutement_mises_en_relation where structure_id = $1 group by statut`, [id]),
    ]);
    return { rows: rows.rows, counts: counts.rows };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${addr.port}` };
}

/** Compares the pairs written by the platform with the baseline's; a readable list of differences. */
function compare(side: string, id: string, platform: Map<string, number>, bare: Map<string, number>): string[] {
  const out: string[] = [];
  const missing = [...bare].filter(([k]) => !platform.has(k));
  const extra = [...platform].filter(([k]) => !bare.has(k));
  const distance = [...bare].filter(([k, m]) => platform.has(k) && Math.abs(platform.get(k)! - m) > 1);
  const show = (list: [string, number][], f: (x: [string, number]) => string) => list.slice(0, 5).map(f).join(', ') + (list.length > 5 ? ` … (+${list.length - 5})` : '');
  if (missing.length) out.push(`${side} ${id} : ${missing.length} paire(s) du SQL absentes de la plateforme (${show(missing, ([k, m]) => `${k} à ${m} m`)})`);
  if (extra.length) out.push(`${side} ${id} : ${extra.length} paire(s) de la plateforme absentes du SQL (${show(extra, ([k, m]) => `${k} à ${m} m`)})`);
  if (distance.length) out.push(`${side} ${id} : ${distance.length} distance(s) différentes (${show(distance, ([k, m]) => `${k} : SQL ${m} m, plateforme ${platform.get(k)} m`)})`);
  return out;
}

interface Sample {
  ms: number;
  computeMs: number;
  bareMs: number;
  pairs: number;
}

const toMap = (rows: { id: string; m: number }[]) => new Map(rows.map((r) => [r.id, Number(r.m)]));

export async function recrutement(_opts: BenchOptions): Promise<BenchResult> {
  const failures: string[] = [];
  const benchDb = await benchDatabase('recrutement');
  const url = benchDb.url;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  const barePool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  const database = wrapPool(pool);
  const db: Db = database.db;
  const rows: Cell[][] = [];
  const today = parisCalendarDate();
  const data: Record<string, unknown> = { candidats: N_CANDIDATS, structures: N_STRUCTURES, seed: SEED, today, distanceWeights: DISTANCE_WEIGHTS };
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let bare: Awaited<ReturnType<typeof bareServer>> | undefined;
  const row = (label: string, c: { n?: Cell; p50?: Cell; p95?: Cell; total?: Cell; perSecond?: Cell; pairs?: Cell; ko?: Cell }) =>
    rows.push([label, c.n ?? '—', c.p50 ?? '—', c.p95 ?? '—', c.total ?? '—', c.perSecond ?? '—', c.pairs ?? '—', c.ko ?? '—']);
  const platformPairs = async (column: 'candidat_id' | 'structure_id', id: string) =>
    toMap((await pool.query<{ id: string; m: number }>(`select ${column === 'candidat_id' ? 'structure_id' : 'candidat_id'} as id, distance_m as m from recrutement_mises_en_relation where ${column} = $1`, [id])).rows);
  const bareCandidat = async (id: string) => {
    const t = performance.now();
    const r = await barePool.query<{ id: string; m: number }>(SQL_CANDIDAT, [id, today]);
    return { ms: performance.now() - t, pairs: toMap(r.rows) };
  };
  const bareStructure = async (id: string) => {
    const t = performance.now();
    const r = await barePool.query<{ id: string; m: number }>(SQL_STRUCTURE, [id, today]);
    return { ms: performance.now() - t, pairs: toMap(r.rows) };
  };
  const checks = { candidats: 0, structures: 0, disagreements: 0 };
  const check = (side: string, id: string, platform: Map<string, number>, sqlPairs: Map<string, number>) => {
    const d = compare(side, id, platform, sqlPairs);
    if (side === 'candidat') checks.candidats++;
    else checks.structures++;
    if (d.length) checks.disagreements++;
    if (failures.length < 40) failures.push(...d);
  };

  try {
    await migrate(database);
    const w = world();
    data.centres = w.centres;
    data.communes = w.communes;
    process.stderr.write(`  centres des communes ${w.centres}, ${w.communes} communes\n  ${N_CANDIDATS} candidats et ${N_STRUCTURES} structures… `);
    let t = performance.now();
    await seed(pool, w, today);
    await pool.query('analyze');
    process.stderr.write(`ok (${round((performance.now() - t) / 1000, 1)} s)\n`);
    const dist = await pool.query<{ d: number; n: number }>(`select distance_max_km d, count(*)::int n from recrutement_candidats group by 1 order by 1`);
    data.candidatsParDistance = Object.fromEntries(dist.rows.map((r) => [r.d, r.n]));

    // (1) The initial matching: every structure once, 100 per transaction.
    const appariement = new Appariement();
    const ids = (await pool.query<{ structure_id: string }>(`select structure_id from recrutement_structures order by structure_id`)).rows.map((r) => r.structure_id);
    process.stderr.write('  appariement initial… ');
    let added = 0;
    let firstMs = 0;
    t = performance.now();
    for (let i = 0; i < ids.length; i += TX_STRUCTURES) {
      await db.transaction(async (tx) => {
        for (const id of ids.slice(i, i + TX_STRUCTURES)) {
          const s = performance.now();
          added += (await apparierStructure(tx, appariement, id, today)).ajoutees;
          if (i === 0 && id === ids[0]) firstMs = performance.now() - s;
        }
      });
      if ((i / TX_STRUCTURES) % 10 === 9) process.stderr.write(`${i + TX_STRUCTURES} `);
    }
    const initialS = (performance.now() - t) / 1000;
    process.stderr.write(`\n  ${added} paires en ${round(initialS, 1)} s\n`);
    data.initial = { seconds: round(initialS, 1), pairs: added, firstCallMs: round(firstMs, 0), sizes: appariement.sizes() };
    row('appariement initial (chaque structure, 100 par transaction)', { n: ids.length, total: round(initialS, 1), perSecond: round(ids.length / initialS, 0), pairs: added });
    row('  dont premier appel (chargement des index)', { n: 1, total: round(firstMs / 1000, 2) });
    await pool.query('analyze recrutement_mises_en_relation');
    const dbBytes = (await pool.query<{ b: string }>(`select pg_total_relation_size('recrutement_mises_en_relation')::text b`)).rows[0]!.b;
    data.initial = { ...(data.initial as object), tableMegabytes: round(Number(dbBytes) / 1e6, 0) };
    // A sample of the initial matching, checked against SQL.
    const r0 = prng(SEED + 1);
    for (let k = 0; k < CHECKED_INITIAL; k++) {
      const id = ids[Math.floor(r0() * ids.length)]!;
      check('structure', id, await platformPairs('structure_id', id), (await bareStructure(id)).pairs);
    }

    // (2) One new candidate: insert, then apparierCandidat timed in its transaction.
    const insertCandidat = (tx: Db, c: NewCandidat) =>
      tx
        .insert(candidats)
        .values({
          userId: randomUUID(),
          prenom: 'Nouveau',
          nom: `Candidat ${c.n}`,
          email: `nouveau${c.n}@bench.test`,
          telephone: '0600000000',
          communeInsee: c.insee,
          departement: c.departement,
          lat: c.lat,
          lng: c.lng,
          situations: c.situations,
          dateDisponibilite: c.dateDisponibilite,
          distanceMaxKm: c.distanceMaxKm,
          motivation: 'Je souhaite accompagner les habitants de ma commune dans leurs usages numériques.',
          pixPalier: c.pixPalier,
        })
        .returning({ id: candidats.id });
    const insertStructure = (tx: Db, s: NewStructure) =>
      tx
        .insert(structuresRecrutement)
        .values({ structureId: randomUUID(), nom: `Nouvelle structure ${s.n}`, communeInsee: s.insee, departement: s.departement, lat: s.lat, lng: s.lng, postes: s.postes, dateDebut: today })
        .returning({ id: structuresRecrutement.structureId });
    const newCandidat = async (n: number) => {
      let ms = 0;
      let id = '';
      const c = candidat(w, n, today, true);
      await db.transaction(async (tx) => {
        id = (await insertCandidat(tx, c))[0]!.id;
        const s = performance.now();
        await apparierCandidat(tx, appariement, id, today);
        ms = performance.now() - s;
      });
      // The computation alone, indexes up to date: what replaces the scan (no read of the row, no write).
      const s = performance.now();
      await appariement.structuresPour(db, c, today);
      const computeMs = performance.now() - s;
      const platform = await platformPairs('candidat_id', id);
      const b = await bareCandidat(id);
      check('candidat', id, platform, b.pairs);
      return { ms, computeMs, bareMs: b.ms, pairs: platform.size };
    };
    const newStructure = async (n: number) => {
      let ms = 0;
      let id = '';
      const st = structure(w, n, true);
      await db.transaction(async (tx) => {
        id = (await insertStructure(tx, st))[0]!.id;
        const s = performance.now();
        await apparierStructure(tx, appariement, id, today);
        ms = performance.now() - s;
      });
      const s = performance.now();
      await appariement.candidatsPour(db, { lat: st.lat, lng: st.lng, departement: st.departement, dateDebut: today }, today);
      const computeMs = performance.now() - s;
      const platform = await platformPairs('structure_id', id);
      const b = await bareStructure(id);
      check('structure', id, platform, b.pairs);
      return { ms, computeMs, bareMs: b.ms, pairs: platform.size };
    };
    const series = async (label: string, key: string, count: number, run: (n: number) => Promise<Sample>, start: number) => {
      process.stderr.write(`  ${label}… `);
      const got: Sample[] = [];
      for (let k = 0; k < count; k++) got.push(await run(start + k));
      const p = stats(got.map((g) => g.ms));
      const k = stats(got.map((g) => g.computeMs));
      const b = stats(got.map((g) => g.bareMs));
      const pairs = got.reduce((a, g) => a + g.pairs, 0);
      data[key] = { platform: p, computeOnly: k, bare: b, pairs, maxPairs: Math.max(...got.map((g) => g.pairs)) };
      row(`${label} — plateforme (lecture, k-d tree, écriture)`, { n: count, p50: p.p50, p95: p.p95, pairs });
      row(`${label} — plateforme, calcul seul (k-d tree)`, { n: count, p50: k.p50, p95: k.p95, pairs });
      row(`${label} — SQL nu (haversine sur toute la table, sans écriture)`, { n: count, p50: b.p50, p95: b.p95, pairs });
      row('  ratio nue / plateforme (> 1 : plateforme plus rapide)', { p50: round(b.p50 / p.p50, 2), p95: round(b.p95 / p.p95, 2) });
      row('  ratio nue / calcul seul', { p50: round(b.p50 / k.p50, 2), p95: round(b.p95 / k.p95, 2) });
      process.stderr.write(`p95 ${p.p95} ms (nue ${b.p95} ms), ${pairs} paires\n`);
    };
    await series('un nouveau candidat', 'nouveauCandidat', NEW_CANDIDATS, newCandidat, 1);
    // (3) One new structure.
    await series('une nouvelle structure', 'nouvelleStructure', NEW_STRUCTURES, newStructure, N_STRUCTURES + 1);
    // Interleaved: each call first merges the other side's new row and rebuilds that side's tree(s).
    {
      process.stderr.write('  en alternance (candidat, structure…)… ');
      const c: Sample[] = [];
      const s: Sample[] = [];
      for (let k = 0; k < INTERLEAVED; k++) {
        c.push(await newCandidat(NEW_CANDIDATS + 1 + k));
        s.push(await newStructure(N_STRUCTURES + NEW_STRUCTURES + 1 + k));
      }
      const pc = stats(c.map((g) => g.ms));
      const ps = stats(s.map((g) => g.ms));
      data.alternance = { candidat: pc, structure: ps, bareCandidat: stats(c.map((g) => g.bareMs)), bareStructure: stats(s.map((g) => g.bareMs)) };
      row('en alternance : candidat après une nouvelle structure', { n: INTERLEAVED, p50: pc.p50, p95: pc.p95, pairs: c.reduce((a, g) => a + g.pairs, 0) });
      row('en alternance : structure après un nouveau candidat', { n: INTERLEAVED, p50: ps.p50, p95: ps.p95, pairs: s.reduce((a, g) => a + g.pairs, 0) });
      process.stderr.write(`p95 candidat ${pc.p95} ms, structure ${ps.p95} ms\n`);
    }

    // (4) The structure's candidates page, for the structure with the most pairs.
    const top = (await pool.query<{ structure_id: string; n: number; commune_insee: string }>(
      `select m.structure_id, count(*)::int n, s.commune_insee from recrutement_mises_en_relation m join recrutement_structures s using (structure_id)
       group by m.structure_id, s.commune_insee order by n desc limit 1`,
    )).rows[0]!;
    const perStructure = (await pool.query<{ p50: number; p95: number; max: number; total: number }>(
      `select percentile_disc(0.5) within group (order by n) p50, percentile_disc(0.95) within group (order by n) p95, max(n) max, sum(n)::int total
       from (select structure_id, count(*) n from recrutement_mises_en_relation group by 1) x`,
    )).rows[0]!;
    data.pairesParStructure = perStructure;
    app = await buildApp({ config: testConfig({ demo: false }), database, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const user = await createUser(db, SYSTEM_ACTOR, { email: 'structure@bench.test', firstName: 'S', lastName: 'S', roles: [{ role: 'structure', departement: null, structureId: top.structure_id }] });
    const token = (await createApiToken(db, SYSTEM_ACTOR, user.id, 'bench')).token;
    bare = await bareServer(barePool);
    const label = `page des candidats (${top.n} paires, commune ${top.commune_insee})`;
    process.stderr.write(`  ${label}… `);
    const path = `/recrutement?structure=${top.structure_id}`;
    const p = await measureRequests(base + path, { authorization: `Bearer ${token}`, accept: 'text/html' }, { requests: REQUESTS, concurrency: CONCURRENCY });
    const b = await measureRequests(`${bare.url}/candidats?structure=${top.structure_id}`, {}, { requests: REQUESTS, concurrency: CONCURRENCY });
    if (p.status !== 200 || Object.keys(p.statuses).some((s) => s !== '200')) failures.push(`GET ${path} → ${JSON.stringify(p.statuses)}`);
    if (b.status !== 200) failures.push(`serveur nu → ${JSON.stringify(b.statuses)}`);
    const html = await (await fetch(base + path, { headers: { authorization: `Bearer ${token}`, accept: 'text/html' } })).text();
    const shown = (html.match(/href="\/recrutement\/[0-9a-f-]{36}"/g) ?? []).length;
    data.page = { structureId: top.structure_id, pairs: top.n, platform: p, bare: b, liensCandidats: shown };
    row(`${label} — plateforme`, { n: REQUESTS, p50: p.p50, p95: p.p95, perSecond: p.perSecond, pairs: top.n, ko: Math.round(p.bytes / 1024) });
    row(`${label} — Fastify + pg nu (JSON)`, { n: REQUESTS, p50: b.p50, p95: b.p95, perSecond: b.perSecond, pairs: top.n, ko: Math.round(b.bytes / 1024) });
    row('  ratio nue / plateforme', { p50: round(b.p50 / p.p50, 2), p95: round(b.p95 / p.p95, 2) });
    if (shown !== Math.min(50, top.n)) failures.push(`la page montre ${shown} candidats (${Math.min(50, top.n)} attendus)`);
    process.stderr.write(`p95 ${p.p95} ms (nue ${b.p95} ms), ${shown} liens vers des candidats dans la page\n`);
    // The plan of the page's list query (in the JSON): both servers spend their time there.
    const plan = await pool.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, buffers) select m.*, c.* from recrutement_mises_en_relation m join recrutement_candidats c on c.id = m.candidat_id
       where m.structure_id = $1 and m.statut not in ('nonInteressee', 'non_disponible') order by m.distance_m, m.created_at limit 51`,
      [top.structure_id],
    );
    (data.page as Record<string, unknown>).plan = plan.rows.map((r) => r['QUERY PLAN']);

    // Last (it leaves the candidates touched): after a mass update of the candidates (a migration, an
    // import: updated_at = now() on every row), each refresh of the index looks back OVERLAP_MS before the
    // latest updated_at, so it reads every candidate again until a later change moves that mark.
    process.stderr.write('  après une mise à jour en masse des candidats… ');
    await pool.query(`update recrutement_candidats set updated_at = now()`);
    const touched: Sample[] = [];
    for (let k = 0; k < 11; k++) touched.push(await newStructure(N_STRUCTURES + NEW_STRUCTURES + INTERLEAVED + 1 + k));
    const first = touched.shift()!;
    const mt = stats(touched.map((g) => g.ms));
    const mk = stats(touched.map((g) => g.computeMs));
    data.apresMiseAJourEnMasse = { first: round(first.ms, 1), platform: mt, computeOnly: mk };
    row('après updated_at = now() sur tous les candidats : nouvelle structure', { n: touched.length, p50: mt.p50, p95: mt.p95, pairs: touched.reduce((a, g) => a + g.pairs, 0) });
    row('  — calcul seul (k-d tree)', { n: touched.length, p50: mk.p50, p95: mk.p95 });
    process.stderr.write(`premier ${round(first.ms, 0)} ms, puis p50 ${mt.p50} ms (calcul seul ${mk.p50} ms)\n`);
    data.verification = checks;
    row(`vérification plateforme = SQL : ${checks.candidats} candidats, ${checks.structures} structures, ${checks.disagreements} en désaccord`, {});
  } catch (e) {
    failures.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
  } finally {
    await app?.close();
    await bare?.app.close();
    await barePool.end();
    await pool.end();
    await benchDb.drop();
  }
  return { table: { columns: ['mesure', 'n', 'p50 ms', 'p95 ms', 'total s', 'par s', 'paires', 'Ko'], rows }, data, failures };
}
