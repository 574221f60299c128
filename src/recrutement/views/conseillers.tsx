import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Input, Select, formatDateTime, type FormValues } from '../../platform/views/components.js';
import { departement, departements } from '../../territoires/territoires.js';
import { formatEuros, TYPES_CONTRAT } from '../regles.js';
import type { LigneConseiller } from '../lecture.js';
import type { Contrat } from '../recrutement.js';
import { fr, statutContrat } from './format.js';

export const STATUTS_CONSEILLER = { RECRUTE: 'Recruté', RUPTURE: 'Rupture', TERMINE: 'Contrat terminé' } as const;

export function ConseillersPage(p: { ctx: PageContext; rows: LigneConseiller[]; filtres: FormValues; query: string; page: number; hasNext: boolean; national: boolean }) {
  return (
    <Layout ctx={p.ctx} title="Conseillers" wide>
      <h1>Conseillers numériques</h1>
      <form method="get" action="/conseillers" class="fr-mb-3w">
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-4">
            <Input name="q" label="Nom ou adresse électronique" values={p.filtres} maxLength={100} />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select name="statut" label="Statut" options={Object.entries(STATUTS_CONSEILLER).map(([value, label]) => ({ value, label }))} values={p.filtres} placeholder="Tous" />
          </div>
          {p.national ? (
            <div class="fr-col-12 fr-col-md-4">
              <Select name="departement" label="Département" options={departements().map((d) => ({ value: d.code, label: `${d.nom} (${d.code})` }))} values={p.filtres} placeholder="Tous" />
            </div>
          ) : null}
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-2w">
          <li>
            <button class="fr-btn" type="submit">
              Filtrer
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left" href={`/conseillers/export.csv${p.query}`}>
              Exporter (CSV)
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left" href={`/conseillers/export.xlsx${p.query}`}>
              Exporter (Excel)
            </a>
          </li>
        </ul>
      </form>
      {p.rows.length === 0 ? (
        <p>Aucun conseiller ne correspond à ces critères.</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Conseillers, avec leur dernier contrat</caption>
            <thead>
              <tr>
                <th scope="col">Conseiller</th>
                <th scope="col">Statut</th>
                <th scope="col">Structure</th>
                <th scope="col">Département</th>
                <th scope="col">Contrat</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/conseillers/${r.userId}`}>
                      {r.prenom} {r.nom}
                    </a>
                  </td>
                  <td>{STATUTS_CONSEILLER[r.statut]}</td>
                  <td>{r.structure}</td>
                  <td>{departement(r.departement)?.nom ?? r.departement}</td>
                  <td>
                    {TYPES_CONTRAT[r.contrat.type as keyof typeof TYPES_CONTRAT]} depuis le {fr(r.contrat.dateDebut)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.page > 1 || p.hasNext ? (
        <p>
          {p.page > 1 ? <a href={`/conseillers${p.query}${p.query ? '&' : '?'}page=${p.page - 1}`}>Page précédente</a> : null} {p.hasNext ? <a href={`/conseillers${p.query}${p.query ? '&' : '?'}page=${p.page + 1}`}>Page suivante</a> : null}
        </p>
      ) : null}
    </Layout>
  );
}

export function ConseillerPage(p: { ctx: PageContext; nom: string; statut: keyof typeof STATUTS_CONSEILLER; contrats: (Contrat & { structure: string; departement: string })[]; email: string | null }) {
  return (
    <Layout ctx={p.ctx} title={`Conseiller · ${p.nom}`}>
      <Breadcrumb trail={[{ href: '/conseillers', label: 'Conseillers' }]} current={{ href: p.ctx.path, label: p.nom }} />
      <h1>{p.nom}</h1>
      <p>
        <span class="fr-badge fr-badge--sm fr-badge--no-icon">{STATUTS_CONSEILLER[p.statut]}</span> {p.email ? `· ${p.email}` : ''}
      </p>
      <h2>Contrats</h2>
      <div class="fr-table">
        <table>
          <caption>Contrats, du plus récent au plus ancien</caption>
          <thead>
            <tr>
              <th scope="col">Structure</th>
              <th scope="col">Contrat</th>
              <th scope="col">Période</th>
              <th scope="col">Salaire brut mensuel</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {p.contrats.map((c) => (
              <tr>
                <td>
                  {c.structure} ({departement(c.departement)?.nom ?? c.departement})
                </td>
                <td>
                  {TYPES_CONTRAT[c.type as keyof typeof TYPES_CONTRAT]}
                  {c.coordinateur ? ', coordinateur' : ''}
                </td>
                <td>
                  du {fr(c.dateDebut)}
                  {c.dateFin ? ` au ${fr(c.dateFin)}` : ''}
                </td>
                <td>{formatEuros(c.salaireCentimes)}</td>
                <td>
                  {statutContrat(c)}
                  {c.valideLe ? ` · validé le ${formatDateTime(c.valideLe)}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
