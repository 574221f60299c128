import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, safeReturnPath, type AppDeps } from '../platform/deps.js';
import { clientIp, formBody, notFound, queryParam, SESSION_COOKIE } from '../platform/http.js';
import { ROLES, ROLE_NEEDS_DEPARTEMENT, ROLE_NEEDS_STRUCTURE, structureScope, type Principal, type Role, type RoleGrant } from '../platform/access.js';
import type { FieldErrors, FormValues } from '../platform/views/components.js';
import { departement } from '../territoires/territoires.js';
import { findStructureBySiret, getStructure, listStructures, structureNames } from '../structures/structures.js';
import { isUuid } from '../platform/ids.js';
import type { ChoixStructure } from './views/admin.js';
import { sha256 } from '../platform/crypto.js';
import { enforceRateLimit, formatWait } from '../platform/rate-limit/guard.js';
import { honeypotFilled } from '../platform/rate-limit/honeypot.js';
import { attemptLogin, notifyDisabledSignIn } from './login.js';
import { createSession, destroySession } from './sessions.js';
import { readDeviceCookie, rememberAccount, setDeviceCookie } from './device.js';
import { passwordChangedMail, sendSecurityMail } from './security-mails.js';
import { checkPasswordLink, requestPasswordReset, sendInvitation, usePasswordLink } from './password-links.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { addRole, createUser, LastAdminError, DuplicateEmailError, DuplicateRoleError, emailProblem, findUserById, listGrants, listUsers, MAX_NAME_LENGTH, normaliseEmail, removeRole, setActive, setPassword } from './users.js';
import { createApiToken, listTokens, MAX_TOKEN_NAME, revokeToken } from './tokens.js';
import { ForgotPage, LoginPage, NewPasswordPage } from './views/auth.js';
import { AccountPage } from './views/account.js';
import { InvitePage, UserPage, UsersPage } from './views/admin.js';

export const PAGE_SIZE = 50;

/** « Mot de passe oublié »: per IP and per target address (on top of the 3 links an hour per account). */
export const FORGOT_LIMIT_PER_IP = { limit: 10, windowSeconds: 15 * 60 };
export const FORGOT_LIMIT_PER_EMAIL = { limit: 5, windowSeconds: 3600 };

const INVALID_LOGIN = 'Adresse électronique ou mot de passe incorrect.';

export function startSessionCookie(reply: FastifyReply, deps: AppDeps, cookie: string): void {
  reply.setCookie(SESSION_COOKIE, cookie, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.publicUrl.startsWith('https:'),
    signed: true,
  });
}

/** Opens a session for a user and sets the cookie (used by password and ProConnect sign-in). */
export async function signIn(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void> {
  if (request.sessionKey) await destroySession(deps.db, request.sessionKey); // no session fixation
  const { cookie } = await createSession(deps.db, userId, { ip: clientIp(request), userAgent: request.headers['user-agent'] });
  startSessionCookie(reply, deps, cookie);
}

function pageNumber(q: unknown): number {
  const n = Number(q);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

export function registerComptesRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/connexion', { config: { access: 'public' } }, async (request, reply) => {
    const retour = queryParam(request, 'retour', 2000);
    if (request.user) return reply.redirect(safeReturnPath(retour), 303);
    return reply.html(LoginPage({ ctx: request.ctx(), retour: retour ? safeReturnPath(retour) : undefined }));
  });

  app.post('/connexion', { config: { access: 'public' } }, async (request, reply) => {
    const f = formBody(request);
    const email = (f.email ?? '').slice(0, 300);
    const password = f.password ?? '';
    const retour = f.retour ? safeReturnPath(f.retour) : undefined;
    const errors: FieldErrors = {};
    const emailErr = emailProblem(email);
    if (emailErr) errors.email = emailErr;
    if (!password) errors.password = 'Saisissez votre mot de passe.';
    else if (password.length > 256) errors.password = 'Le mot de passe est trop long.';
    if (Object.keys(errors).length) {
      return reply.html(LoginPage({ ctx: request.ctx(), values: { email }, errors, retour }), 400);
    }
    const secret = deps.config.sessionSecret;
    const device = readDeviceCookie(request, secret);
    const result = await attemptLogin(db, email, password, { ip: clientIp(request), device });
    if (!result.ok) {
      request.log.info({ reason: result.reason }, 'login refused');
      if (result.reason === 'throttled') {
        reply.header('retry-after', String(result.retryAfterSeconds));
        const message = `Trop de tentatives de connexion : par sécurité, réessayez dans ${formatWait(result.retryAfterSeconds)} ou réinitialisez votre mot de passe.`;
        return reply.html(LoginPage({ ctx: request.ctx(), values: { email }, errors: { password: message }, retour }), 429);
      }
      // A disabled account does not confirm that the password was right: same answer as a wrong one.
      if (result.reason === 'disabled') await notifyDisabledSignIn(db, deps.mailer, result.user, (e) => request.log.error({ err: e }, 'disabled sign-in mail not sent'));
      return reply.html(LoginPage({ ctx: request.ctx(), values: { email }, errors: { password: INVALID_LOGIN }, retour }), 401);
    }
    await signIn(deps, request, reply, result.user.id);
    setDeviceCookie(reply, secret, deps.config.publicUrl.startsWith('https:'), rememberAccount(device, result.user.id));
    return reply.redirect(retour ?? '/tableau-de-bord', 303);
  });

  app.post('/deconnexion', { config: { access: 'authentifie' } }, async (request, reply) => {
    if (request.sessionKey) await destroySession(db, request.sessionKey);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    // On a shared device, nothing of this person stays in the browser: cached pages, the offline
    // queue (IndexedDB) and the service worker's cache are wiped (the queue syncs while online).
    reply.header('clear-site-data', '"cache", "storage"');
    return reply.flash('Vous êtes déconnecté.').redirect('/', 303);
  });

  app.get('/mot-de-passe/oublie', { config: { access: 'public' } }, async (request, reply) => {
    return reply.html(ForgotPage({ ctx: request.ctx() }));
  });

  app.post('/mot-de-passe/oublie', { config: { access: 'public' } }, async (request, reply) => {
    const email = (formBody(request).email ?? '').slice(0, 300);
    // A bot that filled the hidden field is answered like a success, and nothing is done.
    if (honeypotFilled(request.body)) {
      request.log.info('honeypot filled: forgotten password form ignored');
      return reply.html(ForgotPage({ ctx: request.ctx(), sent: true }));
    }
    const err = emailProblem(email);
    const refused = await enforceRateLimit(request, reply, db, [
      { key: `mdp-oublie:ip:${clientIp(request)}`, ...FORGOT_LIMIT_PER_IP },
      ...(err ? [] : [{ key: `mdp-oublie:courriel:${sha256(normaliseEmail(email))}`, ...FORGOT_LIMIT_PER_EMAIL }]),
    ]);
    if (refused) return refused;
    if (err) return reply.html(ForgotPage({ ctx: request.ctx(), values: { email }, errors: { email: err } }), 400);
    await requestPasswordReset(db, deps.mailer, deps.config.publicUrl, email, (e) => request.log.error({ err: e }, 'reset mail not sent'));
    return reply.html(ForgotPage({ ctx: request.ctx(), sent: true }));
  });

  app.get('/mot-de-passe/nouveau', { config: { access: 'public' } }, async (request, reply) => {
    const token = queryParam(request, 'jeton');
    const link = await checkPasswordLink(db, token);
    if (!link) return reply.html(NewPasswordPage({ ctx: request.ctx(), token: '', invalid: true }), 410);
    return reply.html(NewPasswordPage({ ctx: request.ctx(), token, email: link.user.email, invitation: link.purpose === 'invitation' }));
  });

  app.post('/mot-de-passe/nouveau', { config: { access: 'public' } }, async (request, reply) => {
    const f = formBody(request);
    const token = f.jeton ?? '';
    const link = await checkPasswordLink(db, token);
    if (!link) return reply.html(NewPasswordPage({ ctx: request.ctx(), token: '', invalid: true }), 410);
    const password = f.password ?? '';
    const errors: FieldErrors = {};
    const problem = passwordProblem(password, link.user.email);
    if (problem) errors.password = problem;
    else if (password !== f.confirmation) errors.confirmation = 'Les deux mots de passe ne sont pas identiques.';
    if (Object.keys(errors).length) {
      return reply.html(
        NewPasswordPage({ ctx: request.ctx(), token, email: link.user.email, invitation: link.purpose === 'invitation', errors }),
        400,
      );
    }
    const used = await usePasswordLink(db, token, await hashPassword(password), request.id);
    if (!used) return reply.html(NewPasswordPage({ ctx: request.ctx(), token: '', invalid: true }), 410);
    if (used.purpose === 'reinitialisation' || used.revokedTokens > 0) {
      const mail = passwordChangedMail(used.user, 'reinitialisation', used.revokedTokens, deps.config.publicUrl);
      await sendSecurityMail(deps.mailer, mail, (e) => request.log.error({ err: e }, 'password change mail not sent'));
    }
    await signIn(deps, request, reply, used.user.id);
    const revoked = used.revokedTokens > 0 ? " Par sécurité, vos jetons d'API ont été révoqués." : '';
    return reply.flash(`Votre mot de passe est enregistré. Vous êtes connecté.${revoked}`).redirect('/tableau-de-bord', 303);
  });

  async function renderAccount(request: FastifyRequest, reply: FastifyReply, extra: Partial<Parameters<typeof AccountPage>[0]> = {}, status = 200) {
    const user = request.user!;
    const names = await structureNames(db, user.roles.map((g) => g.structureId).filter((x): x is string => !!x));
    return reply.html(AccountPage({ ctx: request.ctx(), structureNames: names, tokens: await listTokens(db, user.id), ...extra }), status);
  }

  app.get('/compte', { config: { access: 'compte:gerer' } }, async (request, reply) => renderAccount(request, reply));

  app.post('/compte/mot-de-passe', { config: { access: 'compte:gerer' } }, async (request, reply) => {
    const f = formBody(request);
    const user = await findUserById(db, request.user!.id);
    const errors: FieldErrors = {};
    if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, f.current ?? ''))) {
      errors.current = 'Le mot de passe actuel est incorrect.';
    }
    const problem = passwordProblem(f.password ?? '', request.user!.email);
    if (problem) errors.password = problem;
    else if (f.password !== f.confirmation) errors.confirmation = 'Les deux mots de passe ne sont pas identiques.';
    if (Object.keys(errors).length) return renderAccount(request, reply, { passwordErrors: errors }, 400);
    const { revokedTokens } = await setPassword(db, actorOf(request), request.user!.id, await hashPassword(f.password!), {
      keepSessionKey: request.sessionKey ?? undefined,
    });
    const mail = passwordChangedMail(request.user!, 'changement', revokedTokens, deps.config.publicUrl);
    await sendSecurityMail(deps.mailer, mail, (e) => request.log.error({ err: e }, 'password change mail not sent'));
    const revoked = revokedTokens > 0 ? " Par sécurité, vos jetons d'API ont été révoqués : créez-en de nouveaux si besoin." : '';
    return reply.flash(`Votre mot de passe a été changé. Vos autres sessions ont été fermées.${revoked}`).redirect('/compte', 303);
  });

  app.post('/compte/jetons', { config: { access: 'compte:gerer' } }, async (request, reply) => {
    const name = formBody(request).name ?? '';
    if (!name || name.length > MAX_TOKEN_NAME) {
      const error = !name ? 'Donnez un nom au jeton, pour le reconnaître.' : `Le nom doit contenir au plus ${MAX_TOKEN_NAME} caractères.`;
      return renderAccount(request, reply, { tokenErrors: { name: error }, tokenValues: { name } }, 400);
    }
    const { token } = await createApiToken(db, actorOf(request), request.user!.id, name);
    return renderAccount(request, reply, { newToken: token });
  });

  app.post('/compte/jetons/:id/revoquer', { config: { access: 'compte:gerer' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const ok = await revokeToken(db, actorOf(request), request.user!.id, id);
    if (!ok) return notFound(request, reply);
    return reply.flash('Le jeton a été révoqué.').redirect('/compte', 303);
  });

  // --- Administration of accounts ---

  app.get('/admin/utilisateurs', { config: { access: 'utilisateurs:gerer' } }, async (request, reply) => {
    const q = queryParam(request, 'q', 100);
    const page = pageNumber(queryParam(request, 'page'));
    const rows = await listUsers(db, { q, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
    const users = rows.slice(0, PAGE_SIZE);
    const names = await structureNames(db, [...new Set(users.flatMap((u) => u.roles.map((g) => g.structureId)).filter((x): x is string => !!x))]);
    return reply.html(UsersPage({ ctx: request.ctx(), users, q, structureNames: names, page, hasNext: rows.length > PAGE_SIZE }));
  });

  app.get('/admin/utilisateurs/inviter', { config: { access: 'utilisateurs:gerer' } }, async (request, reply) => {
    return reply.html(InvitePage({ ctx: request.ctx() }));
  });

  app.post('/admin/utilisateurs/inviter', { config: { access: 'utilisateurs:gerer' } }, async (request, reply) => {
    const f = formBody(request);
    const values = { email: f.email, firstName: f.firstName, lastName: f.lastName, role: f.role, departement: f.departement, structure: f.structure ?? f.siret };
    const errors: FieldErrors = {};
    const email = f.email ?? '';
    const e = emailProblem(email);
    if (e) errors.email = e;
    for (const [k, label] of [['firstName', 'le prénom'], ['lastName', 'le nom']] as const) {
      const v = f[k] ?? '';
      if (!v) errors[k] = `Saisissez ${label}.`;
      else if (v.length > MAX_NAME_LENGTH) errors[k] = `Ce champ doit contenir au plus ${MAX_NAME_LENGTH} caractères.`;
    }
    const { grant, choix } = await grantFromForm(f, errors, request.user!);
    if (Object.keys(errors).length) return reply.html(InvitePage({ ctx: request.ctx(), values, errors, choix }), 400);
    try {
      const user = await createUser(db, actorOf(request), { email, firstName: f.firstName!, lastName: f.lastName!, roles: [grant!] });
      await sendInvitation(db, deps.mailer, deps.config.publicUrl, user, `${request.user!.firstName} ${request.user!.lastName}`);
      return reply.flash(`Invitation envoyée à ${user.email}.`).redirect('/admin/utilisateurs', 303);
    } catch (err) {
      if (err instanceof DuplicateEmailError) {
        return reply.html(InvitePage({ ctx: request.ctx(), values, errors: { email: err.message } }), 409);
      }
      throw err;
    }
  });

  /**
   * Reads role, département and structure of a form into a grant; problems go to `errors`. The
   * structure is typed by name or SIRET: one match is taken, several are offered as a choice
   * (`structure_id`) on the same form — no JavaScript needed.
   */
  async function grantFromForm(f: Record<string, string>, errors: FieldErrors, user: Principal): Promise<{ grant?: RoleGrant; choix: ChoixStructure[] }> {
    const role = f.role as Role;
    const grant: RoleGrant = { role, departement: null, structureId: null };
    let choix: ChoixStructure[] = [];
    if (!ROLES.includes(role)) errors.role = 'Choisissez un rôle.';
    else if (ROLE_NEEDS_DEPARTEMENT.has(role)) {
      if (!f.departement || !departement(f.departement)) errors.departement = 'Choisissez le département de la préfecture.';
      else grant.departement = f.departement;
    } else if (ROLE_NEEDS_STRUCTURE.has(role)) {
      const texte = (f.structure ?? f.siret ?? '').trim();
      const choisie = f.structure_id && isUuid(f.structure_id) ? await getStructure(db, f.structure_id) : undefined;
      const siret = texte.replace(/\s/g, '');
      if (choisie) grant.structureId = choisie.id;
      else if (!texte) errors.structure = 'Saisissez le nom ou le SIRET de la structure de rattachement.';
      else if (/^\d{14}$/.test(siret)) {
        const s = await findStructureBySiret(db, siret);
        if (!s) errors.structure = "Aucune structure n'a ce SIRET : créez d'abord la structure.";
        else grant.structureId = s.id;
      } else {
        const { rows, total } = await listStructures(db, structureScope(user), { q: texte.slice(0, 100), limit: 10 });
        if (total === 0) errors.structure = `Aucune structure ne correspond à « ${texte.slice(0, 100)} » : vérifiez le nom, saisissez le SIRET, ou créez d'abord la structure.`;
        else if (total === 1) grant.structureId = rows[0]!.id;
        else {
          choix = rows.map((r) => ({ id: r.id, nom: r.nom, siret: r.siret, codePostal: r.codePostal }));
          errors.structure =
            total > rows.length
              ? `${total} structures correspondent : précisez le nom (ou saisissez le SIRET), ou choisissez parmi les ${rows.length} premières ci-dessous.`
              : `${total} structures correspondent : choisissez la bonne ci-dessous.`;
        }
      }
    }
    return Object.keys(errors).length ? { choix } : { grant, choix };
  }

  async function renderUser(request: FastifyRequest, reply: FastifyReply, userId: string, extra: { values?: FormValues; errors?: FieldErrors; choix?: ChoixStructure[] } = {}, status = 200) {
    const user = await findUserById(db, userId);
    if (!user) return notFound(request, reply);
    const grants = await listGrants(db, user.id);
    const names = await structureNames(db, grants.map((g) => g.structureId).filter((x): x is string => !!x));
    return reply.html(UserPage({ ctx: request.ctx(), user, grants, structureNames: names, ...extra }), status);
  }

  app.get('/admin/utilisateurs/:id', { config: { access: 'utilisateurs:gerer' } }, async (request, reply) =>
    renderUser(request, reply, (request.params as { id: string }).id),
  );

  app.post('/admin/utilisateurs/:id/roles', { config: { access: 'utilisateurs:gerer' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!(await findUserById(db, id))) return notFound(request, reply);
    const f = formBody(request);
    const values = { role: f.role, departement: f.departement, structure: f.structure ?? f.siret };
    const errors: FieldErrors = {};
    const { grant, choix } = await grantFromForm(f, errors, request.user!);
    if (!grant) return renderUser(request, reply, id, { values, errors, choix }, 400);
    try {
      await addRole(db, actorOf(request), id, grant);
    } catch (e) {
      if (!(e instanceof DuplicateRoleError)) throw e;
      return renderUser(request, reply, id, { values, errors: { role: e.message } }, 409);
    }
    return reply.flash('Rôle ajouté.').redirect(`/admin/utilisateurs/${id}`, 303);
  });

  app.post('/admin/utilisateurs/:id/roles/:roleId/retirer', { config: { access: 'utilisateurs:gerer' } }, async (request, reply) => {
    const { id, roleId } = request.params as { id: string; roleId: string };
    if (id === request.user!.id && (await listGrants(db, id)).find((g) => g.id === roleId)?.role === 'admin') {
      return reply.flash('Vous ne pouvez pas retirer votre propre rôle d’administration.', 'erreur').redirect(`/admin/utilisateurs/${id}`, 303);
    }
    try {
      if (!(await removeRole(db, actorOf(request), id, roleId))) return notFound(request, reply);
    } catch (e) {
      if (!(e instanceof LastAdminError)) throw e;
      return reply.flash(e.message, 'erreur').redirect(`/admin/utilisateurs/${id}`, 303);
    }
    return reply.flash('Rôle retiré.').redirect(`/admin/utilisateurs/${id}`, 303);
  });

  for (const [path, active] of [['desactiver', false], ['reactiver', true]] as const) {
    app.post(`/admin/utilisateurs/:id/${path}`, { config: { access: 'utilisateurs:gerer' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const user = await findUserById(db, id);
      if (!user) return notFound(request, reply);
      if (user.id === request.user!.id && !active) {
        return reply.flash('Vous ne pouvez pas désactiver votre propre compte.', 'erreur').redirect('/admin/utilisateurs', 303);
      }
      let revokedTokens = 0;
      try {
        ({ revokedTokens } = await setActive(db, actorOf(request), id, active));
      } catch (e) {
        if (!(e instanceof LastAdminError)) throw e;
        return reply.flash(e.message, 'erreur').redirect('/admin/utilisateurs', 303);
      }
      const tokens = revokedTokens > 0 ? ` Ses jetons d'API ont été révoqués (${revokedTokens}).` : '';
      return reply.flash(`Compte ${user.email} ${active ? 'réactivé' : 'désactivé'}.${tokens}`).redirect('/admin/utilisateurs', 303);
    });
  }

}
