/**
 * Notifications: one call, `notifier.notify(tx, to, kind, data)`, writes an in-app notification for
 * each recipient (the bell in the header, /notifications) and, for those who want mail for that
 * kind (their preferences, /compte/notifications), enqueues a job that sends it — never inside the
 * request, and only if the business transaction commits. Each context defines its kinds and their
 * French templates in one file of its own (e.g. src/activites/notifications.ts).
 */
import { and, count, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { Mailer } from '../platform/mail.js';
import { enqueue, type JobRegistry } from '../platform/jobs/jobs.js';
import { recipientById, resolveRecipients, type Recipients } from '../comptes/destinataires.js';
import { notificationPreferences, notifications } from './schema.js';

export interface Rendered {
  /** Short, shown in the list and as the mail's subject. */
  title: string;
  /** Plain French, one or more paragraphs separated by blank lines. */
  body: string;
  /** A same-site path to act on it. */
  link?: string | undefined;
}

export interface NotificationKind<D extends Record<string, unknown> = Record<string, unknown>> {
  kind: string;
  /** In the preferences page: what this notification is about. */
  label: string;
  /** Sent by mail unless the user turned it off. */
  emailByDefault: boolean;
  render(data: D): Rendered;
}

export type NotificationRow = typeof notifications.$inferSelect;

export const MAIL_JOB = 'notifications.courriel';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The mail of a notification: plain text and HTML, with the link made absolute. */
export function renderMail(r: Rendered, publicUrl: string): { subject: string; text: string; html: string } {
  const url = r.link ? new URL(r.link, publicUrl).href : null;
  const paragraphs = r.body.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean);
  const footer = 'Vous recevez ce courriel parce que vous avez un compte sur la plateforme Conseiller numérique. Choisissez les courriels que vous recevez dans « Mon compte », rubrique « Notifications ».';
  const text = [`Bonjour,`, ...paragraphs, ...(url ? [`Pour y accéder : ${url}`] : []), '—', footer].join('\n\n');
  const html = [
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>',
    esc(r.title),
    '</title></head><body style="font-family: Marianne, Arial, sans-serif; color: #161616;">',
    '<p>Bonjour,</p>',
    ...paragraphs.map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`),
    url ? `<p><a href="${esc(url)}">Accéder à la plateforme</a></p>` : '',
    `<hr><p style="font-size: 0.85em; color: #666;">${esc(footer)}</p></body></html>`,
  ].join('');
  return { subject: r.title, text, html };
}

export class Notifier {
  readonly kinds = new Map<string, NotificationKind>();

  constructor(private readonly publicUrl: string) {}

  define<D extends Record<string, unknown>>(k: NotificationKind<D>): void {
    if (this.kinds.has(k.kind)) throw new Error(`Notification ${k.kind} déjà définie`);
    this.kinds.set(k.kind, k as unknown as NotificationKind);
  }

  /**
   * Notifies the recipients. Pass the business transaction: the notification and its mail job
   * commit with it. Returns the number of people notified.
   */
  async notify(db: Db, to: Recipients, kind: string, data: Record<string, unknown> = {}): Promise<number> {
    const k = this.kinds.get(kind);
    if (!k) throw new Error(`Notification inconnue : ${kind}`);
    const people = await resolveRecipients(db, to);
    if (people.length === 0) return 0;
    const r = k.render(data);
    const rows = await db
      .insert(notifications)
      .values(people.map((p) => ({ userId: p.id, kind, title: r.title.slice(0, 300), body: r.body.slice(0, 5000), link: r.link ?? null, data })))
      .returning({ id: notifications.id, userId: notifications.userId });
    const prefs = await db
      .select()
      .from(notificationPreferences)
      .where(and(eq(notificationPreferences.kind, kind), inArray(notificationPreferences.userId, people.map((p) => p.id))));
    const wants = new Map(prefs.map((p) => [p.userId, p.email]));
    for (const row of rows) {
      if (wants.get(row.userId) ?? k.emailByDefault) await enqueue(db, MAIL_JOB, { notificationId: row.id }, { key: `notification:${row.id}` });
    }
    return rows.length;
  }

  /** The job that mails one notification, checking the preference again at sending time. */
  registerJobs(registry: JobRegistry, mailer: Mailer): void {
    registry.define(MAIL_JOB, {
      label: "Envoi d'une notification par courriel",
      handler: async (payload, ctx) => {
        const id = String(payload.notificationId);
        const [n] = await ctx.db.select().from(notifications).where(eq(notifications.id, id));
        if (!n) return; // deleted since
        const k = this.kinds.get(n.kind);
        if (!k) throw new Error(`Notification inconnue : ${n.kind}`);
        if (!(await wantsMail(ctx.db, n.userId, k))) return;
        const to = await recipientById(ctx.db, n.userId);
        if (!to) return; // account disabled since
        const mail = renderMail({ title: n.title, body: n.body, link: n.link ?? undefined }, this.publicUrl);
        await mailer.send({ to: to.email, ...mail });
      },
    });
  }

  /** Every kind with the user's choice (the preferences page). */
  async preferences(db: Db, userId: string): Promise<{ kind: string; label: string; email: boolean }[]> {
    const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
    const chosen = new Map(rows.map((r) => [r.kind, r.email]));
    return [...this.kinds.values()].map((k) => ({ kind: k.kind, label: k.label, email: chosen.get(k.kind) ?? k.emailByDefault }));
  }

  async setPreferences(db: Db, userId: string, emailKinds: Set<string>): Promise<void> {
    const now = new Date();
    for (const k of this.kinds.values()) {
      const email = emailKinds.has(k.kind);
      await db
        .insert(notificationPreferences)
        .values({ userId, kind: k.kind, email, updatedAt: now })
        .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.kind], set: { email, updatedAt: now } });
    }
  }
}

async function wantsMail(db: Db, userId: string, k: NotificationKind): Promise<boolean> {
  const [p] = await db
    .select({ email: notificationPreferences.email })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.kind, k.kind)));
  return p?.email ?? k.emailByDefault;
}

// ——— The in-app list ———

export async function countUnread(db: Db, userId: string): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return r?.n ?? 0;
}

export const PAGE_SIZE = 30;

/** A user's notifications, newest first, in pages (keyset on created_at). */
export async function listNotifications(db: Db, userId: string, opts: { before?: Date | undefined; limit?: number } = {}): Promise<NotificationRow[]> {
  const conds = [eq(notifications.userId, userId)];
  if (opts.before) conds.push(lt(notifications.createdAt, opts.before));
  return db
    .select()
    .from(notifications)
    .where(and(...conds))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(opts.limit ?? PAGE_SIZE);
}

/** Marks one of the user's notifications as read; false when it is not theirs. */
export async function markRead(db: Db, userId: string, id: string): Promise<NotificationRow | undefined> {
  const [r] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  return r;
}

export async function markAllRead(db: Db, userId: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
