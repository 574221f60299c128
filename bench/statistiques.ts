/**
 * statistiques — the statistics at national scale, on PostgreSQL. Generated: BENCH_STATISTIQUES
 * activities (default 1,000,000; the issue's goal is 10,000,000, set BENCH_STATISTIQUES=10000000 on a
 * machine that can take it) of 4,000 conseillers in ~2,000 structures of the 101 départements, over
 * 3 years, in ONE `INSERT … SELECT generate_series` (the aggregates' triggers off during it), then the
 * aggregates rebuilt from the records by the migrations' own function (statistiques_reconstruire).
 * Measured, in the same run:
 *  - each dashboard read (lireAgregats: totals and every distribution, distinct followed beneficiaries,
 *    new ones, the 12-month and 30-day series) at national scope over one calendar year, over the last
 *    12 months (whole months + edge days), for a département and for a structure, against the SAME
 *    indicators computed by a live GROUP BY over the raw table (lireDirect): p50 / p95 of both, ratio;
 *  - write throughput: single-row INSERTs of activities (16 clients, BENCH_CLIENTS_ECRITURE) with the
 *    triggers maintaining the aggregates and the journal folded every 2 s, and the same INSERTs into a
 *    twin table without triggers (the bare baseline): rows/s and the cost, spread over the départements and all
 *    in one (the territory rows every writer of a département shares).
 * Checks: the aggregates' figures equal the live ones for every read measured.
 *  - coverage: every French commune (centres of the shared communes file) against 30,000 synthetic places
 *    in the places' spatial index (bench/lieux.ts's generator): the full recomputation, all départements.
 * BENCH_GARDER=1 keeps the database (its URL is printed) to look at the plans; BENCH_REPRISE=<that URL> runs
 * again on it (no generation nor rebuild: the reads, writes and coverage).
 */
import pg from 'pg';
import { benchDatabase, percentile, round, type BenchOptions, type BenchResult, type Cell } from './lib.js';
import { wrapPool } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { communesOfDepartement, departements } from '../src/territoires/territoires.js';
import { lireAgregats, lireDirect, type Filtre, type Perimetre } from '../src/statistiques/lecture.js';
import { indicateurs } from '../src/statistiques/regles.js';
import { couvertureDepartement } from '../src/statistiques/couverture.js';
import { replierStatistiques } from '../src/statistiques/repliage.js';
import { buildSnapshot, MoteurLieux } from '../src/lieux/recherche.js';
import { setCommuneCentres } from '../src/territoires/territoires.js';
import { communes as communesPartagees, synthetic } from './lieux.js';

const N = Number(process.env.BENCH_STATISTIQUES ?? 1_000_000);
const CONSEILLERS = 4_000;
const RUNS_AGREGATS = Number(process.env.BENCH_RUNS_AGREGATS ?? 30);
const RUNS_DIRECT = Number(process.env.BENCH_RUNS_DIRECT ?? 5);
const ECRITURES = Number(process.env.BENCH_ECRITURES ?? 4_000);
const CLIENTS_ECRITURE = Number(process.env.BENCH_CLIENTS_ECRITURE ?? 16);
const FIN = '2026-11-30';

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

function generationSql(n: number): string {
  const deps = departements().map((d) => d.code);
  const communes = deps.map((d) => communesOfDepartement(d)[0]?.insee ?? null);
  const arr = (xs: (string | null)[]) => `array[${xs.map((x) => (x === null ? 'null' : `'${x}'`)).join(',')}]::text[]`;
  const th = ['diagnostic_numerique', 'prendre_en_main_du_materiel', 'navigation_sur_internet', 'email', 'bureautique', 'reseaux_sociaux', 'sante', 'banque_et_achats_en_ligne', 'securite_numerique', 'aide_aux_demarches_administratives', 'culture_numerique', 'intelligence_artificielle'];
  return `
    insert into beneficiaires (id, conseiller_id, structure_id, prenom, nom)
    select md5('b' || k)::uuid, md5('c' || (k % ${CONSEILLERS}))::uuid, md5('s' || ((k % ${CONSEILLERS}) / 2))::uuid, 'P', 'N'
    from generate_series(0, ${CONSEILLERS * 50 - 1}) k;
    insert into activites (id, conseiller_id, structure_id, departement, type, date, duree_minutes, tranche_duree, lieu_type, commune_insee,
                           thematiques, thematiques_demarches, materiel, orientation, beneficiaire_id, accompagnements, participants)
    select md5('a' || g)::uuid, md5('c' || c)::uuid, md5('s' || (c / 2))::uuid, (${arr(deps)})[c % ${deps.length} + 1], t,
           date '${FIN}' - (g % 1096)::int, d,
           case when d < 30 then 'moins_30' when d < 60 then '30_60' when d < 120 then '60_120' else 'plus_120' end,
           (array['autre','domicile','a_distance'])[g % 3 + 1], (${arr(communes)})[c % ${deps.length} + 1],
           case when g % 7 = 0 then array[(${arr(th)})[g % ${th.length} + 1], 'aide_aux_demarches_administratives'] else array[(${arr(th)})[g % ${th.length} + 1]] end,
           case when g % 7 = 0 then array['logement'] else '{}'::text[] end,
           case g % 4 when 0 then array['ordinateur'] when 1 then array['telephone'] when 2 then array['tablette','ordinateur'] else array['aucun'] end,
           case when g % 5 = 0 then 'aide_sociale' else null end,
           case when t = 'individuel' and g % 3 = 0 then md5('b' || (c + ${CONSEILLERS} * (g % 50)))::uuid else null end,
           case when t = 'collectif' then 2 + g % 12 else 1 end,
           case when t = 'collectif' then jsonb_build_object('total', 2 + g % 12, 'deja_accompagnes', g % 2, 'genres', jsonb_build_object('feminin', 1 + g % 6, 'masculin', 1 + g % 12 - g % 6),
                                                              'tranches_age', jsonb_build_object('non_communique', 2 + g % 12), 'statuts', jsonb_build_object('non_communique', 2 + g % 12))
                else jsonb_build_object('total', 1, 'deja_accompagnes', 0, 'genres', jsonb_build_object((array['feminin','masculin','non_communique'])[g % 3 + 1], 1),
                                        'tranches_age', jsonb_build_object((array['vingt_cinq_trente_neuf','soixante_dix_plus','non_communique'])[g % 3 + 1], 1), 'statuts', jsonb_build_object('retraite', 1)) end
    from generate_series(1, ${n}) g,
         lateral (select ((g::bigint * 7919) % ${CONSEILLERS})::int as c, case when g % 10 < 5 then 'individuel' when g % 10 < 8 then 'ponctuel' else 'collectif' end as t,
                         (array[15, 30, 45, 60, 90, 120])[g % 6 + 1] as d) x;`;
}

export async function statistiques(_opts: BenchOptions): Promise<BenchResult> {
  const failures: string[] = [];
  const rows: Cell[][] = [];
  const data: Record<string, unknown> = { activites: N };
  const reprise = process.env.BENCH_REPRISE;
  const base = reprise ? { url: reprise, drop: async () => undefined } : await benchDatabase('statistiques');
  const pool = new pg.Pool({ connectionString: base.url, max: 10 });
  const database = wrapPool(pool);
  try {
    await migrate(database);
    if (!reprise) {
      await pool.query('alter table activites disable trigger statistiques_insert');
      const gen = await timed(() => pool.query(generationSql(N)));
      await pool.query('alter table activites enable trigger statistiques_insert');
      process.stderr.write(`  génération : ${N.toLocaleString('fr-FR')} activités en ${round(gen.ms / 1000)} s ; agrégats…\n`);
      // Every aggregate rebuilt from the records in one set-based pass (the function operations use).
      const agg = await timed(async () => {
        const c = await pool.connect();
        try {
          await c.query(`set work_mem = '1GB'`); // its GROUP BYs, in memory rather than in many spill files (hash ×2: this machine has 24 GB)
          await c.query('select statistiques_reconstruire()');
          await c.query('reset work_mem');
        } finally {
          c.release();
        }
      });
      process.stderr.write(`  agrégats reconstruits en ${round(agg.ms / 1000)} s ; lectures…\n`);
      await pool.query('vacuum analyze');
      const sizes = (await pool.query<{ t: string; n: string; mb: string }>(`select relname as t, n_live_tup::text as n, round(pg_total_relation_size(relid) / 1048576.0)::text as mb
        from pg_stat_user_tables where relname in ('activites', 'statistiques_jours', 'statistiques_territoires', 'statistiques_territoires_journal', 'statistiques_presences') order by relname`)).rows;
      data.generation = { insertMs: round(gen.ms), agregatsMs: round(agg.ms), tables: sizes };
      rows.push([`génération : ${N.toLocaleString('fr-FR')} activités (1 INSERT … generate_series)`, round(gen.ms / 1000), '', '', '', '']);
      rows.push(['agrégats construits (statistiques_reconstruire : les 4 tables depuis les activités)', round(agg.ms / 1000), '', '', '', '']);
      for (const s of sizes) rows.push([`  table ${s.t} : ${Number(s.n).toLocaleString('fr-FR')} lignes, ${s.mb} Mo`, '', '', '', '', '']);
    }
    const structure = (await pool.query<{ id: string }>(`select md5('s' || 7)::uuid as id`)).rows[0]!.id;
    const lectures: { nom: string; p: Perimetre; f: Filtre }[] = [
      { nom: 'national, année civile 2025', p: { kind: 'national' }, f: { du: '2025-01-01', au: '2025-12-31', types: [], thematiques: [] } },
      { nom: 'national, 12 derniers mois (bords en jours)', p: { kind: 'national' }, f: { du: '2025-11-15', au: '2026-11-14', types: [], thematiques: [] } },
      { nom: 'national, 12 mois, ateliers seulement', p: { kind: 'national' }, f: { du: '2025-12-01', au: '2026-11-30', types: ['collectif'], thematiques: [] } },
      { nom: 'département 57, année 2025', p: { kind: 'departements', departements: ['57'] }, f: { du: '2025-01-01', au: '2025-12-31', types: [], thematiques: [] } },
      { nom: 'structure, année 2025', p: { kind: 'structure', structureId: structure }, f: { du: '2025-01-01', au: '2025-12-31', types: [], thematiques: [] } },
    ];
    const figures: Record<string, unknown> = {};
    for (const l of lectures) {
      const a: number[] = [];
      let ia;
      for (let i = 0; i < RUNS_AGREGATS; i++) {
        const r = await timed(() => lireAgregats(database.db, l.p, l.f));
        a.push(r.ms);
        ia = indicateurs(r.value, l.f.au);
      }
      const d: number[] = [];
      let id;
      for (let i = 0; i < RUNS_DIRECT; i++) {
        const r = await timed(() => lireDirect(database.db, l.p, l.f));
        d.push(r.ms);
        id = indicateurs(r.value, l.f.au);
      }
      if (JSON.stringify(ia) !== JSON.stringify(id)) failures.push(`${l.nom} : les agrégats diffèrent du calcul direct`);
      a.sort((x, y) => x - y);
      d.sort((x, y) => x - y);
      const fig = { agregats: { p50: round(percentile(a, 50)), p95: round(percentile(a, 95)) }, direct: { p50: round(percentile(d, 50)), p95: round(percentile(d, 95)) }, activites: ia!.activites };
      figures[l.nom] = fig;
      rows.push([`${l.nom} (${ia!.activites.toLocaleString('fr-FR')} activités)`, '', fig.agregats.p50, fig.agregats.p95, `${fig.direct.p50} / ${fig.direct.p95}`, round(fig.direct.p95 / Math.max(0.01, fig.agregats.p95), 0)]);
    }
    data.lectures = figures;

    // Writes: one INSERT per activity, CLIENTS_ECRITURE clients (16), with the triggers and into the twin; each conseiller in a
    // département of their own, over the last 30 days (as recorded nationally, not all on one row).
    // Also all in ONE département (57), as a département's conseillers write at the same time: the
    // territory rows they share are only appended to (the journal), folded every 2 s as main.ts does.
    const deps = departements().map((d) => d.code);
    const run = `${process.pid}-${Date.now()}`; // ids unique to this run (a kept database is run again)
    // The bare baseline writes the same rows into a twin of the table (same columns, defaults, constraints
    // and indexes; no trigger), so the aggregates stay true to the records for the check below.
    await pool.query('drop table if exists activites_sans_agregats; create table activites_sans_agregats (like activites including all)');
    const ecrire = async (label: string, departement?: string, table = 'activites') => {
      const t0 = performance.now();
      let next = 0;
      let replier = true;
      // A failed fold is reported when the writes end, not left as an unhandled rejection.
      const repliage = (async () => {
        while (replier) {
          await replierStatistiques(database.db);
          await new Promise((r) => setTimeout(r, 2000));
        }
      })().catch((e: unknown) => {
        replier = false;
        throw e;
      });
      repliage.catch(() => undefined);
      await Promise.all(
        Array.from({ length: CLIENTS_ECRITURE }, async () => {
          const c = await pool.connect();
          try {
            for (;;) {
              const k = next++;
              if (k >= ECRITURES) return;
              await c.query(
                `insert into ${table} (id, conseiller_id, structure_id, departement, type, date, duree_minutes, tranche_duree, lieu_type, commune_insee, thematiques, materiel, accompagnements, participants)
                 values (md5($1)::uuid, md5('c' || $2::text)::uuid, md5('s' || ($2::int / 2)::text)::uuid, $4, 'collectif', $3::date - ($2::int % 30), 60, '60_120', 'autre', '57463', array['email','sante'], array['ordinateur'], 8,
                         '{"total":8,"deja_accompagnes":3,"genres":{"feminin":5,"masculin":3},"tranches_age":{"non_communique":8},"statuts":{"non_communique":8}}')`,
                [`${run}-${label}-${k}`, k % CONSEILLERS, FIN, departement ?? deps[k % deps.length]],
              );
            }
          } finally {
            c.release();
          }
        }),
      );
      const rate = (ECRITURES / (performance.now() - t0)) * 1000;
      replier = false;
      await repliage;
      return rate;
    };
    const avec = await ecrire('avec');
    const avec57 = await ecrire('avec57', '57');
    const sans = await ecrire('sans', undefined, 'activites_sans_agregats');
    const sans57 = await ecrire('sans57', '57', 'activites_sans_agregats');
    await pool.query('drop table activites_sans_agregats');
    data.ecritures = { clients: CLIENTS_ECRITURE, avecAgregats: round(avec, 0), sansAgregats: round(sans, 0), unDepartement: { avecAgregats: round(avec57, 0), sansAgregats: round(sans57, 0) } };
    rows.push([`écritures : ${ECRITURES} INSERT, ${CLIENTS_ECRITURE} clients, 101 départements — avec agrégats / sans (lignes/s)`, '', round(avec, 0), '', round(sans, 0), round(sans / avec, 2)]);
    rows.push([`écritures : les mêmes, tous en Moselle (57) — avec agrégats / sans (lignes/s)`, '', round(avec57, 0), '', round(sans57, 0), round(sans57 / avec57, 2)]);
    // The figures still equal the records after the writes and their folds.
    const apres: Filtre = { du: '2026-11-01', au: FIN, types: [], thematiques: [] };
    for (const p of [{ kind: 'national' }, { kind: 'departements', departements: ['57'] }] as Perimetre[]) {
      if (JSON.stringify(indicateurs(await lireAgregats(database.db, p, apres), FIN)) !== JSON.stringify(indicateurs(await lireDirect(database.db, p, apres), FIN)))
        failures.push(`après les écritures (${p.kind}) : les agrégats diffèrent du calcul direct`);
    }

    // Coverage: all communes against 30,000 places, through the same index and function as /couverture.
    const partagees = communesPartagees();
    setCommuneCentres(partagees.map((c) => ({ insee: c.insee, lat: c.lat, lng: c.lng })));
    const snapshot = buildSnapshot(synthetic(partagees, 30_000), `bench-${Date.now()}`);
    const moteur = new MoteurLieux(null as never, { pollMs: 0 });
    (moteur as unknown as { snapshot: unknown; dirty: boolean }).snapshot = snapshot;
    (moteur as unknown as { dirty: boolean }).dirty = false;
    const cov = await timed(async () => {
      let n = 0;
      let loin = 0;
      for (const d of departements()) {
        const c = await couvertureDepartement(moteur, d.code);
        n += c.communes.length;
        loin += c.population_au_dela_km['20'];
      }
      return { n, loin };
    });
    data.couverture = { ms: round(cov.ms), communes: cov.value.n, populationAuDela20km: cov.value.loin };
    rows.push([`couverture : ${cov.value.n.toLocaleString('fr-FR')} communes × 30 000 lieux (index k-d), recalcul complet`, round(cov.ms / 1000, 2), '', '', '', '']);
    if (cov.value.n < 30_000) failures.push(`couverture : ${cov.value.n} communes seulement`);
  } catch (e) {
    failures.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
  } finally {
    await pool.end();
    if (process.env.BENCH_GARDER === '1') console.log(`base gardée : ${base.url}`);
    else await base.drop();
  }
  return { table: { columns: ['mesure', 's', 'agrégats p50 ms', 'agrégats p95 ms', 'direct p50 / p95 ms', 'ratio p95'], rows }, data, failures };
}
