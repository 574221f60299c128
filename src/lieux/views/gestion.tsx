import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Csrf, ErrorSummary, Input, formatDateTime, SearchBar } from '../../platform/views/components.js';
import { Pager } from '../../comptes/views/admin.js';
import { DAY_LABELS, OSM_DAYS } from '../horaires.js';
import type { LieuRow } from '../lieux.js';
import { encodageTexte, type RapportImport } from '../import.js';
import { ENUMS, FIELD_LABELS, type EnumField } from '../standard.js';
import { CRENEAUX } from './creneaux.js';

export type FormState = Record<string, string | string[] | undefined>;
type Errors = Record<string, string | undefined>;

const one = (s: FormState, k: string): string => {
  const v = s[k];
  return Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? '');
};
const many = (s: FormState, k: string): string[] => {
  const v = s[k];
  return Array.isArray(v) ? v : v ? [v] : [];
};

export function LieuxGestionPage(p: { ctx: PageContext; rows: LieuRow[]; total: number; q: string; page: number; hasNext: boolean; canImport: boolean }) {
  return (
    <Layout ctx={p.ctx} title="Lieux" wide>
      <h1>Lieux</h1>
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w">
        <div class="fr-col-12 fr-col-md-6">
          <SearchBar action="/lieux" label="Rechercher par nom, commune, code postal ou SIRET" q={p.q} />
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/lieux/nouveau">
                Ajouter un lieu
              </a>
            </li>
            {p.canImport ? (
              <li>
                <a class="fr-btn fr-btn--secondary fr-icon-upload-line fr-btn--icon-left" href="/admin/lieux/import">
                  Importer un fichier
                </a>
              </li>
            ) : null}
          </ul>
        </div>
      </div>
      <p>
        {p.total} lieu{p.total > 1 ? 'x' : ''} que vous pouvez modifier
      </p>
      {p.rows.length ? (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Lieux</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Commune</th>
                <th scope="col">Visible</th>
                <th scope="col">Mise à jour</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((l) => (
                <tr>
                  <td>
                    <a href={`/lieux/${l.id}`}>{l.nom}</a>
                  </td>
                  <td>
                    {l.codePostal} {l.commune}
                  </td>
                  <td>{l.doublonStatut === 'a_verifier' ? 'non (doublon possible à vérifier)' : l.doublonStatut === 'ecarte' ? 'non (doublon écarté)' : l.public ? 'oui' : 'non'}</td>
                  <td>{formatDateTime(l.updatedAt)}</td>
                  <td>
                    <a href={`/lieux/${l.id}/modifier`}>
                      Modifier<span class="fr-sr-only"> {l.nom}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>Aucun lieu.</p>
      )}
      <Pager base={`/lieux?q=${encodeURIComponent(p.q)}`} page={p.page} hasNext={p.hasNext} />
    </Layout>
  );
}

function Cases(p: { name: EnumField; state: FormState; errors: Errors }) {
  const checked = many(p.state, p.name);
  const error = p.errors[p.name];
  return (
    <fieldset class={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`} id={`champ-${p.name}`} aria-labelledby={`champ-${p.name}-legende`}>
      <legend class="fr-fieldset__legend" id={`champ-${p.name}-legende`}>
        {FIELD_LABELS[p.name]}
        <span class="fr-hint-text">Facultatif</span>
      </legend>
      {(ENUMS[p.name] as readonly string[]).map((v, i) => (
        <div class="fr-fieldset__element">
          <div class="fr-checkbox-group fr-checkbox-group--sm">
            <input type="checkbox" id={`${p.name}-${i}`} name={p.name} value={v} checked={checked.includes(v)} />
            <label class="fr-label" for={`${p.name}-${i}`}>
              {v}
            </label>
          </div>
        </div>
      ))}
      {error ? (
        <div class="fr-messages-group">
          <p class="fr-message fr-message--error">{error}</p>
        </div>
      ) : null}
    </fieldset>
  );
}

function Zone(p: { name: string; label: string; hint?: string; state: FormState; errors: Errors; rows?: number }) {
  const error = p.errors[p.name];
  const id = `champ-${p.name}`;
  return (
    <div class={`fr-input-group${error ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {p.label}
        <span class="fr-hint-text">Facultatif</span>
        {p.hint ? (
          <span class="fr-hint-text" id={`${id}-aide`}>
            {p.hint}
          </span>
        ) : null}
      </label>
      <textarea
        class={`fr-input${error ? ' fr-input--error' : ''}`}
        id={id}
        name={p.name}
        rows={p.rows ?? 3}
        aria-describedby={[p.hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ') || undefined}
        aria-invalid={error ? 'true' : undefined}
      >
        {one(p.state, p.name)}
      </textarea>
      {error ? (
        <p class="fr-error-text" id={`${id}-erreur`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export interface ConseillerChoix {
  id: string;
  nom: string;
}

export function LieuFormPage(p: {
  ctx: PageContext;
  id?: string;
  state: FormState;
  errors?: Errors;
  structures: { id: string; nom: string }[];
  adminStructure: boolean;
  conseillers: ConseillerChoix[];
  doublons?: { id: string; nom: string; adresse: string }[];
  /** Similar places the user may not see: only their existence is told. */
  doublonsMasques?: number;
  geocodage: boolean;
  info?: string;
}) {
  const errors = p.errors ?? {};
  const s = p.state;
  const values = Object.fromEntries(Object.keys(s).map((k) => [k, one(s, k)]));
  const action = p.id ? `/lieux/${p.id}/modifier` : '/lieux/nouveau';
  const title = p.id ? 'Modifier le lieu' : 'Ajouter un lieu';
  return (
    <Layout ctx={p.ctx} title={title}>
      <h1>{title}</h1>
      <form method="post" action={action} novalidate>
        <Csrf token={p.ctx.csrf} />
        <ErrorSummary errors={errors} />
        {p.info ? (
          <div class="fr-alert fr-alert--info fr-mb-4w" role="status">
            <p>{p.info}</p>
          </div>
        ) : null}
        {p.doublons?.length || p.doublonsMasques ? (
          <div class="fr-alert fr-alert--warning fr-mb-4w" role="alert">
            <h2 class="fr-alert__title">Ce lieu existe peut-être déjà</h2>
            {p.doublons?.length ? (
              <ul>
                {p.doublons.map((d) => (
                  <li>
                    <a href={`/lieux/${d.id}`}>{d.nom}</a> — {d.adresse}
                  </li>
                ))}
              </ul>
            ) : null}
            {p.doublonsMasques ? <p>Un lieu semblable existe déjà, contactez l'ANCT.</p> : null}
            <div class="fr-checkbox-group">
              <input type="checkbox" id="confirmer_doublon" name="confirmer_doublon" value="1" />
              <label class="fr-label" for="confirmer_doublon">
                Je confirme qu'il s'agit d'un autre lieu
              </label>
            </div>
          </div>
        ) : null}
        <h2 class="fr-h4">Le lieu</h2>
        <Input name="nom" label="Nom du lieu" required values={values} errors={errors} maxLength={200} />
        {!p.id || p.adminStructure ? (
          p.adminStructure ? (
            <Input name="structure_siret" label="SIRET de la structure propriétaire" hint="14 chiffres ; laissez vide pour un lieu sans structure" values={values} errors={errors} maxLength={20} />
          ) : (
            <div class="fr-select-group">
              <label class="fr-label" for="champ-structure_id">
                Structure propriétaire
              </label>
              <select class="fr-select" id="champ-structure_id" name="structure_id">
                {p.structures.map((x) => (
                  <option value={x.id} selected={values.structure_id === x.id}>
                    {x.nom}
                  </option>
                ))}
              </select>
            </div>
          )
        ) : null}
        <Input name="pivot" label="SIRET ou RNA du lieu" hint="SIRET de l'établissement (14 chiffres, pas le SIREN à 9 chiffres) ou numéro RNA (W suivi de 9 caractères). Laissez vide s'il n'en a pas : 00000000000000 sera indiqué, comme le font les outils nationaux" values={values} errors={errors} maxLength={20} />
        <div class="fr-checkbox-group fr-mb-3w">
          <input type="checkbox" id="champ-public" name="public" value="1" checked={values.public === '1'} />
          <label class="fr-label" for="champ-public">
            Visible sur la recherche publique « Trouver un lieu »
          </label>
        </div>
        <Zone name="presentation_resume" label="Présentation résumée" hint="280 caractères au plus" state={s} errors={errors} />
        <Zone name="presentation_detail" label="Présentation détaillée" state={s} errors={errors} rows={5} />

        <h2 class="fr-h4">Adresse</h2>
        <Input name="adresse" label="Adresse" hint="Numéro et voie" autocomplete="street-address" required values={values} errors={errors} maxLength={300} />
        <Input name="complement_adresse" label="Complément d'adresse" values={values} errors={errors} maxLength={300} />
        <Input name="code_postal" label="Code postal" inputMode="numeric" autocomplete="postal-code" required values={values} errors={errors} maxLength={5} />
        <Input name="commune" label="Commune" required values={values} errors={errors} maxLength={100} />
        <p class="fr-hint-text">
          {p.geocodage
            ? "Les coordonnées sont trouvées à partir de l'adresse (Base Adresse Nationale). Si l'adresse n'est pas trouvée, saisissez-les."
            : "Géocodage indisponible : saisissez la latitude et la longitude (par exemple depuis adresse.data.gouv.fr)."}
        </p>
        {p.geocodage ? (
          <button class="fr-btn fr-btn--secondary fr-btn--sm fr-mb-3w" type="submit" name="action" value="geocoder">
            Trouver les coordonnées de l'adresse
          </button>
        ) : null}
        <Input name="latitude" label="Latitude" hint="Par exemple 49.1193" inputMode="text" values={values} errors={errors} maxLength={20} />
        <Input name="longitude" label="Longitude" hint="Par exemple 6.1757" inputMode="text" values={values} errors={errors} maxLength={20} />

        <h2 class="fr-h4">Contact et accès</h2>
        <Input name="telephone" label="Téléphone" type="tel" autocomplete="tel" hint="Par exemple 03 87 00 00 00" values={values} errors={errors} maxLength={30} />
        <Zone name="courriels" label="Courriels" hint="Un par ligne" state={s} errors={errors} />
        <Zone name="site_web" label="Sites web" hint="Un par ligne, commençant par https://" state={s} errors={errors} />
        <Input name="prise_rdv" label="Lien de prise de rendez-vous" type="url" values={values} errors={errors} maxLength={500} />
        <Input name="fiche_acces_libre" label="Fiche Accès libre (accessibilité)" type="url" hint="https://acceslibre.beta.gouv.fr/…" values={values} errors={errors} maxLength={500} />
        <Cases name="modalites_acces" state={s} errors={errors} />

        <h2 class="fr-h4" id="horaires">
          Horaires d'ouverture
        </h2>
        <fieldset class="fr-fieldset" aria-labelledby="horaires-legende horaires-aide">
          <legend class="fr-fieldset__legend" id="horaires-legende">
            Plages horaires de chaque jour
          </legend>
          <p class="fr-hint-text fr-fieldset__element" id="horaires-aide">
            Par exemple « 9h-12h, 14h-17h30 ». Laissez vide les jours de fermeture.
          </p>
          {OSM_DAYS.map((d, i) => (
            <div class="fr-fieldset__element">
              <Input name={`horaires_${d}`} label={DAY_LABELS[i]!} values={values} errors={errors} maxLength={100} />
            </div>
          ))}
          <div class="fr-fieldset__element">
            <Input
              name="horaires_exceptions"
              label="Exceptions"
              hint="Au format OpenStreetMap, séparées par « ; » : PH off (fermé les jours fériés), Aug off (fermé en août), 2025 Dec 24-2026 Jan 1 off…"
              values={values}
              errors={errors}
              maxLength={300}
            />
          </div>
        </fieldset>
        {values.horaires ? (
          <p class="fr-hint-text">
            Horaires actuels au format OpenStreetMap : <code>{values.horaires}</code>
          </p>
        ) : null}

        <h2 class="fr-h4">Services et publics</h2>
        <Cases name="services" state={s} errors={errors} />
        <Cases name="modalites_accompagnement" state={s} errors={errors} />
        <Cases name="publics_specifiquement_adresses" state={s} errors={errors} />
        <Cases name="prise_en_charge_specifique" state={s} errors={errors} />
        <Cases name="frais_a_charge" state={s} errors={errors} />
        <Cases name="itinerance" state={s} errors={errors} />
        <Cases name="dispositif_programmes_nationaux" state={s} errors={errors} />
        <Cases name="formations_labels" state={s} errors={errors} />
        <Zone name="autres_formations_labels" label="Autres formations et labels" hint="Un par ligne" state={s} errors={errors} />
        <Zone name="typologie" label="Typologie" hint="Codes data.inclusion, un par ligne : MUNI, CCAS, BIB, RFS, TIERS_LIEUX, ASSO…" state={s} errors={errors} />
        <Input name="structure_parente" label="Structure parente (réseau)" values={values} errors={errors} maxLength={200} />
        <Input name="source" label="Structure collectant la donnée" values={values} errors={errors} maxLength={200} />

        {p.conseillers.length ? (
          <>
            <h2 class="fr-h4">Conseillers présents</h2>
            {p.conseillers.map((c) => {
              const checked = many(s, `creneaux_${c.id}`);
              return (
                <fieldset class="fr-fieldset" aria-labelledby={`perm-${c.id}`}>
                  <legend class="fr-fieldset__legend" id={`perm-${c.id}`}>
                    {c.nom}
                    <span class="fr-hint-text">Demi-journées de présence</span>
                  </legend>
                  <input type="hidden" name="conseillers" value={c.id} />
                  {CRENEAUX.map((k) => (
                    <div class="fr-fieldset__element fr-fieldset__element--inline">
                      <div class="fr-checkbox-group fr-checkbox-group--sm">
                        <input type="checkbox" id={`perm-${c.id}-${k.code}`} name={`creneaux_${c.id}`} value={k.code} checked={checked.includes(k.code)} />
                        <label class="fr-label" for={`perm-${c.id}-${k.code}`}>
                          {k.label}
                        </label>
                      </div>
                    </div>
                  ))}
                </fieldset>
              );
            })}
          </>
        ) : null}
        <button class="fr-btn" type="submit" name="action" value="enregistrer">
          Enregistrer
        </button>
      </form>
    </Layout>
  );
}

export function ImportPage(p: { ctx: PageContext; rapport?: RapportImport; erreur?: string }) {
  const r = p.rapport;
  return (
    <Layout ctx={p.ctx} title="Importer des lieux">
      <h1>Importer des lieux</h1>
      <p>
        Fichiers acceptés : CSV du standard national v1 (valeurs multiples séparées par « | »), CSV ou JSON de l'ancien standard v0.1 (converti
        en v1), tableau JSON de l'un ou l'autre. Un lieu déjà importé de la même source (même identifiant) est mis à jour, ou laissé tel quel
        s'il n'a pas changé. Un nouveau lieu qui ressemble à un lieu déjà connu (même adresse, nom proche) n'est pas publié : il attend votre
        décision dans la liste des <a href="/admin/lieux/doublons">doublons possibles à vérifier</a>.
      </p>
      {p.erreur ? (
        <div class="fr-alert fr-alert--error fr-mb-4w" role="alert">
          <h2 class="fr-alert__title">Fichier illisible</h2>
          <p>{p.erreur}</p>
        </div>
      ) : null}
      {r ? (
        <section class="fr-mb-6w" aria-labelledby="rapport-titre">
          <h2 id="rapport-titre">Rapport d'import</h2>
          <p role="status">
            {r.format} · {r.total} lignes : <strong>{r.crees} créés</strong>, {r.misAJour} mis à jour, {r.inchanges} inchangés,{' '}
            <strong>{r.rejetes.length} rejetés</strong>.
          </p>
          {r.doublons.length ? (
            <div class="fr-alert fr-alert--warning fr-mb-3w">
              <h3 class="fr-alert__title">
                {r.doublons.length} doublon{r.doublons.length > 1 ? 's' : ''} possible{r.doublons.length > 1 ? 's' : ''} non publié{r.doublons.length > 1 ? 's' : ''}
              </h3>
              <p>
                Ces nouveaux lieux ressemblent à un lieu déjà connu : ils n'apparaissent pas dans la recherche ni dans les exports tant que vous
                n'avez pas décidé. <a href="/admin/lieux/doublons">Vérifier les doublons possibles</a>
              </p>
            </div>
          ) : null}
          {r.encodage ? <p>{encodageTexte(r.encodage)}</p> : null}
          {Object.keys(r.corrections).length ? (
            <>
              <h3 class="fr-h5">Corrections appliquées</h3>
              <ul>
                {Object.entries(r.corrections).map(([champ, c]) => (
                  <li>
                    {champ} : {c.n} ligne{c.n > 1 ? 's' : ''} (par exemple {c.exemples[0]})
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {r.ecartes.length ? (
            <RowsTable caption="Lignes importées sans une valeur inutilisable" rows={r.ecartes.slice(0, 500).map((x) => ({ numero: x.numero, id: x.id, champ: x.champ, motif: x.motif }))} />
          ) : null}
          {r.alertes.length ? (
            <RowsTable caption="Lignes importées à vérifier (nom en capitales, adresse web ou SIRET à la place du nom)" rows={r.alertes.slice(0, 500)} />
          ) : null}
          {r.doublons.length ? (
            <RowsTable
              caption="Doublons possibles, non publiés"
              rows={r.doublons.slice(0, 500).map((x) => ({ numero: x.numero, id: x.id, champ: 'nom', motif: `« ${x.nom} » (${x.adresse}) ressemble à « ${x.doublonDe.nom} » (${x.doublonDe.adresse})` }))}
            />
          ) : null}
          {r.rejetes.length ? (
            <RowsTable
              caption="Lignes rejetées"
              rows={r.rejetes.slice(0, 500).flatMap((x) => x.problemes.map((pb) => ({ numero: x.numero, id: x.id, champ: pb.champ, motif: pb.motif })))}
            />
          ) : null}
        </section>
      ) : null}
      <form method="post" action="/admin/lieux/import" enctype="multipart/form-data">
        <Csrf token={p.ctx.csrf} />
        <div class="fr-upload-group fr-mb-3w">
          <label class="fr-label" for="fichier">
            Fichier (CSV ou JSON, 20 Mo au plus)
          </label>
          <input class="fr-upload" type="file" id="fichier" name="fichier" accept=".csv,.json,text/csv,application/json" />
        </div>
        <Input name="source" label="Source" hint="Nom de la source, par exemple hubik ; par défaut, le champ « source » de chaque ligne" values={{}} maxLength={100} />
        <button class="fr-btn" type="submit">
          Importer
        </button>
      </form>
    </Layout>
  );
}

/** One line per problem of an import report: row number, identifier, field, reason. */
function RowsTable(p: { caption: string; rows: { numero: number; id: string; champ: string; motif: string }[] }) {
  return (
    <div class="fr-table cn-table-scroll">
      <table>
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">N°</th>
            <th scope="col">Identifiant</th>
            <th scope="col">Champ</th>
            <th scope="col">Motif</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((x) => (
            <tr>
              <td>{x.numero}</td>
              <td>{x.id}</td>
              <td>{x.champ}</td>
              <td>{x.motif}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
