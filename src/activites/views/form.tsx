import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Csrf, ErrorSummary, Input } from '../../platform/views/components.js';
import {
  AUTONOMIE,
  DUREE_PRESETS,
  GENRES,
  LIEU_TYPES,
  MATERIEL,
  NIVEAUX_ATELIER,
  ORIENTATIONS,
  STATUTS,
  THEMATIQUES,
  THEMATIQUES_DEMARCHES,
  TRANCHES_AGE,
  TYPES,
} from '../codes.js';
import type { LieuActivite } from '../ports.js';
import { CommuneField, communeFieldState } from '../../territoires/views/commune-field.js';

/** The form's state: single values and multi-valued fields (checkboxes). */
export interface FormState {
  values: Record<string, string>;
  multi: Record<string, string[]>;
}

export type Errors = Record<string, string>;

function FieldError({ id, error }: { id: string; error?: string | undefined }) {
  return error ? (
    <p class="fr-error-text" id={`${id}-erreur`}>
      {error}
    </p>
  ) : null;
}

function Fieldset(p: { name: string; legend: string; hint?: string; errors: Errors; children: ComponentChildren; inline?: boolean; id?: string; cls?: string }) {
  const error = p.errors[p.name];
  const id = p.id ?? `champ-${p.name}`;
  return (
    <fieldset
      class={`fr-fieldset${error ? ' fr-fieldset--error' : ''}${p.cls ? ' ' + p.cls : ''}`}
      id={id}
      aria-labelledby={`${id}-legende${error ? ` ${id}-erreur` : ''}`}
      role="group"
    >
      <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id={`${id}-legende`}>
        {p.legend}
        {p.hint ? <span class="fr-hint-text">{p.hint}</span> : null}
      </legend>
      {p.children}
      <div class="fr-messages-group" aria-live="polite">
        <FieldError id={id} error={error} />
      </div>
    </fieldset>
  );
}

function Radios(p: { name: string; legend: string; options: { value: string; label: string }[]; state: FormState; errors: Errors; hint?: string; inline?: boolean }) {
  const current = p.state.values[p.name] ?? '';
  return (
    <Fieldset name={p.name} legend={p.legend} hint={p.hint} errors={p.errors}>
      {p.options.map((o, i) => (
        <div class={`fr-fieldset__element${p.inline ? ' fr-fieldset__element--inline' : ''}`}>
          <div class="fr-radio-group">
            <input type="radio" id={`${p.name}-${i}`} name={p.name} value={o.value} checked={current === o.value} />
            <label class="fr-label" for={`${p.name}-${i}`}>
              {o.label}
            </label>
          </div>
        </div>
      ))}
    </Fieldset>
  );
}

function Checkboxes(p: { name: string; legend: string; codes: { labels: Record<string, string>; values: readonly string[] }; state: FormState; errors: Errors; hint?: string; inline?: boolean; id?: string }) {
  const current = p.state.multi[p.name] ?? [];
  return (
    <Fieldset name={p.name} legend={p.legend} hint={p.hint} errors={p.errors} id={p.id} cls="cn-cases">
      {p.codes.values.map((c) => (
        <div class={`fr-fieldset__element${p.inline ? ' fr-fieldset__element--inline' : ''}`}>
          <div class="fr-checkbox-group fr-checkbox-group--sm">
            <input type="checkbox" id={`${p.name}-${c}`} name={p.name} value={c} checked={current.includes(c)} />
            <label class="fr-label" for={`${p.name}-${c}`}>
              {p.codes.labels[c]}
            </label>
          </div>
        </div>
      ))}
    </Fieldset>
  );
}

function Field(p: { name: string; label: string; state: FormState; errors: Errors; type?: string; hint?: string; required?: boolean; min?: number; max?: number; maxLength?: number; cls?: string }) {
  return (
    <Input
      name={p.name}
      label={p.label}
      hint={p.hint}
      type={p.type}
      values={p.state.values}
      errors={p.errors}
      required={p.required}
      min={p.min}
      max={p.max}
      maxLength={p.maxLength}
      cls={p.cls}
      inputMode={p.type === 'number' ? 'numeric' : undefined}
      markOptional={false}
    />
  );
}

function SelectField(p: { name: string; label: string; options: { value: string; label: string }[]; state: FormState; errors: Errors; placeholder?: string; hint?: string }) {
  const error = p.errors[p.name];
  const id = `champ-${p.name}`;
  const current = p.state.values[p.name] ?? '';
  return (
    <div class={`fr-select-group${error ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {p.label}
        {p.hint ? <span class="fr-hint-text">{p.hint}</span> : null}
      </label>
      <select class="fr-select" id={id} name={p.name} aria-describedby={error ? `${id}-erreur` : undefined} aria-invalid={error ? 'true' : undefined}>
        <option value="" selected={current === ''}>
          {p.placeholder ?? 'Non renseigné'}
        </option>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === current}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={id} error={error} />
    </div>
  );
}

const opts = (c: { labels: Record<string, string>; values: readonly string[] }) => c.values.map((v) => ({ value: v, label: c.labels[v]! }));

function Counts(p: { legend: string; prefix: string; name: string; codes: { labels: Record<string, string>; values: readonly string[] }; state: FormState; errors: Errors }) {
  return (
    <Fieldset name={p.name} legend={p.legend} hint="Le reste des participants compte comme « non communiqué »." errors={p.errors}>
      {p.codes.values
        .filter((c) => c !== 'non_communique')
        .map((c) => (
          <div class="fr-fieldset__element fr-fieldset__element--inline cn-nombre">
            <Field name={`${p.prefix}_${c}`} label={p.codes.labels[c]!} type="number" min={0} state={p.state} errors={{}} />
          </div>
        ))}
    </Fieldset>
  );
}

export interface FormPageProps {
  ctx: PageContext;
  state: FormState;
  errors?: Errors;
  /** Set when editing an existing activity. */
  editId?: string;
  lieux: LieuActivite[];
  beneficiaires: { id: string; label: string }[];
  today: string;
  /** Shown when the defaults come from a previous or duplicated activity. */
  note?: string;
  /** The signed-in user's id: entries queued offline are tied to it (public/activites-file.js). */
  utilisateur: string;
}

export function ActiviteFormPage(p: FormPageProps) {
  const s = p.state;
  const errors = { ...(p.errors ?? {}) };
  const commune = communeFieldState(s.values, errors);
  if (commune.error) errors.commune = commune.error;
  const title = p.editId ? "Modifier l'activité" : 'Nouvelle activité';
  const lieuOptions = [
    ...p.lieux.map((l) => ({ value: `lieu_activite:${l.id}`, label: `${l.nom} (lieu d'activité)` })),
    ...(['autre', 'domicile', 'a_distance'] as const).map((v) => ({ value: v, label: LIEU_TYPES.labels[v] })),
  ];
  return (
    <Layout
      ctx={p.ctx}
      title={title}
      wide
      head={
        <>
          <link rel="manifest" href="/static/activites-manifest.json" />
          <link rel="stylesheet" href="/static/activites.css" />
        </>
      }
    >
      <h1>{title}</h1>
      {p.note ? <p class="fr-text--sm">{p.note}</p> : null}
      <div id="file-attente" class="cn-file-attente" aria-live="polite" data-utilisateur={p.utilisateur}></div>
      <ErrorSummary errors={errors} />
      <form
        method="post"
        action={p.editId ? `/activites/${p.editId}/modifier` : '/activites/nouvelle'}
        id="form-activite"
        novalidate
        data-offline={p.editId ? undefined : 'oui'}
        data-aujourdhui={p.today}
        data-utilisateur={p.utilisateur}
      >
        <Csrf token={p.ctx.csrf} />
        {/* read by the service worker when it queues a post that failed on the network (ignored by the server) */}
        <input type="hidden" name="_utilisateur" value={p.utilisateur} />
        <input type="hidden" name="id" value={s.values.id ?? ''} />
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-lg-6">
            <Radios name="type" legend="Type d'activité" options={opts(TYPES)} state={s} errors={errors} inline />
            <div class="fr-grid-row fr-grid-row--gutters">
              <div class="fr-col-12 fr-col-sm-6">
                <Field name="date" label="Date" type="date" max={undefined} hint={`Au plus tard aujourd'hui`} state={s} errors={errors} required />
              </div>
            </div>
            <Radios
              name="duree"
              legend="Durée"
              options={[...DUREE_PRESETS.map((d) => ({ value: String(d), label: d < 60 ? `${d} min` : `${Math.floor(d / 60)} h${d % 60 ? ' ' + (d % 60) : ''}` })), { value: 'autre', label: 'Autre durée' }]}
              state={s}
              errors={errors}
              inline
            />
            <Field name="duree_autre" label="Autre durée, en minutes" hint="De 1 à 480 minutes, si vous avez choisi « Autre durée »." type="number" min={1} max={480} state={s} errors={{}} cls="cn-court" />
            <Radios name="lieu" legend="Lieu" options={lieuOptions} state={s} errors={errors} inline />
            <CommuneField
              id="bloc-commune"
              name="commune"
              codeName="commune_insee"
              label="Commune"
              required
              hint="Où a eu lieu l'activité : son nom ou son code postal, par exemple Forbach ou 57600. À distance, facultatif : la commune de votre structure."
              {...commune}
            />
            <SelectField name="beneficiaire_id" label="Bénéficiaire suivi" hint="Facultatif ; pas pour un atelier collectif." placeholder="Anonyme" options={p.beneficiaires.map((b) => ({ value: b.id, label: b.label }))} state={s} errors={errors} />
            <p class="fr-text--sm">
              <a href="/beneficiaires/nouveau">Ajouter un bénéficiaire suivi</a>
            </p>
          </div>
          <div class="fr-col-12 fr-col-lg-6">
            <Checkboxes name="thematiques" legend="Thématiques" hint="Au moins une." codes={THEMATIQUES} state={s} errors={errors} />
          </div>
        </div>
        <div class="fr-grid-row fr-grid-row--gutters" id="bloc-demarches">
          <div class="fr-col-12 fr-col-lg-8">
            <Checkboxes name="thematiques_demarches" legend="Démarches administratives" hint="Seulement avec « Aide aux démarches administratives »." codes={THEMATIQUES_DEMARCHES} state={s} errors={errors} inline />
          </div>
          <div class="fr-col-12 fr-col-lg-4">
            <Field name="nom_demarche" label="Nom de la démarche" hint="Par exemple : demande d'APL." maxLength={200} state={s} errors={errors} />
          </div>
        </div>
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-lg-6">
            <Checkboxes name="materiel" legend="Matériel utilisé" codes={MATERIEL} state={s} errors={errors} inline />
          </div>
          <div class="fr-col-12 fr-col-sm-6 fr-col-lg-3" id="bloc-autonomie">
            <SelectField name="autonomie" label="Autonomie atteinte" hint="Seulement pour un suivi individuel." options={opts(AUTONOMIE)} state={s} errors={errors} />
          </div>
          <div class="fr-col-12 fr-col-sm-6 fr-col-lg-3">
            <SelectField name="orientation" label="Orientation vers" options={opts(ORIENTATIONS)} state={s} errors={errors} placeholder="Aucune" />
          </div>
        </div>
        <section class="fr-mt-2w" id="bloc-atelier" aria-labelledby="titre-atelier-section">
          <h2 class="fr-h5" id="titre-atelier-section">
            Atelier collectif
          </h2>
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-6">
              <Field name="titre_atelier" label="Titre de l'atelier" maxLength={200} state={s} errors={errors} />
            </div>
            <div class="fr-col-12 fr-col-sm-6 fr-col-md-3">
              <SelectField name="niveau_atelier" label="Niveau" options={opts(NIVEAUX_ATELIER)} state={s} errors={errors} />
            </div>
          </div>
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-6 fr-col-md-3">
              <Field name="participants_total" label="Participants" type="number" min={1} state={s} errors={errors} />
            </div>
            <div class="fr-col-6 fr-col-md-3">
              <Field name="participants_deja_accompagnes" label="Dont déjà accompagnés" type="number" min={0} state={s} errors={errors} />
            </div>
          </div>
          <Counts legend="Genre" prefix="genre" name="genres" codes={GENRES} state={s} errors={errors} />
          <Counts legend="Tranche d'âge" prefix="age" name="tranches_age" codes={TRANCHES_AGE} state={s} errors={errors} />
          <Counts legend="Statut" prefix="statut" name="statuts" codes={STATUTS} state={s} errors={errors} />
        </section>
        <section class="fr-mt-2w" id="bloc-personne" aria-labelledby="titre-personne-section">
          <h2 class="fr-h5" id="titre-personne-section">
            La personne accompagnée <span class="fr-hint-text">Facultatif, pour les statistiques : un clic par ligne, sans nom.</span>
          </h2>
          <Radios name="personne_genre" legend="Genre" options={opts(GENRES)} state={s} errors={errors} inline />
          <Radios name="personne_age" legend="Âge" options={opts(TRANCHES_AGE)} state={s} errors={errors} inline />
          <Radios name="personne_statut" legend="Situation" options={opts(STATUTS)} state={s} errors={errors} inline />
        </section>
        <div class="fr-input-group">
          <label class="fr-label" for="champ-notes">
            Notes
            <span class="fr-hint-text">Facultatif. Évitez d'y écrire des données personnelles.</span>
          </label>
          <textarea class="fr-input" id="champ-notes" name="notes" maxLength={2000} rows={2}>
            {s.values.notes ?? ''}
          </textarea>
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button class="fr-btn" type="submit">
              {p.editId ? 'Enregistrer les modifications' : "Enregistrer l'activité"}
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href="/activites">
              Mes activités
            </a>
          </li>
        </ul>
      </form>
      <script src="/static/activites-file.js"></script>
      <script type="module" src="/static/activites-saisie.js"></script>
    </Layout>
  );
}
