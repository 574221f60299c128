import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, EmptyState, formatDateTime } from '../../platform/views/components.js';
import type { OutboxMail } from '../../platform/mail.js';
import type { NotificationRow } from '../notifications.js';

export function NotificationsPage(p: { ctx: PageContext; rows: NotificationRow[]; unread: number; nextBefore?: string | undefined }) {
  return (
    <Layout ctx={p.ctx} title="Notifications">
      <h1>Notifications</h1>
      <p>
        {p.unread === 0 ? 'Aucune notification non lue.' : p.unread === 1 ? '1 notification non lue.' : `${p.unread} notifications non lues.`}{' '}
        <a href="/compte/notifications">Choisir les notifications reçues par courriel</a>
      </p>
      {p.unread > 0 ? (
        <form method="post" action="/notifications/tout-lire" class="fr-mb-3w">
          <Csrf token={p.ctx.csrf} />
          <button class="fr-btn fr-btn--secondary fr-btn--sm" type="submit">
            Tout marquer comme lu
          </button>
        </form>
      ) : null}
      {p.rows.length === 0 ? (
        <EmptyState title="Rien pour l'instant">
          <p>Les décisions, rappels et messages de la plateforme qui vous concernent apparaîtront ici.</p>
        </EmptyState>
      ) : (
        <ul class="cn-plain-list">
          {p.rows.map((n) => (
            <li class={`fr-card fr-mb-2w fr-p-3w${n.readAt ? '' : ' cn-unread'}`}>
              <h2 class="fr-h6 fr-mb-1w">
                {n.readAt ? null : <span class="fr-badge fr-badge--new fr-badge--sm fr-mr-1w">Non lue</span>}
                {n.title}
              </h2>
              <p class="fr-text--sm fr-mb-1w">{formatDateTime(n.createdAt)}</p>
              <p class="cn-pre">{n.body}</p>
              <form method="post" action={`/notifications/${n.id}/lue`} class="cn-inline-form">
                <Csrf token={p.ctx.csrf} />
                {n.link ? (
                  <button class="fr-btn fr-btn--sm fr-mr-2w" type="submit" name="ouvrir" value="1">
                    Ouvrir
                  </button>
                ) : null}
                {n.readAt ? null : (
                  <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit" title={`Marquer comme lue : ${n.title}`}>
                    Marquer comme lue
                  </button>
                )}
              </form>
            </li>
          ))}
        </ul>
      )}
      {p.nextBefore ? (
        <p>
          <a class="fr-link" href={`/notifications?avant=${encodeURIComponent(p.nextBefore)}`}>
            Notifications plus anciennes
          </a>
        </p>
      ) : null}
    </Layout>
  );
}

export function PreferencesPage(p: { ctx: PageContext; prefs: { kind: string; label: string; email: boolean }[]; saved?: boolean }) {
  return (
    <Layout ctx={p.ctx} title="Notifications par courriel">
      <Breadcrumb trail={[{ href: '/compte', label: 'Mon compte' }]} current={{ href: '/compte/notifications', label: 'Notifications par courriel' }} />
      <h1>Notifications par courriel</h1>
      <p>
        Toutes les notifications restent visibles dans la plateforme (la cloche en haut de page). Cochez celles que vous voulez
        aussi recevoir par courriel.
      </p>
      <form method="post" action="/compte/notifications">
        <Csrf token={p.ctx.csrf} />
        <fieldset class="fr-fieldset" id="preferences" aria-labelledby="preferences-legende">
          <legend class="fr-fieldset__legend" id="preferences-legende">
            Recevoir par courriel
          </legend>
          {p.prefs.map((x, i) => (
            <div class="fr-fieldset__element">
              <div class="fr-checkbox-group">
                <input type="checkbox" id={`pref-${i}`} name="courriel" value={x.kind} checked={x.email} />
                <label class="fr-label" for={`pref-${i}`}>
                  {x.label}
                </label>
              </div>
            </div>
          ))}
        </fieldset>
        <button class="fr-btn" type="submit">
          Enregistrer mes choix
        </button>
      </form>
    </Layout>
  );
}

export function OutboxPage(p: { ctx: PageContext; mails: OutboxMail[]; smtp: boolean; destinataire: string }) {
  return (
    <Layout ctx={p.ctx} title="Courriels" wide>
      <h1>Courriels envoyés par la plateforme</h1>
      <p>
        {p.smtp
          ? 'Un serveur SMTP est configuré : les courriels partent par SMTP. Cette liste garde ceux écrits avant sa configuration.'
          : "Aucun serveur SMTP n'est configuré (variable SMTP_URL) : les courriels sont gardés ici, pour la démonstration et les essais. Les notifications envoyées par courriel y arrivent quelques secondes après l'action, par une tâche de fond."}
      </p>
      <form method="get" action="/admin/courriels" role="search" class="fr-mb-4w">
        <div class="fr-search-bar" id="recherche-courriels">
          <label class="fr-label" for="champ-destinataire">
            Destinataire (adresse ou partie d'adresse)
          </label>
          <input class="fr-input" id="champ-destinataire" name="destinataire" type="search" value={p.destinataire} maxLength={200} />
          <button class="fr-btn" type="submit" title="Rechercher les courriels de ce destinataire">
            Rechercher
          </button>
        </div>
      </form>
      {p.mails.length === 0 ? <p>{p.destinataire ? `Aucun courriel pour « ${p.destinataire} ».` : 'Aucun courriel.'}</p> : null}
      {p.mails.map((m) => (
        <article class="fr-card fr-mb-3w fr-p-3w">
          <h2 class="fr-h6">{m.subject}</h2>
          <p class="fr-text--sm">
            À {m.to} · {formatDateTime(m.createdAt)}
          </p>
          <p class="cn-pre">{m.text}</p>
        </article>
      ))}
    </Layout>
  );
}
