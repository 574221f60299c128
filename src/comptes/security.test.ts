import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestContext } from '../platform/testing.js';
import { listOutbox } from '../platform/mail.js';
import { HONEYPOT_FIELD } from '../platform/rate-limit/honeypot.js';
import { DEMO_PASSWORD } from './views/auth.js';
import { attemptLogin, delayAfter, FIRST_DELAY_MS, FREE_FAILURES_PER_CLIENT, MAX_DELAY_MS, MAX_FAILURES_PER_IP } from './login.js';
import { decodeDevice, DEVICE_COOKIE, encodeDevice, rememberAccount } from './device.js';
import { FORGOT_LIMIT_PER_EMAIL, FORGOT_LIMIT_PER_IP } from './routes.js';
import { findUserByEmail } from './users.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** A browser at a given IP address: keeps its cookies and the last CSRF token it saw. */
class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(public ip: string) {}
  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
    return res;
  }
  private cookie() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async get(url: string) {
    return this.keep(await t.app.inject({ url, remoteAddress: this.ip, headers: { cookie: this.cookie() } }));
  }
  async post(url: string, form: Record<string, string> = {}) {
    const payload = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    return this.keep(
      await t.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.ip,
        payload,
        headers: { cookie: this.cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
  }
  async login(email: string, password = DEMO_PASSWORD) {
    await this.get('/connexion');
    const res = await this.post('/connexion', { email, password });
    if (res.statusCode === 303) await this.get('/compte');
    return res;
  }
}

const mailsTo = async (to: string) => (await listOutbox(t.database.db, 1000)).filter((m) => m.to === to);

async function newToken(b: Browser, name = 'tableur'): Promise<string> {
  const res = await b.post('/compte/jetons', { name });
  return /(cn_[\w-]{40,})/.exec(res.body)![1]!;
}
const api = (token: string) => t.app.inject({ url: '/api/v1/communes?q=metz', headers: { authorization: `Bearer ${token}` } });

describe('forgotten password form: honeypot and rate limits', () => {
  it('answers a filled honeypot like a success, and sends nothing', async () => {
    const b = new Browser('203.0.113.1');
    const form = await b.get('/mot-de-passe/oublie');
    expect(form.body).toContain(`name="${HONEYPOT_FIELD}"`);
    expect(form.body).toContain('class="cn-honeypot"');
    const before = (await mailsTo('structure@demo.test')).length;
    const res = await b.post('/mot-de-passe/oublie', { email: 'structure@demo.test', [HONEYPOT_FIELD]: 'https://spam.example' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Demande enregistrée');
    expect((await mailsTo('structure@demo.test')).length).toBe(before);
  });

  it('refuses an IP past its limit with a French 429 page and Retry-After', async () => {
    const b = new Browser('203.0.113.2');
    await b.get('/mot-de-passe/oublie');
    for (let i = 0; i < FORGOT_LIMIT_PER_IP.limit; i++) {
      expect((await b.post('/mot-de-passe/oublie', { email: `personne-${i}@nulle-part.fr` })).statusCode).toBe(200);
    }
    const refused = await b.post('/mot-de-passe/oublie', { email: 'encore@nulle-part.fr' });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatch(/Trop de tentatives, réessayez dans \d+ minutes?\./);
    // another IP is not affected
    const other = new Browser('203.0.113.3');
    await other.get('/mot-de-passe/oublie');
    expect((await other.post('/mot-de-passe/oublie', { email: 'encore@nulle-part.fr' })).statusCode).toBe(200);
  });

  it('refuses a target address past its limit, whatever the IP', async () => {
    for (let i = 0; i < FORGOT_LIMIT_PER_EMAIL.limit; i++) {
      const b = new Browser(`198.51.100.${i + 1}`);
      await b.get('/mot-de-passe/oublie');
      expect((await b.post('/mot-de-passe/oublie', { email: 'Cible@Nulle-Part.fr' })).statusCode).toBe(200);
    }
    const b = new Browser('198.51.100.99');
    await b.get('/mot-de-passe/oublie');
    expect((await b.post('/mot-de-passe/oublie', { email: 'cible@nulle-part.fr' })).statusCode).toBe(429);
  });
});

describe('a password change or reset revokes API tokens; so does disabling', () => {
  it('changing the password revokes the tokens and the other sessions, keeps this one, and says so', async () => {
    const b = new Browser('192.0.2.10');
    await b.login('banque@demo.test');
    const other = new Browser('192.0.2.11');
    await other.login('banque@demo.test');
    const token = await newToken(b);
    expect((await api(token)).statusCode).toBe(200);
    await b.get('/compte');
    const res = await b.post('/compte/mot-de-passe', { current: DEMO_PASSWORD, password: 'un tout nouveau mot de passe', confirmation: 'un tout nouveau mot de passe' });
    expect(res.statusCode).toBe(303);
    expect((await api(token)).statusCode).toBe(401);
    const page = await b.get('/compte');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("vos jetons d'API ont été révoqués");
    expect((await other.get('/compte')).statusCode).toBe(303);
    const [mail] = await mailsTo('banque@demo.test');
    expect(mail!.subject).toContain('mot de passe a été changé');
    expect(mail!.text).toContain("vos jetons d'API ont été révoqués");
    // a second change, with no token left: no mention of tokens
    await b.post('/compte/mot-de-passe', { current: 'un tout nouveau mot de passe', password: DEMO_PASSWORD + '!', confirmation: DEMO_PASSWORD + '!' });
    expect((await b.get('/compte')).body).not.toContain("vos jetons d'API ont été révoqués");
  });

  it('resetting the password through a link revokes the tokens', async () => {
    const b = new Browser('192.0.2.20');
    await b.login('coordinateur@demo.test');
    const token = await newToken(b);
    const anon = new Browser('192.0.2.21');
    await anon.get('/mot-de-passe/oublie');
    await anon.post('/mot-de-passe/oublie', { email: 'coordinateur@demo.test' });
    const [resetMail] = await mailsTo('coordinateur@demo.test');
    const jeton = /jeton=([\w-]+)/.exec(resetMail!.text)![1]!;
    await anon.get(`/mot-de-passe/nouveau?jeton=${jeton}`);
    const res = await anon.post('/mot-de-passe/nouveau', { jeton, password: 'réinitialisé pour de bon', confirmation: 'réinitialisé pour de bon' });
    expect(res.statusCode).toBe(303);
    expect((await api(token)).statusCode).toBe(401);
    expect((await anon.get('/tableau-de-bord')).statusCode).toBe(303); // the flash is read on the next page
    const [mail] = await mailsTo('coordinateur@demo.test');
    expect(mail!.text).toContain("vos jetons d'API ont été révoqués");
    expect((await b.get('/compte')).statusCode).toBe(303); // the old session is gone
  });

  it('disabling an account revokes its tokens: they stay dead after re-enabling', async () => {
    const owner = new Browser('192.0.2.30');
    await owner.login('structure@demo.test');
    const token = await newToken(owner);
    const admin = new Browser('192.0.2.31');
    await admin.login('admin@demo.test');
    const list = await admin.get('/admin/utilisateurs?q=structure%40demo');
    const id = /\/admin\/utilisateurs\/([0-9a-f-]{36})\/desactiver/.exec(list.body)![1]!;
    expect((await admin.post(`/admin/utilisateurs/${id}/desactiver`)).statusCode).toBe(303);
    expect((await admin.post(`/admin/utilisateurs/${id}/reactiver`)).statusCode).toBe(303);
    expect((await api(token)).statusCode).toBe(401);
  });
});

describe('login throttling cannot lock the owner out', () => {
  it('an attacker hammering an account from IP A leaves the owner in, from IP B and with the device cookie at A', async () => {
    // The owner signed in once from this browser: it carries the device cookie.
    const ownerAtA = new Browser('10.0.0.1');
    expect((await ownerAtA.login('candidat@demo.test')).statusCode).toBe(303);
    expect(ownerAtA.cookies.has(DEVICE_COOKIE)).toBe(true);
    await ownerAtA.post('/deconnexion');

    const attacker = new Browser('10.0.0.1'); // same IP (a shared NAT)
    await attacker.get('/connexion');
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await attacker.post('/connexion', { email: 'candidat@demo.test', password: `devine-${i}` })).statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(FREE_FAILURES_PER_CLIENT);
    const refused = await attacker.post('/connexion', { email: 'candidat@demo.test', password: DEMO_PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toMatch(/réessayez dans \d+ secondes?/);

    const ownerAtB = new Browser('10.0.0.2');
    expect((await ownerAtB.login('candidat@demo.test')).statusCode).toBe(303);
    expect((await ownerAtA.login('candidat@demo.test')).statusCode).toBe(303);
  });

  it('a device cookie is only trusted for its accounts, and only when signed by us', () => {
    const secret = t.config.sessionSecret;
    const d = rememberAccount(null, '11111111-1111-4111-8111-111111111111');
    const value = encodeDevice(secret, d);
    expect(decodeDevice(secret, value)).toEqual(d);
    expect(decodeDevice('un autre secret de seize', value)).toBeNull();
    const forged = value.replace('11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222');
    expect(decodeDevice(secret, forged)).toBeNull();
    expect(decodeDevice(secret, 'nimporte.quoi')).toBeNull();
  });

  it('credential stuffing from one IP over many accounts is refused, saying when to retry', async () => {
    const bot = new Browser('10.9.9.9');
    await bot.get('/connexion');
    for (let i = 0; i < MAX_FAILURES_PER_IP; i++) {
      expect((await bot.post('/connexion', { email: `victime-${i}@exemple.fr`, password: 'motdepasse123' })).statusCode).toBe(401);
    }
    const refused = await bot.post('/connexion', { email: 'conseiller@demo.test', password: DEMO_PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toMatch(/réessayez dans \d+ minutes?/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The same account from another IP is not affected.
    expect((await new Browser('10.9.9.10').login('conseiller@demo.test')).statusCode).toBe(303);
  });

  it('slows a client down progressively (moved clock), and a success clears its failures', async () => {
    const db = t.database.db;
    const t0 = Date.parse('2030-01-01T08:00:00Z');
    const at = (s: number) => new Date(t0 + s * 1000);
    const client = { ip: '172.16.0.1' };
    for (let i = 0; i < FREE_FAILURES_PER_CLIENT; i++) expect((await attemptLogin(db, 'prefecture57@demo.test', 'faux', client, at(i))).ok).toBe(false);
    const first = await attemptLogin(db, 'prefecture57@demo.test', DEMO_PASSWORD, client, at(10));
    expect(first).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: FIRST_DELAY_MS / 1000 - 6 });
    // After the delay, one more try; a failure doubles the next delay.
    expect(await attemptLogin(db, 'prefecture57@demo.test', 'faux', client, at(34))).toEqual({ ok: false, reason: 'invalid' });
    const second = await attemptLogin(db, 'prefecture57@demo.test', DEMO_PASSWORD, client, at(40));
    expect(second).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: (2 * FIRST_DELAY_MS) / 1000 - 6 });
    // Another client, with no failures, is never refused the right password.
    expect((await attemptLogin(db, 'prefecture57@demo.test', DEMO_PASSWORD, { ip: '172.16.0.2' }, at(41))).ok).toBe(true);
    // The right password once the delay is over, then the counter starts again.
    expect((await attemptLogin(db, 'prefecture57@demo.test', DEMO_PASSWORD, client, at(95))).ok).toBe(true);
    expect(await attemptLogin(db, 'prefecture57@demo.test', 'faux', client, at(96))).toEqual({ ok: false, reason: 'invalid' });
    expect(delayAfter(FREE_FAILURES_PER_CLIENT - 1)).toBe(0);
    expect(delayAfter(100)).toBe(MAX_DELAY_MS);
  });

  it('a device cookie lets its holder past an IP that is refused for everyone else', async () => {
    const db = t.database.db;
    const user = (await findUserByEmail(db, 'admin@demo.test'))!;
    const now = new Date(Date.parse('2030-02-01T08:00:00Z'));
    for (let i = 0; i < MAX_FAILURES_PER_IP; i++) await attemptLogin(db, `x${i}@exemple.fr`, 'faux', '172.16.1.1', now);
    expect((await attemptLogin(db, 'admin@demo.test', DEMO_PASSWORD, '172.16.1.1', now)).ok).toBe(false);
    const device = rememberAccount(null, user.id);
    expect((await attemptLogin(db, 'admin@demo.test', DEMO_PASSWORD, { ip: '172.16.1.1', device }, now)).ok).toBe(true);
    // A device cookie for another account does not help.
    const elsewhere = rememberAccount(null, '33333333-3333-4333-8333-333333333333');
    expect((await attemptLogin(db, 'admin@demo.test', DEMO_PASSWORD, { ip: '172.16.1.1', device: elsewhere }, now)).ok).toBe(false);
  });
});

describe('a disabled account', () => {
  it('answers like a wrong password, and mails its owner at most once an hour', async () => {
    const admin = new Browser('192.0.2.40');
    await admin.login('admin@demo.test');
    const list = await admin.get('/admin/utilisateurs?q=prefecture57');
    const id = /\/admin\/utilisateurs\/([0-9a-f-]{36})\/desactiver/.exec(list.body)![1]!;
    expect((await admin.post(`/admin/utilisateurs/${id}/desactiver`)).statusCode).toBe(303);
    const b = new Browser('192.0.2.41');
    await b.get('/connexion');
    const wrong = await b.post('/connexion', { email: 'prefecture57@demo.test', password: 'pas le bon' });
    const right = await b.post('/connexion', { email: 'prefecture57@demo.test', password: DEMO_PASSWORD });
    expect(right.statusCode).toBe(wrong.statusCode);
    expect(right.statusCode).toBe(401);
    const strip = (s: string) => s.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(strip(right.body)).toBe(strip(wrong.body));
    expect(right.body).not.toContain('désactivé');
    await b.post('/connexion', { email: 'prefecture57@demo.test', password: DEMO_PASSWORD });
    const mails = (await mailsTo('prefecture57@demo.test')).filter((m) => m.subject.includes('compte désactivé'));
    expect(mails).toHaveLength(1);
    await admin.post(`/admin/utilisateurs/${id}/reactiver`);
  });
});

describe('addresses the sign-in throttle counts by', () => {
  it('groups an IPv6 subscriber by its /64, keeps IPv4 as is', async () => {
    const { throttleAddress } = await import('./login.js');
    expect(throttleAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(throttleAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(throttleAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleAddress('2001:db8:1:2:aaaa::1')).toBe(throttleAddress('2001:db8:1:2:bbbb::9'));
  });
});
