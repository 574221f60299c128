/** One conseiller's training record: path, sessions and attendance, certification, the year's module. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, ErrorSummary, Input, Select, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { COMPETENCES, RESULTATS_CCP, STATUTS_MODULE } from '../regles.js';
import type { DossierFormation } from '../formation.js';
import { BadgeModule, BadgeParcours, dateFr, formatEuros, periode, progression, resultatCcp } from './format.js';

export interface DossierDroits {
  /** The provider's staff: adjust the path, record certification. */
  saisir: boolean;
  /** Banque des Territoires and ANCT: the cost. */
  couts: boolean;
}

export function Progression({ d }: { d: DossierFormation }) {
  const pct = d.heuresRequises ? Math.min(100, Math.round((d.heuresRealisees / d.heuresRequises) * 100)) : 0;
  return (
    <div class="fr-mb-4w">
      <p class="fr-h4 fr-mb-1w" id="progression">
        Parcours initial : {progression(d.heuresRealisees, d.heuresRequises)}
      </p>
      <BadgeParcours statut={d.statut} />
      {d.heuresRequises ? (
        <p class="fr-mt-1w">
          <progress max={d.heuresRequises} value={Math.min(d.heuresRealisees, d.heuresRequises)} aria-labelledby="progression">
            {pct} %
          </progress>{' '}
          {pct} % des heures réalisées (calculées à partir des présences enregistrées par l'organisme de formation).
        </p>
      ) : null}
    </div>
  );
}

function Certification({ d }: { d: DossierFormation }) {
  const c = d.certification;
  return (
    <>
      <h2>Certification</h2>
      <ul>
        <li>
          CCP1 du titre « Responsable d'espace de médiation numérique » : {resultatCcp(c?.ccp1Resultat)}
          {c?.ccp1Date ? `, le ${dateFr(c.ccp1Date)}` : ''}
        </li>
        <li>Certification Pix : {c?.pixScore !== null && c?.pixScore !== undefined ? `${c.pixScore} pix, le ${dateFr(c.pixDate)}` : 'Non renseignée'}</li>
        {c?.ccp2Resultat ? <li>CCP2 (facultatif) : {resultatCcp(c.ccp2Resultat)}{c.ccp2Date ? `, le ${dateFr(c.ccp2Date)}` : ''}</li> : null}
        {c?.ccp3Resultat ? <li>CCP3 (facultatif) : {resultatCcp(c.ccp3Resultat)}{c.ccp3Date ? `, le ${dateFr(c.ccp3Date)}` : ''}</li> : null}
      </ul>
      <p>{d.certifie ? <span class="fr-badge fr-badge--success">Certifié</span> : <span class="fr-badge">Pas encore certifié</span>}</p>
    </>
  );
}

const resultats = Object.entries(RESULTATS_CCP).map(([value, label]) => ({ value, label }));

export const valeursCertification = (d: DossierFormation): FormValues => {
  const c = d.certification;
  return {
    ccp1_resultat: c?.ccp1Resultat ?? '',
    ccp1_date: c?.ccp1Date ?? '',
    pix_score: c?.pixScore?.toString() ?? '',
    pix_date: c?.pixDate ?? '',
    ccp2_resultat: c?.ccp2Resultat ?? '',
    ccp2_date: c?.ccp2Date ?? '',
    ccp3_resultat: c?.ccp3Resultat ?? '',
    ccp3_date: c?.ccp3Date ?? '',
  };
};

function FormulaireCertification(p: { action: string; csrf: string; values: FormValues; errors?: FieldErrors | undefined }) {
  return (
    <form method="post" action={p.action} novalidate>
      <Csrf token={p.csrf} />
      <h3>Enregistrer la certification</h3>
      {(['ccp1', 'ccp2', 'ccp3'] as const).map((k) => (
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-6">
            <Select name={`${k}_resultat`} label={`Résultat du ${k.toUpperCase()}${k === 'ccp1' ? '' : ' (facultatif)'}`} placeholder="Non renseigné" values={p.values} errors={p.errors} options={resultats} />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <Input name={`${k}_date`} label={`Date du ${k.toUpperCase()}`} type="date" values={p.values} errors={p.errors} />
          </div>
        </div>
      ))}
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-6">
          <Input name="pix_score" label="Score de la certification Pix" inputMode="numeric" maxLength={4} values={p.values} errors={p.errors} />
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <Input name="pix_date" label="Date de la certification Pix" type="date" values={p.values} errors={p.errors} />
        </div>
      </div>
      <button class="fr-btn" type="submit">
        Enregistrer la certification
      </button>
    </form>
  );
}

export function DossierPage(p: {
  ctx: PageContext;
  d: DossierFormation;
  droits: DossierDroits;
  moi?: boolean;
  errors?: FieldErrors;
  values?: FormValues;
  /** Which form the errors belong to. */
  form?: 'ajustement' | 'certification';
  /** Where the breadcrumb leads back: the dashboard of the reader's role. */
  retour?: { href: string; label: string };
  children?: preact.ComponentChildren;
}) {
  const { d } = p;
  const base = `/formation/conseillers/${d.conseiller.userId}`;
  const titre = p.moi ? 'Ma formation' : `Formation de ${d.conseiller.nom}`;
  return (
    <Layout ctx={p.ctx} title={titre}>
      {p.moi ? null : <Breadcrumb trail={[p.retour ?? { href: '/formation/suivi', label: 'Suivi de la formation' }]} current={{ href: base, label: d.conseiller.nom }} />}
      <h1>{titre}</h1>
      <p>
        {d.conseiller.structure}
        {d.conseiller.debutContrat ? ` · contrat commencé le ${dateFr(d.conseiller.debutContrat)}` : ''}
      </p>
      {p.form ? <ErrorSummary errors={p.errors} /> : null}
      <Progression d={d} />
      <h2>Positionnement</h2>
      {d.parcours ? (
        <ul>
          <li>
            Niveau Pix {d.parcours.niveauPix}, le {dateFr(d.parcours.datePositionnement)}, par {d.organismeParcours}
          </li>
          <li>
            Compétences : {COMPETENCES.competence1} {d.parcours.competence1}/3 ; {COMPETENCES.competence2} {d.parcours.competence2}/3 ; {COMPETENCES.competence3} {d.parcours.competence3}/3
          </li>
          <li>
            Parcours : {d.parcours.heuresRequises} h
            {d.parcours.motifAjustement ? ` (ajusté depuis ${d.parcours.heuresCalculees} h : ${d.parcours.motifAjustement})` : ' (selon le barème)'}
          </li>
        </ul>
      ) : (
        <p>Le positionnement n'est pas encore enregistré : l'organisme de formation le saisit à l'entrée en formation.</p>
      )}
      {p.droits.saisir && d.parcours ? (
        <form method="post" action={`${base}/ajustement`} novalidate>
          <Csrf token={p.ctx.csrf} />
          <h3>Ajuster la durée du parcours</h3>
          <Input name="heures" label="Durée du parcours (heures)" hint="Entre 70 et 315 heures" inputMode="numeric" required maxLength={3} values={p.form === 'ajustement' ? p.values : { heures: String(d.parcours.heuresRequises) }} errors={p.form === 'ajustement' ? p.errors : undefined} />
          <Input name="motif" label="Motif de l'ajustement" required maxLength={1000} values={p.form === 'ajustement' ? p.values : {}} errors={p.form === 'ajustement' ? p.errors : undefined} />
          <button class="fr-btn fr-btn--secondary" type="submit">
            Ajuster le parcours
          </button>
        </form>
      ) : null}
      <h2>Sessions suivies</h2>
      {d.sessions.length ? (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Sessions et présences</caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Organisme</th>
                <th scope="col">Dates</th>
                <th scope="col">Durée</th>
                <th scope="col">Présence</th>
              </tr>
            </thead>
            <tbody>
              {d.sessions.map((s) => (
                <tr>
                  <td>
                    {s.titre}
                    {s.module ? ' (module annuel)' : ''}
                  </td>
                  <td>{s.organisme}</td>
                  <td>{periode(s.debut, s.fin)}</td>
                  <td>{s.heures} h</td>
                  <td>{s.heuresPresence === null ? 'À saisir' : `${s.heuresPresence} h`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>Aucune inscription pour le moment.</p>
      )}
      <Certification d={d} />
      {p.droits.saisir ? <FormulaireCertification action={`${base}/certification`} csrf={p.ctx.csrf} values={p.form === 'certification' ? (p.values ?? {}) : valeursCertification(d)} errors={p.form === 'certification' ? p.errors : undefined} /> : null}
      <h2>Module thématique {d.module.annee}</h2>
      <BadgeModule statut={d.module.statut} />
      <p>
        {d.module.titre ? `Module choisi : ${d.module.titre}${d.module.realiseLe ? `, réalisé le ${dateFr(d.module.realiseLe)}` : ''}.` : STATUTS_MODULE[d.module.statut] + '.'}
      </p>
      {p.droits.couts ? (
        <>
          <h2>Coût de la formation</h2>
          <p>
            {formatEuros(d.coutCentimes)} (heures réalisées × taux horaire de la convention de chaque organisme), financés à 100 % par la Banque des Territoires.
          </p>
        </>
      ) : null}
      {p.children}
    </Layout>
  );
}
