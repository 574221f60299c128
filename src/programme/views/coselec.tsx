import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Alert, Breadcrumb, Csrf, ErrorSummary, Input, Select, formatDateTime, formatNumber, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { departement, departements } from '../../territoires/territoires.js';
import { AVIS_COSELEC, AVIS_PREFET, LIMITES, type AvisCoselec } from '../regles.js';
import type { Coselec, LigneDecision } from '../coselec.js';
import type { Dossier } from '../dossiers.js';
import type { LignePostes } from '../postes.js';
import { communeLabel, formatDate, typeLabel } from './dossiers.js';

export function CoselecListePage(p: { ctx: PageContext; rows: (Coselec & { decisions: number })[]; errors?: FieldErrors; values?: FormValues }) {
  return (
    <Layout ctx={p.ctx} title="Comités de sélection" wide>
      <h1>Comités de sélection</h1>
      <ErrorSummary errors={p.errors} />
      <form method="post" action="/programme/coselec" class="fr-mb-4w">
        <Csrf token={p.ctx.csrf} />
        <Input name="date" label="Date du nouveau comité" type="date" values={p.values} errors={p.errors} required cls="cn-champ-court" />
        <button class="fr-btn" type="submit">
          Créer un comité
        </button>
      </form>
      {p.rows.length === 0 ? (
        <p>Aucun comité pour le moment.</p>
      ) : (
        <div class="fr-table">
          <table>
            <caption>Comités, du plus récent au plus ancien</caption>
            <thead>
              <tr>
                <th scope="col">Comité</th>
                <th scope="col">Date</th>
                <th scope="col">Décisions</th>
                <th scope="col">État</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((c) => (
                <tr>
                  <td>
                    <a href={`/programme/coselec/${c.id}`}>Comité n° {c.numero}</a>
                  </td>
                  <td>{formatDate(c.date)}</td>
                  <td>{c.decisions}</td>
                  <td>{c.statut === 'cloture' ? `Clos le ${formatDateTime(c.clotureLe)}` : 'Ouvert'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export interface CoselecView {
  ctx: PageContext;
  c: Coselec;
  lignes: LigneDecision[];
  agenda: Dossier[];
  filtre: { departement: string; prioritaire: boolean };
  errors?: FieldErrors;
  values?: FormValues;
  depassement?: string[] | undefined;
}

export function CoselecPage(p: CoselecView) {
  const c = p.c;
  const ouvert = c.statut === 'ouvert';
  const positifs = p.lignes.filter((l) => l.decision.avis === 'POSITIF');
  const postesTotal = positifs.reduce((a, l) => a + l.decision.postes, 0);
  return (
    <Layout ctx={p.ctx} title={`Comité de sélection n° ${c.numero}`} wide>
      <Breadcrumb trail={[{ href: '/programme/coselec', label: 'Comités de sélection' }]} current={{ href: `/programme/coselec/${c.id}`, label: `Comité n° ${c.numero}` }} />
      <h1>
        Comité de sélection n° {c.numero} du {formatDate(c.date)}
      </h1>
      <p>
        {ouvert ? 'Ouvert : les décisions prendront effet à la clôture.' : `Clos le ${formatDateTime(c.clotureLe)} par ${c.cloturePar} : les décisions sont en vigueur.`}{' '}
        {p.lignes.length} décision{p.lignes.length > 1 ? 's' : ''}, dont {positifs.length} positive{positifs.length > 1 ? 's' : ''} pour{' '}
        {postesTotal} poste{postesTotal > 1 ? 's' : ''}.
      </p>
      {c.derogation ? <Alert type="warning" title="Dérogation à l'enveloppe">{c.derogation}</Alert> : null}
      <p>
        <a class="fr-link fr-icon-printer-line fr-link--icon-left" href={`/programme/coselec/${c.id}/releve`}>
          Relevé de décisions (à imprimer)
        </a>{' '}
        ·{' '}
        <a class="fr-link fr-icon-download-line fr-link--icon-left" href={`/programme/coselec/${c.id}/releve.pdf`}>
          Relevé de décisions (PDF)
        </a>
      </p>
      <ErrorSummary errors={p.errors} />
      {p.depassement ? (
        <Alert type="error" title="Enveloppe dépassée : le comité n'est pas clos">
          <ul>
            {p.depassement.map((x) => (
              <li>{x}</li>
            ))}
          </ul>
          <p>Réduisez les postes accordés, retirez des dossiers, ou indiquez une dérogation motivée (elle sera tracée dans le journal).</p>
        </Alert>
      ) : null}
      <h2>Ordre du jour et décisions</h2>
      {p.lignes.length === 0 ? <p>Aucun dossier à l'ordre du jour.</p> : null}
      {p.lignes.length > 0 ? (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Décisions du comité</caption>
            <thead>
              <tr>
                <th scope="col">Dossier</th>
                <th scope="col">Département</th>
                <th scope="col">Avis du préfet</th>
                <th scope="col">Décision</th>
                <th scope="col">Postes</th>
                <th scope="col">Observation</th>
                {ouvert ? <th scope="col">Retirer</th> : null}
              </tr>
            </thead>
            <tbody>
              {p.lignes.map(({ decision, dossier }) => (
                <tr>
                  <td>
                    <a href={`/structures/${dossier.structureId}/dossier`}>
                      n° {dossier.numero} · {dossier.nom}
                    </a>
                  </td>
                  <td>{departement(dossier.departement)?.nom ?? dossier.departement}</td>
                  <td>{dossier.avisPrefet ? AVIS_PREFET[dossier.avisPrefet as keyof typeof AVIS_PREFET] : '—'}</td>
                  <td>{AVIS_COSELEC[decision.avis as AvisCoselec]}</td>
                  <td>{decision.postes}</td>
                  <td>{decision.observation ?? ''}</td>
                  {ouvert ? (
                    <td>
                      <form method="post" action={`/programme/coselec/${c.id}/decisions/${dossier.id}/retirer`}>
                        <Csrf token={p.ctx.csrf} />
                        <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit" title={`Retirer le dossier n° ${dossier.numero} de l'ordre du jour`}>
                          Retirer
                        </button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {ouvert ? (
        <>
          <h2>Ajouter une décision</h2>
          <form method="get" action={`/programme/coselec/${c.id}`} class="fr-mb-2w">
            <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
              <div class="fr-col-12 fr-col-md-6">
                <Select
                  name="departement"
                  label="Dossiers du département"
                  options={departements().map((d) => ({ value: d.code, label: `${d.nom} (${d.code})` }))}
                  values={{ departement: p.filtre.departement }}
                  placeholder="Tous les départements"
                />
              </div>
              <div class="fr-col-12 fr-col-md-3">
                <div class="fr-checkbox-group fr-mb-2w">
                  <input type="checkbox" id="filtre-prioritaire" name="prioritaire" value="oui" checked={p.filtre.prioritaire} />
                  <label class="fr-label" for="filtre-prioritaire">
                    Prioritaires seulement
                  </label>
                </div>
              </div>
              <div class="fr-col-12 fr-col-md-3">
                <button class="fr-btn fr-btn--secondary fr-mb-2w" type="submit">
                  Filtrer
                </button>
              </div>
            </div>
          </form>
          {p.agenda.length === 0 ? (
            <p>Aucun dossier avec l'avis du préfet n'attend de décision{p.filtre.departement ? ' dans ce département' : ''}.</p>
          ) : (
            <form method="post" action={`/programme/coselec/${c.id}/decisions`} class="fr-mb-4w">
              <Csrf token={p.ctx.csrf} />
              <Select
                name="dossier_id"
                label="Dossier"
                options={p.agenda.map((d) => ({
                  value: d.id,
                  label: `n° ${d.numero} · ${d.nom} · ${communeLabel(d.communeInsee)} (${d.departement}) · ${d.postesSouhaites} souhaité${d.postesSouhaites > 1 ? 's' : ''} · avis ${AVIS_PREFET[d.avisPrefet as keyof typeof AVIS_PREFET]?.toLowerCase() ?? '—'}${d.prioritaire ? ' · prioritaire' : ''}`,
                }))}
                values={p.values}
                errors={p.errors}
                required
              />
              <Select
                name="avis"
                label="Décision"
                options={Object.entries(AVIS_COSELEC).map(([value, label]) => ({ value, label }))}
                values={p.values}
                errors={p.errors}
                required
              />
              <Input name="postes" label="Postes accordés (décision positive)" type="number" min={0} values={p.values} errors={p.errors} cls="cn-champ-court" />
              <Input name="observation" label="Observation de l'ANCT" values={p.values} errors={p.errors} maxLength={LIMITES.observation} />
              <button class="fr-btn" type="submit">
                Enregistrer la décision
              </button>
            </form>
          )}
          <h2>Clore le comité</h2>
          <p>À la clôture, toutes les décisions prennent effet en même temps : statuts, postes validés, notifications aux structures et aux préfectures.</p>
          <form method="post" action={`/programme/coselec/${c.id}/cloture`}>
            <Csrf token={p.ctx.csrf} />
            <Input
              name="derogation"
              label="Dérogation à l'enveloppe"
              hint="Seulement si une enveloppe est dépassée : la raison écrite, tracée dans le journal."
              values={p.values}
              errors={p.errors}
              maxLength={LIMITES.derogation}
            />
            <button class="fr-btn" type="submit">
              Clore le comité n° {c.numero}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

/** The printable record of decisions (HTML; the print stylesheet hides the site's chrome). */
export function RelevePage(p: { ctx: PageContext; c: Coselec; lignes: LigneDecision[] }) {
  const c = p.c;
  return (
    <Layout ctx={p.ctx} title={`Relevé de décisions du comité n° ${c.numero}`} wide>
      <div class="cn-releve">
        <p class="cn-no-print">
          <a href={`/programme/coselec/${c.id}`}>Retour au comité</a> · Imprimez cette page avec la fonction d'impression de votre navigateur.
        </p>
        <h1>
          Relevé de décisions — comité de sélection n° {c.numero} du {formatDate(c.date)}
        </h1>
        <p>
          Agence nationale de la cohésion des territoires — dispositif Conseiller numérique France Services.{' '}
          {c.statut === 'cloture' ? `Décisions en vigueur depuis le ${formatDateTime(c.clotureLe)}.` : 'Comité non clos : projet de relevé.'}
        </p>
        {c.derogation ? <p>Dérogation à l'enveloppe : {c.derogation}</p> : null}
        <div class="fr-table">
          <table>
            <caption>
              {p.lignes.length} décision{p.lignes.length > 1 ? 's' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Dossier</th>
                <th scope="col">Structure</th>
                <th scope="col">Type</th>
                <th scope="col">Commune</th>
                <th scope="col">Décision</th>
                <th scope="col">Postes</th>
                <th scope="col">Observation</th>
              </tr>
            </thead>
            <tbody>
              {p.lignes.map(({ decision, dossier }) => (
                <tr>
                  <td>{dossier.numero}</td>
                  <td>{dossier.nom}</td>
                  <td>{typeLabel(dossier.type)}</td>
                  <td>
                    {communeLabel(dossier.communeInsee)} ({dossier.departement})
                  </td>
                  <td>{AVIS_COSELEC[decision.avis as AvisCoselec]}</td>
                  <td>{decision.postes}</td>
                  <td>{decision.observation ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Layout>
  );
}

export function PostesPage(p: { ctx: PageContext; lignes: LignePostes[]; national: LignePostes | null; peutDefinir: boolean; errors?: FieldErrors; values?: FormValues; today: string }) {
  const rows = p.national ? [p.national, ...p.lignes] : p.lignes;
  return (
    <Layout ctx={p.ctx} title="Postes et enveloppes" wide>
      <h1>Postes et enveloppes</h1>
      <p>
        Postes validés : ceux de la dernière décision positive de chaque structure validée. Postes occupés : conseillers en poste dans ces structures.
      </p>
      <ErrorSummary errors={p.errors} />
      <div class="fr-table cn-table-scroll">
        <table>
          <caption>Enveloppes et postes par territoire</caption>
          <thead>
            <tr>
              <th scope="col">Territoire</th>
              <th scope="col">Enveloppe</th>
              <th scope="col">Postes validés</th>
              <th scope="col">Utilisation</th>
              <th scope="col">Occupés</th>
              <th scope="col">Vacants</th>
              <th scope="col">Dossiers en attente</th>
              <th scope="col">Postes demandés en attente</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => (
              <tr>
                <th scope="row">{l.libelle}</th>
                <td>{formatNumber(l.enveloppe)}</td>
                <td>{formatNumber(l.postesValides)}</td>
                <td>{l.enveloppe ? `${Math.round((100 * l.postesValides) / l.enveloppe)} %` : '—'}</td>
                <td>{formatNumber(l.postesOccupes)}</td>
                <td>{formatNumber(l.postesVacants)}</td>
                <td>{l.code === 'FR' ? formatNumber(l.dossiersEnAttente) : <a href={`/programme/dossiers?departement=${l.code}`}>{formatNumber(l.dossiersEnAttente)}</a>}</td>
                <td>{formatNumber(l.postesDemandesEnAttente)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.peutDefinir ? (
        <form method="post" action="/programme/postes/enveloppe" class="fr-mt-4w">
          <Csrf token={p.ctx.csrf} />
          <h2>Nouvelle vague</h2>
          <p>Une vague fixe l'enveloppe d'un territoire (le nombre total de postes) à partir de sa date.</p>
          <Select
            name="code"
            label="Territoire"
            options={[{ value: 'FR', label: 'Enveloppe nationale' }, ...departements().map((d) => ({ value: d.code, label: `${d.nom} (${d.code})` }))]}
            values={p.values}
            errors={p.errors}
            required
          />
          <Input name="postes" label="Enveloppe (postes)" type="number" min={0} values={p.values} errors={p.errors} required cls="cn-champ-court" />
          <Input name="date" label="Date de la vague" type="date" values={{ date: p.today, ...p.values }} errors={p.errors} required cls="cn-champ-court" />
          <Input name="libelle" label="Libellé" hint="Par exemple : vague 2 de juin 2021." values={p.values} errors={p.errors} maxLength={200} />
          <button class="fr-btn" type="submit">
            Enregistrer la vague
          </button>
        </form>
      ) : null}
    </Layout>
  );
}


