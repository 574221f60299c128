/**
 * Route fuzzing: hostile input sent to every registered route (`app.routeTable`), as anonymous and as
 * signed-in users of several roles, with a fixed seed. Shared by `src/platform/fuzz.test.ts` (a
 * bounded count) and `bench/fuzz.ts` (a large one).
 *
 * What is sent: JSON bodies with wrong types, huge strings, odd unicode, out-of-range dates and
 * numbers; urlencoded forms with the same values (and repeated or bracketed keys); query strings
 * likewise; path parameters replaced by non-UUIDs, the nil UUID, long strings or a real id; malformed
 * multipart bodies. Forms carry the valid CSRF token of the session, /api/ calls a bearer token, so
 * that the handlers are really reached.
 *
 * What is checked: no 5xx; a 4xx is a French HTML page, or `application/problem+json` for /api/ URLs
 * (and /healthz, which is not a page).
 */
import type { LightMyRequestResponse } from 'fastify';
import type { RouteInfo } from './http.js';
import { TestClient, type TestContext } from './testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { findUserByEmail } from '../comptes/users.js';
import { findStructureBySiret } from '../structures/structures.js';
import { DEMO_ACCOUNTS, DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';

export const FUZZ_SEED = 0xc0ffee;

/** The identities requests are sent as. */
export const FUZZ_WHO = ['anonyme', 'admin', 'conseiller', 'structure', 'prefecture'] as const;
export type Who = (typeof FUZZ_WHO)[number];

/**
 * Routes not fuzzed, and why: they would sign the fuzzing users out or change their password.
 * (Admin disabling and role removal are fuzzed, but their real-id target is the demo "banque" user,
 * never one of the fuzzing users.)
 */
export const FUZZ_SKIPPED: Record<string, string> = {
  'POST /deconnexion': 'déconnecte la session du client',
  'POST /compte/mot-de-passe': 'changerait le mot de passe (et révoquerait les autres sessions)',
};

/** Routes whose body is multipart (uploads): they get malformed multipart bodies most of the time. */
export const UPLOAD_ROUTES = new Set(['POST /structures/:id/documents', 'POST /admin/lieux/import']);

// ------------------------------------------------------------------------------------------------
// The seeded generator

/** mulberry32: a tiny PRNG, deterministic for a given seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUGE = 'x'.repeat(100_000);
const HUGE_UNICODE = 'é😀'.repeat(34_000);

/** Hostile strings: unicode oddities, dates out of range, numbers that are not, injections. */
export const HOSTILE_STRINGS: string[] = [
  '',
  ' ',
  HUGE,
  HUGE_UNICODE,
  '\ud800',
  'a\udc00b',
  '\u202eevil\u202c',
  '\u200f\u200e\u2066x\u2069',
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301\u0301\u0301',
  '\ufeff\u200b',
  '\u0000',
  '0000-01-01',
  '9999-12-31',
  '2024-02-30',
  '2024-13-01',
  '-1',
  '0',
  '1.5',
  '1e999',
  '-1e308',
  'NaN',
  'Infinity',
  '99999999999999999999',
  '9007199254740993',
  '-0',
  '25:61',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00%zz',
  'javascript:alert(1)',
  '//evil.example/',
  'a@b',
  '@@@',
  'true',
  'null',
  '[object Object]',
];

const HOSTILE_VALUES: unknown[] = [
  { toString: 1 },
  { valueOf: 'x', toString: null },
  {},
  [],
  ['a', 'b'],
  [1, 2, 3],
  [[[[]]]],
  [{ toString: 1 }],
  0,
  -1,
  1.5,
  -0.000001,
  1e308,
  -1e308,
  2 ** 53 + 2,
  2 ** 31,
  -(2 ** 31) - 1,
  null,
  true,
  false,
];

/** Field names of the application's forms and API bodies, plus a few prototype traps. */
export const FIELD_NAMES: string[] = [
  'action', 'adresse', 'annee_naissance', 'anneeNaissance', 'au', 'autonomie', 'avant', 'apres', 'beneficiaire_id', 'beneficiaire',
  'code_postal', 'codePostal', 'commune', 'commune_insee', 'communeInsee', 'complement_adresse', 'confirmation', 'confirmer',
  'confirmer_doublon', 'conseillers', 'consentement', 'contactEmail', 'contactTelephone', 'courriel', 'courriels', 'current',
  'curseur', 'date', 'departement', 'description', 'destinataire', 'doublon', 'du', 'dupliquer', 'duree', 'duree_autre',
  'duree_minutes', 'email', 'firstName', 'fusionneDans', 'genres', 'gratuit', 'horaires', 'id', 'itinerance', 'jeton', 'lastName',
  'latitude', 'libelle', 'lieu', 'limite', 'longitude', 'materiel', 'name', 'niveau_atelier', 'nom', 'nom_demarche', 'notes',
  'orientation', 'ouvert', 'page', 'participants', 'participants_total', 'password', 'pec', 'precedente', 'prenom', 'public',
  'publics', 'q', 'retour', 'role', 'services', 'siret', 'site_web', 'source', 'structure_id', 'telephone', 'thematiques',
  'thematiques_demarches', 'titre_atelier', 'type', 'typologie', 'lat', 'lon', 'limit', 'offset',
  '__proto__', 'constructor', 'prototype',
];

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Real ids for path parameters, so that some requests reach an existing object. */
export interface FuzzIds {
  /** `/structures/:id` */
  structure: string;
  /** `/admin/utilisateurs/:id`: a demo user who is not one of the fuzzing users. */
  otherUser: string;
  /** `/lieux/:id` */
  lieu: string | null;
}

export interface FuzzCase {
  who: Who;
  route: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What was sent, in short, for reports. */
  input: string;
}

/** Percent-encodes a string, lone surrogates included (as the bytes ED A0 80, not UTF-8). */
export function encodeHostile(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += ch.length === 1 && c >= 0xd800 && c <= 0xdfff ? '%ED%A0%80' : encodeURIComponent(ch);
  }
  return out;
}

function short(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 40)}…(${s.length} chars)` : s;
}

export class FuzzGenerator {
  private readonly r: () => number;

  constructor(
    seed: number,
    private readonly ids: FuzzIds,
  ) {
    this.r = prng(seed);
  }

  private int(n: number): number {
    return Math.floor(this.r() * n);
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  private chance(p: number): boolean {
    return this.r() < p;
  }

  /** A hostile JSON value: a wrong type, or a hostile string. */
  value(): unknown {
    return this.chance(0.5) ? this.pick(HOSTILE_VALUES) : this.pick(HOSTILE_STRINGS);
  }

  /** A hostile string (for forms and queries, which carry strings only). */
  string(): string {
    return this.chance(0.8) ? this.pick(HOSTILE_STRINGS) : String(this.pick(HOSTILE_VALUES.filter((v) => typeof v === 'number')));
  }

  /** A path parameter value. */
  param(name: string, url: string): string {
    const real =
      url.startsWith('/structures/') && name === 'id'
        ? this.ids.structure
        : url.startsWith('/admin/utilisateurs/') && name === 'id'
          ? this.ids.otherUser
          : url.startsWith('/lieux/') && name === 'id'
            ? this.ids.lieu
            : null;
    const choices = [
      NIL_UUID,
      'not-a-uuid',
      '1',
      '-1',
      '9'.repeat(40),
      'x'.repeat(90),
      'x'.repeat(5_000),
      this.uuid(),
      this.uuid().toUpperCase(),
      `{${this.uuid()}}`,
      `${NIL_UUID}x`,
      '%00',
      '..',
      '\ud800',
      '\u202e😀',
      'e\u0301',
    ];
    if (real && this.chance(0.4)) return real;
    return this.pick(choices);
  }

  private uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  /** A hostile query string (without '?'), or '' sometimes. */
  query(): string {
    if (this.chance(0.15)) return '';
    const parts: string[] = [];
    const n = 1 + this.int(4);
    for (let i = 0; i < n; i++) {
      const k = this.pick(FIELD_NAMES);
      const v = encodeHostile(this.string());
      switch (this.int(8)) {
        case 0:
          parts.push(`${k}=${v}&${k}=${encodeHostile(this.string())}`);
          break;
        case 1:
          parts.push(`${k}[]=1&${k}[]=${v}`);
          break;
        case 2:
          parts.push(`${k}[a][b]=${v}`);
          break;
        case 3:
          parts.push(this.pick([k, `=${v}`, '&&&', '%zz=%', `${k}=%E0%A4%A`, `${encodeHostile(this.string()).slice(0, 300)}=1`]));
          break;
        default:
          parts.push(`${k}=${v}`);
      }
    }
    return parts.join('&');
  }

  /** A hostile JSON body (as text), with its description. */
  json(): { payload: string; input: string } {
    switch (this.int(10)) {
      case 0: {
        const v = this.value();
        return { payload: JSON.stringify(v) ?? 'null', input: `json ${short(v)}` };
      }
      case 1:
        return this.pick([
          { payload: '{"a":', input: 'json truncated' },
          { payload: '', input: 'json empty' },
          { payload: '{"a":1,"a":{"toString":1}}', input: 'json duplicate key' },
          { payload: '['.repeat(5_000) + ']'.repeat(5_000), input: 'json nested 5000' },
          { payload: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}', input: 'json proto' },
          { payload: '"\\ud800"', input: 'json "\\ud800"' },
        ]);
      default: {
        const body: Record<string, unknown> = {};
        const fields: string[] = [];
        const n = 1 + this.int(8);
        for (let i = 0; i < n; i++) {
          const k = this.pick(FIELD_NAMES);
          const v = this.value();
          body[k] = v;
          fields.push(`${k}=${short(v)}`);
        }
        return { payload: JSON.stringify(body), input: `json {${fields.join(', ')}}` };
      }
    }
  }

  /** A hostile urlencoded form (as text, the CSRF token included when given). */
  form(csrf: string | null): { payload: string; input: string } {
    const parts: string[] = [];
    const fields: string[] = [];
    if (csrf !== null) parts.push(this.chance(0.05) ? `_csrf=${encodeURIComponent(csrf)}&_csrf=x` : `_csrf=${encodeURIComponent(csrf)}`);
    const n = 1 + this.int(8);
    for (let i = 0; i < n; i++) {
      const k = this.pick(FIELD_NAMES);
      const v = this.string();
      const style = this.int(6);
      const key = style === 0 ? `${k}[]` : style === 1 ? `${k}[x]` : k;
      parts.push(`${encodeURIComponent(key)}=${encodeHostile(v)}`);
      if (style === 2) parts.push(`${encodeURIComponent(key)}=${encodeHostile(this.string())}`);
      fields.push(`${key}${style === 2 ? '(x2)' : ''}=${short(v)}`);
    }
    if (this.chance(0.05)) parts.push('%zz=%E0%A4%A');
    return { payload: parts.join('&'), input: `form {${fields.join(', ')}}` };
  }

  /** A malformed (or hostile) multipart body, with its content type. */
  multipart(csrf: string | null): { payload: Buffer; contentType: string; input: string } {
    const b = '----fuzz-boundary-' + this.int(1e9).toString(36);
    const csrfPart = csrf === null ? '' : `--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`;
    const file = (name: string, content: string, type = 'application/pdf') =>
      `--${b}\r\nContent-Disposition: form-data; name="fichier"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n${content}\r\n`;
    const variants: { body: string; type: string; input: string }[] = [
      { body: 'garbage', type: 'multipart/form-data', input: 'multipart without boundary' },
      { body: `--${b}\r\nContent-Disposition: form-data; name="x"\r\n\r\nabc`, type: `multipart/form-data; boundary=${b}`, input: 'multipart truncated' },
      { body: `${csrfPart}--${b}\r\n\r\nno headers\r\n--${b}--\r\n`, type: `multipart/form-data; boundary=${b}`, input: 'multipart part without disposition' },
      { body: `${csrfPart}--${b}--\r\n`, type: `multipart/form-data; boundary=${b}`, input: 'multipart empty' },
      { body: `${csrfPart}${file('a.pdf', '%PDF-1.4 junk')}${file('b.pdf', 'second')}--${b}--\r\n`, type: `multipart/form-data; boundary=${b}`, input: 'multipart two files' },
      { body: `${csrfPart}${file('x'.repeat(5_000) + '.pdf', '%PDF-1.4\n%%EOF')}--${b}--\r\n`, type: `multipart/form-data; boundary=${b}`, input: 'multipart long filename' },
      { body: `${csrfPart}${file('../../\u202eetc.pdf', '%PDF-1.4\n%%EOF', 'text/csv')}--${b}--\r\n`, type: `multipart/form-data; boundary=${b}`, input: 'multipart odd filename' },
      { body: `${csrfPart}${file('lieux.csv', 'nom;adresse\n' + '"'.repeat(1000) + '\n\ud800;' + HUGE.slice(0, 9_000), 'text/csv')}--${b}--\r\n`, type: `multipart/form-data; boundary=${b}`, input: 'multipart junk csv' },
      { body: `${csrfPart}${file('lieux.json', '{"a":', 'application/json')}--${b}--\r\n`, type: `multipart/form-data; boundary=${b}`, input: 'multipart junk json' },
      {
        body: `${csrfPart}${Array.from({ length: 30 }, (_, i) => `--${b}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n${this.string().slice(0, 20_000)}\r\n`).join('')}--${b}--\r\n`,
        type: `multipart/form-data; boundary=${b}`,
        input: 'multipart 30 fields',
      },
      {
        body: `${csrfPart}--${b}\r\nContent-Disposition: form-data; name="${this.pick(FIELD_NAMES)}"\r\n\r\n${this.string().slice(0, 20_000)}\r\n${file('a.pdf', '%PDF-1.4\n%%EOF')}--${b}--\r\n`,
        type: `multipart/form-data; boundary=${b}`,
        input: 'multipart hostile field + file',
      },
      { body: `${csrfPart}${file('a.pdf', '%PDF')}--${b}--\r\n`, type: `multipart/form-data; boundary="${b}x"`, input: 'multipart wrong boundary' },
    ];
    const v = this.pick(variants);
    return { payload: Buffer.from(v.body), contentType: v.type, input: v.input };
  }

  /** One hostile request for one route, as one identity. */
  next(route: RouteInfo, who: Who, auth: FuzzAuth): FuzzCase {
    const key = `${route.method} ${route.url}`;
    let path = route.url.replace(/:(\w+)/g, (_m, name: string) => encodeHostile(this.param(name, route.url)));
    const api = route.url.startsWith('/api/');
    const headers: Record<string, string> = {};
    const inputs: string[] = [];
    if (path !== route.url) inputs.push(`path ${short(decodeSafe(path))}`);
    // Who: a bearer token for the API (sometimes the session instead), the session cookie for pages.
    const id = auth[who];
    const useBearer = api && id.bearer !== null && this.chance(0.85);
    if (useBearer) headers.authorization = `Bearer ${id.bearer}`;
    else if (api && who === 'anonyme' && this.chance(0.3)) {
      const bad = this.pick(['cn_', 'cn_' + 'a'.repeat(200), 'x', '', 'cn_%00', 'cn_' + NIL_UUID]);
      headers.authorization = `Bearer ${bad}`;
      inputs.push(`bearer ${short(bad)}`);
    } else if (id.cookie) headers.cookie = id.cookie;
    const csrf = useBearer ? null : id.csrf;
    const state = route.method !== 'GET';
    if (state && csrf && !headers.authorization) headers['x-csrf-token'] = csrf;
    const q = this.chance(state ? 0.3 : 0.85) ? this.query() : '';
    let payload: string | Buffer | undefined;
    if (state) {
      const upload = UPLOAD_ROUTES.has(key);
      const kind = upload ? (this.chance(0.8) ? 'multipart' : this.pick(['form', 'json'])) : this.chance(0.04) ? 'multipart' : api ? (this.chance(0.9) ? 'json' : 'form') : this.chance(0.55) ? 'form' : 'json';
      if (kind === 'multipart') {
        const m = this.multipart(csrf);
        payload = m.payload;
        headers['content-type'] = m.contentType;
        inputs.push(m.input);
        if (csrf) path += `${path.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrf)}`;
      } else if (kind === 'form') {
        const f = this.form(csrf);
        payload = f.payload;
        headers['content-type'] = 'application/x-www-form-urlencoded';
        inputs.push(f.input);
      } else {
        const j = this.json();
        payload = j.payload;
        headers['content-type'] = this.chance(0.05) ? 'application/json; charset=latin1' : 'application/json';
        inputs.push(j.input);
      }
    }
    if (q) {
      path += `${path.includes('?') ? '&' : '?'}${q}`;
      inputs.push(`query ${short(decodeSafe(q))}`);
    }
    return { who, route: key, method: route.method, url: path, headers, payload, input: inputs.join(' ; ') || '(none)' };
  }
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ------------------------------------------------------------------------------------------------
// Running it against a test application

export type FuzzAuth = Record<Who, { cookie: string; csrf: string; bearer: string | null }>;

export interface FuzzSession {
  t: TestContext;
  routes: RouteInfo[];
  auth: FuzzAuth;
  ids: FuzzIds;
}

function emailOf(role: string): string {
  return DEMO_ACCOUNTS.find((a) => a.role === role)!.email;
}

function cookieOf(c: TestClient): string {
  return [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Signs the fuzzing users in, creates their API tokens and finds real ids (the demo must be seeded). */
export async function prepareFuzz(t: TestContext): Promise<FuzzSession> {
  const auth = {} as FuzzAuth;
  for (const who of FUZZ_WHO) {
    const c = new TestClient(t.app);
    if (who === 'anonyme') {
      await c.get('/connexion');
      auth[who] = { cookie: cookieOf(c), csrf: c.lastCsrf, bearer: null };
      continue;
    }
    await c.login(emailOf(who));
    const user = (await findUserByEmail(t.database.db, emailOf(who)))!;
    const { token } = await createApiToken(t.database.db, SYSTEM_ACTOR, user.id, `fuzz ${who}`);
    auth[who] = { cookie: cookieOf(c), csrf: c.lastCsrf, bearer: token };
  }
  const metz = await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === 'metz')));
  const other = await findUserByEmail(t.database.db, emailOf('banque'));
  const [lieu] = await t.database.query<{ id: string }>('select id::text as id from lieux order by id limit 1').catch(() => []);
  const ids: FuzzIds = { structure: metz!.id, otherUser: other!.id, lieu: lieu?.id ?? null };
  const routes = t.app.routeTable.filter((r) => !Object.hasOwn(FUZZ_SKIPPED, `${r.method} ${r.url}`));
  return { t, routes, auth, ids };
}

export interface FuzzFinding {
  who: Who;
  route: string;
  method: string;
  url: string;
  input: string;
  status: number;
  /** 'server error' (5xx), or the broken contract of a 4xx. */
  problem: string;
  body: string;
}

export interface FuzzReport {
  requests: number;
  ms: number;
  findings: FuzzFinding[];
  /** Findings of known issues (`isKnown`), not counted as failures. */
  known: FuzzFinding[];
  /** How many answers of each status code. */
  statuses: Record<number, number>;
  /** Answers refusing the CSRF token: few, or the handlers are not really reached. */
  csrfRejected: number;
}

/** What is wrong with an answer, or null. */
export function checkAnswer(url: string, res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return 'server error';
  if (res.statusCode < 400) return null;
  const type = String(res.headers['content-type'] ?? '');
  const path = url.split('?')[0] ?? '';
  if (path === '/healthz' && type.startsWith('application/problem+json')) return null; // not a page, but /healthz?… is served as one
  if (path.startsWith('/api/')) {
    return type.startsWith('application/problem+json') ? null : `4xx API answer is ${type || 'untyped'}, not application/problem+json`;
  }
  if (!type.startsWith('text/html')) return `4xx page answer is ${type || 'untyped'}, not HTML`;
  if (!res.body.includes('<html lang="fr"')) return '4xx page is not a French HTML page';
  return null;
}

/**
 * Sends `perRoute` hostile requests to every route, as each identity, one at a time (so the run is
 * deterministic). Findings `isKnown` accepts (known, not yet fixed issues) are reported apart.
 */
export async function runFuzz(
  session: FuzzSession,
  opts: { perRoute: number; seed?: number; isKnown?: (f: FuzzFinding) => boolean; onProgress?: (done: number, total: number) => void },
): Promise<FuzzReport> {
  const gen = new FuzzGenerator(opts.seed ?? FUZZ_SEED, session.ids);
  const findings: FuzzFinding[] = [];
  const knownFindings: FuzzFinding[] = [];
  const total = session.routes.length * FUZZ_WHO.length * opts.perRoute;
  const statuses: Record<number, number> = {};
  let csrfRejected = 0;
  let requests = 0;
  const t0 = performance.now();
  for (let i = 0; i < opts.perRoute; i++) {
    for (const route of session.routes) {
      for (const who of FUZZ_WHO) {
        const c = gen.next(route, who, session.auth);
        const res = await session.t.app.inject({
          method: c.method as 'GET',
          url: c.url,
          headers: c.headers,
          ...(c.payload !== undefined ? { payload: c.payload } : {}),
        });
        requests++;
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 403 && (res.body.includes('Formulaire expiré') || res.body.includes('Jeton CSRF invalide'))) csrfRejected++;
        const problem = checkAnswer(c.url, res);
        if (problem) {
          const f: FuzzFinding = { who, route: c.route, method: c.method, url: c.url.length > 300 ? c.url.slice(0, 300) + '…' : c.url, input: c.input, status: res.statusCode, problem, body: res.body.slice(0, 300) };
          (opts.isKnown?.(f) ? knownFindings : findings).push(f);
        }
        if (opts.onProgress && requests % 500 === 0) opts.onProgress(requests, total);
      }
    }
  }
  return { requests, ms: performance.now() - t0, findings, known: knownFindings, statuses, csrfRejected };
}
