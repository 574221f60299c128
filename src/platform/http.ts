import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import helmet from 'helmet';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Logger } from 'pino';
import { can, type Principal, type RouteAccess } from './access.js';
import type { Config } from './config.js';
import { hmac, randomToken, safeEqual } from './crypto.js';
import type { PageContext } from './views/layout.js';
import { ErrorPage } from './views/errors.js';
import { titreAvecErreur } from './views/components.js';
import { memoryFlashStore, normaliseFlash, type Flash, type FlashKind, type FlashStore } from './flash.js';
import { ASSETS_DIR, ASSETS_PREFIX } from './assets.js';

export const SESSION_COOKIE = 'cn_session';
const ANON_COOKIE = 'cn_anon';
const FLASH_COOKIE = 'cn_flash';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route: who may call it (see platform/access.ts). */
    access?: RouteAccess;
    /**
     * A public API route (access 'public') that takes JSON from outside clients, who hold no session
     * and no CSRF token. JSON cannot be posted cross-site without a CORS preflight (which this site
     * never grants), so such a request is exempt from the CSRF check; a form post to it is not.
     */
    publicJson?: boolean;
  }
  interface FastifyRequest {
    user: Principal | null;
    /** 'session' (cookie), 'jeton' (bearer token) or null. */
    authVia: 'session' | 'jeton' | null;
    /** Hash of the session id, when signed in through a session. */
    sessionKey: string | null;
    csrfToken: string;
    flash: string | null;
    flashKind: FlashKind;
    /** Unread notifications of the signed-in user (pages only; the bell in the header). */
    unreadNotifications: number | null;
    ctx(): PageContext;
  }
  interface FastifyReply {
    html(page: VNode, status?: number): FastifyReply;
    /** A one-time message for the next page; kept server-side, the cookie only holds its id. */
    flash(message: string, kind?: FlashKind): FastifyReply;
    problem(status: number, title: string, detail?: string, extra?: Record<string, unknown>): FastifyReply;
  }
}

export interface Authenticator {
  fromSession(cookie: string, request: FastifyRequest): Promise<{ user: Principal; sessionKey: string } | null>;
  fromBearer(token: string): Promise<Principal | null>;
}

export interface RouteInfo {
  method: string;
  url: string;
  access: RouteAccess;
}

export interface HttpOptions {
  config: Config;
  auth: Authenticator;
  logger?: Logger | boolean;
  /** Whether a ProConnect button is shown. */
  proconnect: boolean;
  /** Counts a user's unread notifications, for the bell shown on every page. */
  unreadNotifications?: (userId: string) => Promise<number>;
  /** Where flash messages wait (the database in production); in-process when absent. */
  flash?: FlashStore;
}

const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));
const DSFR_DIR = fileURLToPath(new URL('../../node_modules/@gouvfr/dsfr/dist/', import.meta.url));

export function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

function wantsHtml(request: FastifyRequest): boolean {
  return !isApi(request) && request.url.split('?')[0] !== '/healthz';
}

/** The map tiles' origin for the CSP (`https://{s}.tile.example.org/…` → `https://*.tile.example.org`). */
function tileSources(url: string | undefined): string[] {
  const m = url ? /^(https?:\/\/[^/]+)/.exec(url) : null;
  return m ? [m[1]!.replace(/\{[^}]+\}/g, '*')] : [];
}

/** Bytes below which the compress plugin sends an answer as it is. */
export const COMPRESS_THRESHOLD = 1024;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function createHttpServer(opts: HttpOptions): Promise<FastifyInstance & { routeTable: RouteInfo[] }> {
  const { config } = opts;
  const app = Fastify({
    loggerInstance: typeof opts.logger === 'object' ? opts.logger : undefined,
    logger: typeof opts.logger === 'object' ? undefined : (opts.logger ?? false),
    // A number of hops becomes a function: only that many proxies, counted from the socket, are believed.
    trustProxy: typeof config.trustProxy === 'number' ? (_address: string, hop: number) => hop < (config.trustProxy as number) : config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Errors Fastify meets before routing (a path parameter that is not valid percent-encoded UTF-8,
    // or too long) skip setErrorHandler: answer them in French too, as a page or a problem.
    frameworkErrors: (error, request, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const message = "L'adresse demandée est mal formée ou trop longue : vérifiez-la.";
      // The request and reply are not decorated yet at this stage: plain Fastify calls only.
      if (!wantsHtml(request)) {
        return reply
          .code(status)
          .type('application/problem+json; charset=utf-8')
          .send({ type: 'about:blank', title: 'Adresse invalide', status, detail: message });
      }
      const ctx: PageContext = { user: null, csrf: '', path: '/', demo: config.demo, flash: null, flashKind: 'succes', proconnect: opts.proconnect };
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send('<!DOCTYPE html>' + renderToString(ErrorPage({ ctx, status, title: 'Adresse invalide', message })));
    },
  }) as unknown as FastifyInstance & { routeTable: RouteInfo[] };

  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);

  // Every route must say who may call it; a route without `access` is a programming error.
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url.startsWith('/dsfr/') || route.url.startsWith('/static/')) {
      if (!access) route.config = { ...(route.config ?? {}), access: 'public' };
      return;
    }
    if (!access) throw new Error(`Route ${methods.join(',')} ${route.url} : aucune règle d'accès (config.access)`);
    for (const m of methods) if (m !== 'HEAD') routeTable.push({ method: m, url: route.url, access });
  });

  // Hooks run on every answer are plain callbacks (no promise, no extra microtask per request).
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await app.register(fastifyFormbody);
  // The security headers, built once (helmet parses the directives and fixes every value here) and
  // set on the raw response of each request (onRequest); @fastify/helmet rebuilt it on every request.
  // A route's own reply.header (e.g. the sandbox CSP of downloads) still replaces a value.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', ...tileSources(config.mapTilesUrl)],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'", ...(config.proconnect ? [new URL(config.proconnect.issuer).origin] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: config.publicUrl.startsWith('https:'),
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, done as (err?: unknown) => void);
  });
  await app.register(fastifyCompress, { threshold: COMPRESS_THRESHOLD });
  await app.register(fastifyStatic, {
    root: DSFR_DIR,
    prefix: '/dsfr/',
    maxAge: '7d',
    immutable: false,
    decorateReply: false,
    allowedPath: (path) => !path.endsWith('.map') && !path.includes('example'),
  });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', maxAge: '1h', decorateReply: false });
  // The public pages' built assets (scripts/build-assets.mjs): hashed names, so cached for good;
  // the style sheet's .br/.gz made at build time are sent as they are.
  await app.register(fastifyStatic, { root: ASSETS_DIR, prefix: ASSETS_PREFIX, maxAge: '365d', immutable: true, preCompressed: true, decorateReply: false });

  app.decorateRequest('user', null);
  app.decorateRequest('authVia', null);
  app.decorateRequest('sessionKey', null);
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('flash', null);
  app.decorateRequest('flashKind', 'succes');
  app.decorateRequest('unreadNotifications', null);
  const flashStore = opts.flash ?? memoryFlashStore();
  const pendingFlash = new WeakMap<FastifyReply, Promise<void> | void>();
  // The message is stored before the response leaves, so the next request always finds it.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const pending = pendingFlash.get(reply);
    if (!pending) return done(null, payload);
    pendingFlash.delete(reply);
    // The action is done: a message that could not be stored is lost, not turned into an error.
    void Promise.resolve(pending)
      .catch((e: unknown) => reply.log.error({ err: e }, 'flash message not stored'))
      .then(() => done(null, payload));
  });
  app.decorateRequest('ctx', function (this: FastifyRequest): PageContext {
    return {
      user: this.user,
      csrf: this.csrfToken,
      path: this.url.split('?')[0] ?? '/',
      demo: config.demo,
      flash: this.flash,
      flashKind: this.flashKind,
      proconnect: opts.proconnect,
      notifications: this.unreadNotifications,
      support: config.supportEmail,
    };
  });

  app.decorateReply('html', function (this: FastifyReply, page: VNode, status = 200) {
    this.code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send('<!DOCTYPE html>' + titreAvecErreur(renderToString(page)));
    return this;
  });
  app.decorateReply('flash', function (this: FastifyReply, message: string, kind: FlashKind = 'succes') {
    const id = randomToken(16);
    const flash: Flash = normaliseFlash(message, kind);
    const stored = Promise.resolve(flashStore.put(id, flash));
    stored.catch(() => undefined); // awaited (and reported) in onSend
    pendingFlash.set(this, stored);
    this.setCookie(FLASH_COOKIE, id, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure: config.publicUrl.startsWith('https:'),
      maxAge: 60,
    });
    return this;
  });
  app.decorateReply(
    'problem',
    function (this: FastifyReply, status: number, title: string, detail?: string, extra?: Record<string, unknown>) {
      this.code(status)
        .type('application/problem+json; charset=utf-8')
        .send({ type: 'about:blank', title, status, ...(detail ? { detail } : {}), ...extra });
      return this;
    },
  );

  const secureCookies = config.publicUrl.startsWith('https:');

  // Who is calling: a bearer token (API) or a session cookie (pages). Then the CSRF token for forms.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/dsfr/') || request.url.startsWith('/static/')) return;
    const authz = request.headers.authorization;
    if (authz?.startsWith('Bearer ')) {
      const user = await opts.auth.fromBearer(authz.slice(7).trim());
      if (!user) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        return reply.problem(401, 'Jeton invalide', "Le jeton d'accès est inconnu, révoqué ou mal formé.");
      }
      request.user = user;
      request.authVia = 'jeton';
      return;
    }
    const raw = request.cookies[SESSION_COOKIE];
    if (raw) {
      const unsigned = request.unsignCookie(raw);
      const found = unsigned.valid && unsigned.value ? await opts.auth.fromSession(unsigned.value, request) : null;
      if (found) {
        request.user = found.user;
        request.authVia = 'session';
        request.sessionKey = found.sessionKey;
      } else {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    let key = request.sessionKey;
    if (!key) {
      const anonRaw = request.cookies[ANON_COOKIE];
      const anon = anonRaw ? request.unsignCookie(anonRaw) : null;
      key = anon?.valid && anon.value ? anon.value : null;
      if (!key && wantsHtml(request)) {
        key = randomToken(16);
        reply.setCookie(ANON_COOKIE, key, { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: secureCookies });
      }
    }
    request.csrfToken = key ? hmac(config.sessionSecret, 'csrf|' + key) : '';
    const flash = request.cookies[FLASH_COOKIE];
    if (flash) {
      const f = request.unsignCookie(flash);
      const found = f.valid && f.value && /^[\w-]{1,64}$/.test(f.value) ? await flashStore.take(f.value) : null;
      if (found) {
        request.flash = found.message;
        request.flashKind = found.kind;
      }
      reply.clearCookie(FLASH_COOKIE, { path: '/' });
    }
  });

  // PostgreSQL text cannot hold U+0000: refuse it once, here, rather than fail deep in a query.
  app.addHook('preValidation', async (request, reply) => {
    if (!request.url.includes('%00') && !hasNul(request.url) && !hasNul(request.body)) return;
    const message = 'La requête contient un caractère invalide (U+0000) : retirez-le et réessayez.';
    if (!wantsHtml(request)) return reply.problem(400, 'Caractère invalide', message);
    return reply.html(ErrorPage({ ctx: request.ctx(), status: 400, title: 'Requête invalide', message }), 400);
  });

  // The central access check, then CSRF for every state-changing request made with a cookie.
  app.addHook('preHandler', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (!access) return; // 404 handler and static files
    if (access !== 'public') {
      if (!request.user) {
        if (isApi(request)) return reply.problem(401, 'Authentification requise', 'Fournissez un jeton : Authorization: Bearer …');
        const retour = encodeURIComponent(request.url);
        return reply.redirect(`/connexion?retour=${retour}`, 303);
      }
      if (access !== 'authentifie' && !can(request.user, access)) return forbidden(request, reply);
    }
    const jsonFromOutside =
      access === 'public' && request.routeOptions.config?.publicJson === true && /^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '');
    if (STATE_CHANGING.has(request.method) && request.authVia !== 'jeton' && !jsonFromOutside) {
      const body = request.body as Record<string, unknown> | undefined;
      const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !request.csrfToken || !safeEqual(sent, request.csrfToken)) {
        request.log.warn({ url: request.url }, 'csrf rejected');
        if (isApi(request)) return reply.problem(403, 'Jeton CSRF invalide');
        return reply.html(
          ErrorPage({
            ctx: request.ctx(),
            status: 403,
            title: 'Formulaire expiré',
            message:
              "Ce formulaire a expiré ou ne vient pas de ce site. Revenez à la page précédente, rechargez-la et envoyez-le de nouveau. Vérifiez aussi que votre navigateur accepte les cookies.",
          }),
          403,
        );
      }
    }
    if (request.user && request.method === 'GET' && wantsHtml(request) && opts.unreadNotifications) {
      request.unreadNotifications = await opts.unreadNotifications(request.user.id);
    }
  });

  app.setNotFoundHandler((request, reply) => {
    if (!wantsHtml(request)) return reply.problem(404, 'Ressource introuvable');
    return reply.html(
      ErrorPage({
        ctx: request.ctx(),
        status: 404,
        title: 'Page non trouvée',
        message: "La page que vous cherchez est introuvable. Vérifiez l'adresse, ou revenez à l'accueil.",
      }),
      404,
    );
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unhandled error');
    else request.log.info({ err: error.message, status }, 'client error');
    const message =
      status === 413
        ? 'Le contenu envoyé est trop volumineux.'
        : status === 415
          ? "Ce type de contenu n'est pas accepté."
          : status === 400
            ? 'La requête est mal formée.'
            : status === 500
              ? "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans quelques instants."
              : 'La requête ne peut pas être traitée.';
    if (!wantsHtml(request)) return reply.problem(status, message, undefined, { request_id: request.id });
    if (!request.csrfToken) request.csrfToken = '';
    return reply.html(
      ErrorPage({
        ctx: request.ctx(),
        status,
        title: status === 500 ? 'Erreur inattendue' : 'Requête invalide',
        message,
        requestId: request.id,
      }),
      status,
    );
  });

  return app;
}

/** Whether a string, or any string or key inside an object or array, contains U+0000. */
export function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  if (Buffer.isBuffer(value)) return false;
  return Object.entries(value as Record<string, unknown>).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
}

export function forbidden(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isApi(request)) return reply.problem(403, 'Accès refusé', "Vos droits ne permettent pas d'accéder à cette ressource.");
  const ctx = request.ctx();
  return reply.html(
    ErrorPage({
      ctx,
      status: 403,
      title: 'Accès refusé',
      message: "Vos droits ne permettent pas d'accéder à cette page.",
      contact: ctx.user ? contactPour(ctx.user, ctx.support) : undefined,
    }),
    403,
  );
}

/** Who a signed-in person asks for a right they lack: named from their roles, with the support address. */
export function contactPour(user: Principal, support = 'support@conseiller-numerique.local'): { qui: string; email: string } {
  const roles = new Set(user.roles.map((g) => g.role));
  if (roles.has('conseiller') || roles.has('coordinateur'))
    return { qui: "Si vous pensez que c'est une erreur, demandez au responsable de votre structure, ou écrivez à l'équipe du dispositif", email: support };
  if (roles.has('structure') || roles.has('prefecture') || roles.has('candidat'))
    return { qui: "Si vous pensez que c'est une erreur, écrivez à l'équipe nationale du dispositif (ANCT)", email: support };
  return { qui: "Si vous pensez que c'est une erreur, écrivez à l'administrateur de la plateforme", email: support };
}

export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isApi(request)) return reply.problem(404, 'Ressource introuvable');
  return reply.html(
    ErrorPage({ ctx: request.ctx(), status: 404, title: 'Page non trouvée', message: "Ce que vous cherchez n'existe pas ou plus." }),
    404,
  );
}

/** One query parameter as a string: '' when absent, repeated (an array) or too long. */
export function queryParam(request: FastifyRequest, name: string, max = 200): string {
  const v = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v.length <= max ? v : '';
}

/**
 * Whether a value is a YYYY-MM-DD string naming a real calendar date (2024-02-30 is not) that a
 * PostgreSQL DATE column accepts and that round-trips through JavaScript: years 0001 to 9999
 * (PostgreSQL has no year 0; five-digit years do not fit the format). The one check every context uses.
 */
export function isCalendarDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  if (Number(v.slice(0, 4)) < 1) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Reads a urlencoded form body as strings (trimmed); arrays keep their last value unless asked. */
export function formBody(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v.trim();
    else if (Array.isArray(v) && typeof v[v.length - 1] === 'string') out[k] = String(v[v.length - 1]).trim();
  }
  return out;
}

export function clientIp(request: FastifyRequest): string {
  return request.ip || 'inconnu';
}
