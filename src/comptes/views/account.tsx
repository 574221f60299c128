import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Alert, Csrf, ErrorSummary, Input, formatDateTime, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { ROLE_LABELS, type RoleGrant } from '../../platform/access.js';
import type { ApiToken } from '../tokens.js';

export function describeGrant(g: RoleGrant, structureNames: Map<string, string>): string {
  const scope = g.departement
    ? ` · département ${g.departement}`
    : g.structureId
      ? ` · ${structureNames.get(g.structureId) ?? 'structure'}`
      : '';
  return ROLE_LABELS[g.role] + scope;
}

export function AccountPage(p: {
  ctx: PageContext;
  structureNames: Map<string, string>;
  tokens: ApiToken[];
  newToken?: string;
  passwordErrors?: FieldErrors;
  tokenErrors?: FieldErrors;
  tokenValues?: FormValues;
}) {
  const user = p.ctx.user!;
  return (
    <Layout ctx={p.ctx} title="Mon compte">
      <h1>Mon compte</h1>
      <section class="fr-mb-6w" aria-labelledby="identite">
        <h2 id="identite">Identité et rôles</h2>
        <p>
          {user.firstName} {user.lastName} · {user.email}
        </p>
        <ul>
          {user.roles.length === 0 ? <li>Aucun rôle : contactez votre administrateur.</li> : null}
          {user.roles.map((g) => (
            <li>{describeGrant(g, p.structureNames)}</li>
          ))}
        </ul>
      </section>

      <section class="fr-mb-6w" aria-labelledby="notifications">
        <h2 id="notifications">Notifications</h2>
        <p>
          Vos notifications s'affichent dans la plateforme (<a href="/notifications">Notifications</a>, en haut de page).{' '}
          <a href="/compte/notifications">Choisir celles que vous recevez aussi par courriel</a>
        </p>
      </section>

      <section class="fr-mb-6w" aria-labelledby="mdp">
        <h2 id="mdp">Changer de mot de passe</h2>
        <form method="post" action="/compte/mot-de-passe" novalidate>
          <Csrf token={p.ctx.csrf} />
          <ErrorSummary errors={p.passwordErrors} />
          <input type="hidden" name="username" autocomplete="username" value={user.email} />
          <Input name="current" label="Mot de passe actuel" type="password" autocomplete="current-password" required errors={p.passwordErrors} maxLength={256} />
          <Input name="password" label="Nouveau mot de passe" hint="Au moins 12 caractères." type="password" autocomplete="new-password" required errors={p.passwordErrors} maxLength={256} />
          <Input name="confirmation" label="Confirmez le nouveau mot de passe" type="password" autocomplete="new-password" required errors={p.passwordErrors} maxLength={256} />
          <button class="fr-btn" type="submit">
            Changer le mot de passe
          </button>
        </form>
      </section>

      <section aria-labelledby="jetons">
        <h2 id="jetons">Jetons d'accès à l'API</h2>
        <p>
          Un jeton permet à un logiciel d'utiliser l'API en votre nom (en-tête <code>Authorization: Bearer …</code>). Il a vos droits :
          gardez-le secret et révoquez-le dès qu'il ne sert plus.
        </p>
        {p.newToken ? (
          <Alert type="success" title="Jeton créé">
            <p>Copiez-le maintenant : il ne sera plus affiché.</p>
            <p>
              <code class="cn-pre">{p.newToken}</code>
            </p>
          </Alert>
        ) : null}
        <form method="post" action="/compte/jetons" novalidate class="fr-mb-4w">
          <Csrf token={p.ctx.csrf} />
          <ErrorSummary errors={p.tokenErrors} />
          <Input name="name" label="Nom du jeton" hint="Par exemple : tableur de suivi, application mobile" required values={p.tokenValues} errors={p.tokenErrors} maxLength={100} />
          <button class="fr-btn fr-btn--secondary" type="submit">
            Créer un jeton
          </button>
        </form>
        {p.tokens.length === 0 ? (
          <p>Vous n'avez aucun jeton.</p>
        ) : (
          <div class="fr-table cn-table-scroll">
            <table>
              <caption>Vos jetons</caption>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">Début</th>
                  <th scope="col">Créé le</th>
                  <th scope="col">Dernière utilisation</th>
                  <th scope="col">État</th>
                </tr>
              </thead>
              <tbody>
                {p.tokens.map((t) => (
                  <tr>
                    <td>{t.name}</td>
                    <td>
                      <code>{t.prefix}…</code>
                    </td>
                    <td>{formatDateTime(t.createdAt)}</td>
                    <td>{formatDateTime(t.lastUsedAt)}</td>
                    <td>
                      {t.revokedAt ? (
                        `Révoqué le ${formatDateTime(t.revokedAt)}`
                      ) : (
                        <form method="post" action={`/compte/jetons/${t.id}/revoquer`} class="cn-inline-form">
                          <Csrf token={p.ctx.csrf} />
                          <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit" title={`Révoquer le jeton ${t.name}`}>
                            Révoquer
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}
