import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Alert, Breadcrumb, Csrf, ErrorSummary, Input, Select, formatDateTime, formatNumber, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { Pager } from '../../comptes/views/admin.js';
import { commune, departement } from '../../territoires/territoires.js';
import { STRUCTURE_TYPES } from '../../structures/structures.js';
import type { StructureDocument } from '../../structures/documents.js';
import { AVIS_PREFET, LIMITES, MOTIFS_RETRAIT, prochaineEtape, STATUTS, STATUTS_AVENANT, type Statut } from '../regles.js';
import type { Dossier, Evenement } from '../dossiers.js';
import type { Avenant } from '../avenants.js';
import { libelleAvenant } from '../avenants.js';

export const statutLabel = (s: string) => STATUTS[s as Statut] ?? s;
export const typeLabel = (t: string) => STRUCTURE_TYPES[t as keyof typeof STRUCTURE_TYPES] ?? t;
export const communeLabel = (insee: string) => commune(insee)?.nom ?? insee;
export const formatDate = (d: string) => d.split('-').reverse().join('/');

function StatutBadge({ statut }: { statut: string }) {
  const cls =
    statut === 'VALIDATION_COSELEC' ? 'fr-badge--success' : statut === 'REFUS_COSELEC' ? 'fr-badge--error' : statut === 'CREEE' || statut === 'EXAMEN_COMPLEMENTAIRE_COSELEC' ? 'fr-badge--new' : '';
  return <span class={`fr-badge fr-badge--sm fr-badge--no-icon ${cls}`}>{statutLabel(statut)}</span>;
}

export interface ListeFiltres {
  statut: string;
  type: string;
  commune: string;
  departement: string;
  avis: string;
  q: string;
}

export function DossiersPage(p: {
  ctx: PageContext;
  rows: Dossier[];
  counts: { total: number; parStatut: Record<string, number>; attenteAvis: number };
  filtres: ListeFiltres;
  page: number;
  hasNext: boolean;
  departements: string[] | null;
  query: string;
}) {
  const f = p.filtres;
  const values: FormValues = { ...f };
  const statutOptions = Object.entries(STATUTS).map(([value, label]) => ({ value, label: `${label} (${p.counts.parStatut[value] ?? 0})` }));
  const typeOptions = Object.entries(STRUCTURE_TYPES).map(([value, label]) => ({ value, label }));
  return (
    <Layout ctx={p.ctx} title="Candidatures des structures" wide>
      <h1>Candidatures des structures</h1>
      <p>
        {formatNumber(p.counts.total)} dossier{p.counts.total > 1 ? 's' : ''}
        {p.counts.attenteAvis ? `, dont ${formatNumber(p.counts.attenteAvis)} en attente de l'avis du préfet (affichés en premier)` : ''}.
      </p>
      <form method="get" action="/programme/dossiers" class="fr-mb-3w">
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-4">
            <Input name="q" label="Nom, SIRET ou numéro" values={values} maxLength={100} />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select name="statut" label="Statut" options={statutOptions} values={values} placeholder="Tous les statuts" />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select name="type" label="Type de structure" options={typeOptions} values={values} placeholder="Tous les types" />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Input name="commune" label="Commune (nom ou code INSEE)" values={values} maxLength={100} />
          </div>
          {p.departements ? (
            <div class="fr-col-12 fr-col-md-4">
              <Select name="departement" label="Département" options={p.departements.map((c) => ({ value: c, label: `${departement(c)?.nom ?? c} (${c})` }))} values={values} placeholder="Tous les départements" />
            </div>
          ) : null}
          <div class="fr-col-12 fr-col-md-4">
            <Select
              name="avis"
              label="Avis du préfet"
              options={[
                { value: 'non', label: 'Sans avis' },
                { value: 'oui', label: 'Avec avis' },
              ]}
              values={values}
              placeholder="Avec ou sans avis"
            />
          </div>
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-2w">
          <li>
            <button class="fr-btn" type="submit">
              Filtrer
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left" href={`/programme/dossiers/export.csv${p.query}`}>
              Exporter (CSV)
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left" href={`/programme/dossiers/export.xlsx${p.query}`}>
              Exporter (Excel)
            </a>
          </li>
        </ul>
      </form>
      {p.rows.length === 0 ? (
        <p>Aucun dossier ne correspond à ces critères.</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Dossiers de candidature</caption>
            <thead>
              <tr>
                <th scope="col">N°</th>
                <th scope="col">Structure</th>
                <th scope="col">Commune</th>
                <th scope="col">Statut</th>
                <th scope="col">Avis du préfet</th>
                <th scope="col">Postes souhaités</th>
                <th scope="col">Postes validés</th>
                <th scope="col">Déposé le</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((d) => (
                <tr>
                  <td>{d.numero}</td>
                  <td>
                    <a href={`/structures/${d.structureId}/dossier`}>{d.nom}</a>
                    {d.prioritaire ? <span class="fr-badge fr-badge--sm fr-badge--warning fr-ml-1w">prioritaire</span> : null}
                    <br />
                    <span class="fr-text--xs">{typeLabel(d.type)}</span>
                  </td>
                  <td>
                    {communeLabel(d.communeInsee)} ({d.departement})
                  </td>
                  <td>
                    <StatutBadge statut={d.statut} />
                  </td>
                  <td>{d.avisPrefet ? AVIS_PREFET[d.avisPrefet as keyof typeof AVIS_PREFET] : 'En attente'}</td>
                  <td>{d.postesSouhaites}</td>
                  <td>{d.postesValides}</td>
                  <td>{formatDateTime(d.createdAt).split(' à ')[0]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager base={`/programme/dossiers${p.query}`} page={p.page} hasNext={p.hasNext} />
    </Layout>
  );
}

export interface DossierView {
  ctx: PageContext;
  d: Dossier;
  evenements: Evenement[];
  documents: StructureDocument[];
  avenants: Avenant[];
  peutAvis: boolean;
  peutStatut: boolean;
  peutAbandonner: boolean;
  peutAvenant: boolean;
  peutDeciderAvenant: boolean;
  peutDocuments: boolean;
  conseillersEnPoste: number;
  errors?: FieldErrors;
  values?: FormValues;
  /** Which form the errors belong to. */
  form?: string;
}

function Dl(p: { rows: [string, string | number | null | undefined][] }) {
  return (
    <dl class="cn-dl">
      {p.rows.map(([k, v]) => (
        <>
          <dt class="fr-text--bold fr-mb-0">{k}</dt>
          <dd class="fr-mb-2w fr-ml-0">{v === null || v === undefined || v === '' ? '—' : v}</dd>
        </>
      ))}
    </dl>
  );
}

function AvisForm(p: { action: string; values: FormValues; errors?: FieldErrors; legend: string; prefix: string }) {
  const e = p.errors;
  return (
    <form method="post" action={p.action} class="fr-mb-3w">
      <Csrf token={(p.values._csrf as string) ?? ''} />
      <fieldset class={`fr-fieldset${e?.avis ? ' fr-fieldset--error' : ''}`} aria-labelledby={`${p.prefix}-legende`}>
        <legend class="fr-fieldset__legend" id={`${p.prefix}-legende`}>
          {p.legend}
        </legend>
        {(['favorable', 'defavorable'] as const).map((a) => (
          <div class="fr-fieldset__element fr-fieldset__element--inline">
            <div class="fr-radio-group">
              <input type="radio" id={`${p.prefix}-${a}`} name="avis" value={a} checked={p.values.avis === a} />
              <label class="fr-label" for={`${p.prefix}-${a}`}>
                {AVIS_PREFET[a]}
              </label>
            </div>
          </div>
        ))}
        {e?.avis ? (
          <div class="fr-messages-group">
            <p class="fr-message fr-message--error">{e.avis}</p>
          </div>
        ) : null}
      </fieldset>
      <div class={`fr-input-group${e?.commentaire ? ' fr-input-group--error' : ''}`}>
        <label class="fr-label" for={`${p.prefix}-commentaire`}>
          Commentaire
          <span class="fr-hint-text">
            De {LIMITES.commentaireMin} à {LIMITES.commentaire} caractères.
          </span>
        </label>
        <textarea
          class={`fr-input${e?.commentaire ? ' fr-input--error' : ''}`}
          id={`${p.prefix}-commentaire`}
          name="commentaire"
          rows={4}
          maxLength={LIMITES.commentaire}
          aria-describedby={e?.commentaire ? `${p.prefix}-commentaire-erreur` : undefined}
          aria-invalid={e?.commentaire ? 'true' : undefined}
        >
          {p.values.commentaire ?? ''}
        </textarea>
        {e?.commentaire ? (
          <p class="fr-error-text" id={`${p.prefix}-commentaire-erreur`}>
            {e.commentaire}
          </p>
        ) : null}
      </div>
      <button class="fr-btn" type="submit">
        Enregistrer l'avis
      </button>
    </form>
  );
}

export function DossierPage(p: DossierView) {
  const d = p.d;
  const csrfValues = (extra: FormValues = {}) => ({ _csrf: p.ctx.csrf, ...extra });
  const formErrors = (name: string) => (p.form === name ? p.errors : undefined);
  const formValues = (name: string) => (p.form === name ? (p.values ?? {}) : {});
  const enCours = p.avenants.find((a) => a.statut === 'en_cours');
  const aUnAvis = !!d.avisPrefet;
  return (
    <Layout ctx={p.ctx} title={`Dossier n° ${d.numero} · ${d.nom}`} wide>
      <Breadcrumb trail={[{ href: `/structures/${d.structureId}`, label: d.nom }]} current={{ href: `/structures/${d.structureId}/dossier`, label: `Dossier n° ${d.numero}` }} />
      <h1>
        Dossier n° {d.numero} · {d.nom}
      </h1>
      <p>
        <StatutBadge statut={d.statut} /> {d.prioritaire ? <span class="fr-badge fr-badge--sm fr-badge--warning">prioritaire</span> : null}
      </p>
      <Alert type="info" title="Où en est le dossier">
        <p>{prochaineEtape(d.statut as Statut, aUnAvis)}</p>
      </Alert>
      <ErrorSummary errors={p.errors} />
      <div class="fr-grid-row fr-grid-row--gutters fr-mt-3w">
        <div class="fr-col-12 fr-col-md-6">
          <h2>La structure</h2>
          <Dl
            rows={[
              ['Type', typeLabel(d.type)],
              ['SIRET', d.siret],
              ['Commune', `${communeLabel(d.communeInsee)} (${departement(d.departement)?.nom ?? d.departement})`],
              ['Contact', `${d.contactPrenom} ${d.contactNom}, ${d.contactFonction}`],
              ['Courriel', d.contactEmail],
              ['Téléphone', d.contactTelephone],
              ['Label France Services', d.labelFranceServices ? 'Oui' : 'Non'],
              ['Territoire prioritaire', [d.zrr ? 'ZRR' : '', d.qpv ? 'QPV' : ''].filter(Boolean).join(', ') || 'Non'],
            ]}
          />
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <h2>La demande</h2>
          <Dl
            rows={[
              ['Postes souhaités', d.postesSouhaites],
              ['Postes validés (en vigueur)', d.postesValides],
              ['Conseillers en poste', p.conseillersEnPoste],
              ['Début souhaité', formatDate(d.dateDebut)],
              ['Candidat déjà identifié', d.candidatIdentifie ? 'Oui' : 'Non'],
              ['Engagement', `Pris le ${formatDateTime(d.engagementLe)}`],
              ['Déposée le', formatDateTime(d.createdAt)],
            ]}
          />
        </div>
      </div>
      <h2>Motivation</h2>
      <p style="white-space: pre-line">{d.motivation}</p>

      <h2>Avis du préfet</h2>
      {d.avisPrefet ? (
        <p>
          <strong>{AVIS_PREFET[d.avisPrefet as keyof typeof AVIS_PREFET]}</strong>, le {formatDateTime(d.avisLe)} par {d.avisPar} : « {d.avisCommentaire} »
        </p>
      ) : (
        <p>Pas encore d'avis.</p>
      )}
      {p.peutAvis ? (
        <>
          <AvisForm
            action={`/structures/${d.structureId}/avis-prefet`}
            values={{ ...csrfValues(), avis: d.avisPrefet ?? '', commentaire: d.avisCommentaire ?? '', ...formValues('avis') }}
            errors={formErrors('avis')}
            legend={d.avisPrefet ? "Remplacer l'avis du préfet" : "Donner l'avis du préfet"}
            prefix="avis"
          />
          <form method="post" action={`/structures/${d.structureId}/priorite`} class="fr-mb-3w">
            <Csrf token={p.ctx.csrf} />
            <input type="hidden" name="prioritaire" value={d.prioritaire ? 'non' : 'oui'} />
            <button class="fr-btn fr-btn--secondary" type="submit">
              {d.prioritaire ? 'Retirer la priorité' : 'Signaler comme prioritaire'}
            </button>
          </form>
        </>
      ) : null}

      <h2>Avenants</h2>
      {p.avenants.length === 0 ? <p>Aucune demande d'avenant.</p> : null}
      {p.avenants.map((a) => (
        <div class="fr-card fr-card--no-arrow fr-mb-2w">
          <div class="fr-card__body">
            <div class="fr-card__content">
              <h3 class="fr-card__title">{libelleAvenant(a)}</h3>
              <p class="fr-card__desc">
                {STATUTS_AVENANT[a.statut as keyof typeof STATUTS_AVENANT]} — demandé le {formatDateTime(a.createdAt)} par {a.demandePar} ({a.postesAvant} poste{a.postesAvant > 1 ? 's' : ''} avant la demande). Motif : {a.motif}.
                {a.avisPrefet ? ` Avis du préfet : ${AVIS_PREFET[a.avisPrefet as keyof typeof AVIS_PREFET].toLowerCase()} (« ${a.avisCommentaire} »).` : ''}
                {a.statut === 'validee' ? ` ${a.postesAccordes} poste${(a.postesAccordes ?? 0) > 1 ? 's' : ''} accordé${(a.postesAccordes ?? 0) > 1 ? 's' : ''} le ${formatDateTime(a.decideLe)}.` : ''}
                {a.statut === 'refusee' ? ` Refusée le ${formatDateTime(a.decideLe)} : ${a.refus}` : ''}
              </p>
              {a.statut === 'en_cours' && p.peutAvis ? (
                <AvisForm
                  action={`/programme/avenants/${a.id}/avis-prefet`}
                  values={{ ...csrfValues(), avis: a.avisPrefet ?? '', commentaire: a.avisCommentaire ?? '', ...formValues('avenant-avis') }}
                  errors={formErrors('avenant-avis')}
                  legend="Avis du préfet sur la demande d'avenant"
                  prefix="avenant-avis"
                />
              ) : null}
              {a.statut === 'en_cours' && p.peutDeciderAvenant ? (
                a.avisPrefet ? (
                  <form method="post" action={`/programme/avenants/${a.id}/decision`}>
                    <Csrf token={p.ctx.csrf} />
                    <Input
                      name="postes_accordes"
                      label="Postes accordés"
                      hint={`De 1 à ${a.postesDemandes}. Laissez vide et indiquez un motif pour refuser.`}
                      type="number"
                      min={1}
                      max={a.postesDemandes}
                      values={{ postes_accordes: String(a.postesDemandes), ...formValues('avenant-decision') }}
                      errors={formErrors('avenant-decision')}
                      cls="cn-champ-court"
                    />
                    <Input name="refus" label="Motif du refus" values={formValues('avenant-decision')} errors={formErrors('avenant-decision')} maxLength={LIMITES.motif} />
                    <Input name="derogation" label="Dérogation à l'enveloppe (si elle est dépassée)" values={formValues('avenant-decision')} errors={formErrors('avenant-decision')} maxLength={LIMITES.derogation} />
                    <ul class="fr-btns-group fr-btns-group--inline-md">
                      <li>
                        <button class="fr-btn" type="submit" name="_action" value="accorder">
                          Valider l'avenant
                        </button>
                      </li>
                      <li>
                        <button class="fr-btn fr-btn--secondary" type="submit" name="_action" value="refuser">
                          Refuser
                        </button>
                      </li>
                    </ul>
                  </form>
                ) : (
                  <p>En attente de l'avis du préfet avant la décision.</p>
                )
              ) : null}
            </div>
          </div>
        </div>
      ))}
      {p.peutAvenant && !enCours && d.statut === 'VALIDATION_COSELEC' ? (
        <form method="post" action={`/structures/${d.structureId}/avenants`} class="fr-mb-3w">
          <Csrf token={p.ctx.csrf} />
          <h3>Demander un avenant</h3>
          <Select
            name="type"
            label="Votre demande"
            options={[
              { value: 'ajout', label: 'Ajouter des postes' },
              { value: 'retrait', label: 'Rendre des postes' },
              { value: 'coordinateur', label: 'Un poste de coordinateur' },
            ]}
            values={formValues('avenant')}
            errors={formErrors('avenant')}
            required
          />
          <Input name="postes" label="Nombre de postes" type="number" min={1} values={formValues('avenant')} errors={formErrors('avenant')} required cls="cn-champ-court" />
          <Select
            name="temps"
            label="Coordinateur : temps de travail"
            options={[
              { value: 'plein', label: 'Temps plein' },
              { value: 'partiel', label: 'Temps partiel' },
            ]}
            values={formValues('avenant')}
            errors={formErrors('avenant')}
          />
          <Input
            name="motif"
            label="Motif"
            hint={`Pour un rendu de postes, par exemple : ${Object.values(MOTIFS_RETRAIT).join(', ').toLowerCase()}.`}
            values={formValues('avenant')}
            errors={formErrors('avenant')}
            required
            maxLength={LIMITES.motif}
          />
          <button class="fr-btn" type="submit">
            Envoyer la demande
          </button>
        </form>
      ) : null}

      <h2>Documents</h2>
      {p.documents.length === 0 ? <p>Aucun document joint.</p> : null}
      <ul>
        {p.documents.map((doc) => (
          <li>
            <a href={`/structures/${d.structureId}/documents/${doc.id}`}>{doc.libelle ?? doc.nomOriginal}</a> ({formatDateTime(doc.createdAt)})
          </li>
        ))}
      </ul>
      {p.peutDocuments ? (
        <p>
          <a href={`/structures/${d.structureId}/documents`}>Joindre un document (PDF, 5 Mo au plus)</a>
        </p>
      ) : null}

      <h2>Historique</h2>
      <ol class="cn-timeline">
        {p.evenements.map((e) => (
          <li>
            <p class="fr-mb-0">
              <strong>{formatDateTime(e.le)}</strong> — {e.resume}
            </p>
            <p class="fr-text--xs fr-mb-0">par {e.acteur}</p>
          </li>
        ))}
      </ol>

      {p.peutStatut || p.peutAbandonner ? (
        <>
          <h2>Clore le dossier</h2>
          <form method="post" action={`/structures/${d.structureId}/statut`} class="fr-mb-3w">
            <Csrf token={p.ctx.csrf} />
            <Select
              name="statut"
              label="Nouveau statut"
              options={[
                { value: 'ABANDON', label: 'Abandon : la structure renonce' },
                ...(p.peutStatut
                  ? [
                      { value: 'ANNULEE', label: 'Annulé' },
                      { value: 'DOUBLON', label: "Doublon d'un autre dossier" },
                    ]
                  : []),
              ]}
              values={formValues('statut')}
              errors={formErrors('statut')}
              required
            />
            {p.peutStatut ? <Input name="doublon_de" label="Numéro du dossier d'origine (doublon)" inputMode="numeric" values={formValues('statut')} errors={formErrors('statut')} maxLength={9} cls="cn-champ-court" /> : null}
            <Input name="motif" label="Motif" values={formValues('statut')} errors={formErrors('statut')} maxLength={LIMITES.motif} />
            <button class="fr-btn fr-btn--tertiary" type="submit">
              Changer le statut
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}
