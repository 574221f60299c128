// The public pages' assets, built once (npm start/bench/cli through ensure-build, the test runs through
// their globalSetup, `npm run dev`), into dist/assets/ (not committed: this script makes them again):
// - public-<hash>.css: the DSFR (main + print) and its icons, purged (PurgeCSS) to the classes the public
//   pages' sources use, icons inlined as data: URIs, the DSFR's font faces replaced by two subset ones,
//   then the project's app.css, nojs.css and lieux.css; with .br and .gz beside it (served as they are).
// - marianne-400-<hash>.woff2, marianne-700-<hash>.woff2: Marianne regular and bold subset (subset-font,
//   HarfBuzz) to the characters of French text, kerning and ligatures kept. No italic, light or medium
//   face: the browser uses the regular for 300/500 and slants it for italics.
// - manifest.json: the file names (read by src/platform/assets.ts) and the hash of every input; nothing
//   is rebuilt while the inputs are unchanged.
// A class built in a template (`fr-alert--${kind}`) cannot be seen in the sources: list it in SAFELIST.
// src/platform/assets.test.ts renders the public pages and fails on a class the full DSFR styles and this
// CSS does not.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DSFR = join(ROOT, 'node_modules/@gouvfr/dsfr/dist');
export const ASSETS_DIR = join(ROOT, 'dist/assets');

/** The sources of the public pages (views and their scripts): every class named in them is kept. */
export const CONTENT = [
  'src/platform/views/layout.tsx',
  'src/platform/views/components.tsx',
  'src/platform/rate-limit/honeypot.tsx',
  'src/accueil/views/static.tsx',
  'src/lieux/views/public.tsx',
  'src/programme/views/candidature.tsx',
  'src/recrutement/views/candidats.tsx',
  'src/territoires/views/commune-field.tsx',
  'public/commune.js',
  'public/lieux.js',
  'public/programme.js',
];

/** Classes written as templates in those sources (`fr-alert--${kind}`, `cn-statut--${etat}`). */
const SAFELIST = [/^fr-alert--(success|info|warning|error)$/, /^cn-statut--(ouvert|ferme|inconnu)$/];

/**
 * The style sheets, in order: DSFR main, DSFR icons, DSFR print, then the project's own; nojs.css
 * always, since these pages take no DSFR script (the menu is shown inline, not as a modal).
 */
const STYLES = ['dsfr.main.min.css', 'utility/icons/icons.min.css', 'dsfr.print.min.css'].map((f) => join(DSFR, f));
const OWN_STYLES = ['public/app.css', 'public/nojs.css', 'public/lieux.css'].map((f) => join(ROOT, f));

/** Basic Latin, Latin-1 (accents, « », non-breaking space, ·, °), Œ œ Ÿ, the typographic marks of French text, €, →. */
export const FRENCH_UNICODE_RANGE =
  'U+20-7E,U+A0-FF,U+152-153,U+178,U+2009,U+2011,U+2013-2014,U+2018-2019,U+201A,U+201C-201E,U+2022,U+2026,U+202F,U+2039-203A,U+20AC,U+2192';
const FACES = [
  { weight: 400, file: 'Marianne-Regular.woff2' },
  { weight: 700, file: 'Marianne-Bold.woff2' },
];

function rangeText(range) {
  const cps = [];
  for (const part of range.split(',')) {
    const [a, b] = part.replace('U+', '').split('-').map((h) => parseInt(h, 16));
    for (let c = a; c <= (b ?? a); c++) cps.push(c);
  }
  return String.fromCodePoint(...cps);
}

const sha = (data) => createHash('sha256').update(data).digest('hex');

/** Writes through a temporary file and a rename: a concurrent reader never sees half a file. */
function writeAtomic(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** A DSFR icon as a data: URI (no request per icon), from a url() relative to the sheet that names it. */
function inlineIcons(css, sheet) {
  return css.replace(/url\((["']?)([^)"':]+\.svg)\1\)/g, (_m, _q, rel) => {
    const svg = readFileSync(resolve(dirname(sheet), rel), 'utf8')
      .replace(/<\?xml[^>]*>/, '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/"/g, "'");
    return `url("data:image/svg+xml,${svg.replace(/[%#<>]/g, (c) => encodeURIComponent(c))}")`;
  });
}

function inputsHash(scriptSource) {
  const h = createHash('sha256').update(scriptSource);
  for (const f of [...STYLES, ...OWN_STYLES, ...CONTENT.map((c) => join(ROOT, c)), ...FACES.map((x) => join(DSFR, 'fonts', x.file))]) {
    h.update(f).update(readFileSync(f));
  }
  h.update(readFileSync(join(DSFR, '../package.json')));
  return h.digest('hex');
}

/** Builds the assets unless the manifest says they were built from the same inputs. Returns the manifest. */
export async function buildAssets({ force = false, log = (m) => process.stderr.write(m + '\n') } = {}) {
  const inputs = inputsHash(readFileSync(fileURLToPath(import.meta.url)));
  const manifestPath = join(ASSETS_DIR, 'manifest.json');
  if (!force && existsSync(manifestPath)) {
    const current = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (current.inputs === inputs && [current.css, ...Object.values(current.fonts)].every((f) => existsSync(join(ASSETS_DIR, f)))) return current;
  }
  log('Ressources des pages publiques (CSS purgée, polices réduites)…');
  const t0 = Date.now();
  mkdirSync(ASSETS_DIR, { recursive: true });
  const [{ PurgeCSS }, { default: subsetFont }] = await Promise.all([import('purgecss'), import('subset-font')]);

  // Fonts first: the CSS names them.
  const text = rangeText(FRENCH_UNICODE_RANGE);
  const fonts = {};
  for (const face of FACES) {
    const woff2 = await subsetFont(readFileSync(join(DSFR, 'fonts', face.file)), text, { targetFormat: 'woff2', keepFeatures: ['kern', 'liga'] });
    const name = `marianne-${face.weight}-${sha(woff2).slice(0, 10)}.woff2`;
    writeAtomic(join(ASSETS_DIR, name), woff2);
    fonts[face.weight] = name;
  }

  const content = CONTENT.map((c) => join(ROOT, c));
  const sheets = [...STYLES, ...OWN_STYLES];
  const purged = await new PurgeCSS().purge({
    content,
    css: sheets.map((f) => ({ raw: inlineIcons(readFileSync(f, 'utf8'), f) })),
    // Class names, ids and attribute names as the sources write them (fr-btn--secondary, aria-current).
    defaultExtractor: (s) => s.match(/[\w-]+/g) ?? [],
    safelist: { standard: SAFELIST },
    variables: true,
    keyframes: true,
  });
  const faces = FACES.map(
    (f) =>
      `@font-face{font-family:Marianne;font-style:normal;font-weight:${f.weight};font-display:swap;src:url(${fonts[f.weight]}) format("woff2");unicode-range:${FRENCH_UNICODE_RANGE}}`,
  ).join('');
  const body = purged
    .map((r) => r.css)
    .join('\n')
    // The DSFR's faces (eight Marianne, two Spectral) give way to the two subset ones.
    .replace(/@font-face\{[^}]*\}/g, '')
    .replace(/@charset "UTF-8";/g, '')
    .replace(/\/\*![\s\S]*?\*\//g, '');
  const css = Buffer.from(`@charset "UTF-8";/*! DSFR v${dsfrVersion()} (MIT), purgé pour les pages publiques */${faces}${body}`);
  const cssName = `public-${sha(css).slice(0, 10)}.css`;
  writeAtomic(join(ASSETS_DIR, cssName), css);
  writeAtomic(join(ASSETS_DIR, cssName + '.br'), brotliCompressSync(css, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }));
  writeAtomic(join(ASSETS_DIR, cssName + '.gz'), gzipSync(css, { level: 9 }));

  const manifest = { inputs, css: cssName, fonts, builtAt: new Date().toISOString() };
  writeAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  removeStale(new Set([cssName, cssName + '.br', cssName + '.gz', ...Object.values(fonts), 'manifest.json']));
  log(`  ${cssName} (${Math.round(css.length / 1024)} Ko), ${Object.values(fonts).join(', ')} en ${Date.now() - t0} ms`);
  return manifest;
}

function dsfrVersion() {
  return JSON.parse(readFileSync(join(DSFR, '../package.json'), 'utf8')).version;
}

/** Earlier builds' files, once they are old enough that no running server of a concurrent build names them. */
function removeStale(keep) {
  const hour = Date.now() - 3600_000;
  for (const f of readdirSync(ASSETS_DIR)) {
    const p = join(ASSETS_DIR, f);
    if (!keep.has(f) && statSync(p).mtimeMs < hour) unlinkSync(p);
  }
}

/** Vitest's globalSetup: the assets exist before any test file starts a server. */
export async function setup() {
  await buildAssets();
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildAssets({ force: process.argv.includes('--force') });
}
