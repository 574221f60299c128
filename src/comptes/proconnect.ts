import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { eq, lt } from 'drizzle-orm';
import type { AppDeps } from '../platform/deps.js';
import { safeReturnPath } from '../platform/deps.js';
import type { ProConnectConfig } from '../platform/config.js';
import { formBody } from '../platform/http.js';
import { safeEqual, sha256 } from '../platform/crypto.js';
import { oidcFlows, users } from './schema.js';
import { findUserByEmail } from './users.js';
import { signIn } from './routes.js';
import { LoginPage } from './views/auth.js';

export const CALLBACK_PATH = '/connexion/proconnect/retour';
const FLOW_TTL_MS = 10 * 60_000;

/**
 * ProConnect (OpenID Connect, authorization code + PKCE + state + nonce). A signed-in identity is
 * matched by e-mail to an existing, active, invited account; it never creates an account or a role.
 */
export class ProConnectClient {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(private readonly cfg: ProConnectConfig) {}

  get redirectUri(): string {
    return this.cfg.redirectBaseUrl + CALLBACK_PATH;
  }

  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(
        new URL(this.cfg.issuer),
        this.cfg.clientId,
        { client_secret: this.cfg.clientSecret },
        oidc.ClientSecretPost(this.cfg.clientSecret),
        // Plain http is only accepted for a local test provider.
        this.cfg.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        this.discovered = undefined;
        throw e;
      });
    return this.discovered;
  }

  async start(): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }> {
    const config = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.cfg.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      acr_values: 'eidas1',
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the code and returns the verified identity (subject and e-mail). */
  async finish(callbackUrl: URL, flow: { state: string; nonce: string; codeVerifier: string }): Promise<{ sub: string; email: string | undefined }> {
    const config = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('no id token');
    let email = typeof claims.email === 'string' ? claims.email : undefined;
    if (!email) {
      // ProConnect answers userinfo with a signed JWT (application/jwt). openid-client accepts it without
      // `userinfo_signed_response_alg` client metadata, checking the alg against the provider's discovered
      // `userinfo_signing_alg_values_supported`; the response comes straight from the issuer over TLS.
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      email = typeof info.email === 'string' ? info.email : undefined;
    }
    return { sub: claims.sub, email };
  }
}

export function registerProConnectRoutes(app: FastifyInstance, deps: AppDeps): void {
  const cfg = deps.config.proconnect;
  const client = cfg ? new ProConnectClient(cfg) : undefined;
  const { db } = deps;

  function refuse(request: FastifyRequest, reply: FastifyReply, message: string, status: number) {
    return reply.html(LoginPage({ ctx: request.ctx(), errors: { _form: message } }), status);
  }

  app.post('/connexion/proconnect', { config: { access: 'public' } }, async (request, reply) => {
    if (!client) return refuse(request, reply, "La connexion avec ProConnect n'est pas configurée sur cette plateforme.", 404);
    let started;
    try {
      started = await client.start();
    } catch (e) {
      request.log.error({ err: e }, 'proconnect discovery failed');
      return refuse(request, reply, 'ProConnect ne répond pas pour le moment. Réessayez plus tard, ou connectez-vous avec votre mot de passe.', 502);
    }
    await db.delete(oidcFlows).where(lt(oidcFlows.createdAt, new Date(Date.now() - FLOW_TTL_MS)));
    await db.insert(oidcFlows).values({
      state: started.state,
      nonce: started.nonce,
      codeVerifier: started.codeVerifier,
      browserBinding: sha256(request.csrfToken),
      returnTo: formBody(request).retour ? safeReturnPath(formBody(request).retour) : null,
    });
    return reply.redirect(started.url, 303);
  });

  app.get(CALLBACK_PATH, { config: { access: 'public' } }, async (request, reply) => {
    if (!client) return refuse(request, reply, "La connexion avec ProConnect n'est pas configurée sur cette plateforme.", 404);
    const q = request.query as { state?: string; error?: string; error_description?: string };
    if (q.error) return refuse(request, reply, 'La connexion avec ProConnect a été interrompue. Réessayez.', 400);
    if (typeof q.state !== 'string' || q.state.length > 200) return refuse(request, reply, 'Réponse ProConnect invalide. Réessayez.', 400);
    // Single use: the flow is deleted as it is read.
    const [flow] = await db.delete(oidcFlows).where(eq(oidcFlows.state, q.state)).returning();
    if (!flow || Date.now() - flow.createdAt.getTime() > FLOW_TTL_MS) {
      return refuse(request, reply, 'Cette tentative de connexion a expiré. Recommencez.', 400);
    }
    // A callback link opened in another browser (e.g. sent by someone else) must not sign anyone in.
    if (!request.csrfToken || !safeEqual(flow.browserBinding, sha256(request.csrfToken))) {
      request.log.warn('proconnect callback from another browser');
      return refuse(request, reply, "Cette connexion n'a pas été commencée dans ce navigateur. Recommencez depuis la page de connexion.", 400);
    }
    let identity;
    try {
      identity = await client.finish(new URL(request.url, client.redirectUri), flow);
    } catch (e) {
      request.log.warn({ err: e }, 'proconnect callback rejected');
      return refuse(request, reply, "ProConnect n'a pas pu confirmer votre identité. Réessayez.", 400);
    }
    const user = identity.email ? await findUserByEmail(db, identity.email) : undefined;
    if (!user || !user.active) {
      request.log.info({ sub: identity.sub }, 'proconnect identity without account');
      return refuse(
        request,
        reply,
        `Aucun compte actif n'est associé à l'adresse ${identity.email ?? 'transmise par ProConnect'}. Les comptes sont créés sur invitation : contactez votre administrateur.`,
        403,
      );
    }
    if (user.proconnectSub !== identity.sub) await db.update(users).set({ proconnectSub: identity.sub }).where(eq(users.id, user.id));
    await signIn(deps, request, reply, user.id);
    return reply.redirect(flow.returnTo ?? '/tableau-de-bord', 303);
  });
}
