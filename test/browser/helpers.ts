/**
 * Browser-test helpers: Debian's Chromium driven by playwright-core (no downloaded browser), and an
 * axe-core audit whose failures read as a list of what is wrong and where.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { createTestApp, type TestContext } from '../../src/platform/testing.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether the system Chromium is there; when it is not, the suites skip (describe.skipIf) after a visible warning. */
export const chromiumMissing = !existsSync(CHROMIUM_PATH);
if (chromiumMissing) {
  console.warn(`[test:browser] ${CHROMIUM_PATH} est introuvable : les tests navigateur sont ignorés (apt-get install chromium).`);
}

export const DEMO_PASSWORD = 'demo-conseiller-numerique';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh context (own cookies) on the app under test.
 *
 * bypassCSP: the app sends a strict `Content-Security-Policy: script-src 'self'`, so the inline
 * <script> that page.addScriptTag({ content }) creates to inject axe-core would be refused by the
 * browser. Bypassing CSP in the context lets the audit script run; it does not change the markup
 * being audited. Contexts that do not need axe (e.g. the no-JavaScript one) can pass bypassCSP: false.
 */
export function newContext(browser: Browser, baseURL: string, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL, bypassCSP: true, locale: 'fr-FR', viewport: { width: 1280, height: 900 }, ...opts });
}

/**
 * One demo app on loopback and one browser for a test file: registers beforeAll / afterAll and
 * closes every context it opened. Call it inside the describe block.
 */
export function browserApp() {
  let t: TestContext | undefined;
  let browser: Browser | undefined;
  let baseURL = '';
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [t, browser] = await Promise.all([createTestApp(), launchBrowser()]);
    baseURL = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await t?.close();
  });
  const env = {
    get t(): TestContext {
      return t!;
    },
    get browser(): Browser {
      return browser!;
    },
    get baseURL(): string {
      return baseURL;
    },
    async context(opts: BrowserContextOptions = {}): Promise<BrowserContext> {
      const c = await newContext(browser!, baseURL, opts);
      contexts.push(c);
      return c;
    },
    async page(opts: BrowserContextOptions = {}): Promise<Page> {
      return (await env.context(opts)).newPage();
    },
  };
  return env;
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;
function axeScript(): string {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now. Returns one readable line
 * per violation — rule id, impact, what it asks for, and the CSS targets of the offending nodes —
 * so that `expect(await checkA11y(page)).toEqual([])` says what is wrong when it fails.
 */
export async function checkA11y(page: Page): Promise<string[]> {
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ content: axeScript() });
  const violations = await page.evaluate(async (tags: string[]) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations;
  }, WCAG_TAGS);
  return (violations as AxeViolation[]).map((v) => {
    const targets = v.nodes
      .slice(0, 8)
      .map((n) => {
        const why = n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ').trim()}` : '';
        return `    · ${n.target.map(String).join(' > ')}${why}`;
      })
      .join('\n');
    const more = v.nodes.length > 8 ? `\n    · … et ${v.nodes.length - 8} autres` : '';
    return `[${v.id}] (${v.impact ?? '?'}) ${v.help}\n${targets}${more}\n    ${v.helpUrl}`;
  });
}

/** Logs in through the real form, with the mouse: fill e-mail and password, click « Se connecter ». */
export async function loginWithForm(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/connexion');
  await page.getByRole('textbox', { name: /^Adresse électronique/ }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/connexion'), page.getByRole('button', { name: 'Se connecter' }).click()]);
}

/** Logs in with the keyboard only: Tab until the e-mail field has focus, type, Tab, type, Enter. */
export async function loginWithKeyboard(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/connexion');
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
  for (let i = 0; i < 80 && (await focusedId()) !== 'champ-email'; i++) await page.keyboard.press('Tab');
  if ((await focusedId()) !== 'champ-email') throw new Error("la touche Tab n'atteint pas le champ « Adresse électronique »");
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  if ((await focusedId()) !== 'champ-password') throw new Error('Tab après l’adresse ne mène pas au mot de passe');
  await page.keyboard.type(password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/connexion'), page.keyboard.press('Enter')]);
}

// ——— Walking a path page by page (the programme and recruitment tests) ———

/** axe on the page as it is now; soft, so that every page of the way is reported in one run. */
export async function audit(page: Page, what: string): Promise<void> {
  await page.waitForLoadState('load');
  expect.soft(await checkA11y(page), `axe : ${what}`).toEqual([]);
}

/** Opens `path`, checks its HTTP status, then audits it. */
export async function visit(page: Page, path: string, what = path, status = 200): Promise<void> {
  const res = await page.goto(path);
  expect(res?.status(), `statut HTTP de ${path}`).toBe(status);
  await audit(page, what);
}

/** A fresh signed-out page with generous timeouts (the test machine may be loaded). */
export async function slowPage(env: { page(): Promise<Page> }): Promise<Page> {
  const page = await env.page();
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(60_000);
  return page;
}

/**
 * Clicks a submit button (optionally inside `scope`, optionally matching its name exactly) and waits
 * for the page that follows to load: the POST's own answer (an error, 4xx) or the page it redirects
 * to (303). Returns the POST's status.
 */
export async function submitForm(page: Page, button: string | RegExp, opts: { scope?: Pick<Page, 'getByRole'>; exact?: boolean } = {}): Promise<number> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    page.waitForEvent('load'),
    (opts.scope ?? page).getByRole('button', { name: button, ...(opts.exact ? { exact: true } : {}) }).click(),
  ]);
  return res.status();
}
