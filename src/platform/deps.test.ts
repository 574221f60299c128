import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './deps.js';

describe('safeReturnPath', () => {
  it.each([
    ['/structures?q=metz', '/structures?q=metz'],
    ['/tableau-de-bord/admin', '/tableau-de-bord/admin'],
    ['/a/../structures', '/structures'],
  ])('keeps the same-site path %s', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it.each([
    ['https://evil.example/'],
    ['//evil.example'],
    ['/\\evil.example'],
    ['/\t/evil.example'],
    ['/%09/evil.example'.replace('%09', '\t')],
    ['/\r\n/evil'],
    ['/\u2028/x'],
    ['relative'],
    [''],
    [undefined],
    [['/a']],
  ])('replaces %j by the dashboard', (input) => {
    expect(safeReturnPath(input)).toBe('/tableau-de-bord');
  });
});

describe('TRUST_PROXY', () => {
  it('trusts a number of hops or listed proxies, never every hop', async () => {
    const { trustProxy } = await import('./config.js');
    expect(trustProxy(undefined)).toBe(false);
    expect(trustProxy('0')).toBe(false);
    expect(trustProxy('1')).toBe(1);
    expect(trustProxy('true')).toBe(1);
    expect(trustProxy('10.0.0.0/8, 127.0.0.1')).toBe('10.0.0.0/8, 127.0.0.1');
    expect(() => trustProxy('n’importe quoi')).toThrow();
  });

  it('with one trusted hop, a forged leftmost X-Forwarded-For address is ignored', async () => {
    const { createTestApp } = await import('./testing.js');
    const t = await createTestApp({ demo: false, config: { trustProxy: 1 } });
    try {
      const page = await t.app.inject({ url: '/connexion' });
      const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const res = await t.app.inject({
        method: 'POST',
        url: '/connexion',
        remoteAddress: '192.0.2.10',
        headers: { cookie, 'x-forwarded-for': '10.9.9.9, 203.0.113.7', 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, email: 'personne@exemple.fr', password: 'faux' }).toString(),
      });
      expect(res.statusCode).toBe(401);
      const rows = await t.database.query<{ ip: string }>('select ip from login_attempts');
      expect(rows.map((r) => r.ip)).toEqual(['203.0.113.7']);
    } finally {
      await t.close();
    }
  });
});
