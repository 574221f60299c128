import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { randomToken, sha256 } from '../platform/crypto.js';
import type { Mailer } from '../platform/mail.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { passwordTokens, users } from './schema.js';
import { findUserByEmail, type User } from './users.js';
import { revokeCredentials } from './revocation.js';

export type LinkPurpose = 'reinitialisation' | 'invitation';

export const LINK_LIFETIME_MS: Record<LinkPurpose, number> = {
  reinitialisation: 3600_000,
  invitation: 7 * 24 * 3600_000,
};

export async function createPasswordLink(db: Db, userId: string, purpose: LinkPurpose): Promise<string> {
  const token = randomToken(32);
  await db.insert(passwordTokens).values({
    tokenHash: sha256(token),
    userId,
    purpose,
    expiresAt: new Date(Date.now() + LINK_LIFETIME_MS[purpose]),
  });
  return token;
}

/** The user a still-valid, unused link belongs to; undefined otherwise. Does not consume it. */
export async function checkPasswordLink(db: Db, token: string): Promise<{ user: User; purpose: LinkPurpose } | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const [row] = await db
    .select({ user: users, purpose: passwordTokens.purpose })
    .from(passwordTokens)
    .innerJoin(users, eq(users.id, passwordTokens.userId))
    .where(and(eq(passwordTokens.tokenHash, sha256(token)), isNull(passwordTokens.usedAt), gt(passwordTokens.expiresAt, new Date())))
    .limit(1);
  return row && row.user.active ? { user: row.user, purpose: row.purpose as LinkPurpose } : undefined;
}

/**
 * Sets the password through a link, once: the link and every other open link of the user are
 * spent, and so are the user's sessions and API tokens.
 */
export async function usePasswordLink(
  db: Db,
  token: string,
  passwordHash: string,
  requestId?: string,
): Promise<{ user: User; purpose: LinkPurpose; revokedTokens: number } | undefined> {
  return db.transaction(async (tx) => {
    const found = await checkPasswordLink(tx, token);
    if (!found) return undefined;
    const spent = await tx
      .update(passwordTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordTokens.tokenHash, sha256(token)), isNull(passwordTokens.usedAt)))
      .returning({ h: passwordTokens.tokenHash });
    if (spent.length === 0) return undefined; // spent concurrently
    await tx
      .update(passwordTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordTokens.userId, found.user.id), isNull(passwordTokens.usedAt)));
    await tx.update(users).set({ passwordHash }).where(eq(users.id, found.user.id));
    const actor: Actor = { userId: found.user.id, label: found.user.email, requestId };
    const { revokedTokens } = await revokeCredentials(tx, actor, found.user.id, {
      reason: found.purpose === 'invitation' ? 'invitation acceptée' : 'mot de passe réinitialisé',
    });
    await recordAudit(tx, actor, {
      action: found.purpose === 'invitation' ? 'utilisateur.invitation_acceptee' : 'utilisateur.mot_de_passe_reinitialise',
      objectType: 'utilisateur',
      objectId: found.user.id,
      summary: found.purpose === 'invitation' ? 'Invitation acceptée, mot de passe défini' : 'Mot de passe réinitialisé par lien',
    });
    return { user: found.user, purpose: found.purpose, revokedTokens };
  });
}

/** At most this many reset links per account and hour: the form cannot be used to flood a mailbox. */
export const MAX_RESET_LINKS_PER_HOUR = 3;

/**
 * Sends a reset link when the account exists and is active; says nothing either way. An SMTP
 * delivery is not awaited (its time and its failures would tell whether the account exists); the
 * outbox is written before answering.
 */
export async function requestPasswordReset(db: Db, mailer: Mailer, publicUrl: string, email: string, onError: (e: unknown) => void = () => undefined): Promise<void> {
  const user = await findUserByEmail(db, email);
  if (!user || !user.active) return;
  const [recent] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(passwordTokens)
    .where(and(eq(passwordTokens.userId, user.id), eq(passwordTokens.purpose, 'reinitialisation'), gt(passwordTokens.createdAt, new Date(Date.now() - 3600_000))));
  if ((recent?.n ?? 0) >= MAX_RESET_LINKS_PER_HOUR) return;
  const token = await createPasswordLink(db, user.id, 'reinitialisation');
  const sending = mailer
    .send({
      to: user.email,
      subject: 'Réinitialiser votre mot de passe · Conseiller numérique',
      text: [
        `Bonjour ${user.firstName},`,
        '',
        'Vous avez demandé à réinitialiser votre mot de passe. Ce lien est valable une heure et ne sert qu’une fois :',
        `${publicUrl}/mot-de-passe/nouveau?jeton=${token}`,
        '',
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.",
      ].join('\n'),
    })
    .catch(onError);
  if (mailer.kind === 'outbox') await sending;
}

export async function sendInvitation(db: Db, mailer: Mailer, publicUrl: string, user: User, invitedBy: string): Promise<void> {
  const token = await createPasswordLink(db, user.id, 'invitation');
  await mailer.send({
    to: user.email,
    subject: 'Votre compte Conseiller numérique',
    text: [
      `Bonjour ${user.firstName},`,
      '',
      `${invitedBy} vous a créé un compte sur la plateforme Conseiller numérique.`,
      'Choisissez votre mot de passe avec ce lien, valable 7 jours :',
      `${publicUrl}/mot-de-passe/nouveau?jeton=${token}`,
    ].join('\n'),
  });
}
