import type { ComponentChildren } from 'preact';
import { ACTIONS, can, dashboardsFor, ROLE_LABELS, type Action, type Principal } from '../access.js';
import { publicAssets } from '../assets.js';

export interface PageContext {
  user: Principal | null;
  csrf: string;
  path: string;
  demo: boolean;
  flash: string | null;
  /** How the flash message is shown (default: success). */
  flashKind?: 'succes' | 'erreur' | 'info';
  proconnect: boolean;
  /** Unread notifications (null when not counted, e.g. on error pages). */
  notifications?: number | null;
  /** The instance's support address (SUPPORT_EMAIL). */
  support?: string;
}

interface NavLink {
  href: string;
  label: string;
  action?: Action;
}

/** The navigation shown to a signed-in user: only what their roles allow. */
const NAV: NavLink[] = [
  { href: '/programme/dossiers', label: 'Candidatures', action: 'programme:lister' },
  { href: '/programme/coselec', label: 'Comités de sélection', action: 'programme:coselec' },
  { href: '/programme/postes', label: 'Postes', action: 'programme:postes' },
  { href: '/conventions', label: 'Conventions', action: 'conventions:lister' },
  { href: '/ma-convention', label: 'Ma convention', action: 'conventions:signer' },
  { href: '/admin/recrutements', label: 'Recrutements', action: 'recrutement:valider' },
  { href: '/recrutement', label: 'Recruter', action: 'recrutement:structure' },
  { href: '/conseillers', label: 'Conseillers', action: 'recrutement:conseillers' },
  { href: '/equipes', label: 'Équipes', action: 'recrutement:equipes' },
  { href: '/coordination', label: 'Coordination', action: 'recrutement:coordination' },
  { href: '/candidature/profil', label: 'Ma candidature', action: 'recrutement:candidat' },
  { href: '/structures', label: 'Structures', action: 'structures:consulter' },
  { href: '/lieux', label: 'Lieux', action: 'lieux:gerer' },
  { href: '/activites', label: 'Mes activités', action: 'activites:saisir' },
  { href: '/beneficiaires', label: 'Bénéficiaires', action: 'beneficiaires:gerer' },
  { href: '/activites/structure', label: 'Activités de la structure', action: 'activites:statistiques' },
  { href: '/statistiques/perimetre', label: 'Statistiques', action: 'statistiques:consulter' },
  { href: '/couverture', label: 'Couverture', action: 'statistiques:couverture' },
  { href: '/formation/suivi', label: 'Formation', action: 'formation:suivi' },
  { href: '/formation/moi', label: 'Ma formation', action: 'formation:conseiller' },
  { href: '/formation/organismes', label: 'Organismes de formation', action: 'formation:organismes' },
  { href: '/formation/couts', label: 'Coûts de formation', action: 'formation:couts' },
  { href: '/formation/catalogue', label: 'Modules thématiques', action: 'formation:catalogue-gerer' },
  { href: '/admin/utilisateurs', label: 'Utilisateurs', action: 'utilisateurs:gerer' },
  { href: '/admin/journal', label: "Journal d'audit", action: 'audit:consulter' },
  { href: '/admin/courriels', label: 'Courriels', action: 'courriels:consulter' },
  { href: '/admin/taches', label: 'Tâches', action: 'taches:gerer' },
];

function navFor(user: Principal | null): NavLink[] {
  if (!user) return [{ href: '/', label: 'Accueil' }, TROUVER];
  const dashboards = dashboardsFor(user).map((role) => ({
    href: `/tableau-de-bord/${role}`,
    label: dashboardsFor(user).length > 1 ? `Tableau de bord · ${ROLE_LABELS[role]}` : 'Tableau de bord',
  }));
  return [...dashboards, ...NAV.filter((l) => l.action && ACTIONS.includes(l.action) && can(user, l.action)), TROUVER];
}

/** The public finder, for everyone. */
const TROUVER: NavLink = { href: '/trouver', label: 'Trouver un lieu' };

/**
 * `publicPage`: a page anyone may land on first (home, finder, place page, application forms). It
 * takes the purged DSFR and two subset Marianne faces, preloaded (scripts/build-assets.mjs), and no
 * DSFR script: it renders and works without JavaScript. Other pages keep the full DSFR.
 */
export function Layout(p: { ctx: PageContext; title: string; children?: ComponentChildren; wide?: boolean; head?: ComponentChildren; publicPage?: boolean }) {
  const { ctx } = p;
  const nav = navFor(ctx.user);
  const lean = p.publicPage ? publicAssets() : null;
  return (
    <html lang="fr" data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${p.title} · Conseiller numérique`}</title>
        <meta name="description" content="Conseiller numérique France Services : la plateforme du dispositif." />
        {lean ? (
          <>
            {lean.fonts.map((href) => (
              <link rel="preload" href={href} as="font" type="font/woff2" crossorigin="anonymous" />
            ))}
            <link rel="stylesheet" href={lean.css} />
          </>
        ) : (
          <>
            <link rel="stylesheet" href="/dsfr/dsfr.min.css" />
            <link rel="stylesheet" href="/dsfr/utility/icons/icons.min.css" />
            <link rel="stylesheet" href="/static/app.css" />
            <noscript>
              <link rel="stylesheet" href="/static/nojs.css" />
            </noscript>
          </>
        )}
        <link rel="icon" href="/dsfr/favicon/favicon.svg" type="image/svg+xml" />
        <meta name="theme-color" content="#000091" />
        {p.head}
      </head>
      <body>
        <div class="fr-skiplinks">
          <nav class="fr-container" role="navigation" aria-label="Accès rapide">
            <ul class="fr-skiplinks__list">
              <li>
                <a class="fr-link" href="#contenu">
                  Contenu
                </a>
              </li>
              <li>
                <a class="fr-link" href="#navigation">
                  Menu
                </a>
              </li>
              <li>
                <a class="fr-link" href="#pied-de-page">
                  Pied de page
                </a>
              </li>
            </ul>
          </nav>
        </div>
        <header role="banner" class="fr-header">
          <div class="fr-header__body">
            <div class="fr-container">
              <div class="fr-header__body-row">
                <div class="fr-header__brand fr-enlarge-link">
                  <div class="fr-header__brand-top">
                    <div class="fr-header__logo">
                      <p class="fr-logo">
                        République
                        <br />
                        Française
                      </p>
                    </div>
                    <div class="fr-header__navbar">
                      <button
                        class="fr-btn--menu fr-btn"
                        data-fr-opened="false"
                        aria-controls="menu-principal"
                        aria-haspopup="menu"
                        id="bouton-menu"
                        title="Menu"
                        type="button"
                      >
                        Menu
                      </button>
                    </div>
                  </div>
                  <div class="fr-header__service">
                    <a href="/" title="Accueil - Conseiller numérique">
                      <p class="fr-header__service-title">Conseiller numérique</p>
                    </a>
                    <p class="fr-header__service-tagline">France Services · le numérique accompagné</p>
                  </div>
                </div>
                <div class="fr-header__tools">
                  <div class="fr-header__tools-links">
                    <HeaderTools ctx={ctx} />
                  </div>
                </div>
              </div>
            </div>
          </div>
          <div class="fr-header__menu fr-modal" id="menu-principal" aria-labelledby="bouton-menu">
            <div class="fr-container">
              <button class="fr-btn--close fr-btn" aria-controls="menu-principal" title="Fermer" type="button">
                Fermer
              </button>
              <div class="fr-header__menu-links">
                <HeaderTools ctx={ctx} />
              </div>
              <nav class="fr-nav" id="navigation" role="navigation" aria-label="Menu principal">
                <ul class="fr-nav__list">
                  {nav.map((l) => (
                    <li class="fr-nav__item">
                      <a
                        class="fr-nav__link"
                        href={l.href}
                        aria-current={ctx.path === l.href || ctx.path.startsWith(l.href + '/') ? 'page' : undefined}
                      >
                        {l.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            </div>
          </div>
        </header>
        <main id="contenu" role="main" tabIndex={-1}>
          <div class={`fr-container fr-py-6w${p.wide ? '' : ' cn-readable'}`}>
            {ctx.flash ? (
              <div
                class={`fr-alert fr-alert--${ctx.flashKind === 'erreur' ? 'error' : ctx.flashKind === 'info' ? 'info' : 'success'} fr-mb-4w`}
                role={ctx.flashKind === 'erreur' ? 'alert' : 'status'}
              >
                <p>{ctx.flash}</p>
              </div>
            ) : null}
            {p.children}
          </div>
        </main>
        <footer class="fr-footer" role="contentinfo" id="pied-de-page">
          <div class="fr-container">
            <div class="fr-footer__body">
              <div class="fr-footer__brand fr-enlarge-link">
                <a href="/" title="Retour à l'accueil - Conseiller numérique">
                  <p class="fr-logo">
                    République
                    <br />
                    Française
                  </p>
                </a>
              </div>
              <div class="fr-footer__content">
                <p class="fr-footer__content-desc">
                  Conseiller numérique France Services : des conseillers formés, financés par l'État, pour
                  accompagner chacun dans ses usages du numérique. Plateforme libre et ouverte.
                </p>
                <ul class="fr-footer__content-list">
                  <li class="fr-footer__content-item">
                    <a class="fr-footer__content-link" href="https://www.info.gouv.fr" rel="noopener">
                      info.gouv.fr
                    </a>
                  </li>
                  <li class="fr-footer__content-item">
                    <a class="fr-footer__content-link" href="https://www.service-public.fr" rel="noopener">
                      service-public.fr
                    </a>
                  </li>
                  <li class="fr-footer__content-item">
                    <a class="fr-footer__content-link" href="https://www.data.gouv.fr" rel="noopener">
                      data.gouv.fr
                    </a>
                  </li>
                </ul>
              </div>
            </div>
            <div class="fr-footer__bottom">
              <ul class="fr-footer__bottom-list">
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href="/accessibilite">
                    Accessibilité : partiellement conforme
                  </a>
                </li>
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href="/mentions-legales">
                    Mentions légales
                  </a>
                </li>
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href="/donnees-personnelles">
                    Données personnelles
                  </a>
                </li>
                <li class="fr-footer__bottom-item">
                  <a class="fr-footer__bottom-link" href="/statistiques">
                    Statistiques publiques
                  </a>
                </li>
              </ul>
              <div class="fr-footer__bottom-copy">
                <p>
                  Sauf mention contraire, les contenus de ce site sont proposés sous{' '}
                  <a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md" rel="noopener">
                    licence etalab-2.0
                  </a>
                </p>
              </div>
            </div>
          </div>
        </footer>
        {lean ? null : <script type="module" src="/dsfr/dsfr.module.min.js"></script>}
        <script type="module" src="/static/tables.js"></script>
      </body>
    </html>
  );
}

function HeaderTools({ ctx }: { ctx: PageContext }) {
  if (!ctx.user) {
    return (
      <ul class="fr-btns-group">
        <li>
          <a class="fr-btn fr-icon-lock-line" href="/connexion">
            Se connecter
          </a>
        </li>
      </ul>
    );
  }
  return (
    <ul class="fr-btns-group">
      <li>
        <a
          class="fr-btn fr-icon-notification-3-line"
          href="/notifications"
          aria-current={ctx.path === '/notifications' ? 'page' : undefined}
        >
          {ctx.notifications ? `Notifications (${ctx.notifications} non lue${ctx.notifications > 1 ? 's' : ''})` : 'Notifications'}
        </a>
      </li>
      <li>
        <a class="fr-btn fr-icon-account-circle-line" href="/compte">
          {`${ctx.user.firstName} ${ctx.user.lastName}`}
        </a>
      </li>
      <li>
        <form method="post" action="/deconnexion" class="cn-inline-form">
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <button class="fr-btn fr-icon-logout-box-r-line" type="submit">
            Se déconnecter
          </button>
        </form>
      </li>
    </ul>
  );
}
