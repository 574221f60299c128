/**
 * ProConnect sign-in against a real, local OpenID provider (oidc-provider) configured like ProConnect:
 * authorization code + PKCE (required), client_secret_post, RS256 ID tokens, `iss` in the
 * authorization response, signed (JWT) userinfo, `acr_values=eidas1`. The provider's login and
 * consent pages are its development interactions, driven with fetch and a small cookie jar.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- oidc-provider ships no type declarations; the small part used here is typed below.
import Provider from 'oidc-provider';
import { buildApp } from '../app.js';
import type { ProConnectConfig } from '../platform/config.js';
import { createTestApp, TestClient, type TestApp, type TestContext } from '../platform/testing.js';
import { findUserByEmail } from './users.js';
import { CALLBACK_PATH } from './proconnect.js';

const APP_URL = 'http://app.test';
const CLIENT_ID = 'conseiller-numerique-test';
const CLIENT_SECRET = 'un-secret-de-client-suffisamment-long-pour-le-test';

interface ProviderAccount {
  sub: string;
  email: string;
  given_name: string;
  usual_name: string;
}

/** Identities known to the provider, by login (= sub). */
const ACCOUNTS: Record<string, ProviderAccount> = {
  'agent-admin': { sub: 'agent-admin', email: 'ADMIN@demo.test', given_name: 'Alice', usual_name: 'Administratrice' },
  'agent-inconnu': { sub: 'agent-inconnu', email: 'personne@ailleurs.gouv.fr', given_name: 'Paul', usual_name: 'Personne' },
};

type ProviderConstructor = new (
  issuer: string,
  configuration: Record<string, unknown>,
) => { callback(): (req: IncomingMessage, res: ServerResponse) => void };

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Content types of the provider's userinfo responses, to check the signed (JWT) path is the one taken. */
const userinfoContentTypes: string[] = [];

async function startProvider(): Promise<{ issuer: string; server: Server }> {
  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new (Provider as ProviderConstructor)(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [APP_URL + CALLBACK_PATH],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'RS256',
        // Like the real ProConnect, userinfo answers with a signed JWT.
        userinfo_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'test-rs256', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['cle-de-cookies-du-fournisseur-de-test'] },
    claims: { openid: ['sub'], email: ['email'], given_name: ['given_name'], usual_name: ['usual_name'] },
    scopes: ['openid', 'email', 'given_name', 'usual_name'],
    acrValues: ['eidas1'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, jwtUserinfo: { enabled: true } },
    async findAccount(_ctx: unknown, id: string) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ ...account }) };
    },
  });
  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/me')) res.on('finish', () => userinfoContentTypes.push(String(res.getHeader('content-type'))));
    handle(req, res);
  });
  return { issuer, server };
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A minimal browser for the provider's pages: manual redirects, and its cookies. */
class ProviderBrowser {
  private readonly cookies = new Map<string, string>();

  async fetch(url: string, form?: URLSearchParams): Promise<Response> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      body: form?.toString(),
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expires = /;\s*expires=([^;]+)/i.exec(line)?.[1];
      if (value === '' || (expires && new Date(expires).getTime() < Date.now())) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

/**
 * Starts the flow in the app (POST /connexion/proconnect), signs in at the provider as `login`,
 * consents, and returns the callback path and query the provider sends the browser back to.
 */
async function signInAtProvider(c: TestClient, issuer: string, login: string, form: Record<string, string> = {}): Promise<string> {
  await c.get('/connexion');
  const start = await c.post('/connexion/proconnect', form);
  expect(start.statusCode).toBe(303);
  let url = String(start.headers.location);
  const auth = new URL(url);
  expect(auth.origin + auth.pathname).toBe(`${issuer}/auth`);
  expect(auth.searchParams.get('client_id')).toBe(CLIENT_ID);
  expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
  expect(auth.searchParams.get('redirect_uri')).toBe(APP_URL + CALLBACK_PATH);

  const browser = new ProviderBrowser();
  for (let step = 0; step < 20; step++) {
    if (url.startsWith(APP_URL + '/')) return url.slice(APP_URL.length);
    const res = await browser.fetch(url);
    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer();
      url = new URL(res.headers.get('location')!, url).href;
      continue;
    }
    const html = await res.text();
    expect(res.status, html).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`unexpected provider page: ${html.slice(0, 500)}`);
    const body = new URLSearchParams({ prompt });
    if (prompt === 'login') {
      body.set('login', login);
      body.set('password', 'nimporte-quoi');
    }
    const submitted = await browser.fetch(new URL(action, url).href, body);
    await submitted.arrayBuffer();
    expect(submitted.status).toBeGreaterThanOrEqual(300);
    expect(submitted.status).toBeLessThan(400);
    url = new URL(submitted.headers.get('location')!, url).href;
  }
  throw new Error('too many redirects at the provider');
}

let provider: { issuer: string; server: Server } | undefined;
let t: TestContext;
/** Apps built on the same database as `t`, with another ProConnect configuration. */
const otherApps: TestApp[] = [];

function proconnectConfig(issuer: string): ProConnectConfig {
  return { issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectBaseUrl: APP_URL, scope: 'openid email given_name usual_name' };
}

async function appWith(proconnect: ProConnectConfig | undefined): Promise<TestApp> {
  const app = await buildApp({ config: { ...t.config, proconnect }, database: t.database, logger: false });
  otherApps.push(app);
  return app;
}

beforeAll(async () => {
  provider = await startProvider();
  t = await createTestApp({ config: { proconnect: proconnectConfig(provider.issuer) } });
});

afterAll(async () => {
  await Promise.all(otherApps.map((app) => app.close()));
  await t?.close();
  await stopServer(provider?.server);
});

describe('ProConnect sign-in', () => {
  it('shows the ProConnect button when configured', async () => {
    const page = await new TestClient(t.app).get('/connexion');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/connexion/proconnect"');
    expect(page.body).toContain('ProConnect');
  });

  it('signs an existing account in, matching the e-mail case-insensitively', async () => {
    const c = new TestClient(t.app);
    const callback = await signInAtProvider(c, provider!.issuer, 'agent-admin');
    const query = new URL(callback, APP_URL).searchParams;
    expect(callback.startsWith(CALLBACK_PATH + '?')).toBe(true);
    expect(query.get('code')).toBeTruthy();
    expect(query.get('iss')).toBe(provider!.issuer);

    const res = await c.get(callback);
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/tableau-de-bord');
    expect((await c.get('/tableau-de-bord')).headers.location).toBe('/tableau-de-bord/admin');
    expect((await c.get('/tableau-de-bord/admin')).statusCode).toBe(200);
    expect((await findUserByEmail(t.database.db, 'admin@demo.test'))?.proconnectSub).toBe('agent-admin');
    // The ID token carries no e-mail (code flow): it was read from the signed userinfo, as with ProConnect.
    expect(userinfoContentTypes.at(-1)).toMatch(/^application\/jwt/);

    // The flow is single use: the same callback again is refused, and opens nothing.
    const other = new TestClient(t.app);
    const replay = await other.get(callback);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('expiré');
    expect((await other.get('/tableau-de-bord/admin')).statusCode).not.toBe(200);
  });

  it('refuses a callback opened in another browser than the one that started the flow (login forgery)', async () => {
    const attacker = new TestClient(t.app);
    const callback = await signInAtProvider(attacker, provider!.issuer, 'agent-admin');
    const victim = new TestClient(t.app);
    await victim.get('/');
    const res = await victim.get(callback);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('pas été commencée dans ce navigateur');
    expect((await victim.get('/tableau-de-bord/admin')).statusCode).not.toBe(200);
  });

  it('goes back to the page asked for before sign-in', async () => {
    const c = new TestClient(t.app);
    const callback = await signInAtProvider(c, provider!.issuer, 'agent-admin', { retour: '/tableau-de-bord/admin' });
    const res = await c.get(callback);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/tableau-de-bord/admin');
  });

  it('refuses an identity whose e-mail has no account, without opening a session', async () => {
    const c = new TestClient(t.app);
    const callback = await signInAtProvider(c, provider!.issuer, 'agent-inconnu');
    const res = await c.get(callback);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Aucun compte actif');
    expect(res.body).toContain('personne@ailleurs.gouv.fr');
    expect((await c.get('/tableau-de-bord/admin')).statusCode).not.toBe(200);
    expect(await findUserByEmail(t.database.db, 'personne@ailleurs.gouv.fr')).toBeUndefined();
  });

  it('refuses a callback with an unknown or missing state', async () => {
    const c = new TestClient(t.app);
    const unknown = await c.get(`${CALLBACK_PATH}?code=abc&state=inconnu&iss=${encodeURIComponent(provider!.issuer)}`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('expiré');
    expect((await c.get(`${CALLBACK_PATH}?code=abc`)).statusCode).toBe(400);
  });

  it('reports an interrupted sign-in', async () => {
    const res = await new TestClient(t.app).get(`${CALLBACK_PATH}?error=access_denied&state=x`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('interrompue');
  });
});

describe('ProConnect unavailable', () => {
  it('answers 502 when the provider is unreachable', async () => {
    // A port that was just open and is now closed: connections to it are refused.
    const closed = createServer();
    const closedPort = await listen(closed);
    await stopServer(closed);
    const c = new TestClient(await appWith(proconnectConfig(`http://127.0.0.1:${closedPort}`)));
    await c.get('/connexion');
    const res = await c.post('/connexion/proconnect');
    expect(res.statusCode).toBe(502);
    expect(res.body).toContain('ProConnect ne répond pas');
  });

  it('has no button and no route when not configured', async () => {
    const c = new TestClient(await appWith(undefined));
    const page = await c.get('/connexion');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('/connexion/proconnect');
    expect((await c.post('/connexion/proconnect')).statusCode).toBe(404);
    expect((await c.get(`${CALLBACK_PATH}?code=abc&state=x`)).statusCode).toBe(404);
  });
});
