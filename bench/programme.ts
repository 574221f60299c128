/**
 * programme — the instruction at national scale, on PostgreSQL: 10,000 application files in the
 * 101 départements (a third validated, envelopes set). Measured:
 *  - the préfecture's work list (GET /programme/dossiers as the Moselle préfecture, HTML page) and
 *    ANCT's national table (GET /programme/postes as ANCT): p50 / p95 / p99 over sequential-concurrent
 *    requests through the real application (Fastify, access policy, Preact rendering);
 *  - closing a committee of 500 decisions (one transaction: envelopes locked and checked, statuses,
 *    posts, events, notifications, audit).
 * Baselines, in the same run: a bare Fastify + pg server running only the list's two queries (resp. the
 * national table's aggregate) and answering their rows as JSON; and, for the committee, the bare SQL
 * that applies 500 decisions in one transaction (one UPDATE … FROM, no checks, no history).
 * The ratio is the figure; absolute numbers are context (shared machine).
 *
 * Database: a dedicated one, created and dropped here, on the server of BENCH_DATABASE_URL
 * (default postgres://127.0.0.1:5432/postgres). BENCH_DOSSIERS sets the number of files (default 10,000).
 */
import Fastify from 'fastify';
import pg from 'pg';
import { round, type BenchOptions, type BenchResult, type Cell, measureRequests, benchDatabase } from './lib.js';
import { wrapPool } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { testConfig } from '../src/platform/testing.js';
import { buildApp } from '../src/app.js';
import { SYSTEM_ACTOR } from '../src/audit/audit.js';
import { createUser } from '../src/comptes/users.js';
import { createApiToken } from '../src/comptes/tokens.js';
import { departements } from '../src/territoires/territoires.js';
import { cloturerCoselec, creerCoselec } from '../src/programme/coselec.js';

const N = Number(process.env.BENCH_DOSSIERS ?? 10_000);
const REQUESTS = 400;
const CONCURRENCY = 8;



async function seed(pool: pg.Pool): Promise<void> {
  const codes = departements().map((d) => d.code);
  // A commune per département: its chef-lieu is not needed, any real INSEE code of the département reads well.
  const statuts = ['CREEE', 'CREEE', 'EXAMEN_COMPLEMENTAIRE_COSELEC', 'VALIDATION_COSELEC', 'VALIDATION_COSELEC', 'VALIDATION_COSELEC', 'REFUS_COSELEC', 'ABANDON'];
  await pool.query(
    `insert into programme_dossiers (structure_id, statut, nom, type, siret, commune_insee, departement, region, contact_prenom, contact_nom, contact_fonction,
       contact_email, contact_telephone, postes_souhaites, date_debut, candidat_identifie, motivation, label_france_services, zrr, qpv, engagement_le,
       postes_valides, avis_prefet, avis_commentaire, avis_le, avis_par, created_at, statut_le)
     select gen_random_uuid(), s.statut, 'Structure ' || g, 'commune', lpad(g::text, 14, '9'), c.code || '001', c.code, '00', 'Prénom', 'Nom', 'Maire',
       'contact' || g || '@bench.test', '0300000000', 1 + g % 3, '2027-01-01', g % 2 = 0, 'Motivation de la structure ' || g, false, g % 5 = 0, g % 7 = 0, now(),
       case when s.statut = 'VALIDATION_COSELEC' then 1 + g % 3 else 0 end,
       case when g % 4 = 0 and s.statut = 'CREEE' then null else 'favorable' end, 'Avis favorable du préfet.', now(), 'Préfecture', now() - (g % 300) * interval '1 day', now() - (g % 90) * interval '1 day'
     from generate_series(1, $1::int) g
     cross join lateral (select (array[${codes.map((c) => `'${c}'`).join(',')}])[1 + g % ${codes.length}] as code) c
     cross join lateral (select (array[${statuts.map((s) => `'${s}'`).join(',')}])[1 + (g / ${codes.length}) % ${statuts.length}] as statut) s`,
    [N],
  );
  await pool.query(
    `insert into programme_territoires (code, enveloppe, postes_valides)
     select departement, sum(postes_valides) + 200, sum(postes_valides) from programme_dossiers group by departement`,
  );
  await pool.query(`insert into programme_territoires (code, enveloppe, postes_valides) select 'FR', sum(postes_valides) + 100000, sum(postes_valides) from programme_dossiers`);
}

async function bareServer(pool: pg.Pool) {
  const app = Fastify();
  app.get('/liste', async () => {
    const [rows, counts] = await Promise.all([
      pool.query(
        `select * from programme_dossiers where departement = '57'
         order by case when statut in ('CREEE','EXAMEN_COMPLEMENTAIRE_COSELEC') and avis_prefet is null then 0 else 1 end, prioritaire desc, numero limit 51`,
      ),
      pool.query(`select statut, count(*)::int n, count(*) filter (where avis_prefet is null)::int sans_avis from programme_dossiers where departement = '57' group by statut`),
    ]);
    return { rows: rows.rows, counts: counts.rows };
  });
  app.get('/national', async () => {
    const r = await pool.query(
      `select t.code, t.enveloppe, t.postes_valides, count(d.id) filter (where d.statut in ('CREEE','EXAMEN_COMPLEMENTAIRE_COSELEC'))::int en_attente,
         coalesce(sum(d.postes_souhaites) filter (where d.statut in ('CREEE','EXAMEN_COMPLEMENTAIRE_COSELEC')), 0)::int demandes
       from programme_territoires t left join programme_dossiers d on d.departement = t.code group by t.code, t.enveloppe, t.postes_valides order by t.code`,
    );
    return r.rows;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${addr.port}` };
}

/** 500 files with an opinion in the committee, POSITIF 1 post each (envelopes have room). */
async function prepareCommittee(pool: pg.Pool, coselecId: string, n: number): Promise<void> {
  await pool.query(
    `insert into programme_decisions (coselec_id, dossier_id, avis, postes, decide_par)
     select $1, id, 'POSITIF', 1, 'bench' from programme_dossiers
     where statut in ('CREEE','EXAMEN_COMPLEMENTAIRE_COSELEC') and avis_prefet is not null and id not in (select dossier_id from programme_decisions)
     order by numero limit $2`,
    [coselecId, n],
  );
}

export async function programme(_opts: BenchOptions): Promise<BenchResult> {
  const failures: string[] = [];
  const benchDb = await benchDatabase('programme');
  const url = benchDb.url;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  const barePool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  const database = wrapPool(pool);
  const rows: Cell[][] = [];
  const data: Record<string, unknown> = { dossiers: N, requests: REQUESTS, concurrency: CONCURRENCY };
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let bare: Awaited<ReturnType<typeof bareServer>> | undefined;
  try {
    await migrate(database);
    process.stderr.write(`  ${N} dossiers… `);
    await seed(pool);
    await pool.query('analyze');
    process.stderr.write('ok\n');
    app = await buildApp({ config: testConfig({ demo: false }), database, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const prefecture = await createUser(database.db, SYSTEM_ACTOR, { email: 'prefecture57@bench.test', firstName: 'P', lastName: 'P', roles: [{ role: 'prefecture', departement: '57', structureId: null }] });
    const anct = await createUser(database.db, SYSTEM_ACTOR, { email: 'anct@bench.test', firstName: 'A', lastName: 'A', roles: [{ role: 'admin', departement: null, structureId: null }] });
    const tp = (await createApiToken(database.db, SYSTEM_ACTOR, prefecture.id, 'bench')).token;
    const ta = (await createApiToken(database.db, SYSTEM_ACTOR, anct.id, 'bench')).token;
    bare = await bareServer(barePool);

    for (const [label, path, token, barePath] of [
      ['liste de la préfecture (57)', '/programme/dossiers', tp, '/liste'],
      ['tableau national (ANCT)', '/programme/postes', ta, '/national'],
    ] as const) {
      process.stderr.write(`  ${label}… `);
      const p = await measureRequests(base + path, { authorization: `Bearer ${token}`, accept: 'text/html' }, { requests: REQUESTS, concurrency: CONCURRENCY });
      const b = await measureRequests(bare.url + barePath, {}, { requests: REQUESTS, concurrency: CONCURRENCY });
      if (p.status !== 200) failures.push(`${path} → ${p.status}`);
      data[path] = { platform: p, bare: b };
      rows.push([`${label} — plateforme`, p.p50, p.p95, p.p99, p.perSecond, Math.round(p.bytes / 1024)]);
      rows.push([`${label} — requêtes nues`, b.p50, b.p95, b.p99, b.perSecond, Math.round(b.bytes / 1024)]);
      rows.push([`ratio p95 nue / plateforme`, '', round(b.p95 / p.p95, 2), '', '', '']);
      process.stderr.write(`p95 ${p.p95} ms (nue ${b.p95} ms)\n`);
    }

    process.stderr.write('  clôture d’un comité de 500 décisions… ');
    const c = await creerCoselec(database.db, SYSTEM_ACTOR, '2026-12-01');
    await prepareCommittee(pool, c.id, 500);
    const t0 = performance.now();
    const r = await cloturerCoselec(database.db, SYSTEM_ACTOR, c.id);
    const platformMs = performance.now() - t0;
    if (r.decisions !== 500) failures.push(`comité de ${r.decisions} décisions (500 attendues)`);
    // Bare: the same 500 decisions applied by one UPDATE … FROM in one transaction.
    const c2 = await creerCoselec(database.db, SYSTEM_ACTOR, '2026-12-02');
    await prepareCommittee(pool, c2.id, 500);
    const client = await barePool.connect();
    const t1 = performance.now();
    try {
      await client.query('begin');
      await client.query(
        `update programme_dossiers d set statut = 'VALIDATION_COSELEC', postes_valides = x.postes, statut_le = now() from programme_decisions x where x.dossier_id = d.id and x.coselec_id = $1`,
        [c2.id],
      );
      await client.query(`update programme_coselec set statut = 'cloture', cloture_le = now() where id = $1`, [c2.id]);
      await client.query('commit');
    } finally {
      client.release();
    }
    const bareMs = performance.now() - t1;
    data.cloture = { decisions: 500, platformMs: round(platformMs, 0), bareMs: round(bareMs, 0) };
    rows.push(['clôture de 500 décisions — plateforme (ms)', '', round(platformMs, 0), '', '', '']);
    rows.push(['clôture de 500 décisions — UPDATE nu (ms)', '', round(bareMs, 0), '', '', '']);
    rows.push(['ratio nue / plateforme', '', round(bareMs / platformMs, 2), '', '', '']);
    process.stderr.write(`${round(platformMs, 0)} ms (nue ${round(bareMs, 0)} ms)\n`);
  } catch (e) {
    failures.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
  } finally {
    await app?.close();
    await bare?.app.close();
    await barePool.end();
    await pool.end();
    await benchDb.drop();
  }
  return { table: { columns: ['mesure', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'Ko'], rows }, data, failures };
}
