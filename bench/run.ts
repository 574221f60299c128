/**
 * npm run bench [-- NAME… [--duration S] [--connections N] [--runs N]]
 *
 * Runs the named benchmarks (by default those marked `default` below), prints a table for each
 * and writes the raw figures to .bench/results-<name>.json. Everything runs against 127.0.0.1,
 * on servers started (and always stopped) by the bench itself, with temporary data directories.
 *
 * Adding a benchmark: create bench/<name>.ts exporting `async function <name>(opts: BenchOptions):
 * Promise<BenchResult>` (see bench/lib.ts for startServer, makeTempDir, median…), import it below
 * and add one entry to BENCHMARKS.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable, installCleanup, ROOT, type BenchFn, type BenchOptions } from './lib.js';
import { demarrage } from './demarrage.js';
import { pages } from './pages.js';
import { activites } from './activites.js';
import { lieux } from './lieux.js';
import { jobs } from './jobs.js';
import { fuzz } from './fuzz.js';
import { programme } from './programme.js';
import { recrutement } from './recrutement.js';
import { conventions } from './conventions.js';
import { importBench } from './import.js';
import { soak } from './soak.js';
import { statistiques } from './statistiques.js';

interface Entry {
  run: BenchFn;
  description: string;
  /** Part of the set run by `npm run bench` without a name. */
  default: boolean;
}

// ----- The registry: one line per benchmark ------------------------------------------------------
const BENCHMARKS: Record<string, Entry> = {
  demarrage: { run: demarrage, default: true, description: 'démarrage à froid : base vide (migrations + démo), puis redémarrage' },
  pages: { run: pages, default: true, description: 'débit des pages publiques (GET /, /connexion, /healthz) avec autocannon, puis Lighthouse mobile sur /trouver?q=Forbach et une fiche de lieu' },
  lieux: { run: lieux, default: false, description: 'lieux : 30 000 synthétiques + réels — plus proches en mémoire, GET /api/v1/lieux à 200 connexions, poids de /trouver' },
  jobs: { run: jobs, default: false, description: 'tâches de fond sur PostgreSQL : tâches/s par 1 et 2 workers, contre une file nue (delete … skip locked)' },
  activites: { run: activites, default: false, description: 'CRA sur PostgreSQL : POST /api/v1/activites par 100 conseillers simultanés, export CSV/XLSX de 100 000 activités' },
  programme: { run: programme, default: false, description: 'programme sur PostgreSQL : 10 000 dossiers dans 101 départements — liste de la préfecture et tableau national (p95), clôture d’un comité de 500 décisions, contre des requêtes nues' },
  recrutement: { run: recrutement, default: false, description: 'recrutement sur PostgreSQL : 50 000 candidats, 5 000 structures — appariement initial, nouveau candidat / nouvelle structure (p95) contre un haversine SQL sur toute la table, page des candidats d’une structure contre Fastify + pg nu' },
  conventions: { run: conventions, default: false, description: 'conventions sur PostgreSQL : 5 000 structures, 15 000 postes, 60 000 versements — tableau national de la Banque (p95) contre le SQL nu, exports CSV/XLSX (durée, Ko, RSS max) contre un select nu' },
  import: { run: importBench, default: false, description: 'import de lieux : un CSV de près de 20 Mo envoyé par le formulaire ; p99 de /healthz pendant l’import contre le même serveur au repos (objectif < 100 ms)' },
  soak: { run: soak, default: false, description: 'endurance : 10 minutes de trafic mêlé (recherche, API des lieux, connexions, écritures de CRA, exports) sur PostgreSQL ; RSS, tas et caches chaque minute, p99 par minute (objectif : tas plat après la chauffe, p99 sans dérive)' },
  statistiques: { run: statistiques, default: false, description: 'statistiques sur PostgreSQL : 1 000 000 activités générées (BENCH_STATISTIQUES=10000000 pour l’objectif), lectures nationales / départementales / structure par les agrégats contre un GROUP BY direct (p50, p95, ratio), écritures avec et sans agrégats' },
  fuzz: { run: fuzz, default: false, description: 'fuzz des routes : entrées hostiles sur chaque route, anonyme et 4 rôles ; compte les 5xx (doit être 0) et les 4xx mal formées' },
};
// --------------------------------------------------------------------------------------------------

const DEFAULTS: BenchOptions = { duration: 10, connections: 10, runs: 3 };

function usage(): string {
  const width = Math.max(...Object.keys(BENCHMARKS).map((n) => n.length));
  const list = Object.entries(BENCHMARKS)
    .map(([name, b]) => `  ${name.padEnd(width)}  ${b.description}${b.default ? ' (par défaut)' : ''}`)
    .join('\n');
  return [
    'Usage : npm run bench [-- NOM… [--duration S] [--connections N] [--runs N]]',
    '',
    'Benchmarks disponibles :',
    list,
    '',
    'Options :',
    `  --duration S      durée de charge par URL, en secondes (défaut ${DEFAULTS.duration})`,
    `  --connections N   connexions simultanées (défaut ${DEFAULTS.connections})`,
    `  --runs N          répétitions des mesures de démarrage (défaut ${DEFAULTS.runs})`,
  ].join('\n');
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} attend un entier positif (reçu « ${value} »)`);
  return n;
}

function parse(argv: string[]): { names: string[]; opts: BenchOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      runs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage());
    process.exit(0);
  }
  const opts: BenchOptions = {
    duration: positiveInt('duration', values.duration, DEFAULTS.duration),
    connections: positiveInt('connections', values.connections, DEFAULTS.connections),
    runs: positiveInt('runs', values.runs, DEFAULTS.runs),
  };
  const names = positionals.length ? positionals : Object.keys(BENCHMARKS).filter((n) => BENCHMARKS[n]!.default);
  return { names, opts };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage()}`);
    return 2;
  }
  const { names, opts } = parsed;
  const unknown = names.filter((n) => !Object.hasOwn(BENCHMARKS, n));
  if (unknown.length) {
    console.error(`Benchmark inconnu : ${unknown.join(', ')}\n\n${usage()}`);
    return 2;
  }

  installCleanup();
  const outDir = join(ROOT, '.bench');
  mkdirSync(outDir, { recursive: true });
  let failed = false;
  for (const name of names) {
    const bench = BENCHMARKS[name]!;
    console.log(`\n=== ${name} — ${bench.description}`);
    const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
    if (loadBefore[0]! > cpus().length) {
      console.log(`(attention : charge de la machine ${loadBefore[0]} pour ${cpus().length} cœurs — chiffres peu fiables)`);
    }
    const t0 = performance.now();
    try {
      const result = await bench.run(opts);
      const seconds = Math.round((performance.now() - t0) / 100) / 10;
      console.log(`\n${formatTable(result.table.columns, result.table.rows)}\n`);
      const file = join(outDir, `results-${name}.json`);
      const report = {
        benchmark: name,
        description: bench.description,
        date: new Date().toISOString(),
        durationSeconds: seconds,
        options: opts,
        machine: { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length, cpu: cpus()[0]?.model, loadavgBefore: loadBefore },
        ok: result.failures.length === 0,
        failures: result.failures,
        table: result.table,
        results: result.data,
      };
      writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
      for (const f of result.failures) console.log(`ÉCHEC : ${f}`);
      if (result.failures.length) failed = true;
      console.log(`${name} : ${seconds} s — résultats dans ${file}`);
    } catch (e) {
      failed = true;
      console.error(`\n${name} a échoué : ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return failed ? 1 : 0;
}

// process.exit runs the cleanup hook: no server or temporary directory is left behind.
main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
