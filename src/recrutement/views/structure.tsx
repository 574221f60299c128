import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Alert, Breadcrumb, Csrf, ErrorSummary, Input, Select, formatDateTime, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { commune } from '../../territoires/territoires.js';
import { DISTANCES_KM, formatEuros, MOTIFS_RUPTURE, SITUATIONS, STATUTS_CANDIDAT, STATUTS_MER, TYPES_CONTRAT, type Situation, type StatutMer } from '../regles.js';
import type { LigneCandidat } from '../lecture.js';
import { STATUTS_COORDONNEES } from '../lecture.js';
import type { Contrat } from '../recrutement.js';
import { fr, statutContrat } from './format.js';

const km = (m: number) => `${(m / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} km`;
const statutLabel = (s: string) => STATUTS_MER[s as StatutMer] ?? s;
const situationsLabel = (xs: string[]) => xs.map((s) => SITUATIONS[s as Situation] ?? s).join(', ');

export interface RecrutementView {
  ctx: PageContext;
  structure: { id: string; nom: string; postes: number; occupes: number } | null;
  structures: { id: string; nom: string }[];
  rows: LigneCandidat[];
  counts: Record<string, number>;
  filtres: FormValues;
  query: string;
  page: number;
  hasNext: boolean;
}

export function RecrutementPage(p: RecrutementView) {
  const s = p.structure;
  const f = p.filtres;
  return (
    <Layout ctx={p.ctx} title="Recruter des conseillers" wide>
      <h1>Recruter des conseillers numériques</h1>
      {!s ? (
        <Alert type="info" title="Pas encore de poste à pourvoir">
          <p>
            Votre structure recrutera dès que sa candidature sera validée en comité de sélection. Les candidats de votre secteur apparaîtront alors ici, triés par
            distance.
          </p>
        </Alert>
      ) : (
        <>
          {p.structures.length > 1 ? (
            <p>
              Structure :{' '}
              {p.structures.map((x, i) => (
                <>
                  {i ? ' · ' : ''}
                  {x.id === s.id ? <strong>{x.nom}</strong> : <a href={`/recrutement?structure=${x.id}`}>{x.nom}</a>}
                </>
              ))}
            </p>
          ) : null}
          <p>
            <strong>{s.nom}</strong> : {s.postes} poste{s.postes > 1 ? 's' : ''} validé{s.postes > 1 ? 's' : ''}, {s.occupes} recrutement{s.occupes > 1 ? 's' : ''} en cours
            ou validé{s.occupes > 1 ? 's' : ''}, {Math.max(0, s.postes - s.occupes)} à pourvoir.
          </p>
          <p>
            Les coordonnées et le CV d'un candidat s'affichent quand vous le présélectionnez. {p.counts.nouvelle ?? 0} nouvelle{(p.counts.nouvelle ?? 0) > 1 ? 's' : ''} mise
            {(p.counts.nouvelle ?? 0) > 1 ? 's' : ''} en relation, {p.counts.interessee ?? 0} présélectionné·e{(p.counts.interessee ?? 0) > 1 ? 's' : ''}.
          </p>
          <form method="get" action="/recrutement" class="fr-mb-3w">
            <input type="hidden" name="structure" value={s.id} />
            <div class="fr-grid-row fr-grid-row--gutters">
              <div class="fr-col-12 fr-col-md-3">
                <Select name="situation" label="Situation" options={Object.entries(SITUATIONS).map(([value, label]) => ({ value, label }))} values={f} placeholder="Toutes" />
              </div>
              <div class="fr-col-12 fr-col-md-3">
                <Select
                  name="pix"
                  label="Palier Pix au moins"
                  options={[
                    { value: '1', label: 'Palier 1' },
                    { value: '2', label: 'Palier 2' },
                    { value: '3', label: 'Palier 3' },
                  ]}
                  values={f}
                  placeholder="Indifférent"
                />
              </div>
              <div class="fr-col-12 fr-col-md-3">
                <Input name="disponible" label="Disponible au plus tard le" type="date" values={f} />
              </div>
              <div class="fr-col-12 fr-col-md-3">
                <Select name="distance" label="Distance au plus" options={DISTANCES_KM.filter((d) => d < 2000).map((d) => ({ value: String(d), label: `${d} km` }))} values={f} placeholder="Toutes" />
              </div>
              <div class="fr-col-12 fr-col-md-4">
                <Select name="statut" label="Étape" options={Object.entries(STATUTS_MER).map(([value, label]) => ({ value, label: `${label} (${p.counts[value] ?? 0})` }))} values={f} placeholder="En cours (sans les écartés)" />
              </div>
            </div>
            <button class="fr-btn fr-mt-2w" type="submit">
              Filtrer
            </button>
          </form>
          {p.rows.length === 0 ? (
            <p>Aucun candidat ne correspond à ces critères pour le moment.</p>
          ) : (
            <div class="fr-table cn-table-scroll">
              <table>
                <caption>Candidats, du plus proche au plus éloigné</caption>
                <thead>
                  <tr>
                    <th scope="col">Candidat</th>
                    <th scope="col">Distance</th>
                    <th scope="col">Commune</th>
                    <th scope="col">Situation</th>
                    <th scope="col">Pix</th>
                    <th scope="col">Disponible le</th>
                    <th scope="col">Étape</th>
                  </tr>
                </thead>
                <tbody>
                  {p.rows.map(({ mer, candidat }) => (
                    <tr>
                      <td>
                        <a href={`/recrutement/${mer.id}`}>{STATUTS_COORDONNEES.includes(mer.statut) ? `${candidat.prenom} ${candidat.nom}` : `${candidat.prenom} ${candidat.nom.slice(0, 1)}.`}</a>
                      </td>
                      <td>{km(mer.distanceM)}</td>
                      <td>{commune(candidat.communeInsee)?.nom ?? candidat.communeInsee}</td>
                      <td>{situationsLabel(candidat.situations)}</td>
                      <td>{candidat.pixPalier ?? '—'}</td>
                      <td>{fr(candidat.dateDisponibilite)}</td>
                      <td>{statutLabel(mer.statut)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {p.page > 1 || p.hasNext ? (
            <p>
              {p.page > 1 ? <a href={`/recrutement${p.query}${p.query ? '&' : '?'}page=${p.page - 1}`}>Page précédente</a> : null} {p.hasNext ? <a href={`/recrutement${p.query}${p.query ? '&' : '?'}page=${p.page + 1}`}>Page suivante</a> : null}
            </p>
          ) : null}
        </>
      )}
    </Layout>
  );
}

export interface CandidatView {
  ctx: PageContext;
  ligne: LigneCandidat & { contrats: Contrat[] };
  structureNom: string;
  smicCentimes: number;
  errors?: FieldErrors;
  values?: FormValues;
  form?: string;
}

function ContratForm(p: { action: string; values: FormValues; errors?: FieldErrors; bouton: string; csrf: string; smic: number }) {
  return (
    <form method="post" action={p.action} class="fr-mb-3w">
      <Csrf token={p.csrf} />
      <Select name="type" label="Type de contrat" options={Object.entries(TYPES_CONTRAT).map(([value, label]) => ({ value, label }))} values={p.values} errors={p.errors} required />
      <Input name="date_debut" label="Début" type="date" values={p.values} errors={p.errors} required cls="cn-champ-court" />
      <Input name="date_fin" label="Fin" hint="Sauf pour un CDI." type="date" values={p.values} errors={p.errors} cls="cn-champ-court" />
      <Input name="salaire" label="Salaire brut mensuel (€)" hint={`Au moins le SMIC : ${formatEuros(p.smic)}.`} inputMode="text" values={p.values} errors={p.errors} required maxLength={12} cls="cn-champ-court" />
      <div class="fr-checkbox-group fr-mb-2w">
        <input type="checkbox" id="champ-coordinateur" name="coordinateur" value="oui" checked={p.values.coordinateur === 'oui'} />
        <label class="fr-label" for="champ-coordinateur">
          Contrat de coordinateur (poste de coordinateur accordé)
        </label>
      </div>
      <button class="fr-btn" type="submit">
        {p.bouton}
      </button>
    </form>
  );
}

export function CandidatPage(p: CandidatView) {
  const { mer, candidat, contrats } = p.ligne;
  const voit = STATUTS_COORDONNEES.includes(mer.statut);
  const csrf = p.ctx.csrf;
  const v = (name: string) => (p.form === name ? (p.values ?? {}) : {});
  const e = (name: string) => (p.form === name ? p.errors : undefined);
  const courant = contrats.find((c) => c.statut === 'valide');
  const saisi = contrats.find((c) => c.statut === 'saisi');
  const titre = voit ? `${candidat.prenom} ${candidat.nom}` : `${candidat.prenom} ${candidat.nom.slice(0, 1)}.`;
  return (
    <Layout ctx={p.ctx} title={`Candidat · ${titre}`}>
      <Breadcrumb trail={[{ href: `/recrutement?structure=${mer.structureId}`, label: 'Recruter' }]} current={{ href: `/recrutement/${mer.id}`, label: titre }} />
      <h1>{titre}</h1>
      <p>
        <span class="fr-badge fr-badge--sm fr-badge--no-icon">{statutLabel(mer.statut)}</span> · à {km(mer.distanceM)} de {p.structureNom} · candidature{' '}
        {STATUTS_CANDIDAT[candidat.statut as keyof typeof STATUTS_CANDIDAT]?.toLowerCase() ?? candidat.statut}
      </p>
      <ErrorSummary errors={p.errors} />
      <dl>
        <dt class="fr-text--bold">Commune</dt>
        <dd>{commune(candidat.communeInsee)?.nom ?? candidat.communeInsee}</dd>
        <dt class="fr-text--bold">Situation</dt>
        <dd>
          {situationsLabel(candidat.situations)}
          {candidat.diplome ? ` (${candidat.diplome})` : ''}
        </dd>
        <dt class="fr-text--bold">Disponible à partir du</dt>
        <dd>{fr(candidat.dateDisponibilite)}</dd>
        <dt class="fr-text--bold">Palier Pix</dt>
        <dd>{candidat.pixPalier ?? 'Non communiqué'}</dd>
        <dt class="fr-text--bold">Motivation</dt>
        <dd style="white-space: pre-line">{candidat.motivation}</dd>
        {voit ? (
          <>
            <dt class="fr-text--bold">Coordonnées</dt>
            <dd>
              {candidat.email} · {candidat.telephone}
            </dd>
            <dt class="fr-text--bold">CV</dt>
            <dd>{candidat.cvFichierId ? <a href={`/recrutement/${mer.id}/cv`}>Télécharger le CV (PDF)</a> : 'Pas de CV déposé'}</dd>
          </>
        ) : null}
      </dl>
      {!voit ? <p>Présélectionnez ce candidat pour voir ses coordonnées et son CV : il en sera informé.</p> : null}

      {['nouvelle', 'nonInteressee', 'interessee'].includes(mer.statut) ? (
        <ul class="fr-btns-group fr-btns-group--inline-md">
          {mer.statut !== 'interessee' ? (
            <li>
              <form method="post" action={`/recrutement/${mer.id}/statut`}>
                <Csrf token={csrf} />
                <input type="hidden" name="statut" value="interessee" />
                <button class="fr-btn" type="submit">
                  Présélectionner
                </button>
              </form>
            </li>
          ) : null}
          {mer.statut !== 'nonInteressee' ? (
            <li>
              <form method="post" action={`/recrutement/${mer.id}/statut`}>
                <Csrf token={csrf} />
                <input type="hidden" name="statut" value="nonInteressee" />
                <button class="fr-btn fr-btn--secondary" type="submit">
                  Écarter ce candidat
                </button>
              </form>
            </li>
          ) : null}
        </ul>
      ) : null}

      {mer.statut === 'interessee' ? (
        <>
          <h2>Saisir le contrat</h2>
          <ContratForm action={`/recrutement/${mer.id}/contrat`} values={v('contrat')} errors={e('contrat')} bouton="Enregistrer le contrat" csrf={csrf} smic={p.smicCentimes} />
        </>
      ) : null}

      {saisi ? (
        <Alert type="info" title="Contrat en attente de validation par l'ANCT">
          <p>
            {TYPES_CONTRAT[saisi.type as keyof typeof TYPES_CONTRAT]} du {fr(saisi.dateDebut)}
            {saisi.dateFin ? ` au ${fr(saisi.dateFin)}` : ''}, {formatEuros(saisi.salaireCentimes)} brut par mois{saisi.coordinateur ? ', coordinateur' : ''}.
          </p>
          {mer.statut === 'recrutee' ? (
            <form method="post" action={`/recrutement/${mer.id}/contrat/annuler`}>
              <Csrf token={csrf} />
              <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit">
                Annuler ce contrat
              </button>
            </form>
          ) : null}
        </Alert>
      ) : null}

      {courant ? (
        <>
          <h2>Contrat en cours</h2>
          <p>
            {TYPES_CONTRAT[courant.type as keyof typeof TYPES_CONTRAT]} depuis le {fr(courant.dateDebut)}
            {courant.dateFin ? `, jusqu'au ${fr(courant.dateFin)}` : ''}, {formatEuros(courant.salaireCentimes)} brut par mois. Validé le {formatDateTime(courant.valideLe)}.
          </p>
          {courant.ruptureDate ? (
            <Alert type="warning" title={`Rupture déclarée au ${fr(courant.ruptureDate)}`}>
              <p>
                Motif : {MOTIFS_RUPTURE[courant.ruptureMotif as keyof typeof MOTIFS_RUPTURE] ?? courant.ruptureMotif}. Pièces : {courant.ruptureDocuments === 'complet' ? 'complètes' : 'en attente'}. En attente de
                validation par l'ANCT.
              </p>
              {courant.ruptureDocuments !== 'complet' ? (
                <form method="post" action={`/recrutement/${mer.id}/rupture/documents`}>
                  <Csrf token={csrf} />
                  <button class="fr-btn fr-btn--secondary fr-btn--sm" type="submit">
                    Les pièces sont complètes
                  </button>
                </form>
              ) : null}
            </Alert>
          ) : null}
          {mer.statut === 'finalisee' ? (
            <>
              <h3>Déclarer une rupture</h3>
              <form method="post" action={`/recrutement/${mer.id}/rupture`} class="fr-mb-3w">
                <Csrf token={csrf} />
                <Input name="date" label="Date de la rupture" type="date" values={v('rupture')} errors={e('rupture')} required cls="cn-champ-court" />
                <Select name="motif" label="Motif" options={Object.entries(MOTIFS_RUPTURE).map(([value, label]) => ({ value, label }))} values={v('rupture')} errors={e('rupture')} required />
                <div class="fr-checkbox-group fr-mb-2w">
                  <input type="checkbox" id="champ-documents" name="documents" value="complet" />
                  <label class="fr-label" for="champ-documents">
                    Les pièces justificatives sont complètes
                  </label>
                </div>
                <button class="fr-btn fr-btn--secondary" type="submit">
                  Déclarer la rupture
                </button>
              </form>
              {courant.dateFin ? (
                <>
                  <h3>Prolonger le contrat</h3>
                  <form method="post" action={`/recrutement/${mer.id}/prolongation`} class="fr-mb-3w">
                    <Csrf token={csrf} />
                    <Input name="date_fin" label="Nouvelle date de fin" type="date" values={v('prolongation')} errors={e('prolongation')} required cls="cn-champ-court" />
                    <button class="fr-btn fr-btn--secondary" type="submit">
                      Prolonger
                    </button>
                  </form>
                  <h3>Renouveler (nouveau contrat)</h3>
                  <ContratForm action={`/recrutement/${mer.id}/renouvellement`} values={v('renouvellement')} errors={e('renouvellement')} bouton="Enregistrer le renouvellement" csrf={csrf} smic={p.smicCentimes} />
                </>
              ) : null}
            </>
          ) : null}
        </>
      ) : null}

      {contrats.length ? (
        <>
          <h2>Historique des contrats</h2>
          <ul>
            {contrats.map((c) => (
              <li>
                {TYPES_CONTRAT[c.type as keyof typeof TYPES_CONTRAT]} du {fr(c.dateDebut)}
                {c.dateFin ? ` au ${fr(c.dateFin)}` : ''} — {statutContrat(c)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Layout>
  );
}
