/**
 * The places' public API: GET /api/v1/lieux (nearest places or a commune's, hot answers from memory)
 * and the open-data exports /api/v1/lieux.csv and .json, all from the search engine's snapshot.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { boundedCache } from '../platform/cache.js';
import { COMPRESS_THRESHOLD } from '../platform/http.js';
import { commune as communeByInsee, type Commune } from '../territoires/territoires.js';
import type { Filtres, MoteurLieux, Resultat } from './recherche.js';
import { FIELDS, FORMULA_EXEMPT, FORMULA_START, SERVICES, toRecord, type Field, type LieuV1 } from './standard.js';
import { arr, str } from './requete.js';
import { answerBytes, compressed, negotiateEncoding, type AnswerBytes } from './compression.js';

export function registerLieuxApiRoutes(app: FastifyInstance, moteur: MoteurLieux, origineCommune: (c: Commune) => Promise<{ lat: number; lng: number }>): void {

  const problemParam = (reply: FastifyReply, name: string, reason: string) =>
    reply.problem(400, `Paramètre ${name} invalide`, `${name} : ${reason}`, { invalid_params: [{ name, reason }] });

  app.get('/api/v1/lieux', { config: { access: 'public' } }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const num = (name: string) => {
      const s = str(q[name]);
      if (!s) return undefined;
      return /^[-+]?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
    };
    const lat = num('lat');
    const lon = num('lon');
    const rayon = num('rayon_km');
    const limit = num('limit');
    if (lat !== undefined && !(lat >= -90 && lat <= 90)) return problemParam(reply, 'lat', 'latitude attendue entre -90 et 90');
    if (lon !== undefined && !(lon >= -180 && lon <= 180)) return problemParam(reply, 'lon', 'longitude attendue entre -180 et 180');
    if (rayon !== undefined && !(rayon > 0 && rayon <= 1000)) return problemParam(reply, 'rayon_km', 'rayon en kilomètres, entre 0 et 1000');
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100)) return problemParam(reply, 'limit', 'entier entre 1 et 100');
    const services = arr(q.services).flatMap((s) => s.split(/[|,]/)).map((s) => s.trim()).filter(Boolean);
    const unknown = services.filter((s) => !(SERVICES as readonly string[]).includes(s));
    if (unknown.length) return problemParam(reply, 'services', `service inconnu : ${unknown.join(', ')} (valeurs du standard : ${SERVICES.join(' ; ')})`);
    const filtres: Filtres = { services };
    const n = limit ?? 20;
    const communeCode = str(q.commune).toUpperCase();
    // A hot answer (the same search again on the same snapshot of the places) is sent from memory.
    const snapshot = await moteur.ready();
    if (answersFor !== snapshot) {
      answers.clear();
      answersFor = snapshot;
    }
    const key = communeCode ? `c|${communeCode}|${[...services].sort().join('|')}|${n}` : `p|${lat}|${lon}|${rayon ?? ''}|${[...services].sort().join('|')}|${n}`;
    const hit = answers.get(key);
    if (hit !== undefined) return sendLieux(request, reply, hit);
    let results: Resultat[];
    let origine: { lat: number; lon: number } | null = null;
    if (communeCode) {
      const c = communeByInsee(communeCode);
      if (!c) return problemParam(reply, 'commune', 'code INSEE inconnu (5 caractères, par exemple 57463)');
      const o = await origineCommune(c);
      origine = { lat: o.lat, lon: o.lng };
      results = (await moteur.filterAndSort(await moteur.ofCommune(c.insee), filtres, o)).slice(0, n);
    } else {
      if (lat === undefined || lon === undefined) {
        return reply.problem(400, 'Paramètres manquants', 'Indiquez lat et lon (avec rayon_km si besoin), ou commune (code INSEE).', {
          invalid_params: [{ name: lat === undefined ? 'lat' : 'lon', reason: 'obligatoire sans commune' }],
        });
      }
      origine = { lat, lon };
      results = await moteur.nearest(lat, lon, filtres, n, rayon ?? 50);
    }
    // Each place's JSON is serialised once (per snapshot) and reused: the answer is assembled as text.
    const items = results.map((r) => `${fragment(r.lieu)},"distance_km":${r.distanceKm === null ? 'null' : Math.round(r.distanceKm * 1000) / 1000}}`);
    const answer = answerBytes(`{"origine":${JSON.stringify(origine)},"total":${results.length},"lieux":[${items.join(',')}]}`);
    // Kept only if the places did not change during the search (the next search answers from the new snapshot).
    if (answersFor === snapshot) answers.set(key, answer);
    return sendLieux(request, reply, answer);
  });

  /**
   * The answers of GET /api/v1/lieux, by search, for the current snapshot of the places: emptied when
   * it is replaced (a write here, or another instance's seen by the poll), bounded (≈ 20 KB an answer
   * of 20 places, and ≈ 3 KB for each compressed copy: 1,000 answers ≈ 26 MB), one minute like the
   * answer's cache-control. Each is kept as bytes, with its gzip and brotli copies made on first use.
   */
  const answers = boundedCache<string, AnswerBytes>({ name: 'lieux.reponses-api', max: 1_000, ttlMs: 60_000 });
  let answersFor: unknown = null;
  const sendLieux = (request: FastifyRequest, reply: FastifyReply, answer: AnswerBytes) => {
    reply.header('cache-control', 'public, max-age=60').type('application/json; charset=utf-8');
    // Below the plugin's threshold an answer is never compressed, so it does not vary.
    if (answer.body.length < COMPRESS_THRESHOLD) return reply.send(answer.body);
    reply.header('vary', 'accept-encoding');
    const encoding = negotiateEncoding(request.headers['accept-encoding']);
    // Already encoded: the compress plugin leaves a payload with a content-encoding as it is.
    if (encoding === 'br' || encoding === 'gzip') return reply.header('content-encoding', encoding).send(compressed(answer, encoding));
    return reply.send(answer.body);
  };

  /** A place's JSON without its closing brace, cached on the (immutable) snapshot object. */
  const fragments = new WeakMap<LieuV1, string>();
  function fragment(l: LieuV1): string {
    let f = fragments.get(l);
    if (f === undefined) {
      f = JSON.stringify(l).slice(0, -1);
      fragments.set(l, f);
    }
    return f;
  }

  let exportCache: { key: unknown; csv: string; json: string } | null = null;
  async function exports() {
    const s = await moteur.ready();
    if (exportCache?.key !== s) {
      // Values are refused at input (formulaProblem); a value stored before that is neutralised
      // here, for spreadsheets only, by a leading apostrophe (the JSON export stays as stored).
      const records = s.lieux.map((l) => neutraliserFormules(toRecord(l)));
      const csv = stringify(records, { header: true, columns: [...FIELDS], quoted: true, bom: false });
      const json = JSON.stringify(
        s.lieux.map((l) => {
          const r: Record<string, string | number> = {};
          for (const [k, v] of Object.entries(toRecord(l))) if (v !== '') r[k] = k === 'latitude' || k === 'longitude' ? Number(v) : v;
          return r;
        }),
      );
      exportCache = { key: s, csv, json };
    }
    return exportCache;
  }

  app.get('/api/v1/lieux.csv', { config: { access: 'public' } }, async (_request, reply) => {
    const e = await exports();
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="lieux-mediation-numerique.csv"')
      .header('cache-control', 'public, max-age=300')
      .send(e.csv);
  });

  app.get('/api/v1/lieux.json', { config: { access: 'public' } }, async (_request, reply) => {
    const e = await exports();
    return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(e.json);
  });
}

/** A CSV record whose cells a spreadsheet would run as formulas get a leading apostrophe. */
export function neutraliserFormules(r: Record<Field, string>): Record<Field, string> {
  const out = { ...r };
  for (const f of FIELDS) if (!FORMULA_EXEMPT.includes(f) && FORMULA_START.test(out[f])) out[f] = `'${out[f]}`;
  return out;
}
