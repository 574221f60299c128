import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Csrf, ErrorSummary, Input, formatNumber, SearchBar } from '../../platform/views/components.js';
import { commune } from '../../territoires/territoires.js';
import { CommuneField, communeFieldState } from '../../territoires/views/commune-field.js';
import { LIEU_TYPES, THEMATIQUES, TRANCHES_AGE, TYPES, label, trancheAge } from '../codes.js';
import { formatDate, dateLongue } from '../dates.js';
import type { ActiviteFilter, ActiviteCounts, ActiviteRow } from '../activites.js';
import type { BeneficiaireRow } from '../beneficiaires.js';
import type { LieuActivite } from '../ports.js';

const ACTIVITES_HEAD = (
  <>
    <link rel="manifest" href="/static/activites-manifest.json" />
    <link rel="stylesheet" href="/static/activites.css" />
  </>
);

/** The activity in words, for labels and confirmations: « l'atelier « Premiers pas » du 1er décembre 2026 ». */
export function nomActivite(r: Pick<ActiviteRow, 'type' | 'titreAtelier' | 'date'>): string {
  const jour = dateLongue(r.date);
  if (r.type === 'collectif') return r.titreAtelier ? `l'atelier « ${r.titreAtelier} » du ${jour}` : `l'atelier du ${jour}`;
  if (r.type === 'individuel') return `l'accompagnement individuel du ${jour}`;
  return `l'aide ponctuelle du ${jour}`;
}

function lieuLabel(r: ActiviteRow, lieux: LieuActivite[]): string {
  if (r.lieuType === 'lieu_activite') return lieux.find((l) => l.id === r.lieuId)?.nom ?? "Lieu d'activité";
  const c = r.communeInsee ? commune(r.communeInsee)?.nom : undefined;
  return `${label(LIEU_TYPES, r.lieuType)}${c ? ` · ${c}` : ''}`;
}

export function filterQuery(f: ActiviteFilter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function ActivitesPage(p: {
  ctx: PageContext;
  rows: ActiviteRow[];
  filter: ActiviteFilter;
  errors: Record<string, string>;
  next: string | null;
  first: boolean;
  lieux: LieuActivite[];
  beneficiaires: { id: string; label: string }[];
  counts: ActiviteCounts;
  /** The signed-in user's id: the offline queue shows only their entries. */
  utilisateur: string;
}) {
  const f = p.filter;
  const sel = (name: string, lbl: string, options: { value: string; label: string }[], current: string | undefined, all = 'Tous') => (
    <div class="fr-select-group">
      <label class="fr-label" for={`filtre-${name}`}>
        {lbl}
      </label>
      <select class="fr-select" id={`filtre-${name}`} name={name}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option value={o.value} selected={o.value === current}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
  const lieuOptions = [
    ...p.lieux.map((l) => ({ value: `lieu_activite:${l.id}`, label: l.nom })),
    ...LIEU_TYPES.values.map((v) => ({ value: v, label: LIEU_TYPES.labels[v] })),
  ];
  return (
    <Layout ctx={p.ctx} title="Mes activités" wide head={ACTIVITES_HEAD}>
      <h1>Mes activités</h1>
      <div id="file-attente" class="cn-file-attente" aria-live="polite" data-utilisateur={p.utilisateur}></div>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-mb-2w">
        <li>
          <a class="fr-btn" href="/activites/nouvelle">
            Nouvelle activité
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--secondary" href="/beneficiaires">
            Mes bénéficiaires suivis
          </a>
        </li>
      </ul>
      <p>
        {formatNumber(p.counts.activites)} activité{p.counts.activites > 1 ? 's' : ''} en tout · {formatNumber(p.counts.accompagnements)}{' '}
        accompagnement{p.counts.accompagnements > 1 ? 's' : ''}
      </p>
      <ErrorSummary errors={p.errors} />
      <form method="get" action="/activites" class="fr-mb-3w" aria-label="Filtrer mes activités">
        <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <div class="fr-col-6 fr-col-md-2">
            <Input name="du" label="Du" type="date" values={f as Record<string, string>} errors={p.errors} />
          </div>
          <div class="fr-col-6 fr-col-md-2">
            <Input name="au" label="Au" type="date" values={f as Record<string, string>} errors={p.errors} />
          </div>
          <div class="fr-col-12 fr-col-sm-6 fr-col-md-2">{sel('type', 'Type', TYPES.values.map((v) => ({ value: v, label: TYPES.labels[v] })), f.type)}</div>
          <div class="fr-col-12 fr-col-sm-6 fr-col-md-2">
            {sel('thematique', 'Thématique', THEMATIQUES.values.map((v) => ({ value: v, label: THEMATIQUES.labels[v] })), f.thematique, 'Toutes')}
          </div>
          <div class="fr-col-12 fr-col-sm-6 fr-col-md-2">{sel('lieu', 'Lieu', lieuOptions, f.lieu)}</div>
          <div class="fr-col-12 fr-col-sm-6 fr-col-md-2">{sel('beneficiaire', 'Bénéficiaire', p.beneficiaires.map((b) => ({ value: b.id, label: b.label })), f.beneficiaire)}</div>
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-sm fr-mt-2w">
          <li>
            <button class="fr-btn fr-btn--sm" type="submit">
              Filtrer
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--sm fr-btn--tertiary" href="/activites">
              Effacer les filtres
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--sm fr-btn--secondary" href={`/activites/export.csv${filterQuery(f)}`}>
              Exporter en CSV
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--sm fr-btn--secondary" href={`/activites/export.xlsx${filterQuery(f)}`}>
              Exporter en XLSX
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--sm fr-btn--tertiary" href={`/activites/export.csv${filterQuery(f, { forme: 'codes' })}`}>
              Export pour traitement automatique (CSV, codes d'échange)
            </a>
          </li>
        </ul>
      </form>
      {p.rows.length === 0 ? (
        <p>{p.first ? 'Aucune activité ne correspond. Enregistrez votre première activité avec « Nouvelle activité ».' : 'Plus aucune activité.'}</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Activités, de la plus récente à la plus ancienne</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Type</th>
                <th scope="col">Durée</th>
                <th scope="col">Lieu</th>
                <th scope="col">Thématiques</th>
                <th scope="col">Accompagnements</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr data-id={r.id}>
                  <td>{formatDate(r.date)}</td>
                  <td>
                    {label(TYPES, r.type)}
                    {r.titreAtelier ? ` · ${r.titreAtelier}` : ''}
                  </td>
                  <td>{r.dureeMinutes} min</td>
                  <td>{lieuLabel(r, p.lieux)}</td>
                  <td>{r.thematiques.map((t) => label(THEMATIQUES, t)).join(', ')}</td>
                  <td>{r.accompagnements}</td>
                  <td>
                    <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                      <li>
                        <a class="fr-btn fr-btn--tertiary fr-btn--sm" href={`/activites/${r.id}/modifier`} aria-label={`Modifier ${nomActivite(r)}`}>
                          Modifier
                        </a>
                      </li>
                      <li>
                        <a class="fr-btn fr-btn--tertiary fr-btn--sm" href={`/activites/nouvelle?dupliquer=${r.id}`} aria-label={`Dupliquer ${nomActivite(r)}`}>
                          Dupliquer
                        </a>
                      </li>
                      <li>
                        <a class="fr-btn fr-btn--tertiary fr-btn--sm" href={`/activites/${r.id}/supprimer`} aria-label={`Supprimer ${nomActivite(r)}`}>
                          Supprimer
                        </a>
                      </li>
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav role="navigation" class="fr-pagination" aria-label="Pagination">
        <ul class="fr-pagination__list">
          {!p.first ? (
            <li>
              <a class="fr-pagination__link fr-pagination__link--first" href={`/activites${filterQuery(f)}`}>
                Plus récentes
              </a>
            </li>
          ) : null}
          {p.next ? (
            <li>
              <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href={`/activites${filterQuery(f, { apres: p.next })}`}>
                Activités plus anciennes
              </a>
            </li>
          ) : null}
        </ul>
      </nav>
      <script src="/static/activites-file.js"></script>
      <script type="module" src="/static/activites-saisie.js"></script>
    </Layout>
  );
}

/** One perimeter of the aggregates page: a structure's activities, or a coordinator's team's. */
export interface StatistiquesSection {
  perimetre: 'structure' | 'equipe';
  titre: string;
  description: string;
  counts: ActiviteCounts;
  themes: { thematique: string; n: number }[];
}

/** « Supprimer … ? »: what will be deleted, and a form to confirm (no JavaScript needed). */
export function SuppressionActivitePage(p: { ctx: PageContext; row: ActiviteRow; lieux: LieuActivite[] }) {
  const { row } = p;
  const nom = nomActivite(row);
  return (
    <Layout ctx={p.ctx} title="Supprimer une activité">
      <h1>Supprimer {nom} ?</h1>
      <dl class="cn-rows fr-mb-3w">
        <dt>Type</dt>
        <dd>{label(TYPES, row.type)}</dd>
        <dt>Date</dt>
        <dd>{dateLongue(row.date)}</dd>
        <dt>Durée</dt>
        <dd>{row.dureeMinutes} min</dd>
        <dt>Lieu</dt>
        <dd>{lieuLabel(row, p.lieux)}</dd>
        <dt>Thématiques</dt>
        <dd>{row.thematiques.map((t) => label(THEMATIQUES, t)).join(', ') || '—'}</dd>
        <dt>Personnes accompagnées</dt>
        <dd>{row.accompagnements}</dd>
      </dl>
      <p>La suppression est définitive : l'activité disparaît de vos comptes rendus et des statistiques.</p>
      <form method="post" action={`/activites/${row.id}/supprimer`}>
        <Csrf token={p.ctx.csrf} />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button class="fr-btn" type="submit">
              Supprimer définitivement
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href="/activites">
              Annuler
            </a>
          </li>
        </ul>
      </form>
    </Layout>
  );
}

export function StatistiquesPage(p: { ctx: PageContext; sections: StatistiquesSection[] }) {
  const seule = p.sections.length === 1 ? p.sections[0]! : null;
  const titre = seule ? seule.titre : "Statistiques d'activité";
  return (
    <Layout ctx={p.ctx} title={titre} wide>
      <h1>{titre}</h1>
      <p>Chiffres agrégés, sans aucun nom de bénéficiaire : le détail des personnes reste privé à leur conseiller.</p>
      {p.sections.map((s) => (
        <StatistiquesBloc s={s} seule={!!seule} />
      ))}
    </Layout>
  );
}

function StatistiquesBloc({ s, seule }: { s: StatistiquesSection; seule: boolean }) {
  const q = s.perimetre === 'equipe' ? '?perimetre=equipe' : '?perimetre=structure';
  const id = `statistiques-${s.perimetre}`;
  return (
    <section class="fr-mb-6w" aria-labelledby={seule ? undefined : id}>
      {seule ? (
        <p class="fr-text--lead">{s.description}</p>
      ) : (
        <>
          <h2 id={id}>{s.titre}</h2>
          <p class="fr-text--lead">{s.description}</p>
        </>
      )}
      <ul class="fr-btns-group fr-btns-group--inline-sm">
        <li>
          <a class="fr-btn fr-btn--sm fr-btn--secondary" href={`/activites/structure/export.csv${q}`}>
            Exporter les activités en CSV (sans données personnelles)
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--sm fr-btn--secondary" href={`/activites/structure/export.xlsx${q}`}>
            Exporter en XLSX
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--sm fr-btn--tertiary" href={`/activites/structure/export.csv${q}${q ? '&' : '?'}forme=codes`}>
            Export pour traitement automatique (CSV, codes d'échange)
          </a>
        </li>
      </ul>
      <ul>
        <li>{formatNumber(s.counts.activites)} activités</li>
        <li>{formatNumber(s.counts.accompagnements)} accompagnements</li>
        <li>
          {formatNumber(s.counts.individuels)} accompagnements individuels, {formatNumber(s.counts.collectifs)} ateliers collectifs,{' '}
          {formatNumber(s.counts.ponctuels)} aides ponctuelles
        </li>
      </ul>
      {s.themes.length ? (
        <div class="fr-table">
          <table>
            <caption>Accompagnements par thématique{seule ? '' : ` — ${s.titre.toLowerCase()}`}</caption>
            <thead>
              <tr>
                <th scope="col">Thématique</th>
                <th scope="col">Accompagnements</th>
              </tr>
            </thead>
            <tbody>
              {s.themes.map((t) => (
                <tr>
                  <td>{label(THEMATIQUES, t.thematique)}</td>
                  <td>{formatNumber(t.n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

// ------------------------------------------------------------------------------------------------
// Beneficiaries

export function beneficiaireLabel(b: BeneficiaireRow): string {
  return `${b.prenom ?? ''} ${b.nom ?? ''}`.trim() + (b.anneeNaissance ? ` (${b.anneeNaissance})` : '');
}

export function BeneficiairesPage(p: { ctx: PageContext; rows: BeneficiaireRow[]; q: string }) {
  return (
    <Layout ctx={p.ctx} title="Mes bénéficiaires suivis" wide>
      <h1>Mes bénéficiaires suivis</h1>
      <p>Ces fiches ne sont visibles que par vous. Votre coordinateur et votre structure ne voient que des chiffres agrégés.</p>
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w">
        <div class="fr-col-12 fr-col-md-8">
          <SearchBar action="/beneficiaires" label="Rechercher par nom" q={p.q} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/beneficiaires/nouveau">
            Ajouter un bénéficiaire
          </a>
        </div>
      </div>
      {p.rows.length === 0 ? (
        <p>Aucun bénéficiaire suivi{p.q ? ' ne correspond à cette recherche' : ''}.</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Bénéficiaires suivis</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Tranche d'âge</th>
                <th scope="col">Commune</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((b) => (
                <tr>
                  <td>
                    <a href={`/beneficiaires/${b.id}`}>{beneficiaireLabel(b)}</a>
                  </td>
                  <td>{label(TRANCHES_AGE, trancheAge(b.anneeNaissance, new Date().getFullYear()))}</td>
                  <td>{b.communeInsee ? (commune(b.communeInsee)?.nom ?? b.communeInsee) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function BeneficiaireFormPage(p: {
  ctx: PageContext;
  values: Record<string, string>;
  errors?: Record<string, string>;
  editId?: string;
  doublons?: BeneficiaireRow[];
}) {
  const title = p.editId ? 'Modifier le bénéficiaire' : 'Nouveau bénéficiaire suivi';
  return (
    <Layout ctx={p.ctx} title={title}>
      <h1>{title}</h1>
      <ErrorSummary errors={p.errors} />
      {p.doublons?.length ? (
        <div class="fr-alert fr-alert--warning fr-mb-4w" role="alert">
          <h2 class="fr-alert__title">Cette personne est peut-être déjà suivie</h2>
          <p>Même nom et année de naissance, même téléphone ou même adresse électronique :</p>
          <ul>
            {p.doublons.map((d) => (
              <li>
                <a href={`/beneficiaires/${d.id}`}>{beneficiaireLabel(d)}</a>
              </li>
            ))}
          </ul>
          <p>Ouvrez la fiche existante, ou confirmez qu'il s'agit d'une autre personne.</p>
        </div>
      ) : null}
      <form method="post" action={p.editId ? `/beneficiaires/${p.editId}/modifier` : '/beneficiaires/nouveau'} novalidate>
        <Csrf token={p.ctx.csrf} />
        <Input name="prenom" label="Prénom" values={p.values} errors={p.errors} required maxLength={100} autocomplete="off" />
        <Input name="nom" label="Nom" values={p.values} errors={p.errors} required maxLength={100} autocomplete="off" />
        <Input name="annee_naissance" label="Année de naissance" hint="Sert à la tranche d'âge, par exemple 1954." values={p.values} errors={p.errors} inputMode="numeric" maxLength={4} />
        <CommuneField name="commune" codeName="commune_insee" label="Commune" {...communeFieldState(p.values, p.errors ?? {})} />
        <Input name="telephone" label="Téléphone" type="tel" values={p.values} errors={p.errors} maxLength={20} />
        <Input name="email" label="Adresse électronique" type="email" values={p.values} errors={p.errors} maxLength={254} />
        <div class="fr-input-group">
          <label class="fr-label" for="champ-notes">
            Notes<span class="fr-hint-text">Facultatif</span>
          </label>
          <textarea class="fr-input" id="champ-notes" name="notes" maxLength={2000} rows={3}>
            {p.values.notes ?? ''}
          </textarea>
        </div>
        {p.editId ? null : (
          <div class={`fr-checkbox-group fr-mb-3w${p.errors?.consentement ? ' fr-checkbox-group--error' : ''}`}>
            <input type="checkbox" id="champ-consentement" name="consentement" value="oui" checked={p.values.consentement === 'oui'} aria-describedby={p.errors?.consentement ? 'champ-consentement-erreur' : undefined} />
            <label class="fr-label" for="champ-consentement">
              La personne a donné son accord pour être suivie (données conservées 12 mois après la dernière activité).
            </label>
            {p.errors?.consentement ? (
              <p class="fr-error-text" id="champ-consentement-erreur">
                {p.errors.consentement}
              </p>
            ) : null}
          </div>
        )}
        {p.doublons?.length ? <input type="hidden" name="confirmer" value="oui" /> : null}
        <button class="fr-btn" type="submit">
          {p.doublons?.length ? "Enregistrer : c'est une autre personne" : 'Enregistrer'}
        </button>
      </form>
    </Layout>
  );
}

export function BeneficiairePage(p: {
  ctx: PageContext;
  b: BeneficiaireRow;
  stats: { n: number; premier: string | null; dernier: string | null };
  activites: ActiviteRow[];
  doublons: BeneficiaireRow[];
  lieux: LieuActivite[];
}) {
  const { b } = p;
  const anonymise = !!b.anonymiseAt;
  const name = anonymise ? 'Bénéficiaire anonymisé' : beneficiaireLabel(b);
  return (
    <Layout ctx={p.ctx} title={name} wide>
      <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
        <ol class="fr-breadcrumb__list">
          <li>
            <a class="fr-breadcrumb__link" href="/beneficiaires">
              Mes bénéficiaires suivis
            </a>
          </li>
          <li>
            <a class="fr-breadcrumb__link" aria-current="page">
              {name}
            </a>
          </li>
        </ol>
      </nav>
      <h1>{name}</h1>
      {b.fusionneDans ? (
        <p>
          Cette fiche a été fusionnée dans <a href={`/beneficiaires/${b.fusionneDans}`}>une autre fiche</a>.
        </p>
      ) : null}
      <ul>
        <li>Tranche d'âge : {label(TRANCHES_AGE, trancheAge(b.anneeNaissance, new Date().getFullYear()))}</li>
        <li>Commune : {b.communeInsee ? (commune(b.communeInsee)?.nom ?? b.communeInsee) : '—'}</li>
        {b.telephone ? <li>Téléphone : {b.telephone}</li> : null}
        {b.email ? <li>Adresse électronique : {b.email}</li> : null}
        {b.notes ? <li>Notes : {b.notes}</li> : null}
        <li>
          {p.stats.n} accompagnement{p.stats.n > 1 ? 's' : ''}
          {p.stats.premier ? `, le premier le ${formatDate(p.stats.premier)}, le dernier le ${formatDate(p.stats.dernier)}` : ''}
        </li>
      </ul>
      {!anonymise && !b.fusionneDans ? (
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <a class="fr-btn fr-btn--secondary" href={`/beneficiaires/${b.id}/modifier`}>
              Modifier
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={`/beneficiaires/${b.id}/export.json`}>
              Exporter ses données
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={`/beneficiaires/${b.id}/export.pdf`}>
              Exporter ses données en PDF
            </a>
          </li>
          <li>
            <form method="post" action={`/beneficiaires/${b.id}/effacer`} class="cn-inline-form">
              <Csrf token={p.ctx.csrf} />
              <button class="fr-btn fr-btn--tertiary" type="submit">
                Effacer ses données (à sa demande)
              </button>
            </form>
          </li>
        </ul>
      ) : null}
      {p.doublons.length && !anonymise && !b.fusionneDans ? (
        <section class="fr-mt-4w" aria-labelledby="doublons-titre">
          <h2 id="doublons-titre">Doublons possibles</h2>
          <ul>
            {p.doublons.map((d) => (
              <li>
                <a href={`/beneficiaires/${d.id}`}>{beneficiaireLabel(d)}</a>{' '}
                <form method="post" action={`/beneficiaires/${b.id}/fusionner`} class="cn-inline-form">
                  <Csrf token={p.ctx.csrf} />
                  <input type="hidden" name="doublon" value={d.id} />
                  <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">
                    Fusionner dans cette fiche
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2 class="fr-mt-4w">Accompagnements</h2>
      {p.activites.length === 0 ? (
        <p>Aucun accompagnement enregistré.</p>
      ) : (
        <div class="fr-table">
          <table>
            <caption>Accompagnements de la personne</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Type</th>
                <th scope="col">Lieu</th>
                <th scope="col">Thématiques</th>
              </tr>
            </thead>
            <tbody>
              {p.activites.map((r) => (
                <tr>
                  <td>
                    <a href={`/activites/${r.id}/modifier`}>{formatDate(r.date)}</a>
                  </td>
                  <td>{label(TYPES, r.type)}</td>
                  <td>{lieuLabel(r, p.lieux)}</td>
                  <td>{r.thematiques.map((t) => label(THEMATIQUES, t)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
