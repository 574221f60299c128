/** A coordinator's coordination activities: the figures of the last twelve months, the form, and the list. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, EmptyState, ErrorSummary, Input, Stat, formatNumber, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { LIMITES_COORDINATION as L, TYPES_COORDINATION, isTypeCoordination, type ListeCoordination, type TypeCoordination } from '../coordination.js';

/** JJ/MM/AAAA. */
const fr = (d: string) => d.split('-').reverse().join('/');

/** A text's lines, with line breaks between them. */
const lignesDe = (t: string) => t.split('\n').flatMap((l, i) => (i === 0 ? [l] : [<br />, l]));

/** 45 min, 2 h, 1 h 30. */
export function formatDuree(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${formatNumber(h)} h` : `${formatNumber(h)} h ${String(m).padStart(2, '0')}`;
}

const PLURIELS: Record<TypeCoordination, string> = {
  animation: "Animations d'équipe",
  evenement: 'Événements',
  partenariat: 'Partenariats',
};

const AIDES: Record<TypeCoordination, string> = {
  animation: "Réunion, atelier ou temps d'échange avec les conseillers de l'équipe.",
  evenement: 'Événement organisé ou animé : salon, journée, forum, webinaire…',
  partenariat: 'Rencontre ou travail avec un partenaire : indiquez lequel ci-dessous.',
};

export interface CoordinationView {
  ctx: PageContext;
  liste: ListeCoordination;
  today: string;
  errors?: FieldErrors | undefined;
  values?: FormValues | undefined;
}

export function CoordinationPage(p: CoordinationView) {
  const errors = p.errors ?? {};
  const values: FormValues = { date: p.today, ...p.values };
  const { lignes, toutes, chiffres } = p.liste;
  return (
    <Layout ctx={p.ctx} title="Activités de coordination" wide>
      <Breadcrumb trail={[{ href: '/tableau-de-bord', label: 'Tableau de bord' }]} current={{ href: '/coordination', label: 'Activités de coordination' }} />
      <h1>Activités de coordination</h1>
      <p>
        Enregistrez ici ce que vous faites en tant que coordinateur : animations de votre équipe, événements, partenariats. Ces activités sont
        distinctes des comptes rendus d'activité des conseillers.
      </p>
      <ErrorSummary errors={errors} />

      <section class="fr-mb-6w" aria-labelledby="chiffres-titre">
        <h2 id="chiffres-titre">Sur les douze derniers mois</h2>
        <p>
          Du {fr(chiffres.depuis)} au {fr(p.today)} : {formatNumber(chiffres.total)} activité{chiffres.total > 1 ? 's' : ''}.
        </p>
        <div class="fr-grid-row fr-grid-row--gutters">
          {(Object.keys(TYPES_COORDINATION) as TypeCoordination[]).map((t) => (
            <Stat label={PLURIELS[t]} value={chiffres.parType[t]} />
          ))}
          <div class="fr-col-12 fr-col-sm-6 fr-col-md-3">
            <div class="fr-tile fr-tile--sm">
              <div class="fr-tile__body">
                <div class="fr-tile__content">
                  <p class="cn-stat">{formatDuree(chiffres.minutes)}</p>
                  <p class="fr-tile__detail">Durée totale</p>
                </div>
              </div>
            </div>
          </div>
        </div>
      </section>

      <section class="fr-mb-6w" aria-labelledby="ajout-titre">
        <h2 id="ajout-titre">Ajouter une activité</h2>
        <form method="post" action="/coordination" novalidate>
          <Csrf token={p.ctx.csrf} />
          <TypeRadios values={values} errors={errors} />
          <Input name="date" label="Date" hint="Le jour où l'activité a eu lieu, au format JJ/MM/AAAA : pas dans le futur." type="date" values={values} errors={errors} required cls="cn-champ-court" />
          <Input
            name="duree_minutes"
            label="Durée, en minutes"
            hint={`Par exemple 90 pour 1 h 30 ; au plus ${formatNumber(L.dureeMax)} (24 heures).`}
            type="number"
            min={L.dureeMin}
            max={L.dureeMax}
            inputMode="numeric"
            values={values}
            errors={errors}
            required
            cls="cn-champ-court"
          />
          <Input name="titre" label="Titre" hint={`Au plus ${L.titre} caractères.`} values={values} errors={errors} required maxLength={L.titre} />
          <Input
            name="partenaire"
            label="Partenaire"
            hint={`Obligatoire pour un partenariat : la structure ou l'organisme partenaire. Au plus ${L.partenaire} caractères.`}
            values={values}
            errors={errors}
            maxLength={L.partenaire}
            markOptional={false}
          />
          <Input
            name="participants"
            label="Nombre de participants"
            hint={`Un nombre entier, de 0 à ${formatNumber(L.participantsMax)}.`}
            type="number"
            min={0}
            max={L.participantsMax}
            inputMode="numeric"
            values={values}
            errors={errors}
            cls="cn-champ-court"
          />
          <Notes values={values} errors={errors} />
          <button class="fr-btn" type="submit">
            Enregistrer l'activité
          </button>
        </form>
      </section>

      <section aria-labelledby="liste-titre">
        <h2 id="liste-titre">Activités enregistrées</h2>
        {lignes.length === 0 ? (
          <EmptyState title="Aucune activité de coordination pour le moment">
            <p>Les activités que vous enregistrez avec le formulaire ci-dessus apparaîtront ici, de la plus récente à la plus ancienne.</p>
          </EmptyState>
        ) : (
          <div class="fr-table cn-table-scroll">
            <table>
              <caption>
                {toutes > lignes.length
                  ? `Les ${formatNumber(lignes.length)} plus récentes de vos ${formatNumber(toutes)} activités`
                  : `${formatNumber(lignes.length)} activité${lignes.length > 1 ? 's' : ''}, de la plus récente à la plus ancienne`}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Type</th>
                  <th scope="col">Titre</th>
                  <th scope="col">Durée</th>
                  <th scope="col">Partenaire</th>
                  <th scope="col">Participants</th>
                  <th scope="col">Supprimer</th>
                </tr>
              </thead>
              <tbody>
                {lignes.map((a) => (
                  <tr>
                    <td>{fr(a.date)}</td>
                    <td>{isTypeCoordination(a.type) ? TYPES_COORDINATION[a.type] : a.type}</td>
                    <td>
                      {a.titre}
                      {a.notes ? <p class="fr-text--sm fr-mb-0">{lignesDe(a.notes)}</p> : null}
                    </td>
                    <td>{formatDuree(a.dureeMinutes)}</td>
                    <td>{a.partenaire ?? '—'}</td>
                    <td>{a.participants === null ? '—' : formatNumber(a.participants)}</td>
                    <td>
                      <form method="post" action={`/coordination/${a.id}/supprimer`}>
                        <Csrf token={p.ctx.csrf} />
                        <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit" aria-label={`Supprimer « ${a.titre} » du ${fr(a.date)}`}>
                          Supprimer
                        </button>
                      </form>
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

/** The type, as radios in a fieldset; the first radio carries `champ-type`, where the error summary links. */
function TypeRadios(p: { values: FormValues; errors: FieldErrors }) {
  const error = p.errors.type;
  const current = p.values.type ?? '';
  return (
    <fieldset
      class={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
      aria-labelledby="legende-type"
    >
      <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="legende-type">
        Type d'activité
      </legend>
      {(Object.entries(TYPES_COORDINATION) as [TypeCoordination, string][]).map(([value, label], i) => {
        const id = i === 0 ? 'champ-type' : `champ-type-${value}`;
        return (
          <div class="fr-fieldset__element">
            <div class="fr-radio-group">
              <input
                type="radio"
                id={id}
                name="type"
                value={value}
                checked={current === value}
                required
                aria-describedby={error ? `${id}-aide champ-type-erreur` : `${id}-aide`}
              />
              <label class="fr-label" for={id}>
                {label}
                <span class="fr-hint-text" id={`${id}-aide`}>
                  {AIDES[value]}
                </span>
              </label>
            </div>
          </div>
        );
      })}
      {error ? (
        <div class="fr-messages-group" aria-live="polite">
          <p class="fr-message fr-message--error fr-error-text" id="champ-type-erreur">
            {error}
          </p>
        </div>
      ) : null}
    </fieldset>
  );
}

function Notes(p: { values: FormValues; errors: FieldErrors }) {
  const error = p.errors.notes;
  const id = 'champ-notes';
  return (
    <div class={`fr-input-group${error ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        Notes
        <span class="fr-hint-text">Facultatif</span>
        <span class="fr-hint-text" id={`${id}-aide`}>
          Ce qu'il faut en retenir : sujets, suites à donner. Au plus {formatNumber(L.notes)} caractères.
        </span>
      </label>
      <textarea
        class={`fr-input${error ? ' fr-input--error' : ''}`}
        id={id}
        name="notes"
        rows={4}
        maxLength={L.notes}
        aria-describedby={`${id}-aide${error ? ` ${id}-erreur` : ''}`}
        aria-invalid={error ? 'true' : undefined}
      >
        {p.values.notes ?? ''}
      </textarea>
      {error ? (
        <p class="fr-error-text" id={`${id}-erreur`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
