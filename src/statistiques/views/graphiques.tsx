/**
 * Charts rendered on the server as SVG (no script): each one is an image with a title and a text
 * summary for screen readers, followed by its data table. Colours of the DSFR palette (bleu France
 * on white, text in the DSFR's grey 50 — contrasts above 4.5:1); prints as it shows.
 */
import { formatNumber } from '../../platform/views/components.js';

export const BLEU_FRANCE = '#000091';
const TEXTE = '#161616';
const GRILLE = '#dddddd';

export interface Barre {
  libelle: string;
  nombre: number;
  /** Shown after the number (e.g. « 12 % »); « < 5 » is a hidden small number, shown instead of it. */
  suffixe?: string;
}

const MASQUE = '< 5';
const affiche = (b: Barre) => (b.suffixe === MASQUE ? MASQUE : formatNumber(b.nombre));

const largeur = 720;

/** The sentence a screen reader hears first: the largest values of a chart. */
export function resume(titre: string, barres: readonly Barre[], unite: string): string {
  const total = barres.reduce((a, b) => a + b.nombre, 0);
  if (total === 0) return `${titre} : aucune donnée sur la période.`;
  const tries = [...barres].filter((b) => b.nombre > 0).sort((a, b) => b.nombre - a.nombre);
  const tete = tries.slice(0, 3).map((b) => `${b.libelle} (${formatNumber(b.nombre)}${b.suffixe ? `, ${b.suffixe}` : ''})`);
  const caches = barres.some((b) => b.suffixe === MASQUE) ? ' (sans les nombres de moins de 5, non publiés)' : '';
  return `${titre} : ${formatNumber(total)} ${unite} au total${caches} ; en tête : ${tete.join(', ')}.`;
}

/** Horizontal bars, one per value, with its table. */
export function Barres(p: { id: string; titre: string; barres: readonly Barre[]; unite: string; colonne: string }) {
  const max = Math.max(1, ...p.barres.map((b) => b.nombre));
  const ligne = 26;
  const hauteur = p.barres.length * ligne + 10;
  const x0 = 260;
  const w = 360;
  const texte = resume(p.titre, p.barres, p.unite);
  return (
    <figure class="cn-graphique fr-mb-4w" aria-labelledby={`${p.id}-titre`}>
      <h3 class="fr-h6" id={`${p.id}-titre`}>
        {p.titre}
      </h3>
      <p class="fr-text--sm" id={`${p.id}-resume`}>
        {texte}
      </p>
      <svg viewBox={`0 0 ${largeur} ${hauteur}`} width="100%" role="img" aria-labelledby={`${p.id}-titre ${p.id}-resume`} style="max-width: 720px">
        {p.barres.map((b, i) => {
          const y = 5 + i * ligne;
          const bw = Math.round((b.nombre / max) * w);
          return (
            <g key={b.libelle}>
              <text x={x0 - 8} y={y + 17} text-anchor="end" font-size="13" fill={TEXTE}>
                {b.libelle.length > 38 ? `${b.libelle.slice(0, 37)}…` : b.libelle}
              </text>
              <rect x={x0} y={y + 4} width={Math.max(bw, b.nombre > 0 ? 2 : 0)} height={ligne - 8} fill={BLEU_FRANCE} />
              <text x={x0 + bw + 6} y={y + 17} font-size="13" fill={TEXTE}>
                {b.suffixe === MASQUE ? MASQUE : `${formatNumber(b.nombre)}${b.suffixe ? ` (${b.suffixe})` : ''}`}
              </text>
            </g>
          );
        })}
      </svg>
      <Tableau id={p.id} titre={p.titre} colonne={p.colonne} barres={p.barres} />
    </figure>
  );
}

function Tableau(p: { id: string; titre: string; colonne: string; barres: readonly Barre[] }) {
  const avecPart = p.barres.some((b) => b.suffixe && b.suffixe !== MASQUE);
  return (
    <details class="fr-mt-1w">
      <summary>Voir les données du graphique « {p.titre} »</summary>
      <div class="fr-table fr-table--sm fr-mb-0">
        <table>
          <caption class="fr-sr-only">{p.titre}</caption>
          <thead>
            <tr>
              <th scope="col">{p.colonne}</th>
              <th scope="col" class="cn-num">
                Nombre
              </th>
              {avecPart ? (
                <th scope="col" class="cn-num">
                  Part
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {p.barres.map((b) => (
              <tr key={b.libelle}>
                <th scope="row">{b.libelle}</th>
                <td class="cn-num">{affiche(b)}</td>
                {avecPart ? <td class="cn-num">{b.suffixe === MASQUE ? '' : (b.suffixe ?? '')}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Columns over time (months or days), with their table. */
export function Colonnes(p: { id: string; titre: string; barres: readonly Barre[]; unite: string; colonne: string }) {
  const max = Math.max(1, ...p.barres.map((b) => b.nombre));
  const hauteur = 220;
  const bas = 180;
  const pas = (largeur - 60) / Math.max(1, p.barres.length);
  const texte = resume(p.titre, p.barres, p.unite);
  const etiquetteChaque = p.barres.length > 12 ? Math.ceil(p.barres.length / 10) : 1;
  return (
    <figure class="cn-graphique fr-mb-4w" aria-labelledby={`${p.id}-titre`}>
      <h3 class="fr-h6" id={`${p.id}-titre`}>
        {p.titre}
      </h3>
      <p class="fr-text--sm" id={`${p.id}-resume`}>
        {texte}
      </p>
      <svg viewBox={`0 0 ${largeur} ${hauteur}`} width="100%" role="img" aria-labelledby={`${p.id}-titre ${p.id}-resume`} style="max-width: 720px">
        <line x1="50" y1={bas} x2={largeur - 5} y2={bas} stroke={GRILLE} />
        <text x="45" y="24" text-anchor="end" font-size="12" fill={TEXTE}>
          {formatNumber(max)}
        </text>
        <line x1="50" y1="20" x2={largeur - 5} y2="20" stroke={GRILLE} stroke-dasharray="4 4" />
        {p.barres.map((b, i) => {
          const h = Math.round((b.nombre / max) * (bas - 20));
          const x = 55 + i * pas;
          return (
            <g key={b.libelle}>
              <rect x={x} y={bas - h} width={Math.max(2, pas - 6)} height={h} fill={BLEU_FRANCE} />
              {i % etiquetteChaque === 0 ? (
                <text x={x + (pas - 6) / 2} y={bas + 16} text-anchor="middle" font-size="11" fill={TEXTE}>
                  {b.libelle}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <Tableau id={p.id} titre={p.titre} colonne={p.colonne} barres={p.barres} />
    </figure>
  );
}
