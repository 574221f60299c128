// Generates a SQL migration from the contexts' schema files (drizzle-kit), safely while several
// contexts are being developed at once:
//   npm run db:generate -- --name lieux --context lieux   (or --context platform/jobs)
// Includes every schema file whose tables already have a migration, plus the named context's;
// another context's new, not yet generated tables are left out. A lock directory serialises runs.
// Then it removes the hard-coded "public" schema so migrations apply to the connection's
// search_path (tests isolate themselves in a fresh schema).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (k) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const name = opt('name');
const context = opt('context');
if (!name) {
  console.error('Usage : npm run db:generate -- --name NOM [--context DOSSIER_DE_SRC]');
  process.exit(2);
}

const lock = '.drizzle-generate.lock';
for (let i = 0; ; i++) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (i > 600) throw new Error(`lock ${lock} held for 10 minutes; remove it if stale`);
    execFileSync('sleep', ['1']);
  }
}
const config = '.drizzle-generate.config.json';
try {
  const migrated = readdirSync('migrations')
    .filter((f) => f.endsWith('.sql'))
    .map((f) => readFileSync(`migrations/${f}`, 'utf8'))
    .join('\n');
  // Schema files: src/<context>/schema.ts, src/<context>/*-schema.ts, and the same one level deeper
  // (src/platform/jobs/schema.ts). --context names a folder under src/ (lieux, platform/jobs).
  const files = [];
  const schemaFiles = (dir, depth) => {
    const out = [];
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && depth < 2) out.push(...schemaFiles(`${dir}/${e.name}`, depth + 1));
      else if (e.isFile() && depth > 0 && (e.name === 'schema.ts' || e.name.endsWith('-schema.ts'))) out.push(`${dir}/${e.name}`);
    }
    return out;
  };
  for (const f of schemaFiles('src', 0).sort()) {
    const tables = [...readFileSync(f, 'utf8').matchAll(/pgTable\(\s*['"](\w+)['"]/g)].map((m) => m[1]);
    const known = tables.every((t) => migrated.includes(`CREATE TABLE "${t}"`));
    const dir = f.slice('src/'.length, f.lastIndexOf('/'));
    if ((context && (dir === context || f === `src/${context}`)) || known) files.push(`./${f}`);
    else console.error(`(ignoré : ${f}, tables pas encore migrées : ${tables.join(', ')})`);
  }
  writeFileSync(config, JSON.stringify({ dialect: 'postgresql', schema: files, out: './migrations' }));
  execFileSync('npx', ['drizzle-kit', 'generate', '--config', config, '--name', name], { stdio: 'inherit' });
  for (const f of readdirSync('migrations').filter((f) => f.endsWith('.sql'))) {
    const path = `migrations/${f}`;
    const sql = readFileSync(path, 'utf8');
    const fixed = sql.replaceAll('"public".', '');
    if (fixed !== sql) writeFileSync(path, fixed);
  }
} finally {
  rmSync(config, { force: true });
  rmSync(lock, { recursive: true, force: true });
}
