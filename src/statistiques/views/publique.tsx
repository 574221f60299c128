/** The public national statistics page (no sign-in, no script): over time, active conseillers, themes, territories. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { formatNumber, Select } from '../../platform/views/components.js';
import { formatDate } from '../../activites/dates.js';
import { MASQUE, type Cellule, type Publiques } from '../publique.js';
import { Barres, Colonnes } from './graphiques.js';
import { moisCourt } from './page.js';

const n = (c: Cellule) => (c === MASQUE ? MASQUE : formatNumber(c));
const num = (c: Cellule) => (c === MASQUE ? 0 : c);

export function PubliquePage(p: { ctx: PageContext; data: Publiques; departementsListe: { code: string; nom: string }[]; erreur?: string; couverture?: { population: number; auDela: Record<'5' | '10' | '20', number> } }) {
  const d = p.data;
  const dep = d.perimetre.echelle === 'departement';
  const titre = dep ? `Statistiques publiques — ${d.perimetre.nom} (${d.perimetre.code})` : 'Statistiques publiques du dispositif Conseiller numérique';
  return (
    <Layout ctx={p.ctx} title={titre} wide>
      <div class="cn-statistiques">
        {dep ? (
          <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
            <ol class="fr-breadcrumb__list">
              <li>
                <a class="fr-breadcrumb__link" href="/statistiques">
                  France entière
                </a>
              </li>
              <li>
                <a class="fr-breadcrumb__link" aria-current="page">
                  {d.perimetre.nom}
                </a>
              </li>
            </ol>
          </nav>
        ) : null}
        <h1>{titre}</h1>
        <p>
          Du {formatDate(d.periode.du)} au {formatDate(d.periode.au)}. Un atelier compte un accompagnement par participant. Pour protéger les personnes,
          {' '}un chiffre de moins de 5 au niveau d'un département est affiché « {MASQUE} ».
        </p>
        <div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
          {[
            ['Accompagnements', d.accompagnements],
            ['Activités', d.activites],
            ['Personnes accompagnées', d.personnes],
          ].map(([label, v]) => (
            <div class="fr-col-12 fr-col-md-3" key={label as string}>
              <div class="fr-tile fr-tile--sm">
                <div class="fr-tile__body">
                  <div class="fr-tile__content">
                    <p class="cn-stat">{n(v as Cellule)}</p>
                    <p class="fr-tile__detail">{label}</p>
                  </div>
                </div>
              </div>
            </div>
          ))}
          <div class="fr-col-12 fr-col-md-3">
            <div class="fr-tile fr-tile--sm">
              <div class="fr-tile__body">
                <div class="fr-tile__content">
                  <p class="cn-stat">
                    {n(d.conseillers_actifs)} sur {formatNumber(d.conseillers)}
                  </p>
                  <p class="fr-tile__detail">conseillers actifs (une activité saisie ces 31 derniers jours)</p>
                </div>
              </div>
            </div>
          </div>
        </div>
        <h2>Accompagnements dans le temps</h2>
        <Colonnes id="pub-mensuelle" titre="Accompagnements par mois" colonne="Mois" unite="accompagnements" barres={d.mensuelle.map((m) => ({ libelle: moisCourt(m.mois), nombre: num(m.accompagnements), ...(m.accompagnements === MASQUE ? { suffixe: MASQUE } : {}) }))} />
        <Colonnes id="pub-cumul" titre="Total cumulé des accompagnements" colonne="Fin du mois" unite="accompagnements (cumul en fin de période)" barres={d.mensuelle.map((m) => ({ libelle: moisCourt(m.mois), nombre: num(m.cumul) }))} />
        <h2>Par thématique</h2>
        <Barres
          id="pub-thematiques"
          titre="Accompagnements par thématique"
          colonne="Thématique"
          unite="accompagnements"
          barres={d.thematiques.map((t) => ({ libelle: t.libelle, nombre: num(t.nombre), suffixe: t.nombre === MASQUE ? MASQUE : `${t.pourcentage} %` }))}
        />
        {dep ? null : (
          <>
            <h2>Par région</h2>
            <div class="fr-table fr-table--sm">
              <table>
                <caption>Activité par région</caption>
                <thead>
                  <tr>
                    <th scope="col">Région</th>
                    <th scope="col" class="cn-num">Activités</th>
                    <th scope="col" class="cn-num">Accompagnements</th>
                    <th scope="col" class="cn-num">Personnes</th>
                    <th scope="col" class="cn-num">Conseillers actifs</th>
                  </tr>
                </thead>
                <tbody>
                  {d.regions.map((r) => (
                    <tr key={r.code}>
                      <th scope="row">{r.nom}</th>
                      <td class="cn-num">{formatNumber(r.activites)}</td>
                      <td class="cn-num">{formatNumber(r.accompagnements)}</td>
                      <td class="cn-num">{formatNumber(r.personnes)}</td>
                      <td class="cn-num">{formatNumber(r.conseillers_actifs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <h2>Par département</h2>
        <div class="fr-table fr-table--sm">
          <table>
            <caption>Activité par département (moins de 5 : « {MASQUE} »)</caption>
            <thead>
              <tr>
                <th scope="col">Département</th>
                <th scope="col" class="cn-num">Activités</th>
                <th scope="col" class="cn-num">Accompagnements</th>
                <th scope="col" class="cn-num">Personnes</th>
                <th scope="col" class="cn-num">Conseillers actifs</th>
              </tr>
            </thead>
            <tbody>
              {d.departements.map((x) => (
                <tr key={x.code}>
                  <th scope="row">{dep ? `${x.nom} (${x.code})` : <a href={`/statistiques?departement=${encodeURIComponent(x.code)}`}>{`${x.nom} (${x.code})`}</a>}</th>
                  <td class="cn-num">{n(x.activites)}</td>
                  <td class="cn-num">{n(x.accompagnements)}</td>
                  <td class="cn-num">{n(x.personnes)}</td>
                  <td class="cn-num">{n(x.conseillers_actifs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {p.couverture ? (
          <>
            <h2>Éloignement d'un lieu</h2>
            <div class="fr-table fr-table--sm">
              <table>
                <caption>Habitants éloignés d'un lieu où des conseillers numériques sont présents (sur {formatNumber(p.couverture.population)})</caption>
                <thead>
                  <tr>
                    <th scope="col">Distance à vol d'oiseau</th>
                    <th scope="col" class="cn-num">Habitants</th>
                  </tr>
                </thead>
                <tbody>
                  {(['5', '10', '20'] as const).map((k) => (
                    <tr key={k}>
                      <th scope="row">À plus de {k} km</th>
                      <td class="cn-num">{formatNumber(p.couverture!.auDela[k])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
        <h2>Données ouvertes</h2>
        <p>
          Les mêmes chiffres sous Licence Ouverte 2.0 :{' '}
          <a href={`/api/v1/statistiques/publiques${dep ? `?departement=${d.perimetre.code}` : ''}`}>JSON</a> ·{' '}
          <a href={`/api/v1/statistiques/publiques.csv${dep ? `?departement=${d.perimetre.code}` : ''}`}>CSV</a> · description dans la{' '}
          <a href="/api/docs">documentation de l'API</a>.
        </p>
        <form method="get" action="/statistiques" class="fr-mb-4w">
          <Select name="departement" label="Voir un département" required options={p.departementsListe.map((x) => ({ value: x.code, label: `${x.nom} (${x.code})` }))} values={{ departement: d.perimetre.code ?? '' }} errors={p.erreur ? { departement: p.erreur } : undefined} />
          <button class="fr-btn fr-btn--secondary" type="submit">
            Afficher
          </button>
        </form>
      </div>
    </Layout>
  );
}
