// Generates a SQL migration from the schema files, then removes the hard-coded "public" schema
// so that migrations apply to the connection's search_path (tests isolate themselves in a schema).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

execFileSync('npx', ['drizzle-kit', 'generate', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const f of readdirSync('migrations').filter((f) => f.endsWith('.sql'))) {
  const path = `migrations/${f}`;
  const sql = readFileSync(path, 'utf8');
  const fixed = sql.replaceAll('"public".', '');
  if (fixed !== sql) writeFileSync(path, fixed);
}
