/** Training providers, as ANCT and Banque des Territoires manage them: the list, a new one, its staff. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, EmptyState, ErrorSummary, Input, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { LIMITES } from '../regles.js';
import type { Organisme } from '../formation.js';
import { formatEuros } from './format.js';

export function OrganismesPage(p: { ctx: PageContext; organismes: (Organisme & { personnels: number })[]; values?: FormValues; errors?: FieldErrors }) {
  return (
    <Layout ctx={p.ctx} title="Organismes de formation" wide>
      <h1>Organismes de formation</h1>
      <p>
        Les organismes assurent la formation initiale et les modules annuels. Leur personnel saisit les positionnements, les sessions et les présences ; le coût est calculé au taux horaire de leur
        convention.
      </p>
      {p.organismes.length ? (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Organismes</caption>
            <thead>
              <tr>
                <th scope="col">Organisme</th>
                <th scope="col">Taux horaire</th>
                <th scope="col">Personnes</th>
              </tr>
            </thead>
            <tbody>
              {p.organismes.map((o) => (
                <tr>
                  <td>
                    <a href={`/formation/organismes/${o.id}`}>{o.nom}</a>
                  </td>
                  <td>{formatEuros(o.tauxHoraireCentimes)} de l'heure</td>
                  <td>{o.personnels}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <EmptyState title="Aucun organisme">Créez le premier organisme de formation avec le formulaire ci-dessous.</EmptyState>
      )}
      <h2>Nouvel organisme</h2>
      <form method="post" action="/formation/organismes" novalidate>
        <Csrf token={p.ctx.csrf} />
        <ErrorSummary errors={p.errors} />
        <Input name="nom" label="Nom de l'organisme" required maxLength={LIMITES.nom} values={p.values} errors={p.errors} />
        <Input name="taux" label="Taux horaire de la convention (€)" hint="Par exemple : 25,00" required maxLength={12} values={p.values} errors={p.errors} />
        <button class="fr-btn" type="submit">
          Créer l'organisme
        </button>
      </form>
    </Layout>
  );
}

export function OrganismePage(p: { ctx: PageContext; organisme: Organisme; personnels: { id: string; nom: string; email: string }[]; values?: FormValues; errors?: FieldErrors }) {
  const o = p.organisme;
  return (
    <Layout ctx={p.ctx} title={o.nom}>
      <Breadcrumb trail={[{ href: '/formation/organismes', label: 'Organismes de formation' }]} current={{ href: `/formation/organismes/${o.id}`, label: o.nom }} />
      <h1>{o.nom}</h1>
      <p>Taux horaire de la convention : {formatEuros(o.tauxHoraireCentimes)} de l'heure.</p>
      <h2>Personnel de l'organisme</h2>
      {p.personnels.length ? (
        <ul>
          {p.personnels.map((x) => (
            <li>
              {x.nom} ({x.email})
            </li>
          ))}
        </ul>
      ) : (
        <p>Personne n'est encore rattaché à cet organisme.</p>
      )}
      <h2>Inviter une personne</h2>
      <p>Elle reçoit un lien par courriel pour choisir son mot de passe ; si elle a déjà un compte, le rôle « Organisme de formation » lui est ajouté.</p>
      <form method="post" action={`/formation/organismes/${o.id}/personnels`} novalidate>
        <Csrf token={p.ctx.csrf} />
        <ErrorSummary errors={p.errors} />
        <Input name="email" label="Adresse électronique" type="email" autocomplete="off" required maxLength={LIMITES.email} values={p.values} errors={p.errors} />
        <Input name="prenom" label="Prénom" required maxLength={100} values={p.values} errors={p.errors} />
        <Input name="nom" label="Nom" required maxLength={100} values={p.values} errors={p.errors} />
        <button class="fr-btn" type="submit">
          Inviter
        </button>
      </form>
    </Layout>
  );
}
