/**
 * The public pages' assets built by scripts/build-assets.mjs into dist/assets/ (a purged DSFR, two
 * subset Marianne faces), served under /static/build/ with content-hashed names, cached for a year.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ASSETS_DIR = fileURLToPath(new URL('../../dist/assets/', import.meta.url));
export const ASSETS_PREFIX = '/static/build/';

export interface PublicAssets {
  /** The style sheet's URL. */
  css: string;
  /** The font files' URLs (regular, bold), preloaded. */
  fonts: string[];
}

let cached: PublicAssets | null | undefined;

/**
 * The URLs of the built assets, or null when they were not built (the pages then take the full
 * DSFR, and a warning says how to build them). Read once per process.
 */
export function publicAssets(): PublicAssets | null {
  if (cached !== undefined) return cached;
  const path = ASSETS_DIR + 'manifest.json';
  if (!existsSync(path)) {
    process.emitWarning('dist/assets/manifest.json absent : les pages publiques prennent le DSFR complet (node scripts/build-assets.mjs).');
    cached = null;
    return cached;
  }
  const m = JSON.parse(readFileSync(path, 'utf8')) as { css: string; fonts: Record<string, string> };
  cached = { css: ASSETS_PREFIX + m.css, fonts: Object.values(m.fonts).map((f) => ASSETS_PREFIX + f) };
  return cached;
}
