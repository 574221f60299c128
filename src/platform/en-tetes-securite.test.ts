/**
 * The security headers, pinned byte for byte (name case, value, order) as they leave the socket,
 * on pages, the JSON API (plain and compressed), problems, 404s and static files, with and without
 * HTTPS: the set is computed once at startup and must stay what helmet sends.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './testing.js';

/** Status and raw header pairs, with the case and order they have on the wire. */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; pairs: [string, string][] }> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, pairs });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const SECURITY = new Set([
  'content-security-policy',
  'content-security-policy-report-only',
  'cross-origin-embedder-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-powered-by',
  'x-xss-protection',
]);
const security = (pairs: [string, string][]) => pairs.filter(([name]) => SECURITY.has(name.toLowerCase()));

const csp = (img: string) =>
  `default-src 'self';script-src 'self';style-src 'self';img-src ${img};font-src 'self';connect-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'self';object-src 'none'`;
const expected = (img: string, hsts: boolean): [string, string][] => [
  ['Content-Security-Policy', csp(img)],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ...(hsts ? ([['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']] as [string, string][]) : []),
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

const ROUTES: [string, number, Record<string, string>?][] = [
  ['/', 200],
  ['/connexion', 200],
  ['/healthz', 200],
  ['/api/v1/lieux?lat=49.12&lon=6.17&limit=2', 200],
  ['/api/v1/lieux?lat=49.12&lon=6.17&limit=2', 200, { 'accept-encoding': 'gzip, br' }],
  ['/api/v1/lieux?lat=abc&lon=6', 400],
  ['/n-existe-pas', 404],
  ['/dsfr/dsfr.min.css', 200],
];

async function listen(t: TestContext): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

let plain: TestContext;
let https: TestContext;
let plainUrl: string;
let httpsUrl: string;
beforeAll(async () => {
  plain = await createTestApp();
  https = await createTestApp({ demo: false, config: { publicUrl: 'https://cn.example.fr', mapTilesUrl: 'https://{s}.tiles.example.fr/{z}/{x}/{y}.png' } });
  plainUrl = await listen(plain);
  httpsUrl = await listen(https);
}, 120_000);
afterAll(async () => {
  await plain?.close();
  await https?.close();
});

describe('security headers', () => {
  it.each(ROUTES)('over HTTP, %s → %i: the same set, no HSTS', async (path, status, headers) => {
    const res = await get(plainUrl, path, headers);
    expect(res.status).toBe(status);
    expect(security(res.pairs)).toEqual(expected("'self' data:", false));
  });

  it.each(ROUTES)('over HTTPS with map tiles, %s → %i: HSTS and the tiles host in img-src', async (path, status, headers) => {
    const res = await get(httpsUrl, path, headers);
    expect(res.status).toBe(status);
    expect(security(res.pairs)).toEqual(expected("'self' data: https://*.tiles.example.fr", true));
  });

  it('each security header is sent once', async () => {
    const res = await get(plainUrl, '/');
    const names = security(res.pairs).map(([n]) => n.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });
});
