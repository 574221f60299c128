import { Layout, type PageContext } from './layout.js';

export function ErrorPage(p: { ctx: PageContext; status: number; title: string; message: string; requestId?: string; contact?: { qui: string; email: string } }) {
  return (
    <Layout ctx={p.ctx} title={p.title}>
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-8">
          <h1>{p.title}</h1>
          <p class="fr-text--sm fr-mb-3w">Erreur {p.status}</p>
          <p class="fr-text--lead fr-mb-3w">{p.message}</p>
          {p.contact ? (
            <p class="fr-mb-3w">
              {p.contact.qui} : <a href={`mailto:${p.contact.email}`}>{p.contact.email}</a>.
            </p>
          ) : null}
          {p.requestId ? (
            <p class="fr-text--sm">
              Référence à communiquer au support : <code>{p.requestId}</code>
            </p>
          ) : null}
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn" href="/">
                Page d'accueil
              </a>
            </li>
            {p.status === 403 && !p.ctx.user ? (
              <li>
                <a class="fr-btn fr-btn--secondary" href="/connexion">
                  Se connecter
                </a>
              </li>
            ) : null}
          </ul>
        </div>
      </div>
    </Layout>
  );
}
