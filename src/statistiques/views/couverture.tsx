/** Coverage gaps of a département: an SVG map of its communes coloured by distance, the table beside it. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { formatNumber, Select } from '../../platform/views/components.js';
import { plusEloignees, RAYON_MAX_KM, type Couverture } from '../couverture.js';

/** DSFR illustrative colours, from near to far. */
const CLASSES: { max: number; couleur: string; libelle: string }[] = [
  { max: 5, couleur: '#18753c', libelle: 'moins de 5 km' },
  { max: 10, couleur: '#b7a73f', libelle: 'de 5 à 10 km' },
  { max: 20, couleur: '#e4794a', libelle: 'de 10 à 20 km' },
  { max: Infinity, couleur: '#ce0500', libelle: 'plus de 20 km' },
];
const classe = (d: number | null) => CLASSES.find((c) => d !== null && d <= c.max) ?? CLASSES[3]!;
const km = (d: number | null) => (d === null ? `plus de ${RAYON_MAX_KM} km` : `${formatNumber(d)} km`);

function Carte({ c }: { c: Couverture }) {
  const pts = c.communes;
  if (!pts.length) return null;
  const lats = pts.map((p) => p.lat);
  const lngs = pts.map((p) => p.lng);
  const [minLat, maxLat, minLng, maxLng] = [Math.min(...lats), Math.max(...lats), Math.min(...lngs), Math.max(...lngs)];
  const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const w = 480;
  const h = Math.max(200, Math.round((w * (maxLat - minLat)) / Math.max(0.01, (maxLng - minLng) * k)));
  const x = (lng: number) => 10 + ((lng - minLng) / Math.max(0.0001, maxLng - minLng)) * (w - 20);
  const y = (lat: number) => 10 + ((maxLat - lat) / Math.max(0.0001, maxLat - minLat)) * (Math.min(h, 640) - 20);
  const hh = Math.min(h, 640);
  const loin = pts.filter((p) => p.distance_km === null || p.distance_km > 20).length;
  return (
    <figure aria-labelledby="carte-titre">
      <h2 class="fr-h5" id="carte-titre">
        Carte des communes selon la distance à un lieu
      </h2>
      <p id="carte-resume" class="fr-text--sm">
        {formatNumber(pts.length)} communes ; {formatNumber(loin)} à plus de 20 km d'un lieu où des conseillers numériques sont présents. Les mêmes chiffres sont dans le tableau.
      </p>
      <svg viewBox={`0 0 ${w} ${hh}`} width="100%" style="max-width: 480px" role="img" aria-labelledby="carte-titre carte-resume">
        {pts.map((p) => (
          <circle key={p.insee} cx={x(p.lng).toFixed(1)} cy={y(p.lat).toFixed(1)} r={p.population > 10000 ? 4 : 2.5} fill={classe(p.distance_km).couleur} />
        ))}
      </svg>
      <ul class="fr-text--sm">
        {CLASSES.map((cl) => (
          <li key={cl.libelle}>
            <svg width="12" height="12" aria-hidden="true">
              <circle cx="6" cy="6" r="5" fill={cl.couleur} />
            </svg>{' '}
            {cl.libelle} : {formatNumber(pts.filter((p) => classe(p.distance_km) === cl).length)} communes
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function CouverturePage(p: { ctx: PageContext; departement: { code: string; nom: string }; couverture: Couverture; choix: { code: string; nom: string }[] | null; erreur?: string }) {
  const c = p.couverture;
  const loin = plusEloignees(c.communes, 20);
  return (
    <Layout ctx={p.ctx} title={`Couverture — ${p.departement.nom}`} wide>
      <div class="cn-statistiques">
        <h1>
          Où l'aide manque — {p.departement.nom} ({p.departement.code})
        </h1>
        <p>
          Pour chaque commune (son centre), la distance à vol d'oiseau jusqu'au lieu public le plus proche où des conseillers numériques sont
          présents. Recalculée dès que les lieux changent.
        </p>
        {p.choix ? (
          <form method="get" action="/couverture" class="fr-mb-4w">
            <Select name="departement" label="Département" required options={p.choix.map((d) => ({ value: d.code, label: `${d.nom} (${d.code})` }))} values={{ departement: p.departement.code }} errors={p.erreur ? { departement: p.erreur } : undefined} />
            <button class="fr-btn fr-btn--secondary" type="submit">
              Afficher
            </button>
          </form>
        ) : null}
        <div class="fr-table fr-table--sm">
          <table>
            <caption>Population éloignée d'un lieu (sur {formatNumber(c.population)} habitants)</caption>
            <thead>
              <tr>
                <th scope="col">Distance</th>
                <th scope="col" class="cn-num">Habitants</th>
                <th scope="col" class="cn-num">Part</th>
              </tr>
            </thead>
            <tbody>
              {(['5', '10', '20'] as const).map((s) => (
                <tr key={s}>
                  <th scope="row">À plus de {s} km</th>
                  <td class="cn-num">{formatNumber(c.population_au_dela_km[s])}</td>
                  <td class="cn-num">{c.population ? `${formatNumber(Math.round((c.population_au_dela_km[s] * 1000) / c.population) / 10)} %` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-6">
            <Carte c={c} />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <div class="fr-table fr-table--sm">
              <table>
                <caption>Les communes les plus éloignées, pondérées par leur population</caption>
                <thead>
                  <tr>
                    <th scope="col">Commune</th>
                    <th scope="col" class="cn-num">Habitants</th>
                    <th scope="col" class="cn-num">Distance</th>
                  </tr>
                </thead>
                <tbody>
                  {loin.map((x) => (
                    <tr key={x.insee}>
                      <th scope="row">{x.nom}</th>
                      <td class="cn-num">{formatNumber(x.population)}</td>
                      <td class="cn-num">{km(x.distance_km)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      </div>
    </Layout>
  );
}
