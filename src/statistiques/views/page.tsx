/** The signed-in statistics page: filters, key figures, charts with their tables, exports. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { ErrorSummary, formatNumber, Select, Stat, type FieldErrors } from '../../platform/views/components.js';
import { THEMATIQUES, TYPES } from '../../activites/codes.js';
import { formatDate } from '../../activites/dates.js';
import type { Indicateurs, Part } from '../regles.js';
import type { Echelle } from '../regles.js';
import { Barres, Colonnes, type Barre } from './graphiques.js';
import type { LigneTableau, Regroupement } from '../tableau.js';
import type { FiltrePerimetre } from '../regles.js';
import { valeurPerimetre, type GroupeChoix, type OptionsFiltres } from '../filtres.js';

export interface Valeurs {
  du: string;
  au: string;
  echelle: string;
  code: string;
  types: string[];
  thematiques: string[];
  conseillers: string[];
  structures: string[];
  communes: string[];
  departements: string[];
  lieux: string[];
}

export interface Tops {
  heures: { libelle: string; heures: number }[];
  communes: { libelle: string; nombre: number }[];
  lieux: { libelle: string; nombre: number }[];
}

export interface StatistiquesView {
  ctx: PageContext;
  valeurs: Valeurs;
  errors?: FieldErrors;
  /** The scopes the user may choose, by name, grouped by scale (filtres.ts choixPerimetres). */
  choix: GroupeChoix[];
  /** Each narrowing filter's choices by name within the scope (null: no scope resolved). */
  options: OptionsFiltres | null;
  libelle?: string;
  indicateurs?: Indicateurs;
  tops?: Tops;
  /** The query string of this view (exports and the link to share). */
  query: string;
  presets: { label: string; du: string; au: string; href: string }[];
  lienPartage: string;
  /** The figures came from the records (a themes, communes or places filter), not the aggregates. */
  direct: boolean;
  tableau?: { par: Regroupement; lignes: LigneTableau[] };
}

const PAR: Record<Regroupement, string> = { region: 'Région', departement: 'Département', structure: 'Structure' };

function TableauTerritorial(p: { t: { par: Regroupement; lignes: LigneTableau[] }; query: string; national: boolean }) {
  const { t } = p;
  return (
    <>
      <h2>Par {PAR[t.par].toLowerCase()}</h2>
      {p.national ? (
        <ul class="fr-tags-group">
          {(['region', 'departement'] as const).map((x) => (
            <li key={x}>
              <a class="fr-tag" href={`/statistiques/perimetre?${p.query}&par=${x}`} aria-current={x === t.par ? 'true' : undefined}>
                Par {PAR[x].toLowerCase()}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <p class="fr-text--sm">
        Sur la période et les types d'activité choisis, sans les autres filtres (thématiques, conseillers, communes…) ; actifs : une activité saisie ces 31 derniers jours ; en poste : contrats en cours (postes
        attribués par le comité de sélection).
      </p>
      <div class="fr-table fr-table--sm">
        <table>
          <caption>Activité et conseillers par {PAR[t.par].toLowerCase()}</caption>
          <thead>
            <tr>
              <th scope="col">{PAR[t.par]}</th>
              {['Activités', 'Accompagnements', 'Personnes', 'Postes attribués', 'En poste', 'Actifs', 'Inactifs', "Taux d'activation"].map((h) => (
                <th scope="col" class="cn-num" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.lignes.map((l) => (
              <tr key={l.code}>
                <th scope="row">{l.nom}</th>
                {[l.activites, l.accompagnements, l.personnes, l.postesAttribues, l.enPoste, l.actifs, l.inactifs].map((n, k) => (
                  <td class="cn-num" key={k}>
                    {formatNumber(n)}
                  </td>
                ))}
                <td class="cn-num">{l.tauxActivation === null ? '—' : `${l.tauxActivation} %`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

const MOIS_COURTS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];
export const moisCourt = (m: string) => `${MOIS_COURTS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;

export const barresDe = (parts: readonly Part[], avecPart = true): Barre[] =>
  parts.map((x) => ({ libelle: x.libelle, nombre: x.nombre, ...(avecPart ? { suffixe: `${x.pourcentage} %` } : {}) }));

export const SECTIONS: { cle: keyof Indicateurs['repartitions']; titre: string; colonne: string; unite: string }[] = [
  { cle: 'types', titre: "Accompagnements par type d'activité", colonne: "Type d'activité", unite: 'accompagnements' },
  { cle: 'thematiques', titre: 'Accompagnements par thématique', colonne: 'Thématique', unite: 'accompagnements' },
  { cle: 'thematiques_demarches', titre: 'Démarches administratives', colonne: 'Démarche', unite: 'accompagnements' },
  { cle: 'materiel', titre: 'Matériel utilisé', colonne: 'Matériel', unite: 'accompagnements' },
  { cle: 'lieux', titre: 'Lieux des accompagnements', colonne: 'Type de lieu', unite: 'accompagnements' },
  { cle: 'durees', titre: 'Durées', colonne: 'Durée', unite: 'accompagnements' },
  { cle: 'orientations', titre: 'Orientations', colonne: 'Orientée vers', unite: 'accompagnements' },
  { cle: 'genres', titre: 'Genre des personnes', colonne: 'Genre', unite: 'personnes' },
  { cle: 'tranches_age', titre: "Tranches d'âge des personnes", colonne: "Tranche d'âge", unite: 'personnes' },
  { cle: 'statuts', titre: 'Statut des personnes', colonne: 'Statut', unite: 'personnes' },
];

function Filtres(p: StatistiquesView) {
  const v = p.valeurs;
  const e = p.errors ?? {};
  /** The scope shown, as the « perimetre » list's value. */
  const affiche = v.echelle ? valeurPerimetre(v.echelle as Echelle, v.code || null) : '';
  const champ = (name: 'du' | 'au', label: string) => (
    <div class={`fr-input-group fr-col-12 fr-col-md-3${e[name] ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={`champ-${name}`}>
        {label}
      </label>
      <input class="fr-input" type="date" id={`champ-${name}`} name={name} value={v[name]} aria-invalid={e[name] ? 'true' : undefined} aria-describedby={e[name] ? `champ-${name}-erreur` : undefined} />
      {e[name] ? (
        <p class="fr-error-text" id={`champ-${name}-erreur`}>
          {e[name]}
        </p>
      ) : null}
    </div>
  );
  return (
    <form method="get" action="/statistiques/perimetre" class="fr-mb-4w">
      <fieldset class="fr-fieldset">
        <legend class="fr-fieldset__legend">Période</legend>
        <div class="fr-fieldset__element">
          <ul class="fr-tags-group">
            {p.presets.map((x) => (
              <li key={x.label}>
                <a class="fr-tag" href={x.href} aria-current={x.du === v.du && x.au === v.au ? 'true' : undefined}>
                  {x.label}
                </a>
              </li>
            ))}
          </ul>
        </div>
        <div class="fr-fieldset__element fr-grid-row fr-grid-row--gutters">
          {champ('du', 'Du')}
          {champ('au', 'Au')}
        </div>
      </fieldset>
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-6">
          <ChoixPerimetre choix={p.choix} valeur={affiche} erreur={e.perimetre} />
          {/* The scope shown: when another is chosen, the narrowing filters of this one are let go (they would lie outside it). */}
          {affiche ? <input type="hidden" name="perimetre_affiche" value={affiche} /> : null}
        </div>
        <div class="fr-col-12 fr-col-md-6">
          {v.thematiques.length > 1 ? (
            <Plusieurs name="thematiques" label="Thématique" options={OPTIONS_THEMATIQUES} choisis={v.thematiques} erreur={e.thematiques} />
          ) : (
            <Select
              name="thematiques"
              label="Thématique"
              placeholder="Toutes"
              options={OPTIONS_THEMATIQUES}
              values={{ thematiques: v.thematiques[0] ?? '' }}
              errors={e}
            />
          )}
        </div>
        {FILTRES.map((f) =>
          p.options?.[f.name]?.length ? (
            <div class="fr-col-12 fr-col-md-6" key={f.name}>
              {v[f.name].length > 1 ? (
                <Plusieurs name={f.name} label={f.label} options={p.options[f.name]!} choisis={v[f.name]} erreur={e[f.name]} />
              ) : (
                <Select name={f.name} label={f.label} placeholder={f.tous} options={p.options[f.name]!} values={{ [f.name]: v[f.name][0] ?? '' }} errors={e} />
              )}
            </div>
          ) : e[f.name] ? (
            <div class="fr-col-12 fr-col-md-6" key={f.name}>
              <p class="fr-error-text" id={`champ-${f.name}`}>
                {e[f.name]}
              </p>
            </div>
          ) : null,
        )}
      </div>
      {p.options && FILTRES.some((f) => p.options![f.name] === null && f.name !== 'departements' && !(f.name === 'conseillers' && v.echelle === 'conseiller') && !(f.name === 'structures' && v.echelle === 'structure')) ? (
        <p class="fr-text--sm">Les conseillers, structures, communes ou lieux trop nombreux à ce périmètre ne sont pas proposés : choisissez un périmètre plus petit (un département, une structure) pour filtrer par l'un d'eux.</p>
      ) : null}
      <fieldset class={`fr-fieldset${e.types ? ' fr-fieldset--error' : ''}`} aria-describedby={e.types ? 'types-erreur' : undefined}>
        <legend class="fr-fieldset__legend fr-text--regular">Types d'activité (aucun coché : tous)</legend>
        {TYPES.values.map((t) => (
          <div class="fr-fieldset__element fr-fieldset__element--inline" key={t}>
            <div class="fr-checkbox-group">
              <input type="checkbox" id={`type-${t}`} name="types" value={t} checked={v.types.includes(t)} />
              <label class="fr-label" for={`type-${t}`}>
                {TYPES.labels[t]}
              </label>
            </div>
          </div>
        ))}
        {e.types ? (
          <p class="fr-error-text" id="types-erreur">
            {e.types}
          </p>
        ) : null}
      </fieldset>
      <button class="fr-btn" type="submit">
        Afficher
      </button>
    </form>
  );
}

const OPTIONS_THEMATIQUES = THEMATIQUES.values.map((t) => ({ value: t, label: THEMATIQUES.labels[t]! }));

/** The narrowing filters of the form, each a list of names within the scope (one value, or several in a multiple list when a link holds several). */
const FILTRES: { name: FiltrePerimetre; label: string; tous: string }[] = [
  { name: 'departements', label: 'Département', tous: 'Tous les départements du périmètre' },
  { name: 'structures', label: 'Structure', tous: 'Toutes les structures du périmètre' },
  { name: 'conseillers', label: 'Conseiller', tous: 'Tous les conseillers du périmètre' },
  { name: 'communes', label: "Commune de l'activité", tous: 'Toutes les communes' },
  { name: 'lieux', label: "Lieu d'activité", tous: 'Tous les lieux' },
];

/** Several values of a filter (a shared link, the API's form): a list that keeps them all, each selected. */
function Plusieurs(p: { name: string; label: string; options: { value: string; label: string }[]; choisis: string[]; erreur: string | undefined }) {
  const id = `champ-${p.name}`;
  return (
    <div class={`fr-select-group${p.erreur ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {p.label}
        <span class="fr-hint-text">Plusieurs choix (Ctrl, ou Cmd sur Mac, pour en ajouter ou en retirer)</span>
      </label>
      <select class={`fr-select${p.erreur ? ' fr-select--error' : ''}`} id={id} name={p.name} multiple size={Math.min(6, p.options.length)} aria-describedby={p.erreur ? `${id}-erreur` : undefined} aria-invalid={p.erreur ? 'true' : undefined}>
        {p.options.map((o) => (
          <option value={o.value} selected={p.choisis.includes(o.value)} key={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {p.erreur ? (
        <p class="fr-error-text" id={`${id}-erreur`}>
          {p.erreur}
        </p>
      ) : null}
    </div>
  );
}

/** The scope by name: one list grouped by scale (France, régions, départements, structures, conseillers, teams). */
function ChoixPerimetre(p: { choix: GroupeChoix[]; valeur: string; erreur: string | undefined }) {
  return (
    <div class={`fr-select-group${p.erreur ? ' fr-select-group--error' : ''}`}>
      <label class="fr-label" for="champ-perimetre">
        Périmètre
        <span class="fr-hint-text">Ceux que vos droits couvrent ; pour une structure ou un conseiller, choisissez d'abord son département</span>
      </label>
      <select
        class={`fr-select${p.erreur ? ' fr-select--error' : ''}`}
        id="champ-perimetre"
        name="perimetre"
        aria-describedby={p.erreur ? 'champ-perimetre-erreur' : undefined}
        aria-invalid={p.erreur ? 'true' : undefined}
      >
        {p.choix.map((g) => (
          <optgroup label={g.label} key={g.label}>
            {g.options.map((o) => (
              <option value={o.value} selected={o.value === p.valeur} key={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {p.erreur ? (
        <p class="fr-error-text" id="champ-perimetre-erreur">
          {p.erreur}
        </p>
      ) : null}
    </div>
  );
}

export function StatistiquesPage(p: StatistiquesView) {
  const i = p.indicateurs;
  const titre = p.libelle ? `Statistiques — ${p.libelle}` : 'Statistiques';
  return (
    <Layout ctx={p.ctx} title={titre} wide>
      <div class="cn-statistiques">
        <h1>{titre}</h1>
        <ErrorSummary errors={p.errors} />
        <Filtres {...p} />
        {i ? (
          <>
            <h2>
              Du {formatDate(p.valeurs.du)} au {formatDate(p.valeurs.au)}
            </h2>
            <p class="fr-text--sm">
              Un atelier compte un accompagnement par participant. Les parts sont arrondies pour faire 100 %.{' '}
              {p.direct ? 'Avec un filtre de thématique, de commune ou de lieu, les chiffres sont calculés directement à partir des comptes rendus.' : 'Chiffres à jour de la dernière saisie.'}
            </p>
            <div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
              <Stat label="Activités" value={i.activites} />
              <Stat label="Accompagnements" value={i.accompagnements} />
              <Stat label="Participants aux ateliers" value={i.participants_ateliers} />
              <Stat label="Personnes accompagnées" value={i.beneficiaires.total} />
            </div>
            <p>
              Dont {formatNumber(i.beneficiaires.suivis)} bénéficiaires suivis, {formatNumber(i.beneficiaires.anonymes)} personnes anonymes ;{' '}
              {formatNumber(i.beneficiaires.nouveaux)} nouvelles personnes sur la période.
            </p>
            <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mb-2w">
              <li>
                <a class="fr-btn fr-btn--secondary" href={`/statistiques/perimetre/export.xlsx?${p.query}`}>
                  Télécharger (XLSX, une feuille par section)
                </a>
              </li>
              <li>
                <a class="fr-btn fr-btn--secondary" href={`/statistiques/perimetre/export.csv?${p.query}`}>
                  Télécharger (CSV)
                </a>
              </li>
            </ul>
            <p class="fr-text--sm cn-no-print">
              <a href={p.lienPartage}>Lien vers cette vue, avec ses filtres</a> : à copier pour la partager (lecture seule ; il ne s'ouvre que pour les
              personnes dont les droits couvrent ce périmètre).
            </p>
            {p.tableau ? <TableauTerritorial t={p.tableau} query={p.query} national={p.valeurs.echelle === 'national'} /> : null}
            <h2>Évolution</h2>
            <Colonnes id="mensuelle" titre="Accompagnements des 12 derniers mois" colonne="Mois" unite="accompagnements" barres={i.series.mensuelle.map((m) => ({ libelle: moisCourt(m.mois), nombre: m.accompagnements }))} />
            <Colonnes id="quotidienne" titre="Accompagnements des 30 derniers jours" colonne="Jour" unite="accompagnements" barres={i.series.quotidienne.map((m) => ({ libelle: formatDate(m.jour).slice(0, 5), nombre: m.accompagnements }))} />
            <h2>Répartitions</h2>
            {SECTIONS.map((s) => (
              <Barres key={s.cle} id={`rep-${s.cle}`} titre={s.titre} colonne={s.colonne} unite={s.unite} barres={barresDe(i.repartitions[s.cle])} />
            ))}
            {p.tops ? (
              <>
                <Barres id="heures" titre="Heures par type d'activité" colonne="Type d'activité" unite="heures" barres={p.tops.heures.map((h) => ({ libelle: h.libelle, nombre: h.heures }))} />
                <Barres id="communes" titre="Communes les plus accompagnées" colonne="Commune" unite="accompagnements" barres={p.tops.communes} />
                {p.tops.lieux.length ? <Barres id="lieux" titre="Lieux d'activité les plus actifs" colonne="Lieu" unite="accompagnements" barres={p.tops.lieux} /> : null}
              </>
            ) : null}
          </>
        ) : null}
      </div>
    </Layout>
  );
}
