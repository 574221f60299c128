import { Layout, type PageContext } from '../../platform/views/layout.js';
import type { Commune } from '../../territoires/territoires.js';
import { statutHoraires, semaineHoraires } from '../horaires.js';
import type { ConseillerPresent } from '../lieux.js';
import type { Resultat } from '../recherche.js';
import { FIELD_LABELS, PRISE_EN_CHARGE_SPECIFIQUE, PUBLICS_SPECIFIQUEMENT_ADRESSES, SERVICES, type LieuV1 } from '../standard.js';
import { CRENEAUX } from './creneaux.js';

/** The finder's style sheet, and its small script (an enhancement: « Autour de moi », the map on demand). */
function LieuxHead(p: { script?: boolean }) {
  return (
    <>
      <link rel="stylesheet" href="/static/lieux.css" />
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
  | { kind: 'resultats'; origine: string; approx: boolean; resultats: Resultat[]; page: number; hasNext: boolean; choix: Commune[] }
  | { kind: 'choix'; communes: Commune[] }
  | { kind: 'inconnu'; suggestions: Commune[]; motif?: string };

function km(d: number | null): string {
  if (d === null) return '';
  return d < 1 ? `${Math.round(d * 1000 / 10) * 10} m` : `${d < 10 ? d.toFixed(1).replace('.', ',') : Math.round(d)} km`;
}

export function telHref(t: string): string {
  return `tel:${t}`;
}

/** +33387000000 → 03 87 00 00 00 (French numbers), others as they are. */
export function telLisible(t: string): string {
  const m = /^\+33(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(t);
  return m ? `0${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]}` : t;
}

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

function Cases(p: { name: string; legend: string; values: readonly string[]; checked: string[] }) {
  return (
    <fieldset class="fr-fieldset" id={`filtre-${p.name}`} aria-labelledby={`filtre-${p.name}-legende`}>
      <legend class="fr-fieldset__legend fr-text--regular" id={`filtre-${p.name}-legende`}>
        {p.legend}
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

export function TrouverPage(p: { ctx: PageContext; f: RechercheForm; issue: Issue; carte: { tiles: string; attribution: string } | null; now: Date }) {
  const { f, issue } = p;
  const filtresActifs = f.services.length + f.publics.length + f.pec.length + (f.gratuit ? 1 : 0) + (f.ouvert ? 1 : 0) + (f.itinerance ? 1 : 0);
  const title = issue.kind === 'resultats' ? `Lieux près de ${issue.origine}` : 'Trouver un lieu';
  return (
    <Layout ctx={p.ctx} title={title} wide head={<LieuxHead script />}>
      <h1>Trouver un lieu pour être accompagné au numérique</h1>
      {issue.kind === 'resultats' ? (
        <p class="fr-mb-2w">
          <a class="fr-link" href="#resultats-titre">
            Aller aux résultats
          </a>
        </p>
      ) : null}
      <form method="get" action="/trouver" role="search" id="recherche" class="fr-mb-4w">
        <div class="fr-input-group">
          <label class="fr-label" for="q">
            Commune, code postal ou adresse
            <span class="fr-hint-text">Par exemple : Forbach, 57460 ou 1 place d'Armes Metz</span>
          </label>
          <input class="fr-input" type="search" id="q" name="q" value={f.q} autocomplete="address-level2" maxLength={200} />
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button class="fr-btn" type="submit">
              Rechercher
            </button>
          </li>
          <li>
            <button class="fr-btn fr-btn--secondary fr-icon-map-pin-2-line fr-btn--icon-left cn-js-only" type="button" id="autour-de-moi" hidden>
              Autour de moi
            </button>
          </li>
        </ul>
        <p id="autour-de-moi-etat" class="fr-hint-text" role="status"></p>
        <details class="fr-mb-2w" open={filtresActifs > 0}>
          <summary>Filtrer{filtresActifs ? ` (${filtresActifs} filtre${filtresActifs > 1 ? 's' : ''})` : ''}</summary>
          <Cases name="services" legend="Besoin (au moins un)" values={SERVICES} checked={f.services} />
          <Cases name="publics" legend="Publics spécifiquement accueillis" values={PUBLICS_SPECIFIQUEMENT_ADRESSES} checked={f.publics} />
          <Cases name="pec" legend="Accompagnement adapté" values={PRISE_EN_CHARGE_SPECIFIQUE} checked={f.pec} />
          <fieldset class="fr-fieldset" aria-labelledby="filtre-autres-legende">
            <legend class="fr-fieldset__legend fr-text--regular" id="filtre-autres-legende">
              Autres critères
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
              Lieu fixe ou itinérant
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
  return (
    <>
      {issue.choix.length > 1 ? <ChoixCommunes communes={issue.choix} f={f} titre="Préciser la commune" /> : null}
      {/* The focus lands here after a search (no script needed): the results, not the top of the page. */}
      <h2 class="fr-h4" id="resultats-titre" tabindex={-1} autofocus>
        {issue.resultats.length === 0
          ? `Aucun lieu trouvé près de ${issue.origine}`
          : `Lieux les plus proches de ${issue.origine}${issue.page > 1 ? ` · page ${issue.page}` : ''}`}
      </h2>
      {issue.approx ? <p class="fr-hint-text">Distances approchées : le centre exact de cette commune n'est pas connu.</p> : null}
      {issue.resultats.length === 0 ? <p>Essayez avec moins de filtres.</p> : null}
      {p.carte && issue.resultats.length ? (
        <div class="fr-mb-2w">
          <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm cn-js-only" id="afficher-carte" hidden data-tiles={p.carte.tiles} data-attribution={p.carte.attribution}>
            Afficher la carte
          </button>
          <div id="carte" class="cn-carte" hidden></div>
        </div>
      ) : null}
      <ol class="cn-resultats" aria-labelledby="resultats-titre">
        {issue.resultats.map((r) => (
          <CarteLieu r={r} now={p.now} />
        ))}
      </ol>
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

function Dl({ items }: { items: [string, unknown][] }) {
  const kept = items.filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0));
  if (!kept.length) return null;
  return (
    <dl class="cn-dl">
      {kept.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{Array.isArray(v) ? v.join(' · ') : (v as string)}</dd>
        </>
      ))}
    </dl>
  );
}

export function LieuPage(p: { ctx: PageContext; l: LieuV1; publicUrl: string; conseillers: ConseillerPresent[]; canEdit: boolean; visible: boolean; now: Date }) {
  const { l } = p;
  const statut = statutHoraires(l.horaires, p.now);
  const semaine = semaineHoraires(l.horaires, p.now);
  const osm = l.latitude !== null ? `https://www.openstreetmap.org/?mlat=${l.latitude}&mlon=${l.longitude}#map=18/${l.latitude}/${l.longitude}` : null;
  return (
    <Layout ctx={p.ctx} title={l.nom} head={<LieuxHead />}>
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd(l, `${p.publicUrl}/lieux/${l.id}`) }} />
      <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
        <ol class="fr-breadcrumb__list">
          <li>
            <a class="fr-breadcrumb__link" href={`/trouver?commune=${l.code_insee ?? ''}&q=${encodeURIComponent(l.commune)}`}>
              Trouver un lieu
            </a>
          </li>
          <li>
            <a class="fr-breadcrumb__link" aria-current="page">
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
      <h2 class="fr-h4">Adresse et contact</h2>
      <address class="fr-mb-2w">
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
      {osm ? (
        <p>
          <a href={osm} rel="noopener">
            Voir sur la carte OpenStreetMap<span class="fr-sr-only"> (site externe)</span>
          </a>
        </p>
      ) : null}
      <Dl
        items={[
          [FIELD_LABELS.telephone, l.telephone ? telLisible(l.telephone) : null],
          [FIELD_LABELS.courriels, l.courriels],
          [FIELD_LABELS.site_web, l.site_web],
          [FIELD_LABELS.modalites_acces, l.modalites_acces],
          [FIELD_LABELS.prise_rdv, l.prise_rdv],
          [FIELD_LABELS.fiche_acces_libre, l.fiche_acces_libre],
        ]}
      />
      <h2 class="fr-h4">Horaires</h2>
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
      {l.horaires ? (
        <p class="fr-hint-text">
          Au format OpenStreetMap : <code>{l.horaires}</code>
        </p>
      ) : null}
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
          [FIELD_LABELS.services, l.services],
          [FIELD_LABELS.modalites_accompagnement, l.modalites_accompagnement],
          [FIELD_LABELS.publics_specifiquement_adresses, l.publics_specifiquement_adresses],
          [FIELD_LABELS.prise_en_charge_specifique, l.prise_en_charge_specifique],
          [FIELD_LABELS.frais_a_charge, l.frais_a_charge],
          [FIELD_LABELS.itinerance, l.itinerance],
          [FIELD_LABELS.dispositif_programmes_nationaux, l.dispositif_programmes_nationaux],
          [FIELD_LABELS.formations_labels, l.formations_labels],
          [FIELD_LABELS.autres_formations_labels, l.autres_formations_labels],
          [FIELD_LABELS.typologie, l.typologie],
          [FIELD_LABELS.structure_parente, l.structure_parente],
          [FIELD_LABELS.pivot, /^0+$/.test(l.pivot) ? null : l.pivot],
          [FIELD_LABELS.source, l.source],
          [FIELD_LABELS.date_maj, l.date_maj],
        ]}
      />
    </Layout>
  );
}
