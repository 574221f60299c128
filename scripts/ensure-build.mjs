// Builds dist/ with tsc when a source file is newer than the last build ("npm start" builds only if needed).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const stamp = 'dist/.build-stamp';
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sources = Math.max(newest('src'), statSync('tsconfig.json').mtimeMs, statSync('tsconfig.build.json').mtimeMs, statSync('package-lock.json').mtimeMs);
if (sources > built || process.argv.includes('--force')) {
  process.stderr.write('Compilation (tsc)…\n');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  writeFileSync(stamp, new Date().toISOString());
}
// The public pages' purged CSS and subset fonts (dist/assets/), rebuilt only when their inputs change.
const { buildAssets } = await import('./build-assets.mjs');
await buildAssets({ force: process.argv.includes('--force') });
