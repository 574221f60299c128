import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../platform/testing.js';
import { negotiateEncoding } from './compression.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const METZ = '/api/v1/lieux?commune=57463';
const get = (url: string, acceptEncoding?: string) =>
  t.app.inject({ method: 'GET', url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

describe('GET /api/v1/lieux compressed from the hot-answer cache', () => {
  it('gzip and br: the same bytes once decoded, content-encoding, vary and content-length right, also when answered from the cache', async () => {
    const plain = await get(METZ);
    expect(plain.statusCode).toBe(200);
    expect(plain.rawPayload.length).toBeGreaterThan(1024);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    for (const [accept, encoding, decode] of [
      ['gzip', 'gzip', gunzipSync],
      ['br', 'br', brotliDecompressSync],
      ['gzip, deflate, br', 'br', brotliDecompressSync],
      ['gzip;q=1, br;q=0.5', 'gzip', gunzipSync],
      ['*', 'gzip', gunzipSync],
      ['x-gzip', 'gzip', gunzipSync],
    ] as const) {
      for (const round of [1, 2]) {
        const res = await get(METZ, accept);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-encoding'], `${accept} #${round}`).toBe(encoding);
        expect(res.headers.vary).toBe('accept-encoding');
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.headers['cache-control']).toBe('public, max-age=60');
        expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
        expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length);
        expect(decode(res.rawPayload).equals(plain.rawPayload), `${accept} #${round}`).toBe(true);
      }
    }
  });

  it('deflate is still left to the compress plugin; identity or q=0 everywhere get the plain bytes', async () => {
    const plain = await get(METZ);
    const deflate = await get(METZ, 'deflate');
    expect(deflate.headers['content-encoding']).toBe('deflate');
    expect(deflate.headers.vary).toBe('accept-encoding');
    expect(inflateSync(deflate.rawPayload).equals(plain.rawPayload)).toBe(true);
    for (const accept of ['identity', 'gzip;q=0, br;q=0', '', 'compress']) {
      const res = await get(METZ, accept);
      expect(res.headers['content-encoding'], accept).toBeUndefined();
      expect(res.rawPayload.equals(plain.rawPayload), accept).toBe(true);
    }
  });

  it('an answer below the threshold is sent as it is and does not vary', async () => {
    const empty = await get('/api/v1/lieux?lat=43.3&lon=5.4&rayon_km=1', 'gzip, br');
    expect(empty.statusCode).toBe(200);
    expect(empty.rawPayload.length).toBeLessThan(1024);
    expect(empty.headers['content-encoding']).toBeUndefined();
    expect(empty.headers.vary).toBeUndefined();
    expect(empty.json()).toMatchObject({ total: 0, lieux: [] });
  });
});

describe('negotiateEncoding, as the compress plugin chooses', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['br', 'br'],
    ['gzip, br', 'br'],
    ['br;q=0.1, gzip;q=0.9', 'gzip'],
    ['gzip;q=0.5, deflate;q=0.5', 'gzip'],
    ['deflate', 'deflate'],
    ['identity', 'identity'],
    ['compress', null],
    ['*', 'gzip'],
    ['br;q=0, gzip;q=0', null],
  ] as const)('%j → %j', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
