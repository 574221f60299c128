import { desc, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { mailOutbox } from './mail-schema.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative (SMTP only; the outbox keeps the text). */
  html?: string | undefined;
}

export interface Mailer {
  kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
}

/** SMTP when SMTP_URL is set (e.g. smtp://user:pass@host:587); otherwise an outbox table read in the app. */
export function createMailer(opts: { smtpUrl?: string | undefined; from: string; db: Db }): Mailer {
  if (opts.smtpUrl) {
    const smtpUrl = opts.smtpUrl;
    // nodemailer is loaded at the first mail sent, not at start-up; one transport for the process.
    let transport: Promise<import('nodemailer').Transporter> | undefined;
    return {
      kind: 'smtp',
      async send(m) {
        transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(smtpUrl));
        // A transport that could not be made is not kept: the next mail tries again.
        const t = await transport.catch((e: unknown) => {
          transport = undefined;
          throw e;
        });
        await t.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) });
      },
    };
  }
  return {
    kind: 'outbox',
    async send(m) {
      await opts.db.insert(mailOutbox).values({ to: m.to, subject: m.subject, text: m.text });
    },
  };
}

export type OutboxMail = typeof mailOutbox.$inferSelect;

/** The latest mails of the outbox, optionally those whose recipient contains `to` (any case). */
export async function listOutbox(db: Db, limit = 50, to?: string): Promise<OutboxMail[]> {
  const q = db.select().from(mailOutbox);
  const filtered = to ? q.where(sql`${mailOutbox.to} ilike ${'%' + to.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`) : q;
  return filtered.orderBy(desc(mailOutbox.id)).limit(limit);
}

export async function countOutbox(db: Db): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(mailOutbox);
  return r?.n ?? 0;
}
