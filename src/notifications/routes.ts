import type { FastifyInstance } from 'fastify';
import { safeReturnPath, type AppDeps } from '../platform/deps.js';
import { notFound, queryParam } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { listOutbox } from '../platform/mail.js';
import { countUnread, listNotifications, markAllRead, markRead, PAGE_SIZE } from './notifications.js';
import { NotificationsPage, OutboxPage, PreferencesPage } from './views/pages.js';

/** The list of one's notifications, the mail preferences, and the admin outbox. */
export function registerNotificationsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, notifier } = deps;

  app.get('/notifications', { config: { access: 'authentifie' } }, async (request, reply) => {
    const user = request.user!;
    const avant = queryParam(request, 'avant', 40);
    // Only the cursor this page writes (an ISO instant, years 1000-9999): nothing PostgreSQL cannot read.
    const before = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(avant) && !Number.isNaN(Date.parse(avant)) ? new Date(avant) : undefined;
    const [rows, unread] = await Promise.all([listNotifications(db, user.id, { before, limit: PAGE_SIZE + 1 }), countUnread(db, user.id)]);
    const more = rows.length > PAGE_SIZE;
    const page = rows.slice(0, PAGE_SIZE);
    return reply.html(
      NotificationsPage({ ctx: request.ctx(), rows: page, unread, nextBefore: more ? page[page.length - 1]!.createdAt.toISOString() : undefined }),
    );
  });

  app.post<{ Params: { id: string } }>('/notifications/:id/lue', { config: { access: 'authentifie' } }, async (request, reply) => {
    if (!isUuid(request.params.id)) return notFound(request, reply);
    const n = await markRead(db, request.user!.id, request.params.id);
    if (!n) return notFound(request, reply); // another person's: as if it did not exist
    const open = (request.body as Record<string, unknown> | undefined)?.ouvrir === '1';
    return reply.redirect(open && n.link ? safeReturnPath(n.link) : '/notifications', 303);
  });

  app.post('/notifications/tout-lire', { config: { access: 'authentifie' } }, async (request, reply) => {
    const n = await markAllRead(db, request.user!.id);
    return reply.flash(n === 1 ? '1 notification marquée comme lue.' : `${n} notifications marquées comme lues.`).redirect('/notifications', 303);
  });

  app.get('/compte/notifications', { config: { access: 'authentifie' } }, async (request, reply) => {
    return reply.html(PreferencesPage({ ctx: request.ctx(), prefs: await notifier.preferences(db, request.user!.id) }));
  });

  app.post('/compte/notifications', { config: { access: 'authentifie' } }, async (request, reply) => {
    const raw = (request.body as Record<string, unknown> | undefined)?.courriel;
    const chosen = new Set((Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && notifier.kinds.has(v)));
    await notifier.setPreferences(db, request.user!.id, chosen);
    return reply.flash('Vos choix de notifications sont enregistrés.').redirect('/compte/notifications', 303);
  });

  app.get('/admin/courriels', { config: { access: 'courriels:consulter' } }, async (request, reply) => {
    const destinataire = queryParam(request, 'destinataire', 200).trim();
    return reply.html(
      OutboxPage({ ctx: request.ctx(), mails: await listOutbox(db, 100, destinataire || undefined), smtp: deps.mailer.kind === 'smtp', destinataire }),
    );
  });
}
