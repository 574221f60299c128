/** Coordinators' teams: ANCT's list of coordinators, and one coordinator's team with its dated memberships. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, EmptyState, ErrorSummary, Input, formatNumber, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { departements } from '../../territoires/territoires.js';
import type { Coordinateur, LigneCoordinateur, LigneMembre } from '../equipes.js';

const fr = (d: string | null) => (d ? d.split('-').reverse().join('/') : '');

const ETATS: Record<LigneMembre['etat'], { label: string; cls: string }> = {
  a_venir: { label: 'À venir', cls: 'fr-badge--info' },
  en_cours: { label: 'En cours', cls: 'fr-badge--success' },
  terminee: { label: 'Terminée', cls: '' },
};

export function EquipesPage(p: { ctx: PageContext; rows: LigneCoordinateur[] }) {
  return (
    <Layout ctx={p.ctx} title="Équipes des coordinateurs" wide>
      <h1>Équipes des coordinateurs</h1>
      <p>
        Chaque coordinateur anime une équipe : des conseillers nommés, ou tous les conseillers d'un département. Ses statistiques comptent les
        activités de chaque membre seulement pendant sa présence dans l'équipe.
      </p>
      {p.rows.length === 0 ? (
        <EmptyState title="Aucun coordinateur">
          <p>Les comptes ayant le rôle de coordinateur apparaîtront ici : un recrutement validé sur un contrat de coordinateur donne ce rôle.</p>
        </EmptyState>
      ) : (
        <div class="fr-table">
          <table>
            <caption>
              {formatNumber(p.rows.length)} coordinateur{p.rows.length > 1 ? 's' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Coordinateur</th>
                <th scope="col">Structure</th>
                <th scope="col">Membres en cours</th>
                <th scope="col">Membres au total</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((c) => (
                <tr>
                  <td>
                    <a href={`/equipes/${c.id}`}>
                      {c.prenom} {c.nom}
                    </a>
                  </td>
                  <td>{c.structures.join(', ') || '—'}</td>
                  <td>{formatNumber(c.enCours)}</td>
                  <td>{formatNumber(c.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export interface EquipeView {
  ctx: PageContext;
  coordinateur: Coordinateur;
  membres: LigneMembre[];
  /** ANCT: may add members and end memberships. */
  gestion: boolean;
  /** The coordinator reading their own team. */
  moi: boolean;
  today: string;
  errors?: FieldErrors | undefined;
  values?: FormValues | undefined;
}

export function EquipePage(p: EquipeView) {
  const nom = `${p.coordinateur.prenom} ${p.coordinateur.nom}`;
  const titre = p.moi ? 'Mon équipe' : `Équipe de ${nom}`;
  const href = `/equipes/${p.coordinateur.id}`;
  const errors = p.errors ?? {};
  return (
    <Layout ctx={p.ctx} title={titre} wide>
      <Breadcrumb
        trail={p.gestion ? [{ href: '/equipes', label: 'Équipes des coordinateurs' }] : [{ href: '/tableau-de-bord', label: 'Tableau de bord' }]}
        current={{ href, label: titre }}
      />
      <h1>{titre}</h1>
      <p class="fr-text--lead">
        {p.moi ? 'Coordinateur' : nom}
        {p.coordinateur.structures.length ? ` · ${p.coordinateur.structures.join(', ')}` : ''}
      </p>
      <p>
        Les statistiques {p.moi ? 'de votre équipe' : 'de cette équipe'} comptent les activités de chaque membre seulement pendant sa présence dans
        l'équipe (du premier au dernier jour inclus).{' '}
        {p.moi ? (
          <a href="/activites/structure">Voir les statistiques de l'équipe</a>
        ) : null}
      </p>
      <ErrorSummary errors={errors} />
      {p.membres.length === 0 ? (
        <EmptyState title="Aucun membre pour le moment">
          <p>
            {p.gestion
              ? 'Ajoutez un conseiller nommé, ou tous les conseillers d’un département, avec le formulaire ci-dessous.'
              : "L'ANCT rattache les conseillers à votre équipe : ils apparaîtront ici."}
          </p>
        </EmptyState>
      ) : (
        <div class="fr-table">
          <table>
            <caption>Membres de l'équipe, du plus récent au plus ancien</caption>
            <thead>
              <tr>
                <th scope="col">Membre</th>
                <th scope="col">Depuis le</th>
                <th scope="col">Jusqu'au</th>
                <th scope="col">État</th>
                {p.gestion ? <th scope="col">Terminer la présence</th> : null}
              </tr>
            </thead>
            <tbody>
              {p.membres.map((m) => (
                <tr>
                  <td>{m.libelle}</td>
                  <td>{fr(m.debut)}</td>
                  <td>{m.fin ? fr(m.fin) : '—'}</td>
                  <td>
                    <p class={`fr-badge fr-badge--sm ${ETATS[m.etat].cls}`}>{ETATS[m.etat].label}</p>
                  </td>
                  {p.gestion ? <td>{m.etat === 'terminee' ? '—' : <FinForm m={m} action={`${href}/membres/${m.id}/fin`} csrf={p.ctx.csrf} today={p.today} errors={errors} values={p.values} />}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.gestion ? <AjoutForm action={`${href}/membres`} csrf={p.ctx.csrf} today={p.today} errors={errors} values={p.values} /> : null}
    </Layout>
  );
}

function FinForm(p: { m: LigneMembre; action: string; csrf: string; today: string; errors: FieldErrors; values?: FormValues | undefined }) {
  const name = `fin-${p.m.id}`;
  const id = `champ-${name}`;
  const error = p.errors[name];
  const value = error ? (p.values?.[name] ?? '') : p.today;
  return (
    <form method="post" action={p.action}>
      <Csrf token={p.csrf} />
      <div class={`fr-input-group${error ? ' fr-input-group--error' : ''}`}>
        <label class="fr-label" for={id}>
          Dernier jour dans l'équipe
          <span class="fr-hint-text">{p.m.libelle}</span>
        </label>
        <input
          class={`fr-input${error ? ' fr-input--error' : ''}`}
          type="date"
          id={id}
          name="fin"
          value={value}
          min={p.m.debut}
          required
          aria-describedby={error ? `${id}-erreur` : undefined}
          aria-invalid={error ? 'true' : undefined}
        />
        {error ? (
          <p class="fr-error-text" id={`${id}-erreur`}>
            {error}
          </p>
        ) : null}
      </div>
      <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">
        Terminer
      </button>
    </form>
  );
}

function DepartementSelect(p: { values: FormValues; errors: FieldErrors }) {
  const error = p.errors.departement;
  const id = 'champ-departement';
  const current = p.values.departement ?? '';
  const describedBy = [`${id}-aide`, error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return (
    <div class={`fr-select-group${error ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        Département
        <span class="fr-hint-text" id={`${id}-aide`}>
          Pour tous les conseillers d'un département : ceux des structures de ce département.
        </span>
      </label>
      <select class={`fr-select${error ? ' fr-select--error' : ''}`} id={id} name="departement" aria-describedby={describedBy} aria-invalid={error ? 'true' : undefined}>
        <option value="" selected={current === ''}>
          Choisir un département
        </option>
        {departements().map((d) => (
          <option value={d.code} selected={d.code === current}>
            {d.code} – {d.nom}
          </option>
        ))}
      </select>
      {error ? (
        <p class="fr-error-text" id={`${id}-erreur`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function AjoutForm(p: { action: string; csrf: string; today: string; errors: FieldErrors; values?: FormValues | undefined }) {
  const values: FormValues = { debut: p.today, ...p.values };
  const type = values.type === 'departement' ? 'departement' : 'conseiller';
  const typeError = p.errors.type;
  return (
    <section class="fr-mt-6w" aria-labelledby="ajout-titre">
      <h2 id="ajout-titre">Ajouter un membre</h2>
      <form method="post" action={p.action}>
        <Csrf token={p.csrf} />
        <fieldset
          class={`fr-fieldset${typeError ? ' fr-fieldset--error' : ''}`}
          id="champ-type"
          aria-labelledby={`champ-type-legende${typeError ? ' champ-type-erreur' : ''}`}
        >
          <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="champ-type-legende">
            Qui rejoint l'équipe ?
          </legend>
          <div class="fr-fieldset__element">
            <div class="fr-radio-group">
              <input type="radio" id="type-conseiller" name="type" value="conseiller" checked={type === 'conseiller'} />
              <label class="fr-label" for="type-conseiller">
                Un conseiller nommé
                <span class="fr-hint-text">Indiquez son adresse électronique ci-dessous.</span>
              </label>
            </div>
          </div>
          <div class="fr-fieldset__element">
            <div class="fr-radio-group">
              <input type="radio" id="type-departement" name="type" value="departement" checked={type === 'departement'} />
              <label class="fr-label" for="type-departement">
                Tous les conseillers d'un département
                <span class="fr-hint-text">Choisissez le département ci-dessous.</span>
              </label>
            </div>
          </div>
          {typeError ? (
            <div class="fr-messages-group" aria-live="polite">
              <p class="fr-error-text" id="champ-type-erreur">
                {typeError}
              </p>
            </div>
          ) : null}
        </fieldset>
        <Input
          name="conseiller"
          label="Adresse électronique du conseiller"
          hint="Pour un conseiller nommé : son compte doit avoir le rôle de conseiller numérique."
          type="email"
          autocomplete="off"
          maxLength={254}
          values={values}
          errors={p.errors}
          markOptional={false}
        />
        <DepartementSelect values={values} errors={p.errors} />
        <Input name="debut" label="Premier jour dans l'équipe" hint="Aujourd'hui si vous ne changez rien." type="date" values={values} errors={p.errors} required cls="cn-champ-court" />
        <Input name="fin" label="Dernier jour dans l'équipe" hint="Laissez vide tant que la présence dure." type="date" values={values} errors={p.errors} cls="cn-champ-court" />
        <button class="fr-btn" type="submit">
          Ajouter à l'équipe
        </button>
      </form>
    </section>
  );
}
