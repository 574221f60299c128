import type { ComponentChildren } from 'preact';

export type FieldErrors = Record<string, string | undefined>;
export type FormValues = Record<string, string | undefined>;

interface InputProps {
  name: string;
  label: string;
  hint?: string;
  type?: string;
  values?: FormValues;
  errors?: FieldErrors;
  required?: boolean;
  autocomplete?: string;
  maxLength?: number;
  inputMode?: 'numeric' | 'email' | 'tel' | 'text';
  value?: string;
  readOnly?: boolean;
  min?: number;
  max?: number;
  /** Extra classes on the group (e.g. a narrower field). */
  cls?: string;
  /** Whether a field that is not required says « Facultatif » (default: yes). */
  markOptional?: boolean;
}

/** A DSFR text field whose error sits next to it and is announced with the field. */
export function Input(p: InputProps) {
  const error = p.errors?.[p.name];
  const id = `champ-${p.name}`;
  const describedBy = [p.hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`fr-input-group${error ? ' fr-input-group--error' : ''}${p.cls ? ' ' + p.cls : ''}`}>
      <label class="fr-label" for={id}>
        {p.label}
        {p.required || p.markOptional === false ? null : <span class="fr-hint-text">Facultatif</span>}
        {p.hint ? (
          <span class="fr-hint-text" id={`${id}-aide`}>
            {p.hint}
          </span>
        ) : null}
      </label>
      <input
        class={`fr-input${error ? ' fr-input--error' : ''}`}
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value ?? (p.type === 'password' ? undefined : p.values?.[p.name])}
        required={p.required}
        autocomplete={p.autocomplete}
        min={p.min}
        max={p.max}
        maxLength={p.maxLength}
        inputMode={p.inputMode}
        aria-describedby={describedBy}
        aria-invalid={error ? 'true' : undefined}
        readOnly={p.readOnly}
      />
      {error ? (
        <p class="fr-error-text" id={`${id}-erreur`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface SelectProps {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  values?: FormValues;
  errors?: FieldErrors;
  required?: boolean;
  placeholder?: string;
}

export function Select(p: SelectProps) {
  const error = p.errors?.[p.name];
  const id = `champ-${p.name}`;
  const current = p.values?.[p.name] ?? '';
  return (
    <div class={`fr-select-group${error ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {p.label}
        {p.required ? null : <span class="fr-hint-text">Facultatif</span>}
      </label>
      <select
        class={`fr-select${error ? ' fr-select--error' : ''}`}
        id={id}
        name={p.name}
        required={p.required}
        aria-describedby={error ? `${id}-erreur` : undefined}
        aria-invalid={error ? 'true' : undefined}
      >
        <option value="" selected={current === ''} disabled={p.required}>
          {p.placeholder ?? 'Choisir'}
        </option>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === current}>
            {o.label}
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

/** A DSFR search bar in a plain GET form (works without JavaScript). */
export function SearchBar(p: { action: string; label: string; q: string; id?: string }) {
  const id = p.id ?? 'q';
  return (
    <form method="get" action={p.action} role="search">
      <div class="fr-search-bar">
        <label class="fr-label" for={id}>
          {p.label}
        </label>
        <input class="fr-input" placeholder="Rechercher" type="search" id={id} name="q" value={p.q} />
        <button class="fr-btn" type="submit" title="Rechercher">
          Rechercher
        </button>
      </div>
    </form>
  );
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function Alert(p: { type: 'success' | 'error' | 'info' | 'warning'; title?: string; children?: ComponentChildren }) {
  return (
    <div class={`fr-alert fr-alert--${p.type} fr-mb-4w`} role={p.type === 'error' ? 'alert' : 'status'}>
      {p.title ? <h2 class="fr-alert__title">{p.title}</h2> : null}
      {typeof p.children === 'string' ? <p>{p.children}</p> : p.children}
    </div>
  );
}

/**
 * Summary of a form's errors at its top, each linking to its field. It takes the focus when the page
 * opens (`autofocus` on a focusable block: no script needed), and its marker makes the page title
 * start with « Erreur – » (see `titreAvecErreur`).
 */
export function ErrorSummary({ errors }: { errors?: FieldErrors }) {
  const entries = Object.entries(errors ?? {}).filter((e): e is [string, string] => !!e[1]);
  if (entries.length === 0) return null;
  return (
    <div class="fr-alert fr-alert--error fr-mb-4w" role="alert" id="erreurs-formulaire" tabindex={-1} autofocus data-cn-erreurs="1">
      <h2 class="fr-alert__title">
        {entries.length === 1 ? 'Le formulaire contient une erreur' : `Le formulaire contient ${entries.length} erreurs`}
      </h2>
      <ul>
        {entries.map(([name, message]) => (
          <li>
            {name === '_form' ? message : <a href={`#champ-${name}`}>{message}</a>}
          </li>
        ))}
      </ul>
    </div>
  );
}

// Built once: constructing an Intl formatter costs far more than formatting (a table of 100 rows made 700 of them).
const DATE_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });
const NUMBER = new Intl.NumberFormat('fr-FR');

export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return '—';
  return DATE_TIME.format(new Date(d));
}

export function formatNumber(n: number): string {
  return NUMBER.format(n);
}

/** A dashboard figure: a number and what it counts (a link when there is a page behind it). */
export function Stat(p: { label: string; value: number; href?: string }) {
  return (
    <div class="fr-col-12 fr-col-sm-6 fr-col-md-3">
      <div class="fr-tile fr-tile--sm">
        <div class="fr-tile__body">
          <div class="fr-tile__content">
            <p class="cn-stat">{formatNumber(p.value)}</p>
            <p class="fr-tile__detail">{p.href ? <a href={p.href}>{p.label}</a> : p.label}</p>
          </div>
        </div>
      </div>
    </div>
  );
}

/** What to do next, where a list or a figure is still empty. */
export function EmptyState(p: { title: string; children: ComponentChildren }) {
  return (
    <div class="fr-callout fr-my-4w">
      <h2 class="fr-callout__title">{p.title}</h2>
      <div class="fr-callout__text">{p.children}</div>
    </div>
  );
}

/** The DSFR breadcrumb: the trail of links, then the current page (a link to itself, for SEO tools). */
export function Breadcrumb(p: { trail: { href: string; label: string }[]; current: { href: string; label: string } }) {
  return (
    <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
      <ol class="fr-breadcrumb__list">
        {p.trail.map((l) => (
          <li>
            <a class="fr-breadcrumb__link" href={l.href}>
              {l.label}
            </a>
          </li>
        ))}
        <li>
          <a class="fr-breadcrumb__link" aria-current="page" href={p.current.href}>
            {p.current.label}
          </a>
        </li>
      </ol>
    </nav>
  );
}

/** The marker of an error summary in a rendered page. */
export const ERREURS_MARQUEUR = 'data-cn-erreurs="1"';

/** A rendered page with an error summary gets « Erreur – » at the start of its title (RGAA 11.10). */
export function titreAvecErreur(html: string): string {
  if (!html.includes(ERREURS_MARQUEUR)) return html;
  return html.replace('<title>', '<title>Erreur – ');
}
