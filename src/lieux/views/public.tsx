import { formaterTelephone } from '../normalisation.js';
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { publicAssets } from '../../platform/assets.js';
import type { Commune } from '../../territoires/territoires.js';
import type { ComponentChildren } from 'preact';
import { dateFrancaise, statutHoraires, semaineHoraires } from '../horaires.js';
import type { ConseillerPresent } from '../lieux.js';
import { COMPTE_MAX, indexPlusLoin, SEUIL_PROCHE_KM, type CleFiltre, type ProchaineOuverture, type Resultat } from '../recherche.js';
import { PRISE_EN_CHARGE_SPECIFIQUE, PUBLICS_SPECIFIQUEMENT_ADRESSES, SERVICES, type LieuV1 } from '../standard.js';
import { CRENEAUX } from './creneaux.js';

/**
 * The finder's style sheet (inside the public pages' built one, when it is built), and its small
 * script (an enhancement: « Autour de moi », the map on demand).
 */
function LieuxHead(p: { script?: boolean }) {
  return (
    <>
      {publicAssets() ? null : <link rel="stylesheet" href="/static/lieux.css" />}
      {p.script ? <script type="module" src="/static/lieux.js"></script> : null}
    </>
  );
}

export interface RechercheForm {
  q: string;
  commune: string;
  lat: string;
  lon: string;
  services: string[];
  publics: string[];
  pec: string[];
  gratuit: boolean;
  ouvert: boolean;
  itinerance: string;
}

export type Issue =
  | { kind: 'vide' }
  | {
      kind: 'resultats';
      origine: string;
      approx: boolean;
      resultats: Resultat[];
      page: number;
      hasNext: boolean;
      choix: Commune[];
      /** Places that pass the filters within SEUIL_PROCHE_KM (up to COMPTE_MAX + 1). */
      proches: number;
      /** When none is near with filters: how many would be near without each filter group. */
      pistes: { cle: CleFiltre; compte: number }[];
      /** When « open now » left nothing near: the next opening around. */
      prochaine: ProchaineOuverture | null;
    }
  | { kind: 'choix'; communes: Commune[] }
  | { kind: 'inconnu'; suggestions: Commune[]; motif?: string };

function km(d: number | null): string {
  if (d === null) return '';
  if (d < 0.1) return 'moins de 100 m';
  return d < 1 ? `${Math.round(d * 1000 / 10) * 10} m` : `${d < 10 ? d.toFixed(1).replace('.', ',') : Math.round(d)} km`;
}

export function telHref(t: string): string {
  return `tel:${t}`;
}

/** +33387000000 → 03 87 00 00 00 (French numbers, overseas too), others as they are: the import's one formatter. */
export const telLisible = formaterTelephone;

function queryString(f: RechercheForm, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.commune) p.set('commune', f.commune);
  if (f.lat && f.lon) {
    p.set('lat', f.lat);
    p.set('lon', f.lon);
  }
  for (const s of f.services) p.append('services', s);
  for (const s of f.publics) p.append('publics', s);
  for (const s of f.pec) p.append('pec', s);
  if (f.gratuit) p.set('gratuit', '1');
  if (f.ouvert) p.set('ouvert', '1');
  if (f.itinerance) p.set('itinerance', f.itinerance);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

function Cases(p: { name: string; legend: string; hint?: string; values: readonly string[]; checked: string[] }) {
  return (
    <fieldset class="fr-fieldset" id={`filtre-${p.name}`} aria-labelledby={`filtre-${p.name}-legende`}>
      <legend class="fr-fieldset__legend fr-text--regular" id={`filtre-${p.name}-legende`}>
        {p.legend}
        {p.hint ? <span class="fr-hint-text">{p.hint}</span> : null}
      </legend>
      {p.values.map((v, i) => (
        <div class="fr-fieldset__element">
          <div class="fr-checkbox-group fr-checkbox-group--sm">
            <input type="checkbox" id={`${p.name}-${i}`} name={p.name} value={v} checked={p.checked.includes(v)} />
            <label class="fr-label" for={`${p.name}-${i}`}>
              {v}
            </label>
          </div>
        </div>
      ))}
    </fieldset>
  );
}

/** The filters in plain words: the legend of each group, and the words of each value on its chip. */
const LEGENDES = {
  services: "Pour quoi avez-vous besoin d'aide ?",
  publics: 'Un accueil pensé pour',
  pec: 'Un accompagnement adapté en cas de',
} as const;

export interface Puce {
  /** What the chip says. */
  label: string;
  /** The same search without this one filter. */
  href: string;
}

/** One removable chip per active filter value: a plain link to the same search without it. */
export function pucesFiltres(f: RechercheForm): Puce[] {
  const sans = (g: Partial<RechercheForm>) => `/trouver?${queryString({ ...f, ...g })}`;
  return [
    ...f.services.map((v) => ({ label: v, href: sans({ services: f.services.filter((x) => x !== v) }) })),
    ...f.publics.map((v) => ({ label: `Accueil : ${v}`, href: sans({ publics: f.publics.filter((x) => x !== v) }) })),
    ...f.pec.map((v) => ({ label: `Adapté : ${v}`, href: sans({ pec: f.pec.filter((x) => x !== v) }) })),
    ...(f.gratuit ? [{ label: 'Gratuit', href: sans({ gratuit: false }) }] : []),
    ...(f.ouvert ? [{ label: 'Ouvert maintenant', href: sans({ ouvert: false }) }] : []),
    ...(f.itinerance ? [{ label: f.itinerance === 'Fixe' ? 'Lieu fixe' : 'Itinérant', href: sans({ itinerance: '' }) }] : []),
  ];
}

const SANS_FILTRES: Partial<RechercheForm> = { services: [], publics: [], pec: [], gratuit: false, ouvert: false, itinerance: '' };

/** The form fields of one filter group of the engine. */
function sansGroupe(f: RechercheForm, cle: CleFiltre): RechercheForm {
  switch (cle) {
    case 'services':
      return { ...f, services: [] };
    case 'publics':
      return { ...f, publics: [] };
    case 'priseEnCharge':
      return { ...f, pec: [] };
    case 'gratuit':
      return { ...f, gratuit: false };
    case 'ouvert':
      return { ...f, ouvert: false };
    case 'itinerance':
      return { ...f, itinerance: '' };
  }
}

/** « le filtre « Gratuit » », « les filtres « Jeunes », « Seniors » » */
function nomGroupe(f: RechercheForm, cle: CleFiltre): string {
  const values =
    cle === 'services' ? f.services : cle === 'publics' ? f.publics : cle === 'priseEnCharge' ? f.pec : cle === 'gratuit' ? ['Gratuit'] : cle === 'ouvert' ? ['Ouvert maintenant'] : [f.itinerance === 'Fixe' ? 'Lieu fixe' : 'Itinérant'];
  return `${values.length > 1 ? 'les filtres' : 'le filtre'} ${values.map((v) => `« ${v} »`).join(', ')}`;
}

function nombreLieux(n: number): string {
  return n > COMPTE_MAX ? `Plus de ${COMPTE_MAX} lieux` : `${n} lieu${n > 1 ? 'x' : ''}`;
}

/** Why nothing is near: « Aucun lieu ouvert maintenant à moins de 20 km de Forbach ». */
export function pourquoiVide(f: RechercheForm, origine: string): string {
  const adjectifs = [f.gratuit ? 'gratuit' : '', f.itinerance === 'Fixe' ? 'fixe' : f.itinerance ? 'itinérant' : '', f.ouvert ? 'ouvert maintenant' : ''].filter(Boolean);
  const autres = f.services.length + f.publics.length + f.pec.length > 0;
  const qualifie = adjectifs.length ? ` ${adjectifs.join(' et ')}` : '';
  if (autres) return `Aucun lieu${qualifie} à moins de ${SEUIL_PROCHE_KM} km de ${origine} ne correspond à tous vos filtres`;
  return `Aucun lieu${qualifie} à moins de ${SEUIL_PROCHE_KM} km de ${origine}`;
}

export function TrouverPage(p: { ctx: PageContext; f: RechercheForm; issue: Issue; carte: { tiles: string; attribution: string } | null; now: Date }) {
  const { f, issue } = p;
  const filtresActifs = pucesFiltres(f).length;
  const title = issue.kind === 'resultats' ? `Lieux près de ${issue.origine}` : 'Trouver un lieu';
  return (
    <Layout ctx={p.ctx} title={title} wide head={<LieuxHead script />} publicPage>
      <h1 class="cn-trouver-titre">Trouver un lieu pour être accompagné au numérique</h1>
      {issue.kind === 'resultats' ? (
        <p class="fr-mb-2w">
          <a class="fr-link" href="#resultats-titre">
            Aller aux résultats
          </a>
        </p>
      ) : null}
      <form method="get" action="/trouver" role="search" id="recherche" class="fr-mb-3w">
        <div class="fr-input-group">
          <label class="fr-label" for="q">
            Commune, code postal ou adresse
            <span class="fr-hint-text">Par exemple : Forbach, 57460 ou 1 place d'Armes Metz</span>
          </label>
          {/* The field and its button on one line, on a phone too: the results start sooner. */}
          <div class="cn-recherche-ligne">
            <input class="fr-input" type="search" id="q" name="q" value={f.q} autocomplete="address-level2" maxLength={200} />
            <button class="fr-btn" type="submit">
              Rechercher
            </button>
          </div>
        </div>
        {/* Not in a button group: DSFR groups clip an icon button to its icon; this one shows its words. */}
        <div class="cn-autour">
          <button class="fr-btn fr-btn--secondary fr-icon-map-pin-2-line fr-btn--icon-left cn-js-only" type="button" id="autour-de-moi" hidden>
            Autour de moi
          </button>
        </div>
        <p id="autour-de-moi-etat" class="fr-hint-text cn-etat" role="status"></p>
        {/* Closed once filters are applied (no script): the results come next, the active filters are the chips above them. */}
        <details class="fr-mb-2w cn-filtres" id="filtres">
          <summary>{filtresActifs ? `Modifier les filtres (${filtresActifs} actif${filtresActifs > 1 ? 's' : ''})` : 'Filtrer les lieux'}</summary>
          <Cases name="services" legend={LEGENDES.services} hint="Cochez un ou plusieurs besoins : les lieux qui en proposent au moins un sont affichés." values={SERVICES} checked={f.services} />
          <Cases name="publics" legend={LEGENDES.publics} values={PUBLICS_SPECIFIQUEMENT_ADRESSES} checked={f.publics} />
          <Cases name="pec" legend={LEGENDES.pec} values={PRISE_EN_CHARGE_SPECIFIQUE} checked={f.pec} />
          <fieldset class="fr-fieldset" aria-labelledby="filtre-autres-legende">
            <legend class="fr-fieldset__legend fr-text--regular" id="filtre-autres-legende">
              Prix et horaires
            </legend>
            <div class="fr-fieldset__element">
              <div class="fr-checkbox-group fr-checkbox-group--sm">
                <input type="checkbox" id="gratuit" name="gratuit" value="1" checked={f.gratuit} />
                <label class="fr-label" for="gratuit">
                  Gratuit
                </label>
              </div>
            </div>
            <div class="fr-fieldset__element">
              <div class="fr-checkbox-group fr-checkbox-group--sm">
                <input type="checkbox" id="ouvert" name="ouvert" value="1" checked={f.ouvert} />
                <label class="fr-label" for="ouvert">
                  Ouvert maintenant
                </label>
              </div>
            </div>
          </fieldset>
          <fieldset class="fr-fieldset" aria-labelledby="filtre-itinerance-legende">
            <legend class="fr-fieldset__legend fr-text--regular" id="filtre-itinerance-legende">
              Un lieu fixe, ou qui se déplace ?
            </legend>
            {[
              ['', 'Tous'],
              ['Fixe', 'Lieu fixe'],
              ['Itinérant', 'Itinérant (bus, permanence mobile)'],
            ].map(([v, label], i) => (
              <div class="fr-fieldset__element fr-fieldset__element--inline">
                <div class="fr-radio-group fr-radio-group--sm">
                  <input type="radio" id={`itinerance-${i}`} name="itinerance" value={v} checked={f.itinerance === v} />
                  <label class="fr-label" for={`itinerance-${i}`}>
                    {label}
                  </label>
                </div>
              </div>
            ))}
          </fieldset>
          <button class="fr-btn fr-btn--secondary" type="submit">
            Appliquer les filtres
          </button>
        </details>
      </form>
      <Issue {...p} />
    </Layout>
  );
}

function ChoixCommunes(p: { communes: Commune[]; f: RechercheForm; titre: string }) {
  return (
    <nav aria-labelledby="choix-titre" class="fr-mb-4w">
      <h2 id="choix-titre" class="fr-h5">
        {p.titre}
      </h2>
      <ul>
        {p.communes.map((c) => (
          <li>
            <a href={`/trouver?${queryString({ ...p.f, q: `${c.nom} (${c.codesPostaux[0] ?? c.departement})`, lat: '', lon: '' }, { commune: c.insee })}`}>
              {c.nom} ({c.codesPostaux.slice(0, 3).join(', ') || c.departement})
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Issue(p: { f: RechercheForm; issue: Issue; carte: { tiles: string; attribution: string } | null; now: Date }) {
  const { issue, f } = p;
  if (issue.kind === 'vide') {
    return <p>Saisissez une commune, un code postal ou une adresse pour voir les lieux les plus proches, leurs horaires et leurs services.</p>;
  }
  if (issue.kind === 'choix') return <ChoixCommunes communes={issue.communes} f={f} titre="Plusieurs communes correspondent : laquelle ?" />;
  if (issue.kind === 'inconnu') {
    return (
      <div role="alert" class="fr-alert fr-alert--warning fr-mb-4w">
        <h2 class="fr-alert__title">{issue.motif ?? `Aucune commune ne correspond à « ${f.q} »`}</h2>
        {issue.suggestions.length ? (
          <>
            <p>Vouliez-vous dire :</p>
            <ul>
              {issue.suggestions.map((c, i) => (
                <li>
                  <a autofocus={i === 0} href={`/trouver?${queryString({ ...f, q: c.nom, lat: '', lon: '' }, { commune: c.insee })}`}>
                    {c.nom} ({c.codesPostaux[0] ?? c.departement})
                  </a>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>Vérifiez l'orthographe, ou essayez le code postal.</p>
        )}
      </div>
    );
  }
  const base = `/trouver?${queryString(f)}`;
  const puces = pucesFiltres(f);
  const coupure = indexPlusLoin(issue.resultats);
  const proches = issue.resultats.slice(0, coupure);
  const loin = issue.resultats.slice(coupure);
  const vide = issue.resultats.length === 0;
  const pourquoi = issue.proches === 0 ? pourquoiVide(f, issue.origine) : null;
  const pistes = issue.pistes.filter((x) => x.compte > 0);
  return (
    <>
      {issue.choix.length > 1 ? <ChoixCommunes communes={issue.choix} f={f} titre="Préciser la commune" /> : null}
      {/* The focus lands here after a search (no script needed): the results, not the top of the page. */}
      <h2 class="fr-h4 fr-mb-1w" id="resultats-titre" tabindex={-1} autofocus>
        {vide ? pourquoi ?? `Aucun lieu trouvé près de ${issue.origine}` : `Lieux les plus proches de ${issue.origine}${issue.page > 1 ? ` · page ${issue.page}` : ''}`}
      </h2>
      {issue.proches > 0 ? (
        <p class="fr-mb-1w cn-compte" id="resultats-compte">
          <strong>{nombreLieux(issue.proches)}</strong> à moins de {SEUIL_PROCHE_KM} km
        </p>
      ) : null}
      {puces.length ? (
        <div class="cn-puces fr-mb-2w">
          <p class="fr-text--sm fr-mb-1v" id="puces-titre">
            Filtres actifs (cliquez pour en retirer un) :
          </p>
          <ul class="fr-tags-group" aria-labelledby="puces-titre">
            {puces.map((x) => (
              <li>
                <a class="fr-tag fr-tag--sm fr-icon-close-line fr-tag--icon-left" href={x.href}>
                  <span class="fr-sr-only">Retirer le filtre </span>
                  {x.label}
                </a>
              </li>
            ))}
          </ul>
          {puces.length > 1 ? (
            <p class="fr-text--sm fr-mb-0">
              <a class="fr-link fr-link--sm" href={`/trouver?${queryString({ ...f, ...SANS_FILTRES })}`}>
                Retirer tous les filtres
              </a>
            </p>
          ) : null}
        </div>
      ) : null}
      {issue.approx ? <p class="fr-hint-text">Distances approchées : le centre exact de cette commune n'est pas connu.</p> : null}
      {pourquoi ? (
        <div class="fr-callout fr-mb-3w cn-vide">
          {!vide ? <p class="fr-callout__text fr-text--md fr-mb-1w">{pourquoi}.</p> : null}
          {issue.prochaine ? (
            <p class="fr-callout__text fr-text--md fr-mb-1w" id="prochaine-ouverture">
              Prochaine ouverture : {issue.prochaine.texte}, <a href={`/lieux/${issue.prochaine.lieu.id}`}>{issue.prochaine.lieu.nom}</a> à {issue.prochaine.lieu.commune}
              {issue.prochaine.distanceKm !== null ? ` (à ${km(issue.prochaine.distanceKm)})` : ''}.
            </p>
          ) : null}
          {pistes.length ? (
            <ul class="fr-mb-0">
              {pistes.map((x) => (
                <li>
                  <a href={`/trouver?${queryString(sansGroupe(f, x.cle))}`}>
                    Voir {x.compte > COMPTE_MAX ? `plus de ${COMPTE_MAX} lieux` : x.compte > 1 ? `les ${x.compte} lieux` : 'le lieu'} à moins de {SEUIL_PROCHE_KM} km sans {nomGroupe(f, x.cle)}
                  </a>
                </li>
              ))}
            </ul>
          ) : puces.length ? (
            <p class="fr-callout__text fr-text--md fr-mb-0">
              <a href={`/trouver?${queryString({ ...f, ...SANS_FILTRES })}`}>Voir les lieux sans aucun filtre</a>
            </p>
          ) : null}
        </div>
      ) : null}
      {p.carte && issue.resultats.length ? (
        <div class="fr-mb-2w">
          <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm cn-js-only" id="afficher-carte" hidden data-tiles={p.carte.tiles} data-attribution={p.carte.attribution}>
            Afficher la carte
          </button>
          <div id="carte" class="cn-carte" hidden></div>
        </div>
      ) : null}
      {proches.length ? (
        <ol class="cn-resultats" aria-labelledby="resultats-titre">
          {proches.map((r) => (
            <CarteLieu r={r} now={p.now} />
          ))}
        </ol>
      ) : null}
      {loin.length ? (
        <>
          <h2 class="fr-h5 fr-mt-4w fr-mb-1v" id="plus-loin-titre">
            Plus loin
          </h2>
          <p class="fr-hint-text">
            À {loin[0]!.distanceKm !== null ? `${km(loin[0]!.distanceKm)} et plus` : 'plus grande distance'} de {issue.origine}
          </p>
          <ol class="cn-resultats cn-resultats--loin" aria-labelledby="plus-loin-titre">
            {loin.map((r) => (
              <CarteLieu r={r} now={p.now} />
            ))}
          </ol>
        </>
      ) : null}
      {issue.page > 1 || issue.hasNext ? (
        <nav role="navigation" class="fr-pagination" aria-label="Pagination des résultats">
          <ul class="fr-pagination__list">
            {issue.page > 1 ? (
              <li>
                <a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" href={`${base}&page=${issue.page - 1}`}>
                  Lieux précédents
                </a>
              </li>
            ) : null}
            {issue.hasNext ? (
              <li>
                <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href={`${base}&page=${issue.page + 1}`}>
                  Lieux suivants
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </>
  );
}

function CarteLieu({ r, now }: { r: Resultat; now: Date }) {
  const l = r.lieu;
  const s = statutHoraires(l.horaires, now);
  return (
    <li class="cn-lieu" data-lat={l.latitude ?? undefined} data-lng={l.longitude ?? undefined} data-nom={l.nom} data-id={l.id}>
      <h3 class="fr-h6 fr-mb-1v">
        <a href={`/lieux/${l.id}`}>{l.nom}</a>
      </h3>
      <p class="fr-mb-1v">
        {l.adresse}, {l.code_postal} {l.commune}
        {r.distanceKm !== null ? <strong> · à {km(r.distanceKm)}</strong> : null}
      </p>
      <p class={`fr-mb-1v cn-statut cn-statut--${s.etat}`}>{s.texte}</p>
      {l.services.length ? <p class="fr-mb-1v fr-text--sm">{l.services.join(' · ')}</p> : null}
      {l.modalites_acces.length ? <p class="fr-mb-1v fr-text--sm">Accès : {l.modalites_acces.join(', ').toLowerCase()}</p> : null}
      <p class="fr-mb-0 fr-text--sm">
        {l.telephone ? (
          <a href={telHref(l.telephone)}>
            <span class="fr-sr-only">Téléphone de {l.nom} : </span>
            {telLisible(l.telephone)}
          </a>
        ) : null}
        {l.telephone && l.prise_rdv ? ' · ' : null}
        {l.prise_rdv ? (
          <a href={l.prise_rdv} rel="noopener">
            Prendre rendez-vous<span class="fr-sr-only"> à {l.nom} (site externe)</span>
          </a>
        ) : null}
      </p>
    </li>
  );
}

/** schema.org Place, as JSON-LD (data, not script: the CSP does not concern it). */
export function jsonLd(l: LieuV1, url: string): string {
  const data = {
    '@context': 'https://schema.org',
    '@type': 'Place',
    '@id': url,
    url,
    name: l.nom,
    description: l.presentation_resume ?? undefined,
    address: {
      '@type': 'PostalAddress',
      streetAddress: [l.adresse, l.complement_adresse].filter(Boolean).join(', '),
      postalCode: l.code_postal,
      addressLocality: l.commune,
      addressCountry: 'FR',
    },
    geo: l.latitude !== null ? { '@type': 'GeoCoordinates', latitude: l.latitude, longitude: l.longitude } : undefined,
    telephone: l.telephone ?? undefined,
    email: l.courriels[0],
    sameAs: l.site_web.length ? l.site_web : undefined,
    openingHours: l.horaires ?? undefined,
    isAccessibleForFree: l.frais_a_charge.includes('Gratuit') ? true : undefined,
  };
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

/** A list of terms and their descriptions; empty values are left out (a description may be links). */
function Dl({ items }: { items: [string, ComponentChildren | string[] | null | undefined][] }) {
  const kept = items.filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0));
  if (!kept.length) return null;
  return (
    <dl class="cn-dl">
      {kept.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(' · ') : v}</dd>
        </>
      ))}
    </dl>
  );
}

/** https://www.exemple.fr/page/ → www.exemple.fr/page (what a person reads, and types). */
export function siteLisible(url: string): string {
  return url.replace(/^https?:\/\//i, '').replace(/\/$/, '');
}

/** Directions to the place on OpenStreetMap (a plain external link: the start is asked there). */
export function itineraireHref(lat: number, lon: number): string {
  return `https://www.openstreetmap.org/directions?route=%3B${lat}%2C${lon}#map=16/${lat}/${lon}`;
}

function Liens(p: { items: { href: string; texte: string; sr?: string }[] }) {
  return (
    <ul class="cn-liens">
      {p.items.map((x) => (
        <li>
          <a href={x.href} rel={x.href.startsWith('http') ? 'noopener' : undefined}>
            {x.texte}
            {x.sr ? <span class="fr-sr-only">{x.sr}</span> : null}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function LieuPage(p: { ctx: PageContext; l: LieuV1; publicUrl: string; conseillers: ConseillerPresent[]; canEdit: boolean; visible: boolean; now: Date }) {
  const { l } = p;
  const statut = statutHoraires(l.horaires, p.now);
  const semaine = semaineHoraires(l.horaires, p.now);
  const situe = l.latitude !== null && l.longitude !== null;
  const osm = situe ? `https://www.openstreetmap.org/?mlat=${l.latitude}&mlon=${l.longitude}#map=18/${l.latitude}/${l.longitude}` : null;
  const miseAJour = dateFrancaise(l.date_maj);
  return (
    <Layout ctx={p.ctx} title={l.nom} head={<LieuxHead />} publicPage>
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd(l, `${p.publicUrl}/lieux/${l.id}`) }} />
      <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
        <ol class="fr-breadcrumb__list">
          <li>
            <a class="fr-breadcrumb__link" href={`/trouver?commune=${l.code_insee ?? ''}&q=${encodeURIComponent(l.commune)}`}>
              Trouver un lieu
            </a>
          </li>
          <li>
            <a class="fr-breadcrumb__link" href={`/lieux/${l.id}`} aria-current="page">
              {l.nom}
            </a>
          </li>
        </ol>
      </nav>
      <h1>{l.nom}</h1>
      {!p.visible ? <p class="fr-badge fr-badge--warning">Non visible sur la recherche publique</p> : null}
      {p.canEdit ? (
        <p>
          <a class="fr-btn fr-btn--secondary fr-btn--sm" href={`/lieux/${l.id}/modifier`}>
            Modifier ce lieu
          </a>
        </p>
      ) : null}
      <p class={`fr-text--lg cn-statut cn-statut--${statut.etat}`}>{statut.texte}</p>
      {l.presentation_resume ? <p class="fr-text--lead">{l.presentation_resume}</p> : null}
      {l.presentation_detail ? <p>{l.presentation_detail}</p> : null}
      {l.prise_rdv ? (
        <p>
          <a class="fr-btn" href={l.prise_rdv} rel="noopener">
            Prendre rendez-vous<span class="fr-sr-only"> (site externe)</span>
          </a>
        </p>
      ) : null}
      <h2 class="fr-h4">Adresse et contact</h2>
      <address class="fr-mb-2w cn-adresse">
        {l.adresse}
        {l.complement_adresse ? (
          <>
            <br />
            {l.complement_adresse}
          </>
        ) : null}
        <br />
        {l.code_postal} {l.commune}
      </address>
      {situe ? (
        <Liens
          items={[
            { href: itineraireHref(l.latitude!, l.longitude!), texte: "Calculer l'itinéraire", sr: ' vers ce lieu (OpenStreetMap, site externe)' },
            { href: osm!, texte: 'Voir sur la carte', sr: ' OpenStreetMap (site externe)' },
          ]}
        />
      ) : null}
      <Dl
        items={[
          [
            'Téléphone',
            l.telephone ? (
              <a href={telHref(l.telephone)}>
                <span class="fr-sr-only">Appeler le </span>
                {telLisible(l.telephone)}
              </a>
            ) : null,
          ],
          [
            l.courriels.length > 1 ? 'Adresses électroniques' : 'Adresse électronique',
            l.courriels.length ? (
              <>
                {l.courriels.map((c, i) => (
                  <>
                    {i ? ' · ' : null}
                    <a href={`mailto:${c}`}>{c}</a>
                  </>
                ))}
              </>
            ) : null,
          ],
          [
            l.site_web.length > 1 ? 'Sites internet' : 'Site internet',
            l.site_web.length ? (
              <>
                {l.site_web.map((u, i) => (
                  <>
                    {i ? ' · ' : null}
                    <a href={u} rel="noopener">
                      {siteLisible(u)}
                      <span class="fr-sr-only"> (site externe)</span>
                    </a>
                  </>
                ))}
              </>
            ) : null,
          ],
          ['Accès', l.modalites_acces.length ? l.modalites_acces.join(', ') : null],
          [
            'Accessibilité',
            l.fiche_acces_libre ? (
              <a href={l.fiche_acces_libre} rel="noopener">
                Fiche Accès libre<span class="fr-sr-only"> de ce lieu (site externe)</span>
              </a>
            ) : null,
          ],
        ]}
      />
      <h2 class="fr-h4">Quand venir</h2>
      {semaine ? (
        <div class="fr-table">
          <table>
            <caption>Horaires de la semaine</caption>
            <thead>
              <tr>
                <th scope="col">Jour</th>
                <th scope="col">Ouverture</th>
              </tr>
            </thead>
            <tbody>
              {semaine.map((j) => (
                <tr class={j.aujourdhui ? 'cn-aujourdhui' : undefined}>
                  <th scope="row">
                    {j.jour} {j.date}
                    {j.aujourdhui ? " (aujourd'hui)" : ''}
                  </th>
                  <td>{j.plages.length ? j.plages.join(', ') : 'Fermé'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>Horaires non communiqués : appelez avant de vous déplacer.</p>
      )}
      {p.conseillers.length ? (
        <>
          <h2 class="fr-h4">Conseillers numériques présents</h2>
          <ul>
            {p.conseillers.map((c) => (
              <li>
                {c.prenom} {c.nom}
                {c.creneaux.length ? ` : ${c.creneaux.map((x) => CRENEAUX.find((k) => k.code === x)?.label ?? x).join(', ')}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 class="fr-h4">Services et accompagnement</h2>
      <Dl
        items={[
          ['Services proposés', l.services],
          ['Comment se passe l’accompagnement', l.modalites_accompagnement],
          ['Un accueil pensé pour', l.publics_specifiquement_adresses],
          ['Un accompagnement adapté en cas de', l.prise_en_charge_specifique],
          ['Prix', l.frais_a_charge],
          ['Lieu fixe ou itinérant', l.itinerance.map((v) => (v === 'Fixe' ? 'Lieu fixe' : v === 'Itinérant' ? 'Itinérant (bus, permanence mobile)' : v))],
          ['Dispositifs nationaux', l.dispositif_programmes_nationaux],
          ['Labels et formations', [...l.formations_labels, ...l.autres_formations_labels]],
        ]}
      />
      {miseAJour ? <p class="fr-text--sm cn-maj">Informations mises à jour le {miseAJour}.</p> : null}
    </Layout>
  );
}
