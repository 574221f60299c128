import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Alert, Csrf, ErrorSummary, Input, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { ROLE_LABELS, ROLES } from '../../platform/access.js';
import { Honeypot } from '../../platform/rate-limit/honeypot.js';

export const DEMO_PASSWORD = 'demo-conseiller-numerique';

export function LoginPage(p: { ctx: PageContext; values?: FormValues; errors?: FieldErrors; retour?: string; info?: string }) {
  return (
    <Layout ctx={p.ctx} title="Connexion">
      <h1>Se connecter</h1>
      {p.info ? <Alert type="info">{p.info}</Alert> : null}
      {p.ctx.proconnect ? (
        <div class="fr-connect-group fr-mb-4w">
          <form method="post" action="/connexion/proconnect">
            <Csrf token={p.ctx.csrf} />
            {p.retour ? <input type="hidden" name="retour" value={p.retour} /> : null}
            <button class="fr-connect" type="submit">
              <span class="fr-connect__login">S'identifier avec</span> <span class="fr-connect__brand">ProConnect</span>
            </button>
          </form>
          <p>
            <a href="https://www.proconnect.gouv.fr/" target="_blank" rel="noopener" title="Qu'est-ce que ProConnect ? - nouvelle fenêtre">
              Qu'est-ce que ProConnect ?
            </a>
          </p>
          <p class="fr-hr-or">ou</p>
        </div>
      ) : null}
      <form method="post" action="/connexion" novalidate>
        <Csrf token={p.ctx.csrf} />
        {p.retour ? <input type="hidden" name="retour" value={p.retour} /> : null}
        <ErrorSummary errors={p.errors} />
        <fieldset class="fr-fieldset" aria-labelledby="identifiants-legend">
          <legend class="fr-fieldset__legend" id="identifiants-legend">
            Avec votre adresse électronique et votre mot de passe
          </legend>
          <div class="fr-fieldset__element">
            <Input name="email" label="Adresse électronique" hint="Format attendu : nom@domaine.fr" type="email" autocomplete="username" required values={p.values} errors={p.errors} maxLength={254} />
          </div>
          <div class="fr-fieldset__element">
            <Input name="password" label="Mot de passe" type="password" autocomplete="current-password" required errors={p.errors} maxLength={256} />
            <p>
              <a class="fr-link" href="/mot-de-passe/oublie">
                Mot de passe oublié ?
              </a>
            </p>
          </div>
          <div class="fr-fieldset__element">
            <button class="fr-btn" type="submit">
              Se connecter
            </button>
          </div>
        </fieldset>
      </form>
      <p>Vous n'avez pas de compte ? Les comptes sont créés sur invitation de l'ANCT ou de votre structure.</p>
      {p.ctx.demo ? <DemoAccounts /> : null}
    </Layout>
  );
}

function DemoAccounts() {
  return (
    <section class="fr-callout fr-mt-4w cn-demo-accounts" aria-labelledby="demo-titre">
      <h2 class="fr-callout__title" id="demo-titre">
        Comptes de démonstration
      </h2>
      <p class="fr-callout__text">
        Cette instance est une démonstration : les données sont fictives. Mot de passe de tous les comptes :{' '}
        <code>{DEMO_PASSWORD}</code>
      </p>
      <ul>
        {ROLES.map((r) => (
          <li>
            {ROLE_LABELS[r]} : <code>{r === 'prefecture' ? 'prefecture57' : r}@demo.test</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ForgotPage(p: { ctx: PageContext; values?: FormValues; errors?: FieldErrors; sent?: boolean }) {
  return (
    <Layout ctx={p.ctx} title="Mot de passe oublié">
      <h1>Mot de passe oublié</h1>
      {p.sent ? (
        <Alert type="success" title="Demande enregistrée">
          Si un compte existe avec cette adresse, un courriel vient d'être envoyé avec un lien pour choisir un nouveau mot de passe. Le lien est valable une heure.
        </Alert>
      ) : (
        <form method="post" action="/mot-de-passe/oublie" novalidate>
          <Csrf token={p.ctx.csrf} />
          <ErrorSummary errors={p.errors} />
          <p>Saisissez l'adresse de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.</p>
          <Input name="email" label="Adresse électronique" hint="Format attendu : nom@domaine.fr" type="email" autocomplete="email" required values={p.values} errors={p.errors} maxLength={254} />
          <Honeypot />
          <button class="fr-btn" type="submit">
            Recevoir un lien
          </button>
        </form>
      )}
      <p class="fr-mt-4w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/connexion">
          Retour à la connexion
        </a>
      </p>
    </Layout>
  );
}

export function NewPasswordPage(p: { ctx: PageContext; token: string; email?: string; invitation?: boolean; errors?: FieldErrors; invalid?: boolean }) {
  return (
    <Layout ctx={p.ctx} title="Choisir un mot de passe">
      <h1>{p.invitation ? 'Bienvenue : choisissez votre mot de passe' : 'Choisir un nouveau mot de passe'}</h1>
      {p.invalid ? (
        <>
          <Alert type="error" title="Lien expiré ou déjà utilisé">
            Ce lien n'est plus valable : il a expiré ou a déjà servi. Demandez-en un nouveau.
          </Alert>
          <a class="fr-btn" href="/mot-de-passe/oublie">
            Demander un nouveau lien
          </a>
        </>
      ) : (
        <form method="post" action="/mot-de-passe/nouveau" novalidate>
          <Csrf token={p.ctx.csrf} />
          <input type="hidden" name="jeton" value={p.token} />
          <ErrorSummary errors={p.errors} />
          {p.email ? <p>Compte : <strong>{p.email}</strong></p> : null}
          <input type="hidden" name="username" autocomplete="username" value={p.email} />
          <Input name="password" label="Nouveau mot de passe" hint="Au moins 12 caractères. Une phrase facile à retenir est une bonne idée." type="password" autocomplete="new-password" required errors={p.errors} maxLength={256} />
          <Input name="confirmation" label="Confirmez le mot de passe" type="password" autocomplete="new-password" required errors={p.errors} maxLength={256} />
          <button class="fr-btn" type="submit">
            Enregistrer le mot de passe
          </button>
        </form>
      )}
    </Layout>
  );
}
