/** One agreement: status and next step, amounts and how they were computed, posts, documents, payments, and the actions of whoever may act. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, ErrorSummary, formatDateTime, Input, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { formatSize, uploadAction } from '../../platform/uploads/index.js';
import { formatMois, prochaineEtape, type CalculConvention, type EtatDossier, type StatutConvention } from '../regles.js';
import type { Convention, Versement } from '../conventions.js';
import type { Regime } from '../regimes.js';
import { NATURES_DOCUMENT, type Document } from '../documents.js';
import { BadgeEtat, formatEuros, frDate, libelleEtatPoste, libelleStatut } from './format.js';

export interface ConventionView {
  ctx: PageContext;
  c: Convention;
  regime: Regime;
  calcul: CalculConvention;
  documents: (Document & { taille?: number })[];
  versements: Versement[];
  evenements: { resume: string; acteur: string; le: Date }[];
  autres: Convention[];
  /** Current contracts the structure may carry over into a renewal. */
  contratsCourants: { id: string; nom: string; debut: string; fin: string | null }[];
  peutSigner: boolean;
  peutInstruire: boolean;
  peutRenouveler: boolean;
  /** The structure's own page (« Ma convention ») rather than Banque's table. */
  maConvention: boolean;
  form?: string;
  values?: FormValues;
  errors?: FieldErrors;
}

function Erreurs(p: { v: ConventionView; form: string }) {
  return p.v.form === p.form ? <ErrorSummary errors={p.v.errors} /> : null;
}

export function ConventionPage(v: ConventionView) {
  const { c, calcul: k } = v;
  const titre = `Convention n° ${c.numero} — ${c.nom}`;
  const base = `/conventions/${c.id}`;
  const generes = v.documents.filter((d) => d.nature !== 'contresigne');
  const aSigner = generes[0] && !generes[0].signeLe && c.etat !== 'refuse' && c.etat !== 'sans_suite' && (generes[0].nature === 'avenant' || c.etat === 'en_construction') ? generes[0] : undefined;
  const errs = (form: string) => (v.form === form ? v.errors : undefined);
  const vals = (form: string) => (v.form === form ? v.values : undefined);
  const clos = c.etat === 'refuse' || c.etat === 'sans_suite';
  return (
    <Layout ctx={v.ctx} title={titre} wide>
      <Breadcrumb
        trail={v.maConvention ? [{ href: '/tableau-de-bord/structure', label: 'Tableau de bord' }] : [{ href: '/conventions', label: 'Conventions' }]}
        current={{ href: base, label: `Convention n° ${c.numero}` }}
      />
      <h1>{v.maConvention ? 'Ma convention' : titre}</h1>
      {v.maConvention ? (
        <p class="fr-text--lead">
          {c.nom} — convention n° {c.numero}
        </p>
      ) : null}
      <p>
        <strong>{libelleStatut(c.statut)}</strong> <BadgeEtat etat={c.etat} />
      </p>
      <div class="fr-callout fr-mb-3w">
        <h2 class="fr-callout__title fr-h6">Prochaine étape</h2>
        <p class="fr-callout__text">{prochaineEtape(c.etat as EtatDossier, c.statut as StatutConvention)}</p>
        {c.motif ? <p>Motif : {c.motif}</p> : null}
      </div>
      {k.alertes.length ? (
        <div class="fr-alert fr-alert--warning fr-mb-3w">
          <h2 class="fr-alert__title">À surveiller</h2>
          <ul>
            {k.alertes.map((a) => (
              <li>{a.message}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <h2>La convention</h2>
      <dl class="cn-rows">
        <dt>Régime de financement</dt>
        <dd>
          {v.regime.nom} : {formatEuros(v.regime.montantPosteCentimes)} par poste pour {v.regime.moisFinances} mois
          {v.regime.bonificationCentimes ? `, bonification de ${formatEuros(v.regime.bonificationCentimes)} par poste en territoire prioritaire` : ''}
        </dd>
        <dt>Territoire prioritaire (ZRR ou QPV)</dt>
        <dd>{c.prioritaire ? 'Oui : la bonification s’applique' : 'Non'}</dd>
        <dt>Période</dt>
        <dd>
          du {frDate(c.dateDebut)} au {frDate(c.dateFin)}
        </dd>
        {c.coselecNumero ? (
          <>
            <dt>Décision</dt>
            <dd>Comité de sélection n° {c.coselecNumero}</dd>
          </>
        ) : null}
        <dt>Postes financés</dt>
        <dd>{c.postes}</dd>
      </dl>
      {v.autres.length ? (
        <p>
          Autres conventions de la structure :{' '}
          {v.autres.map((o, i) => (
            <>
              {i ? ', ' : ''}
              <a href={`/conventions/${o.id}`}>
                n° {o.numero} ({libelleStatut(o.statut).toLowerCase()}, du {frDate(o.dateDebut)} au {frDate(o.dateFin)})
              </a>
            </>
          ))}
        </p>
      ) : null}

      <h2>Montants</h2>
      <div class="fr-table">
        <table>
          <caption>Montants de la convention au {frDate(c.calculeAu)}</caption>
          <tbody>
            <tr>
              <th scope="row">Conventionné</th>
              <td class="cn-num">{formatEuros(k.montantCentimes)}</td>
            </tr>
            <tr>
              <th scope="row">Versé</th>
              <td class="cn-num">{formatEuros(c.verseCentimes)}</td>
            </tr>
            <tr>
              <th scope="row">Reste à verser</th>
              <td class="cn-num">{formatEuros(k.resteAVerserCentimes)}</td>
            </tr>
            <tr>
              <th scope="row">Justifié à ce jour</th>
              <td class="cn-num">{formatEuros(k.justifieCentimes)}</td>
            </tr>
            <tr>
              <th scope="row">Encore justifiable</th>
              <td class="cn-num">{formatEuros(k.encoreJustifiableCentimes)}</td>
            </tr>
            <tr>
              <th scope="row">À reverser</th>
              <td class="cn-num">{formatEuros(k.aReverserCentimes)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <h3 class="fr-h6">Le calcul, ligne par ligne</h3>
      <ul>
        {k.lignes.map((l) => (
          <li>{l}</li>
        ))}
      </ul>

      <h2>Postes</h2>
      <div class="fr-table cn-table-scroll">
        <table>
          <caption>Postes de la convention, un par un (leur état vient des contrats)</caption>
          <thead>
            <tr>
              <th scope="col">Poste</th>
              <th scope="col">État</th>
              <th scope="col">Depuis</th>
              <th scope="col">Conseiller</th>
              <th scope="col">Justifié</th>
              <th scope="col">Calcul</th>
              <th scope="col">Historique</th>
            </tr>
          </thead>
          <tbody>
            {k.postes.map((p) => (
              <tr>
                <th scope="row">n° {p.numero}</th>
                <td>{libelleEtatPoste(p.etat)}</td>
                <td>{frDate(p.depuis)}</td>
                <td>{p.titulaire ?? '—'}</td>
                <td class="cn-num">{formatEuros(p.justifieCentimes)}</td>
                <td>{p.calcul}</td>
                <td>
                  <ul class="fr-mb-0">
                    {p.historique.map((s) => (
                      <li>
                        {libelleEtatPoste(s.etat)}
                        {s.nom ? ` (${s.nom})` : ''} {s.au ? `du ${frDate(s.du)} au ${frDate(s.au)}` : `depuis le ${frDate(s.du)}`}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="fr-hint-text">Mois financés par poste : {formatMois(v.regime.moisFinances)}. Un poste rendu n'est plus financé à compter de sa date de retour.</p>

      <h2>Documents</h2>
      {v.documents.length === 0 ? (
        <p>Aucun document pour l'instant.</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Versions de la convention et documents déposés</caption>
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Montant</th>
                <th scope="col">Créé le</th>
                <th scope="col">Signature</th>
                <th scope="col">Empreinte SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {v.documents.map((d) => (
                <tr>
                  <td>
                    <a href={`${base}/documents/${d.id}`} download>
                      {NATURES_DOCUMENT[d.nature as keyof typeof NATURES_DOCUMENT] ?? d.nature}, version {d.version} (PDF{d.taille ? `, ${formatSize(d.taille)}` : ''})
                    </a>
                  </td>
                  <td class="cn-num">{formatEuros(d.montantCentimes)}</td>
                  <td>{formatDateTime(d.createdAt)}</td>
                  <td>{d.signeLe ? `Signé par ${d.signeNom} (${d.signeFonction}) le ${formatDateTime(d.signeLe)}` : 'Non signé'}</td>
                  <td>
                    <code class="cn-hash">{d.sha256}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {v.peutSigner && aSigner ? (
        <section class="fr-mb-4w" aria-labelledby="signer-titre">
          <h2 id="signer-titre">Signer {aSigner.nature === 'avenant' ? "l'avenant" : 'la convention'}</h2>
          <Erreurs v={v} form="signature" />
          <p>
            Relisez <a href={`${base}/documents/${aSigner.id}`}>le document (version {aSigner.version}, PDF)</a>. En signant, vous engagez la structure sur
            ce document exact, dont l'empreinte est <code class="cn-hash">{aSigner.sha256}</code>.
          </p>
          <form method="post" action={`${base}/signature`} novalidate>
            <Csrf token={v.ctx.csrf} />
            <input type="hidden" name="document" value={aSigner.id} />
            <input type="hidden" name="sha256" value={aSigner.sha256} />
            <Input name="nom" label="Nom et prénom du représentant légal" required maxLength={150} autocomplete="name" values={vals('signature')} errors={errs('signature')} />
            <Input name="fonction" label="Fonction" hint="Par exemple : maire, président de l'association, directrice" required maxLength={150} values={vals('signature')} errors={errs('signature')} />
            <div class={`fr-checkbox-group${errs('signature')?.certifie ? ' fr-checkbox-group--error' : ''} fr-mb-2w`}>
              <input type="checkbox" id="champ-certifie" name="certifie" value="oui" aria-describedby={errs('signature')?.certifie ? 'champ-certifie-erreur' : undefined} />
              <label class="fr-label" for="champ-certifie">
                Je certifie être le représentant légal de la structure, ou avoir reçu sa délégation de signature.
              </label>
              {errs('signature')?.certifie ? (
                <p class="fr-error-text" id="champ-certifie-erreur">
                  {errs('signature')!.certifie}
                </p>
              ) : null}
            </div>
            {errs('signature')?.sha256 || errs('signature')?.document ? <p class="fr-error-text">{errs('signature')!.sha256 ?? errs('signature')!.document}</p> : null}
            <button class="fr-btn" type="submit">
              Signer {aSigner.nature === 'avenant' ? "l'avenant" : 'la convention'}
            </button>
          </form>
          {c.etat === 'en_construction' ? (
            <>
              <h3 class="fr-h6 fr-mt-3w">Ou déposer la convention contresignée</h3>
              <Erreurs v={v} form="contresigne" />
              <form method="post" action={uploadAction(`${base}/contresigne`, v.ctx.csrf)} enctype="multipart/form-data" novalidate>
                <Input name="signataire_nom" label="Nom du signataire" required maxLength={150} values={vals('contresigne')} errors={errs('contresigne')} />
                <Input name="signataire_fonction" label="Fonction du signataire" required maxLength={150} values={vals('contresigne')} errors={errs('contresigne')} />
                <div class={`fr-upload-group${errs('contresigne')?.fichier ? ' fr-upload-group--error' : ''} fr-mb-2w`}>
                  <label class="fr-label" for="champ-fichier">
                    Convention signée (PDF)
                    <span class="fr-hint-text">Format PDF, 10 Mo au plus.</span>
                  </label>
                  <input class="fr-upload" type="file" id="champ-fichier" name="fichier" accept="application/pdf" aria-describedby={errs('contresigne')?.fichier ? 'champ-fichier-erreur' : undefined} />
                  {errs('contresigne')?.fichier ? (
                    <p class="fr-error-text" id="champ-fichier-erreur">
                      {errs('contresigne')!.fichier}
                    </p>
                  ) : null}
                </div>
                <button class="fr-btn fr-btn--secondary" type="submit">
                  Déposer la convention signée
                </button>
              </form>
            </>
          ) : null}
        </section>
      ) : null}

      {v.peutInstruire && !clos ? (
        <section class="fr-mb-4w" aria-labelledby="instruire-titre">
          <h2 id="instruire-titre">Instruction (Banque des Territoires)</h2>
          {c.etat === 'en_construction' ? (
            <>
              <h3 class="fr-h6">Dates de la convention</h3>
              <Erreurs v={v} form="dates" />
              <form method="post" action={`${base}/dates`} novalidate>
                <Csrf token={v.ctx.csrf} />
                <div class="fr-grid-row fr-grid-row--gutters">
                  <div class="fr-col-12 fr-col-md-4">
                    <Input name="date_debut" label="Début" type="date" required values={vals('dates') ?? { date_debut: c.dateDebut }} errors={errs('dates')} />
                  </div>
                  <div class="fr-col-12 fr-col-md-4">
                    <Input name="date_fin" label="Fin" type="date" hint="36 mois au plus après le début" required values={vals('dates') ?? { date_fin: c.dateFin }} errors={errs('dates')} />
                  </div>
                </div>
                <button class="fr-btn fr-btn--secondary" type="submit">
                  Enregistrer les dates
                </button>
              </form>
            </>
          ) : null}
          {c.etat === 'en_instruction' ? (
            <form method="post" action={`${base}/validation`} class="fr-my-2w">
              <Csrf token={v.ctx.csrf} />
              <Erreurs v={v} form="validation" />
              <button class="fr-btn" type="submit">
                Valider la convention
              </button>
            </form>
          ) : null}
          {c.etat !== 'accepte' ? (
            <>
              <h3 class="fr-h6">Refuser ou classer sans suite</h3>
              <Erreurs v={v} form="refus" />
              <form method="post" action={`${base}/refus`} novalidate>
                <Csrf token={v.ctx.csrf} />
                <Input name="motif" label="Motif" required maxLength={1000} values={vals('refus')} errors={errs('refus')} />
                <div class="fr-btns-group fr-btns-group--inline-sm">
                  <button class="fr-btn fr-btn--tertiary" type="submit" name="_action" value="refuse">
                    Refuser la convention
                  </button>
                  <button class="fr-btn fr-btn--tertiary" type="submit" name="_action" value="sans_suite">
                    Classer sans suite
                  </button>
                </div>
              </form>
            </>
          ) : (
            <>
              <h3 class="fr-h6">Enregistrer un versement</h3>
              <Erreurs v={v} form="versement" />
              <p>Reste à verser : {formatEuros(k.resteAVerserCentimes)}.</p>
              <form method="post" action={`${base}/versements`} novalidate>
                <Csrf token={v.ctx.csrf} />
                <div class="fr-grid-row fr-grid-row--gutters">
                  <div class="fr-col-12 fr-col-md-3">
                    <Input name="date" label="Date du versement" type="date" required values={vals('versement')} errors={errs('versement')} />
                  </div>
                  <div class="fr-col-12 fr-col-md-3">
                    <Input name="montant" label="Montant en euros" hint="Par exemple : 50 000,00" required inputMode="text" maxLength={20} values={vals('versement')} errors={errs('versement')} />
                  </div>
                  <div class="fr-col-12 fr-col-md-4">
                    <Input name="reference" label="Référence" hint="La référence comptable du virement" required maxLength={100} values={vals('versement')} errors={errs('versement')} />
                  </div>
                </div>
                <button class="fr-btn" type="submit">
                  Enregistrer le versement
                </button>
              </form>
            </>
          )}
        </section>
      ) : null}

      <h2>Versements</h2>
      {v.versements.length === 0 ? (
        <p>Aucun versement enregistré.</p>
      ) : (
        <div class="fr-table">
          <table>
            <caption>Versements de la Banque des Territoires</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Montant</th>
                <th scope="col">Référence</th>
                <th scope="col">Enregistré par</th>
              </tr>
            </thead>
            <tbody>
              {v.versements.map((x) => (
                <tr>
                  <td>{frDate(x.date)}</td>
                  <td class="cn-num">{formatEuros(x.montantCentimes)}</td>
                  <td>{x.reference}</td>
                  <td>{x.par}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {v.peutRenouveler && c.etat === 'accepte' && c.statut !== 'NON_INTERESSE' && !v.autres.some((o) => o.precedenteId === c.id && o.etat !== 'refuse' && o.etat !== 'sans_suite') ? (
        <section class="fr-mb-4w" aria-labelledby="renouveler-titre">
          <h2 id="renouveler-titre">Reconventionnement</h2>
          <p>Pour continuer au-delà du {frDate(c.dateFin)}, demandez un reconventionnement et choisissez les contrats en cours que vous reconduisez.</p>
          <Erreurs v={v} form="reconventionnement" />
          {v.contratsCourants.length === 0 ? (
            <p>Aucun contrat en cours à reconduire.</p>
          ) : (
            <form method="post" action={`${base}/reconventionnement`} novalidate>
              <Csrf token={v.ctx.csrf} />
              <fieldset class={`fr-fieldset${errs('reconventionnement')?.contrats ? ' fr-fieldset--error' : ''}`} aria-labelledby="contrats-legende">
                <legend class="fr-fieldset__legend" id="contrats-legende">
                  Contrats reconduits
                </legend>
                {v.contratsCourants.map((k2) => (
                  <div class="fr-fieldset__element">
                    <div class="fr-checkbox-group">
                      <input type="checkbox" id={`contrat-${k2.id}`} name="contrats" value={k2.id} />
                      <label class="fr-label" for={`contrat-${k2.id}`}>
                        {k2.nom}, depuis le {frDate(k2.debut)}
                        {k2.fin ? ` jusqu'au ${frDate(k2.fin)}` : ''}
                      </label>
                    </div>
                  </div>
                ))}
                {errs('reconventionnement')?.contrats ? <p class="fr-error-text">{errs('reconventionnement')!.contrats}</p> : null}
              </fieldset>
              <button class="fr-btn" type="submit">
                Demander le reconventionnement
              </button>
            </form>
          )}
          <form method="post" action={`${base}/non-interesse`} class="fr-mt-2w">
            <Csrf token={v.ctx.csrf} />
            <button class="fr-btn fr-btn--tertiary" type="submit">
              Nous ne demandons pas de reconventionnement
            </button>
          </form>
        </section>
      ) : null}

      <h2>Historique</h2>
      <ol>
        {v.evenements.map((e) => (
          <li>
            {formatDateTime(e.le)} — {e.resume} <span class="fr-hint-text">({e.acteur})</span>
          </li>
        ))}
      </ol>
    </Layout>
  );
}
