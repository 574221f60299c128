/** The candidate's pages: the public application « Devenir conseiller numérique », its confirmation, « Mon profil ». */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Alert, Csrf, EmptyState, ErrorSummary, Input, Select, formatDateTime, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { Honeypot } from '../../platform/rate-limit/honeypot.js';
import { formatSize, uploadAction, type FileRecord } from '../../platform/uploads/index.js';
import { DISTANCES_KM, LIMITES, SITUATIONS, STATUTS_CANDIDAT } from '../regles.js';
import { CV_MAX_BYTES, CV_RETENTION_MONTHS, ajouterMois, type CandidatRow, type StatutCandidat } from '../candidats.js';

const frDate = (d: string) => d.split('-').reverse().join('/');
const DATE = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

export const distanceLabel = (km: number) => (km === 2000 ? '2000 km (toute la France)' : `${km} km`);

/** The messages of a group (checkboxes, radios), announced with its legend. */
function GroupError(p: { id: string; error: string | undefined }) {
  return (
    <div class="fr-messages-group" id={p.id} aria-live="polite">
      {p.error ? <p class="fr-message fr-message--error">{p.error}</p> : null}
    </div>
  );
}

export interface CandidatFormProps {
  values: FormValues;
  situations: string[];
  errors?: FieldErrors | undefined;
  today: string;
  /** The e-mail cannot be changed (profile, or a signed-in candidate's own account). */
  emailReadOnly?: boolean;
}

/** The fields of a candidate's profile, shared by the application and the profile page. */
export function CandidatFields(p: CandidatFormProps) {
  const v = p.values;
  const e = p.errors ?? {};
  const motivation = v.motivation ?? '';
  const distance = v.distance_max_km ?? '';
  return (
    <>
      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend fr-h2 fr-text--lead">Vous</legend>
        <div class="fr-fieldset__element">
          <Input name="prenom" label="Prénom" values={v} errors={e} required maxLength={LIMITES.prenom} autocomplete="given-name" />
        </div>
        <div class="fr-fieldset__element">
          <Input name="nom" label="Nom" values={v} errors={e} required maxLength={LIMITES.nom} autocomplete="family-name" />
        </div>
        <div class="fr-fieldset__element">
          <Input
            name="email"
            label="Adresse électronique"
            hint={p.emailReadOnly ? "Celle de votre compte : elle se change depuis « Mon compte »." : 'Vous y recevrez la confirmation et le lien pour choisir votre mot de passe.'}
            type="email"
            values={v}
            errors={e}
            required
            readOnly={p.emailReadOnly}
            maxLength={LIMITES.email}
            autocomplete="email"
          />
        </div>
        <div class="fr-fieldset__element">
          <Input name="telephone" label="Téléphone" hint="10 chiffres, ou + et l'indicatif du pays." type="tel" values={v} errors={e} required maxLength={20} autocomplete="tel" />
        </div>
        <div class="fr-fieldset__element">
          <Input name="commune" label="Commune de résidence" hint="Son nom ou son code INSEE, par exemple Metz ou 57463." values={v} errors={e} required maxLength={100} />
        </div>
      </fieldset>

      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend fr-h2 fr-text--lead">Votre situation</legend>
        <div class="fr-fieldset__element">
          <fieldset
            class={`fr-fieldset${e.situations ? ' fr-fieldset--error' : ''}`}
            id="champ-situations"
            aria-labelledby="legende-situations champ-situations-erreur"
          >
            <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="legende-situations">
              Votre situation actuelle
              <span class="fr-hint-text">Cochez au moins une case ; plusieurs sont possibles.</span>
            </legend>
            {Object.entries(SITUATIONS).map(([value, label]) => (
              <div class="fr-fieldset__element">
                <div class="fr-checkbox-group">
                  <input type="checkbox" id={`situation-${value}`} name="situations" value={value} checked={p.situations.includes(value)} />
                  <label class="fr-label" for={`situation-${value}`}>
                    {label}
                  </label>
                </div>
              </div>
            ))}
            <GroupError id="champ-situations-erreur" error={e.situations} />
          </fieldset>
        </div>
        <div class="fr-fieldset__element">
          <Input
            name="diplome"
            label="Nom de votre diplôme de médiation numérique"
            hint="À remplir si vous avez coché « Titulaire d’un diplôme de médiation numérique »."
            values={v}
            errors={e}
            markOptional={false}
            maxLength={LIMITES.diplome}
          />
        </div>
        <div class="fr-fieldset__element">
          <Select
            name="pix_palier"
            label="Palier Pix"
            placeholder="Je ne le communique pas"
            options={[1, 2, 3].map((n) => ({ value: String(n), label: `Palier ${n}` }))}
            values={v}
            errors={e}
          />
        </div>
      </fieldset>

      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend fr-h2 fr-text--lead">Votre disponibilité</legend>
        <div class="fr-fieldset__element">
          <Input name="date_disponibilite" label="Date de disponibilité" hint={`Le ${frDate(p.today)} ou plus tard.`} type="date" values={v} errors={e} required cls="cn-champ-court" />
        </div>
        <div class="fr-fieldset__element">
          <fieldset
            class={`fr-fieldset${e.distance_max_km ? ' fr-fieldset--error' : ''}`}
            id="champ-distance_max_km"
            aria-labelledby="legende-distance champ-distance_max_km-erreur"
          >
            <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="legende-distance">
              Distance maximale entre votre commune et la structure d'accueil
              <span class="fr-hint-text">Les structures situées dans ce rayon verront votre candidature.</span>
            </legend>
            {DISTANCES_KM.map((km) => (
              <div class="fr-fieldset__element fr-fieldset__element--inline">
                <div class="fr-radio-group">
                  <input type="radio" id={`distance-${km}`} name="distance_max_km" value={String(km)} checked={distance === String(km)} />
                  <label class="fr-label" for={`distance-${km}`}>
                    {distanceLabel(km)}
                  </label>
                </div>
              </div>
            ))}
            <GroupError id="champ-distance_max_km-erreur" error={e.distance_max_km} />
          </fieldset>
        </div>
        <div class="fr-fieldset__element">
          <div class={`fr-input-group${e.motivation ? ' fr-input-group--error' : ''}`}>
            <label class="fr-label" for="champ-motivation">
              Motivation
              <span class="fr-hint-text" id="champ-motivation-aide">
                Ce qui vous attire dans l'accompagnement des publics au numérique, votre expérience. Au plus {LIMITES.motivation} caractères.
              </span>
            </label>
            <textarea
              class={`fr-input${e.motivation ? ' fr-input--error' : ''}`}
              id="champ-motivation"
              name="motivation"
              rows={8}
              maxLength={LIMITES.motivation}
              data-compteur="compteur-motivation"
              aria-describedby={`champ-motivation-aide compteur-motivation${e.motivation ? ' champ-motivation-erreur' : ''}`}
              aria-invalid={e.motivation ? 'true' : undefined}
            >
              {motivation}
            </textarea>
            <p class="fr-hint-text" id="compteur-motivation" aria-live="polite">
              {motivation.length} / {LIMITES.motivation} caractères
            </p>
            {e.motivation ? (
              <p class="fr-error-text" id="champ-motivation-erreur">
                {e.motivation}
              </p>
            ) : null}
          </div>
        </div>
      </fieldset>
    </>
  );
}

export interface CandidatureConseillerView extends CandidatFormProps {
  ctx: PageContext;
  /** The e-mail is known: a candidate or an account already uses it. */
  existant?: boolean;
  /** The signed-in person already has a profile. */
  dejaCandidat?: boolean;
}

export function CandidatureConseillerPage(p: CandidatureConseillerView) {
  return (
    <Layout ctx={p.ctx} title="Devenir conseiller numérique" publicPage>
      <h1>Devenir conseiller numérique</h1>
      <p>
        Les conseillers numériques accompagnent les habitants dans leurs usages du numérique, dans des collectivités, des associations et d'autres
        structures d'accueil financées par l'État. Déposez votre candidature : les structures qui recrutent dans le rayon que vous choisissez verront
        votre profil, sans vos coordonnées. Celles qui vous présélectionnent accèdent à vos coordonnées et à votre CV, et vous contactent.
      </p>
      <p class="fr-hint-text">Tous les champs sont obligatoires sauf mention « Facultatif ». Vous déposerez votre CV ensuite, depuis « Mon profil ».</p>
      {p.dejaCandidat ? (
        <Alert type="info" title="Vous avez déjà déposé votre candidature">
          <p>
            Retrouvez-la dans <a href="/candidature/profil">Mon profil</a> : vous pouvez la modifier, déposer votre CV, la mettre en pause ou la retirer.
          </p>
        </Alert>
      ) : null}
      <ErrorSummary errors={p.errors} />
      {p.existant ? (
        <Alert type="warning" title="Cette adresse électronique est déjà connue">
          <p>
            Une candidature ou un compte existe déjà avec cette adresse. <a href="/connexion">Connectez-vous</a> pour retrouver votre candidature dans « Mon
            profil » (le lien « Mot de passe oublié » vous envoie un nouveau mot de passe). Une même personne ne dépose qu'une candidature.
          </p>
        </Alert>
      ) : null}
      <form method="post" action="/candidature/conseiller" novalidate>
        <Csrf token={p.ctx.csrf} />
        <Honeypot />
        <CandidatFields values={p.values} situations={p.situations} errors={p.errors} today={p.today} emailReadOnly={p.emailReadOnly} />
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

export function CandidatureConseillerEnvoyeePage(p: { ctx: PageContext }) {
  const signedIn = !!p.ctx.user;
  return (
    <Layout ctx={p.ctx} title="Candidature envoyée" publicPage>
      <h1>Votre candidature est envoyée</h1>
      <Alert type="success" title="Candidature reçue">
        <p>Merci. Nous avons bien reçu votre candidature au poste de conseiller numérique.</p>
      </Alert>
      <h2 class="fr-mt-4w">La suite</h2>
      <ol>
        {signedIn ? null : (
          <li>
            Un courriel de confirmation part à votre adresse, suivi d'un second courriel avec un lien pour choisir votre mot de passe (valable 7 jours).
          </li>
        )}
        <li>
          Connectez-vous, puis déposez votre CV (PDF, 5 Mo au plus) depuis <a href="/candidature/profil">Mon profil</a>. Il est conservé{' '}
          {CV_RETENTION_MONTHS} mois.
        </li>
        <li>
          Les structures d'accueil qui recrutent dans votre rayon voient votre profil. Vous êtes prévenu·e par courriel lorsque de nouvelles structures
          correspondent, et lorsqu'une structure vous présélectionne.
        </li>
      </ol>
      <p>Depuis « Mon profil », vous pourrez aussi modifier votre candidature, la mettre en pause ou la retirer à tout moment.</p>
      <p>
        <a href="/">Retour à l'accueil</a>
      </p>
    </Layout>
  );
}

export function ProfilSansCandidaturePage(p: { ctx: PageContext }) {
  return (
    <Layout ctx={p.ctx} title="Mon profil de candidat">
      <h1>Mon profil de candidat</h1>
      <EmptyState title="Vous n'avez pas encore déposé de candidature">
        <p>
          Pour être visible des structures qui recrutent des conseillers numériques, <a href="/candidature/conseiller">déposez votre candidature</a>.
        </p>
      </EmptyState>
    </Layout>
  );
}

const EXPLICATION: Record<StatutCandidat, (c: CandidatRow) => string> = {
  disponible: (c) =>
    `Votre candidature est visible des structures qui recrutent à ${c.distanceMaxKm === 2000 ? 'n’importe quelle distance en France' : `${c.distanceMaxKm} km au plus`} de votre commune.`,
  en_pause: () => "Votre candidature est en pause : aucune nouvelle structure ne la voit. Les structures qui vous ont déjà présélectionné·e la gardent. Reprenez-la quand vous voulez.",
  retire: () => "Vous avez retiré votre candidature : aucune nouvelle structure ne la voit. Les structures qui vous ont déjà présélectionné·e la gardent. Vous pouvez la reprendre.",
  recrute: () => 'Vous avez été recruté·e : félicitations ! Votre candidature n’est plus proposée aux structures.',
};

export interface ProfilView extends CandidatFormProps {
  ctx: PageContext;
  candidat: CandidatRow;
  communeNom: string;
  visibles: number;
  preselections: number;
  cv: FileRecord | null;
}

export function ProfilCandidatPage(p: ProfilView) {
  const c = p.candidat;
  const statut = c.statut as StatutCandidat;
  const e = p.errors ?? {};
  const cvError = e.cv;
  const formErrors = Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'cv' && k !== 'statut'));
  return (
    <Layout ctx={p.ctx} title="Mon profil de candidat">
      <h1>Mon profil de candidat</h1>
      {e.statut ? <Alert type="error">{e.statut}</Alert> : null}

      <section aria-labelledby="statut-titre" class="fr-mb-6w">
        <h2 id="statut-titre">Ma candidature : {(STATUTS_CANDIDAT[statut] ?? c.statut).toLowerCase()}</h2>
        <p>{(EXPLICATION[statut] ?? (() => ''))(c)}</p>
        <p>
          <strong>
            {p.visibles === 0
              ? 'Aucune structure ne voit votre profil pour le moment.'
              : `${p.visibles} structure${p.visibles > 1 ? 's' : ''} ${p.visibles > 1 ? 'voient' : 'voit'} votre profil.`}
          </strong>
          {p.preselections > 0 ? ` ${p.preselections} vous ${p.preselections > 1 ? 'ont' : 'a'} présélectionné·e et ${p.preselections > 1 ? 'vont' : 'va'} vous contacter.` : null}
        </p>
        <ul class="fr-hint-text">
          <li>
            {p.communeNom} · {distanceLabel(c.distanceMaxKm)} · disponible à partir du {frDate(c.dateDisponibilite)}
          </li>
        </ul>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          {statut === 'disponible' ? (
            <li>
              <form method="post" action="/candidature/profil/pause">
                <Csrf token={p.ctx.csrf} />
                <button class="fr-btn fr-btn--secondary" type="submit">
                  Mettre ma candidature en pause
                </button>
              </form>
            </li>
          ) : null}
          {statut === 'en_pause' || statut === 'retire' ? (
            <li>
              <form method="post" action="/candidature/profil/reprendre">
                <Csrf token={p.ctx.csrf} />
                <button class="fr-btn" type="submit">
                  Reprendre ma candidature
                </button>
              </form>
            </li>
          ) : null}
          {statut === 'disponible' || statut === 'en_pause' ? (
            <li>
              <form method="post" action="/candidature/profil/retirer">
                <Csrf token={p.ctx.csrf} />
                <button class="fr-btn fr-btn--tertiary" type="submit">
                  Retirer ma candidature
                </button>
              </form>
            </li>
          ) : null}
        </ul>
      </section>

      <section aria-labelledby="cv-titre" class="fr-mb-6w">
        <h2 id="cv-titre">Mon CV</h2>
        {p.cv ? (
          <>
            <p>
              <a href="/candidature/profil/cv" download>
                {p.cv.nomOriginal}
              </a>{' '}
              <span class="fr-hint-text">
                {formatSize(p.cv.taille)}, déposé le {formatDateTime(c.cvDeposeLe ?? p.cv.createdAt)}. Il sera supprimé automatiquement le{' '}
                {DATE.format(p.cv.expireLe ?? ajouterMois(c.cvDeposeLe ?? p.cv.createdAt, CV_RETENTION_MONTHS))}.
              </span>
            </p>
            <form method="post" action="/candidature/profil/cv/supprimer" class="fr-mb-3w">
              <Csrf token={p.ctx.csrf} />
              <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">
                Supprimer mon CV
              </button>
            </form>
          </>
        ) : (
          <p>Vous n'avez pas déposé de CV. Les structures qui vous présélectionnent le consultent : déposez-le pour compléter votre candidature.</p>
        )}
        <form method="post" action={uploadAction('/candidature/profil/cv', p.ctx.csrf)} enctype="multipart/form-data" novalidate>
          <Csrf token={p.ctx.csrf} />
          <div class={`fr-upload-group fr-mb-3w${cvError ? ' fr-upload-group--error' : ''}`}>
            <label class="fr-label" for="champ-cv">
              {p.cv ? 'Remplacer mon CV' : 'Déposer mon CV'}
              <span class="fr-hint-text" id="champ-cv-aide">
                Format accepté : PDF. Taille maximale : {formatSize(CV_MAX_BYTES)}. Conservé {CV_RETENTION_MONTHS} mois, puis supprimé automatiquement.
              </span>
            </label>
            <input
              class="fr-upload"
              type="file"
              id="champ-cv"
              name="cv"
              accept="application/pdf,.pdf"
              required
              aria-describedby={cvError ? 'champ-cv-aide champ-cv-erreur' : 'champ-cv-aide'}
              aria-invalid={cvError ? 'true' : undefined}
            />
            {cvError ? (
              <p class="fr-error-text" id="champ-cv-erreur">
                {cvError}
              </p>
            ) : null}
          </div>
          <button class="fr-btn fr-btn--secondary" type="submit">
            Envoyer mon CV
          </button>
        </form>
      </section>

      <section aria-labelledby="modifier-titre">
        <h2 id="modifier-titre">Modifier ma candidature</h2>
        <ErrorSummary errors={formErrors} />
        <form method="post" action="/candidature/profil" novalidate>
          <Csrf token={p.ctx.csrf} />
          <CandidatFields values={p.values} situations={p.situations} errors={formErrors} today={p.today} emailReadOnly />
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <button class="fr-btn" type="submit">
                Enregistrer les modifications
              </button>
            </li>
          </ul>
        </form>
      </section>
      <script src="/static/programme.js" defer></script>
    </Layout>
  );
}
