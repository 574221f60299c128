import { CommuneField, communeFieldState } from '../../territoires/views/commune-field.js';
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Alert, Csrf, ErrorSummary, Input, Select, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { Honeypot } from '../../platform/rate-limit/honeypot.js';
import { STRUCTURE_TYPES } from '../../structures/structures.js';
import { LIMITES } from '../regles.js';

const typeOptions = Object.entries(STRUCTURE_TYPES).map(([value, label]) => ({ value, label }));

function Check(p: { name: string; label: string; hint?: string; values: FormValues; errors?: FieldErrors }) {
  const error = p.errors?.[p.name];
  const id = `champ-${p.name}`;
  return (
    <div class={`fr-checkbox-group fr-mb-2w${error ? ' fr-checkbox-group--error' : ''}`}>
      <input type="checkbox" id={id} name={p.name} value="oui" checked={p.values[p.name] === 'oui'} aria-describedby={error ? `${id}-erreur` : undefined} />
      <label class="fr-label" for={id}>
        {p.label}
        {p.hint ? <span class="fr-hint-text">{p.hint}</span> : null}
      </label>
      {error ? (
        <p class="fr-error-text" id={`${id}-erreur`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export interface CandidatureView {
  ctx: PageContext;
  values: FormValues;
  errors?: FieldErrors;
  /** After a SIRET lookup: what the directory said, or why it could not. */
  annuaire?: { kind: 'success' | 'info' | 'warning'; message: string } | undefined;
  /** A known SIRET: a file exists. */
  existant?: { numero: number | null } | undefined;
  today: string;
  annuaireActif: boolean;
}

export function CandidaturePage(p: CandidatureView) {
  const v = p.values;
  const motivation = v.motivation ?? '';
  return (
    <Layout ctx={p.ctx} title="Devenir structure d'accueil" publicPage>
      <h1>Devenir structure d'accueil d'un conseiller numérique</h1>
      <p>
        Les collectivités, leurs groupements, les établissements publics, les associations, les entreprises de l'économie sociale et solidaire et les fondations
        peuvent accueillir un ou plusieurs conseillers numériques, financés par l'État. Le préfet de votre département donne son avis sur votre candidature, puis
        l'ANCT la présente en comité de sélection. Vous n'avez pas besoin de compte : il sera créé à l'envoi de ce formulaire.
      </p>
      <p class="fr-hint-text">Tous les champs sont obligatoires sauf mention « Facultatif ».</p>
      <ErrorSummary errors={p.errors} />
      {p.existant ? (
        <Alert type="warning" title="Un dossier existe déjà pour ce SIRET">
          <p>
            {p.existant.numero ? `Votre structure a déjà déposé le dossier n° ${p.existant.numero}. ` : 'Cette structure est déjà enregistrée sur la plateforme. '}
            Pour le suivre, <a href="/connexion">connectez-vous</a> avec le compte de la structure (le lien « Mot de passe oublié » vous en envoie un nouveau),
            ou écrivez à l'équipe de l'ANCT. Une même structure ne dépose qu'une candidature.
          </p>
        </Alert>
      ) : null}
      <form method="post" action="/candidature/structure" novalidate>
        <Csrf token={p.ctx.csrf} />
        <Honeypot />
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend fr-h2 fr-text--lead">Votre structure</legend>
          <div class="fr-fieldset__element">
            <Input
              name="siret"
              label="Numéro SIRET"
              hint="14 chiffres, sur l'avis de situation Insee. Outre-mer sans SIRET : le RIDET (7 chiffres)."
              values={v}
              errors={p.errors}
              required
              inputMode="numeric"
              maxLength={20}
              autocomplete="off"
            />
            {p.annuaireActif ? (
              <button class="fr-btn fr-btn--secondary fr-btn--sm fr-mb-2w" type="submit" name="_action" value="siret" formnovalidate>
                Remplir avec l'annuaire des entreprises
              </button>
            ) : null}
            {p.annuaire ? <Alert type={p.annuaire.kind}>{p.annuaire.message}</Alert> : null}
          </div>
          <div class="fr-fieldset__element">
            <Select name="type" label="Type de structure" options={typeOptions} values={v} errors={p.errors} required />
          </div>
          <div class="fr-fieldset__element">
            <Input name="nom" label="Raison sociale" values={v} errors={p.errors} required maxLength={LIMITES.nom} autocomplete="organization" />
          </div>
          <div class="fr-fieldset__element">
            <Input name="adresse" label="Adresse (numéro et voie)" values={v} errors={p.errors} required maxLength={LIMITES.adresse} autocomplete="address-line1" />
          </div>
          <div class="fr-fieldset__element">
            <CommuneField name="commune" codeName="commune_insee" label="Commune" required {...communeFieldState(v, p.errors ?? {})} />
          </div>
          <div class="fr-fieldset__element">
            <Input name="code_postal" label="Code postal" hint="Utile si la commune en a plusieurs." values={v} errors={p.errors} inputMode="numeric" maxLength={5} autocomplete="postal-code" cls="cn-champ-court" />
          </div>
        </fieldset>
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend fr-h2 fr-text--lead">La personne à contacter</legend>
          <div class="fr-fieldset__element">
            <Input name="contact_prenom" label="Prénom" values={v} errors={p.errors} required maxLength={LIMITES.prenom} autocomplete="given-name" />
          </div>
          <div class="fr-fieldset__element">
            <Input name="contact_nom" label="Nom" values={v} errors={p.errors} required maxLength={LIMITES.nomContact} autocomplete="family-name" />
          </div>
          <div class="fr-fieldset__element">
            <Input name="contact_fonction" label="Fonction" hint="Par exemple : directrice générale des services." values={v} errors={p.errors} required maxLength={LIMITES.fonction} autocomplete="organization-title" />
          </div>
          <div class="fr-fieldset__element">
            <Input name="contact_email" label="Adresse électronique" hint="Vous y recevrez l'accusé de réception et le lien pour créer votre compte." type="email" values={v} errors={p.errors} required maxLength={LIMITES.email} autocomplete="email" />
          </div>
          <div class="fr-fieldset__element">
            <Input name="contact_telephone" label="Téléphone" hint="10 chiffres, ou + et l'indicatif du pays." type="tel" values={v} errors={p.errors} required maxLength={20} autocomplete="tel" />
          </div>
        </fieldset>
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend fr-h2 fr-text--lead">Votre projet</legend>
          <div class="fr-fieldset__element">
            <Input name="postes_souhaites" label="Nombre de postes souhaités" type="number" min={1} max={LIMITES.postesMax} values={v} errors={p.errors} required inputMode="numeric" cls="cn-champ-court" />
          </div>
          <div class="fr-fieldset__element">
            <Input name="date_debut" label="Date de début souhaitée" hint="Aujourd'hui ou plus tard." type="date" values={v} errors={p.errors} required cls="cn-champ-court" />
          </div>
          <div class="fr-fieldset__element">
            <fieldset class={`fr-fieldset${p.errors?.candidat_identifie ? ' fr-fieldset--error' : ''}`} aria-labelledby="legende-candidat">
              <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="legende-candidat">
                Avez-vous déjà identifié un candidat ?
              </legend>
              {[
                ['oui', 'Oui'],
                ['non', 'Non'],
              ].map(([value, label]) => (
                <div class="fr-fieldset__element fr-fieldset__element--inline">
                  <div class="fr-radio-group">
                    <input type="radio" id={`candidat-${value}`} name="candidat_identifie" value={value} checked={(v.candidat_identifie ?? 'non') === value} />
                    <label class="fr-label" for={`candidat-${value}`}>
                      {label}
                    </label>
                  </div>
                </div>
              ))}
            </fieldset>
          </div>
          <div class="fr-fieldset__element">
            <div class={`fr-input-group${p.errors?.motivation ? ' fr-input-group--error' : ''}`}>
              <label class="fr-label" for="champ-motivation">
                Motivation
                <span class="fr-hint-text" id="champ-motivation-aide">
                  Les publics que le conseiller accompagnera, où, et pourquoi. Au plus {LIMITES.motivation} caractères.
                </span>
              </label>
              <textarea
                class={`fr-input${p.errors?.motivation ? ' fr-input--error' : ''}`}
                id="champ-motivation"
                name="motivation"
                rows={8}
                maxLength={LIMITES.motivation}
                data-compteur="compteur-motivation"
                aria-describedby={`champ-motivation-aide compteur-motivation${p.errors?.motivation ? ' champ-motivation-erreur' : ''}`}
                aria-invalid={p.errors?.motivation ? 'true' : undefined}
              >
                {motivation}
              </textarea>
              <p class="fr-hint-text" id="compteur-motivation" aria-live="polite">
                {motivation.length} / {LIMITES.motivation} caractères
              </p>
              {p.errors?.motivation ? (
                <p class="fr-error-text" id="champ-motivation-erreur">
                  {p.errors.motivation}
                </p>
              ) : null}
            </div>
          </div>
          <div class="fr-fieldset__element">
            <Check name="label_france_services" label="La structure porte le label France Services" values={v} />
            <Check name="zrr" label="Elle est située en zone de revitalisation rurale (ZRR)" values={v} />
            <Check name="qpv" label="Elle intervient dans un quartier prioritaire de la politique de la ville (QPV)" values={v} />
          </div>
        </fieldset>
        <Check
          name="engagement"
          label="Nous nous engageons à choisir un candidat dans le mois qui suit la validation et à signer son contrat de travail dans les 15 jours."
          values={v}
          errors={p.errors}
        />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button class="fr-btn" type="submit">
              Envoyer ma candidature
            </button>
          </li>
        </ul>
      </form>
      <script src="/static/programme.js" defer></script>
    </Layout>
  );
}

export function CandidatureEnvoyeePage(p: { ctx: PageContext; numero: number | null; email: string | null }) {
  return (
    <Layout ctx={p.ctx} title="Candidature envoyée" publicPage>
      <h1>Votre candidature est envoyée</h1>
      <Alert type="success" title={p.numero ? `Dossier n° ${p.numero}` : 'Candidature reçue'}>
        <p>Merci. Nous avons bien reçu votre candidature.</p>
      </Alert>
      <h2 class="fr-mt-4w">La suite</h2>
      <ol>
        <li>
          {p.email ? `Un accusé de réception part à ${p.email}` : 'Un accusé de réception part à l’adresse du contact'}, avec un lien pour choisir votre mot de
          passe : vous suivrez votre dossier sur la plateforme.
        </li>
        <li>Le préfet de votre département donne son avis sur votre candidature.</li>
        <li>L'ANCT l'examine en comité de sélection et vous informe de sa décision.</li>
      </ol>
      <p>
        <a href="/">Retour à l'accueil</a>
      </p>
    </Layout>
  );
}
