import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Csrf, ErrorSummary, Input, Select, formatDateTime, type FieldErrors, type FormValues, SearchBar } from '../../platform/views/components.js';
import { ROLE_LABELS, ROLES } from '../../platform/access.js';
import type { GrantRow, User, UserListRow } from '../users.js';
import { describeGrant } from './account.js';
import { departements } from '../../territoires/territoires.js';

export function UsersPage(p: { ctx: PageContext; users: UserListRow[]; q: string; structureNames: Map<string, string>; page: number; hasNext: boolean }) {
  return (
    <Layout ctx={p.ctx} title="Utilisateurs" wide>
      <h1>Utilisateurs</h1>
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w">
        <div class="fr-col-12 fr-col-md-8">
          <SearchBar action="/admin/utilisateurs" label="Rechercher par nom ou adresse électronique" q={p.q} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <a class="fr-btn fr-icon-user-add-line fr-btn--icon-left" href="/admin/utilisateurs/inviter">
            Inviter un utilisateur
          </a>
        </div>
      </div>
      {p.users.length === 0 ? (
        <p>Aucun utilisateur ne correspond à cette recherche.</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Comptes</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Adresse électronique</th>
                <th scope="col">Rôles</th>
                <th scope="col">Dernière connexion</th>
                <th scope="col">État</th>
              </tr>
            </thead>
            <tbody>
              {p.users.map((u) => (
                <tr>
                  <td>
                    <a href={`/admin/utilisateurs/${u.id}`}>
                      {u.firstName} {u.lastName}
                    </a>
                  </td>
                  <td>{u.email}</td>
                  <td>{u.roles.map((g) => describeGrant(g, p.structureNames)).join(' ; ') || '—'}</td>
                  <td>{formatDateTime(u.lastLoginAt)}</td>
                  <td>
                    {u.active ? (u.hasPassword ? 'Actif' : 'Invité') : 'Désactivé'}{' '}
                    {u.id === p.ctx.user?.id ? (
                      <span class="fr-hint-text">(votre compte)</span>
                    ) : (
                      <form method="post" action={`/admin/utilisateurs/${u.id}/${u.active ? 'desactiver' : 'reactiver'}`} class="cn-inline-form">
                        <Csrf token={p.ctx.csrf} />
                        <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit" title={`${u.active ? 'Désactiver' : 'Réactiver'} le compte de ${u.email}`}>
                          {u.active ? 'Désactiver' : 'Réactiver'}
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
      <Pager base={`/admin/utilisateurs?q=${encodeURIComponent(p.q)}`} page={p.page} hasNext={p.hasNext} />
    </Layout>
  );
}

export function Pager(p: { base: string; page: number; hasNext: boolean }) {
  if (p.page <= 1 && !p.hasNext) return null;
  const sep = p.base.includes('?') ? '&' : '?';
  return (
    <nav role="navigation" class="fr-pagination" aria-label="Pagination">
      <ul class="fr-pagination__list">
        <li>
          {p.page > 1 ? (
            <a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" href={`${p.base}${sep}page=${p.page - 1}`}>
              Page précédente
            </a>
          ) : (
            <a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" aria-disabled="true" role="link">
              Page précédente
            </a>
          )}
        </li>
        <li>
          <a class="fr-pagination__link" aria-current="page" title={`Page ${p.page}`}>
            {p.page}
          </a>
        </li>
        <li>
          {p.hasNext ? (
            <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href={`${p.base}${sep}page=${p.page + 1}`}>
              Page suivante
            </a>
          ) : (
            <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" aria-disabled="true" role="link">
              Page suivante
            </a>
          )}
        </li>
      </ul>
    </nav>
  );
}

export function InvitePage(p: { ctx: PageContext; values?: FormValues; errors?: FieldErrors; choix?: ChoixStructure[] }) {
  return (
    <Layout ctx={p.ctx} title="Inviter un utilisateur">
      <h1>Inviter un utilisateur</h1>
      <p>La personne reçoit un courriel avec un lien, valable 7 jours, pour choisir son mot de passe.</p>
      <form method="post" action="/admin/utilisateurs/inviter" novalidate>
        <Csrf token={p.ctx.csrf} />
        <ErrorSummary errors={p.errors} />
        <Input name="email" label="Adresse électronique" type="email" autocomplete="off" required values={p.values} errors={p.errors} maxLength={254} />
        <Input name="firstName" label="Prénom" required values={p.values} errors={p.errors} maxLength={100} />
        <Input name="lastName" label="Nom" required values={p.values} errors={p.errors} maxLength={100} />
        <RoleFields values={p.values} errors={p.errors} choix={p.choix} />
        <button class="fr-btn" type="submit">
          Envoyer l'invitation
        </button>
      </form>
    </Layout>
  );
}

/** The role, département and SIRET fields shared by the invitation and the add-role forms. */
/** A structure offered when several match what was typed. */
export interface ChoixStructure {
  id: string;
  nom: string;
  siret: string;
  codePostal: string;
}

function RoleFields(p: { values?: FormValues; errors?: FieldErrors; choix?: ChoixStructure[] }) {
  return (
    <>
      <Select name="role" label="Rôle" required values={p.values} errors={p.errors} options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
      <Select
        name="departement"
        label="Département (pour une préfecture)"
        values={p.values}
        errors={p.errors}
        options={departements().map((d) => ({ value: d.code, label: `${d.code} · ${d.nom}` }))}
      />
      <Input
        name="structure"
        label="Structure de rattachement (pour une structure, un conseiller ou un coordinateur)"
        hint="Son nom (ou une partie) ou son SIRET à 14 chiffres"
        values={p.values}
        errors={p.errors}
        maxLength={200}
      />
      {p.choix?.length ? (
        <fieldset class="fr-fieldset" aria-labelledby="choix-structure-legende">
          <legend class="fr-fieldset__legend" id="choix-structure-legende">
            Laquelle de ces structures ?
          </legend>
          {p.choix.map((c, i) => (
            <div class="fr-fieldset__element">
              <div class="fr-radio-group">
                <input type="radio" id={`structure-choix-${i}`} name="structure_id" value={c.id} checked={i === 0} />
                <label class="fr-label" for={`structure-choix-${i}`}>
                  {c.nom}
                  <span class="fr-hint-text">
                    SIRET {c.siret} · {c.codePostal}
                  </span>
                </label>
              </div>
            </div>
          ))}
        </fieldset>
      ) : null}
    </>
  );
}

export function UserPage(p: { ctx: PageContext; user: User; grants: GrantRow[]; structureNames: Map<string, string>; values?: FormValues; errors?: FieldErrors; choix?: ChoixStructure[] }) {
  const u = p.user;
  return (
    <Layout ctx={p.ctx} title={`${u.firstName} ${u.lastName}`}>
      <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
        <ol class="fr-breadcrumb__list">
          <li>
            <a class="fr-breadcrumb__link" href="/admin/utilisateurs">
              Utilisateurs
            </a>
          </li>
          <li>
            <a class="fr-breadcrumb__link" aria-current="page">
              {u.firstName} {u.lastName}
            </a>
          </li>
        </ol>
      </nav>
      <h1>
        {u.firstName} {u.lastName}
      </h1>
      <p>
        {u.email} · {u.active ? (u.passwordHash ? 'Actif' : 'Invité') : 'Désactivé'} · dernière connexion : {formatDateTime(u.lastLoginAt)}
      </p>
      <h2>Rôles</h2>
      {p.grants.length === 0 ? <p>Aucun rôle : ce compte ne voit que sa page « Mon compte ».</p> : null}
      <ul>
        {p.grants.map((g) => (
          <li>
            {describeGrant(g, p.structureNames)}{' '}
            <form method="post" action={`/admin/utilisateurs/${u.id}/roles/${g.id}/retirer`} class="cn-inline-form">
              <Csrf token={p.ctx.csrf} />
              <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit" title={`Retirer le rôle ${describeGrant(g, p.structureNames)}`}>
                Retirer
              </button>
            </form>
          </li>
        ))}
      </ul>
      <h2>Ajouter un rôle</h2>
      <form method="post" action={`/admin/utilisateurs/${u.id}/roles`} novalidate>
        <Csrf token={p.ctx.csrf} />
        <ErrorSummary errors={p.errors} />
        <RoleFields values={p.values} errors={p.errors} choix={p.choix} />
        <button class="fr-btn" type="submit">
          Ajouter le rôle
        </button>
      </form>
    </Layout>
  );
}
