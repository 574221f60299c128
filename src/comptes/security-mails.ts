import type { Mailer, MailMessage } from '../platform/mail.js';
import type { User } from './users.js';

/**
 * Sends a security mail without making the request wait on SMTP (its time and failures would show
 * in the answer); the outbox (no SMTP) is a local insert, written before answering.
 */
export async function sendSecurityMail(mailer: Mailer, message: MailMessage, onError: (e: unknown) => void = () => undefined): Promise<void> {
  const sending = mailer.send(message).catch(onError);
  if (mailer.kind === 'outbox') await sending;
}

export function passwordChangedMail(user: Pick<User, 'email' | 'firstName'>, how: 'changement' | 'reinitialisation', revokedTokens: number, publicUrl: string): MailMessage {
  return {
    to: user.email,
    subject: 'Votre mot de passe a été changé · Conseiller numérique',
    text: [
      `Bonjour ${user.firstName},`,
      '',
      how === 'changement'
        ? 'Le mot de passe de votre compte vient d’être changé depuis la page « Mon compte ». Vos autres sessions ont été fermées.'
        : 'Le mot de passe de votre compte vient d’être réinitialisé avec un lien reçu par courriel. Vos sessions ouvertes ont été fermées.',
      ...(revokedTokens > 0
        ? ['', `Par sécurité, vos jetons d'API ont été révoqués (${revokedTokens}) : créez-en de nouveaux sur ${publicUrl}/compte pour les logiciels qui en ont besoin.`]
        : []),
      '',
      `Si vous n'êtes pas à l'origine de ce changement, réinitialisez votre mot de passe sans attendre (${publicUrl}/mot-de-passe/oublie) et prévenez l'administrateur de la plateforme.`,
    ].join('\n'),
  };
}

export function disabledSignInMail(user: Pick<User, 'email' | 'firstName'>): MailMessage {
  return {
    to: user.email,
    subject: 'Tentative de connexion à votre compte désactivé · Conseiller numérique',
    text: [
      `Bonjour ${user.firstName},`,
      '',
      'Quelqu’un vient d’essayer de se connecter à votre compte Conseiller numérique avec le bon mot de passe, alors que ce compte est désactivé. La connexion a été refusée.',
      '',
      "Si c'était vous, contactez l'administrateur de la plateforme pour faire réactiver votre compte. Sinon, votre mot de passe est connu d'un tiers : prévenez l'administrateur.",
    ].join('\n'),
  };
}
