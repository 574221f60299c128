/**
 * Address geocoding through the national address API (Base Adresse Nationale):
 * GET {BAN_URL}/search/?q=…&limit=… → GeoJSON FeatureCollection. One interface, a real HTTP client
 * (fetch with a timeout) and an in-memory stand-in for tests and for instances without BAN.
 */

export interface Adresse {
  label: string;
  /** housenumber, street, municipality, locality. */
  type: string;
  score: number;
  lat: number;
  lng: number;
  codeInsee: string;
  codePostal: string;
  commune: string;
  /** Number and street (« 1 place d'Armes »), or the place name. */
  voie: string;
}

export interface Geocodeur {
  rechercher(q: string, opts?: { limit?: number; codePostal?: string; codeInsee?: string }): Promise<Adresse[]>;
}

export class GeocodageIndisponible extends Error {}

interface BanFeature {
  geometry?: { type?: string; coordinates?: [number, number] };
  properties?: Record<string, unknown>;
}

/** Reads a BAN GeoJSON answer; features without a point are skipped. */
export function lireReponseBan(json: unknown): Adresse[] {
  const features = (json as { features?: BanFeature[] })?.features;
  if (!Array.isArray(features)) throw new GeocodageIndisponible('Réponse de la BAN illisible.');
  const out: Adresse[] = [];
  for (const f of features) {
    const c = f.geometry?.coordinates;
    const p = f.properties ?? {};
    if (!Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number') continue;
    const s = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
    out.push({
      label: s('label'),
      type: s('type'),
      score: typeof p.score === 'number' ? p.score : 0,
      lat: c[1],
      lng: c[0],
      codeInsee: s('citycode'),
      codePostal: s('postcode'),
      commune: s('city'),
      voie: s('name'),
    });
  }
  return out;
}

export class GeocodeurBan implements Geocodeur {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 3_000,
  ) {}

  async rechercher(q: string, opts: { limit?: number; codePostal?: string; codeInsee?: string } = {}): Promise<Adresse[]> {
    const url = new URL(`${this.baseUrl.replace(/\/$/, '')}/search/`);
    url.searchParams.set('q', q.slice(0, 200));
    url.searchParams.set('limit', String(opts.limit ?? 5));
    if (opts.codePostal) url.searchParams.set('postcode', opts.codePostal);
    if (opts.codeInsee) url.searchParams.set('citycode', opts.codeInsee);
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
    } catch (e) {
      throw new GeocodageIndisponible(`La BAN ne répond pas (${(e as Error).name === 'TimeoutError' ? 'délai dépassé' : (e as Error).message}).`);
    }
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      throw new GeocodageIndisponible(`La BAN a répondu ${res.status}.`);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new GeocodageIndisponible('Réponse de la BAN illisible.');
    }
    return lireReponseBan(json);
  }
}

/** A stand-in: a fixed list of addresses, matched by words. */
export class GeocodeurMemoire implements Geocodeur {
  constructor(private readonly adresses: Adresse[]) {}

  async rechercher(q: string, opts: { limit?: number; codePostal?: string; codeInsee?: string } = {}): Promise<Adresse[]> {
    const words = norm(q).split(' ').filter((w) => w.length > 1);
    return this.adresses
      .filter((a) => (!opts.codePostal || a.codePostal === opts.codePostal) && (!opts.codeInsee || a.codeInsee === opts.codeInsee))
      .map((a) => ({ a, n: words.filter((w) => norm(a.label).includes(w)).length }))
      .filter((x) => x.n > 0 && x.n >= words.length * 0.6)
      .sort((x, y) => y.n - x.n)
      .slice(0, opts.limit ?? 5)
      .map((x) => ({ ...x.a, score: x.n / Math.max(1, words.length) }));
  }
}

/** No geocoding configured (BAN_URL=off). */
export const SANS_GEOCODAGE: Geocodeur = {
  async rechercher() {
    throw new GeocodageIndisponible('Le géocodage est désactivé sur cette instance (BAN_URL=off).');
  },
};

const norm = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
