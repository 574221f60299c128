/** The table of agreements: Banque des Territoires and ANCT nationally, a préfecture its département. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { EmptyState, Select, type FormValues } from '../../platform/views/components.js';
import { departement, departements, regions } from '../../territoires/territoires.js';
import { ETATS_DOSSIER, STATUTS_CONVENTION } from '../regles.js';
import type { LigneConvention, LigneGroupe, Regroupement, Totaux } from '../lecture.js';
import { BadgeEtat, formatEuros, frDate, LIBELLES_ALERTES, libelleStatut } from './format.js';

export interface TableauView {
  ctx: PageContext;
  par: Regroupement;
  values: FormValues;
  /** The query string of the filters (export links, pages). */
  query: string;
  groupes?: LigneGroupe[];
  conventions?: LigneConvention[];
  total: Totaux;
  page: number;
  pages: number;
  national: boolean;
  peutRegimes: boolean;
}

function Montants({ t }: { t: Totaux }) {
  return (
    <>
      <td class="cn-num">{t.postes}</td>
      <td class="cn-num">{formatEuros(t.montantCentimes)}</td>
      <td class="cn-num">{formatEuros(t.verseCentimes)}</td>
      <td class="cn-num">{formatEuros(t.justifieCentimes)}</td>
      <td class="cn-num">{formatEuros(t.aReverserCentimes)}</td>
    </>
  );
}

const ENTETES_MONTANTS = ['Postes', 'Conventionné', 'Versé', 'Justifié', 'À reverser'];

export function TableauPage(p: TableauView) {
  const sep = p.query ? '&' : '';
  const vues: { par: Regroupement; label: string }[] = p.national
    ? [
        { par: 'region', label: 'Par région' },
        { par: 'departement', label: 'Par département' },
        { par: 'structure', label: 'Par structure' },
      ]
    : [
        { par: 'departement', label: 'Par département' },
        { par: 'structure', label: 'Par structure' },
      ];
  const qs = (par: Regroupement, page?: number) => `?par=${par}${p.query ? `&${p.query}` : ''}${page && page > 1 ? `&page=${page}` : ''}`;
  return (
    <Layout ctx={p.ctx} title="Conventions et versements" wide>
      <h1>Conventions et versements</h1>
      <p>
        Montants conventionnés, versés, justifiés (mois où chaque poste est réellement occupé) et à reverser, calculés à partir des décisions du
        comité de sélection et des contrats.
        {p.peutRegimes ? (
          <>
            {' '}
            <a href="/conventions/regimes">Régimes de financement</a>
          </>
        ) : null}
      </p>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-2w">
        <div class="fr-col-6 fr-col-md-3">
          <p class="fr-mb-0">Conventions</p>
          <p class="fr-h4">{p.total.conventions}</p>
        </div>
        <div class="fr-col-6 fr-col-md-3">
          <p class="fr-mb-0">Conventionné</p>
          <p class="fr-h4">{formatEuros(p.total.montantCentimes)}</p>
        </div>
        <div class="fr-col-6 fr-col-md-3">
          <p class="fr-mb-0">Versé</p>
          <p class="fr-h4">{formatEuros(p.total.verseCentimes)}</p>
        </div>
        <div class="fr-col-6 fr-col-md-3">
          <p class="fr-mb-0">À reverser</p>
          <p class="fr-h4">{formatEuros(p.total.aReverserCentimes)}</p>
        </div>
      </div>
      <form method="get" action="/conventions" class="fr-mb-3w">
        <input type="hidden" name="par" value={p.par} />
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend">Filtrer</legend>
          <div class="fr-fieldset__element fr-col-12 fr-col-md-4">
            <div class="fr-input-group">
              <label class="fr-label" for="champ-q">
                Structure <span class="fr-hint-text">Une partie du nom</span>
              </label>
              <input class="fr-input" id="champ-q" name="q" type="search" maxLength={100} value={p.values.q ?? ''} />
            </div>
          </div>
          {p.national ? (
            <div class="fr-fieldset__element fr-col-12 fr-col-md-4">
              <Select name="region" label="Région" values={p.values} placeholder="Toutes" options={[...regions()].sort((a, b) => a.nom.localeCompare(b.nom, 'fr')).map((r) => ({ value: r.code, label: r.nom }))} />
            </div>
          ) : null}
          <div class="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Select name="departement" label="Département" values={p.values} placeholder="Tous" options={departements().map((d) => ({ value: d.code, label: `${d.code} · ${d.nom}` }))} />
          </div>
          <div class="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Select name="statut" label="Statut" values={p.values} placeholder="Tous" options={Object.entries(STATUTS_CONVENTION).map(([value, label]) => ({ value, label }))} />
          </div>
          <div class="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Select name="etat" label="État du dossier" values={p.values} placeholder="Tous" options={Object.entries(ETATS_DOSSIER).map(([value, label]) => ({ value, label }))} />
          </div>
          <div class="fr-fieldset__element fr-col-12 fr-col-md-4">
            <div class="fr-checkbox-group">
              <input type="checkbox" id="champ-alerte" name="alerte" value="oui" checked={p.values.alerte === 'oui'} />
              <label class="fr-label" for="champ-alerte">
                Seulement les conventions en alerte
              </label>
            </div>
          </div>
          <div class="fr-fieldset__element">
            <button class="fr-btn" type="submit">
              Appliquer les filtres
            </button>
          </div>
        </fieldset>
      </form>
      <nav class="fr-mb-2w" aria-label="Regroupement">
        <ul class="fr-btns-group fr-btns-group--inline-sm">
          {vues.map((v) => (
            <li>
              <a class={`fr-btn fr-btn--sm ${v.par === p.par ? '' : 'fr-btn--secondary'}`} href={`/conventions${qs(v.par)}`} aria-current={v.par === p.par ? 'page' : undefined}>
                {v.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p>
        Exporter pour la comptabilité (une ligne par convention, filtres appliqués) : <a href={`/conventions/export.csv?${p.query}`}>CSV</a> ·{' '}
        <a href={`/conventions/export.xlsx?${p.query}`}>XLSX</a>
      </p>
      {p.total.conventions === 0 ? (
        <EmptyState title="Aucune convention">
          Une convention s'ouvre quand le comité de sélection accorde des postes à une structure{sep ? ' ; essayez sans filtre' : ''}.
        </EmptyState>
      ) : p.par === 'structure' ? (
        <>
          <div class="fr-table cn-table-scroll">
            <table>
              <caption>
                Conventions par structure ({p.total.conventions}
                {p.pages > 1 ? `, page ${p.page} sur ${p.pages}` : ''})
              </caption>
              <thead>
                <tr>
                  <th scope="col">Structure</th>
                  <th scope="col">Département</th>
                  <th scope="col">Statut</th>
                  <th scope="col">Période</th>
                  {ENTETES_MONTANTS.map((h) => (
                    <th scope="col">{h}</th>
                  ))}
                  <th scope="col">Alertes</th>
                </tr>
              </thead>
              <tbody>
                {(p.conventions ?? []).map((c) => (
                  <tr>
                    <td>
                      <a href={`/conventions/${c.id}`}>{c.nom}</a>
                      <br />
                      <span class="fr-hint-text">Convention n° {c.numero}</span>
                    </td>
                    <td>{departement(c.departement)?.nom ?? c.departement}</td>
                    <td>
                      {libelleStatut(c.statut)}
                      <BadgeEtat etat={c.etat} />
                    </td>
                    <td>
                      du {frDate(c.dateDebut)} au {frDate(c.dateFin)}
                    </td>
                    <Montants t={{ ...c, conventions: 1, alertes: 0 }} />
                    <td>{c.alertes.length ? c.alertes.map((a) => LIBELLES_ALERTES[a] ?? a).join(' ; ') : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {p.pages > 1 ? (
            <nav role="navigation" class="fr-pagination" aria-label="Pagination">
              <ul class="fr-pagination__list">
                {p.page > 1 ? (
                  <li>
                    <a class="fr-pagination__link fr-pagination__link--prev" href={`/conventions${qs('structure', p.page - 1)}`}>
                      Page précédente
                    </a>
                  </li>
                ) : null}
                {p.page < p.pages ? (
                  <li>
                    <a class="fr-pagination__link fr-pagination__link--next" href={`/conventions${qs('structure', p.page + 1)}`}>
                      Page suivante
                    </a>
                  </li>
                ) : null}
              </ul>
            </nav>
          ) : null}
        </>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Conventions par {p.par === 'region' ? 'région' : 'département'}</caption>
            <thead>
              <tr>
                <th scope="col">{p.par === 'region' ? 'Région' : 'Département'}</th>
                <th scope="col">Conventions</th>
                {ENTETES_MONTANTS.map((h) => (
                  <th scope="col">{h}</th>
                ))}
                <th scope="col">En alerte</th>
              </tr>
            </thead>
            <tbody>
              {(p.groupes ?? []).map((g) => (
                <tr>
                  <th scope="row">
                    <a href={`/conventions?par=${p.par === 'region' ? 'departement' : 'structure'}&${p.par}=${encodeURIComponent(g.code)}`}>{g.libelle}</a>
                  </th>
                  <td class="cn-num">{g.conventions}</td>
                  <Montants t={g} />
                  <td class="cn-num">{g.alertes}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">Total</th>
                <td class="cn-num">{p.total.conventions}</td>
                <Montants t={p.total} />
                <td class="cn-num">{p.total.alertes}</td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
