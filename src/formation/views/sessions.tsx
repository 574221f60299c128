/** The provider's pages: its dashboard (sessions, the entry assessment form), one session (enrolment, attendance). */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, EmptyState, ErrorSummary, Input, Select, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { COMPETENCES, LIMITES, NIVEAUX_PIX, type Bareme } from '../regles.js';
import type { DossierFormation, Inscrit, LigneSession, Organisme, Session } from '../formation.js';
import { BadgeParcours, periode, progression } from './format.js';

function TableSessions(p: { sessions: LigneSession[]; lien: boolean; caption: string; inscription?: { csrf: string; inscrites: Set<string> } }) {
  return (
    <div class="fr-table cn-table-scroll">
      <table>
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Session</th>
            <th scope="col">Organisme</th>
            <th scope="col">Dates</th>
            <th scope="col">Durée</th>
            <th scope="col">Lieu</th>
            <th scope="col">Places</th>
            {p.inscription ? <th scope="col">Inscription</th> : null}
          </tr>
        </thead>
        <tbody>
          {p.sessions.map((s) => (
            <tr>
              <td>{p.lien ? <a href={`/formation/sessions/${s.id}`}>{s.titre}</a> : s.titre}</td>
              <td>{s.organisme}</td>
              <td>{periode(s.debut, s.fin)}</td>
              <td>{s.heures} h</td>
              <td>{s.aDistance ? (s.lieu ? `À distance et ${s.lieu}` : 'À distance') : s.lieu}</td>
              <td>
                {s.inscrits} / {s.capacite}
              </td>
              {p.inscription ? (
                <td>
                  {p.inscription.inscrites.has(s.id) ? (
                    'Inscrit·e'
                  ) : s.inscrits >= s.capacite ? (
                    'Complète'
                  ) : (
                    <form method="post" action={`/formation/sessions/${s.id}/inscription`}>
                      <Csrf token={p.inscription.csrf} />
                      <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">
                        M'inscrire<span class="fr-sr-only"> à « {s.titre} »</span>
                      </button>
                    </form>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export { TableSessions };

export function FormulairePositionnement(p: { csrf: string; bareme: Bareme; values?: FormValues | undefined; errors?: FieldErrors | undefined }) {
  const niveaux = NIVEAUX_PIX.map((n) => ({ value: String(n), label: `Niveau ${n} : parcours de ${p.bareme[n]} h` }));
  const comp = [1, 2, 3].map((n) => ({ value: String(n), label: `${n} sur 3` }));
  return (
    <form method="post" action="/formation/positionnements" novalidate>
      <Csrf token={p.csrf} />
      <ErrorSummary errors={p.errors} />
      <Input name="email" label="Adresse électronique du conseiller" type="email" autocomplete="off" required maxLength={LIMITES.email} values={p.values} errors={p.errors} />
      <Select name="niveau" label="Niveau Pix du positionnement" required values={p.values} errors={p.errors} options={niveaux} />
      {Object.entries(COMPETENCES).map(([k, label]) => (
        <Select name={k} label={label} required values={p.values} errors={p.errors} options={comp} />
      ))}
      <Input name="date" label="Date du positionnement" type="date" required values={p.values} errors={p.errors} />
      <button class="fr-btn" type="submit">
        Enregistrer le positionnement
      </button>
    </form>
  );
}

export function FormulaireSession(p: { csrf: string; modules: { id: string; titre: string }[]; values?: FormValues | undefined; errors?: FieldErrors | undefined }) {
  const v = p.values ?? {};
  return (
    <form method="post" action="/formation/sessions" novalidate>
      <Csrf token={p.csrf} />
      <ErrorSummary errors={p.errors} />
      <Input name="titre" label="Titre de la session" required maxLength={LIMITES.titre} values={v} errors={p.errors} />
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-6">
          <Input name="debut" label="Début" type="date" required values={v} errors={p.errors} />
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <Input name="fin" label="Fin" type="date" required values={v} errors={p.errors} />
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <Input name="heures" label="Durée (heures)" inputMode="numeric" required maxLength={3} values={v} errors={p.errors} />
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <Input name="capacite" label="Nombre de places" inputMode="numeric" required maxLength={3} values={v} errors={p.errors} />
        </div>
      </div>
      <Input name="lieu" label="Lieu" hint="Adresse, ou vide pour une session à distance" maxLength={LIMITES.lieu} values={v} errors={p.errors} />
      <div class="fr-checkbox-group fr-mb-3w">
        <input type="checkbox" id="champ-a_distance" name="a_distance" value="oui" checked={v.a_distance === 'oui'} />
        <label class="fr-label" for="champ-a_distance">
          À distance
        </label>
      </div>
      {p.modules.length ? <Select name="module_id" label="Module thématique de l'année" placeholder="Aucun : formation initiale" values={v} errors={p.errors} options={p.modules.map((m) => ({ value: m.id, label: m.titre }))} /> : null}
      <button class="fr-btn" type="submit">
        Publier la session
      </button>
    </form>
  );
}

export function OrganismeDashboard(p: {
  ctx: PageContext;
  organismes: Organisme[];
  sessions: LigneSession[];
  bareme: Bareme;
  modules: { id: string; titre: string; heures: number }[];
  conseillers: DossierFormation[];
  positionnement?: { values: FormValues; errors: FieldErrors };
  session?: { values: FormValues; errors: FieldErrors };
}) {
  const noms = p.organismes.map((o) => o.nom).join(', ');
  return (
    <Layout ctx={p.ctx} title="Tableau de bord" wide>
      <h1>Tableau de bord</h1>
      <p class="fr-text--lead">{noms || 'Organisme de formation'}</p>
      {p.organismes.length === 0 ? (
        <EmptyState title="Aucun organisme rattaché">Votre compte n'est rattaché à aucun organisme de formation. Demandez à l'ANCT ou à la Banque des Territoires de vous y rattacher.</EmptyState>
      ) : (
        <>
          <h2>Vos sessions</h2>
          {p.sessions.length ? <TableSessions sessions={p.sessions} lien caption="Sessions de votre organisme" /> : <p>Aucune session publiée pour le moment.</p>}
          <h2>Conseillers en formation</h2>
          {p.conseillers.length ? (
            <div class="fr-table cn-table-scroll">
              <table>
                <caption>Conseillers positionnés ou inscrits chez vous</caption>
                <thead>
                  <tr>
                    <th scope="col">Conseiller</th>
                    <th scope="col">Structure</th>
                    <th scope="col">Heures</th>
                    <th scope="col">Parcours initial</th>
                  </tr>
                </thead>
                <tbody>
                  {p.conseillers.map((d) => (
                    <tr>
                      <td>
                        <a href={`/formation/conseillers/${d.conseiller.userId}`}>{d.conseiller.nom}</a>
                      </td>
                      <td>{d.conseiller.structure}</td>
                      <td>{progression(d.heuresRealisees, d.heuresRequises)}</td>
                      <td>
                        <BadgeParcours statut={d.statut} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p>Aucun conseiller pour le moment : enregistrez un positionnement ou inscrivez un conseiller à une session.</p>
          )}
          <p>
            <a href="/formation/catalogue">Catalogue des modules thématiques</a>
          </p>
          {p.modules.length ? (
            <ul>
              {p.modules.map((m) => (
                <li>
                  <a href={`/formation/modules/${m.id}`}>Module « {m.titre} »</a> ({m.heures} h) : les conseillers qui l'ont choisi
                </li>
              ))}
            </ul>
          ) : null}
          <h2 id="positionnement">Enregistrer un positionnement</h2>
          <p>Le niveau Pix donne la durée du parcours selon le barème ; vous pourrez l'ajuster ensuite sur la fiche du conseiller, avec un motif.</p>
          <FormulairePositionnement csrf={p.ctx.csrf} bareme={p.bareme} values={p.positionnement?.values} errors={p.positionnement?.errors} />
          <h2 id="nouvelle-session">Publier une session</h2>
          <FormulaireSession csrf={p.ctx.csrf} modules={p.modules} values={p.session?.values} errors={p.session?.errors} />
        </>
      )}
    </Layout>
  );
}

export function SessionPage(p: { ctx: PageContext; session: Session; organisme: string; inscrits: Inscrit[]; errors?: FieldErrors; values?: FormValues; form?: 'inscription' | 'presence' }) {
  const s = p.session;
  const base = `/formation/sessions/${s.id}`;
  return (
    <Layout ctx={p.ctx} title={s.titre} wide>
      <Breadcrumb trail={[{ href: '/tableau-de-bord/organisme_formation', label: 'Tableau de bord' }]} current={{ href: base, label: s.titre }} />
      <h1>{s.titre}</h1>
      <p>
        {p.organisme} · {periode(s.debut, s.fin)} · {s.heures} h · {s.aDistance ? 'à distance' : s.lieu} · {p.inscrits.length} / {s.capacite} places
      </p>
      <ErrorSummary errors={p.form === 'presence' ? { _form: Object.values(p.errors ?? {}).join(' ') } : p.errors} />
      <h2>Inscrits et présences</h2>
      {p.inscrits.length ? (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Présences à la session (en heures, {s.heures} h au plus)</caption>
            <thead>
              <tr>
                <th scope="col">Conseiller</th>
                <th scope="col">Présence enregistrée</th>
                <th scope="col">Saisir la présence</th>
              </tr>
            </thead>
            <tbody>
              {p.inscrits.map((i) => {
                const enErreur = p.form === 'presence' && p.values?.conseiller_id === i.conseillerId;
                return (
                  <tr>
                    <td>
                      <a href={`/formation/conseillers/${i.conseillerId}`}>{i.nom}</a>
                    </td>
                    <td>{i.heuresPresence === null ? 'À saisir' : `${i.heuresPresence} h`}</td>
                    <td>
                      <form method="post" action={`${base}/presences`} novalidate class="cn-inline-form">
                        <Csrf token={p.ctx.csrf} />
                        <input type="hidden" name="conseiller_id" value={i.conseillerId} />
                        <div class={`fr-input-group${enErreur ? ' fr-input-group--error' : ''}`}>
                          <label class="fr-label" for={`heures-${i.conseillerId}`}>
                            Heures de présence de {i.nom}
                          </label>
                          <input
                            class={`fr-input${enErreur ? ' fr-input--error' : ''}`}
                            id={`heures-${i.conseillerId}`}
                            name="heures"
                            inputMode="numeric"
                            maxLength={3}
                            value={enErreur ? p.values?.heures : i.heuresPresence?.toString() ?? ''}
                            aria-invalid={enErreur ? 'true' : undefined}
                            aria-describedby={enErreur ? `heures-${i.conseillerId}-erreur` : undefined}
                          />
                          {enErreur ? (
                            <p class="fr-error-text" id={`heures-${i.conseillerId}-erreur`}>
                              {p.errors?.heures ?? p.errors?.conseiller_id}
                            </p>
                          ) : null}
                        </div>
                        <button class="fr-btn fr-btn--sm" type="submit">
                          Enregistrer<span class="fr-sr-only"> la présence de {i.nom}</span>
                        </button>
                      </form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p>Personne n'est encore inscrit.</p>
      )}
      <h2>Inscrire un conseiller</h2>
      <form method="post" action={`${base}/inscriptions`} novalidate>
        <Csrf token={p.ctx.csrf} />
        <Input name="email" label="Adresse électronique du conseiller" type="email" autocomplete="off" required maxLength={LIMITES.email} values={p.form === 'inscription' ? p.values : {}} errors={p.form === 'inscription' ? p.errors : undefined} />
        <button class="fr-btn" type="submit">
          Inscrire
        </button>
      </form>
    </Layout>
  );
}
