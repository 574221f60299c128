/** The compliance dashboard: who is in training, late, done; certified; this year's module owed or done. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { EmptyState, Select, Stat, type FormValues } from '../../platform/views/components.js';
import { departement as departementDe } from '../../territoires/territoires.js';
import { STATUTS_MODULE, STATUTS_PARCOURS } from '../regles.js';
import type { LigneSuivi } from '../lecture.js';
import { BadgeModule, BadgeParcours, dateFr, progression } from './format.js';

export function SuiviPage(p: { ctx: PageContext; lignes: LigneSuivi[]; total: Record<string, number>; values: FormValues; query: string; annee: number; departements: { code: string; nom: string }[] }) {
  const q = p.query ? `?${p.query}` : '';
  const lien = (statut: string) => `/formation/suivi?statut=${statut}`;
  return (
    <Layout ctx={p.ctx} title="Suivi de la formation" wide>
      <h1>Suivi de la formation</h1>
      <p>
        Parcours initial (70 à 315 h selon le positionnement), certification, et module thématique {p.annee}. Un parcours est en retard quand le contrat a commencé il y a plus de quatre mois et que
        les heures réalisées n'atteignent pas les heures requises.
      </p>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
        <Stat label="En retard" value={p.total.en_retard ?? 0} href={lien('en_retard')} />
        <Stat label="Parcours en cours" value={p.total.en_cours ?? 0} href={lien('en_cours')} />
        <Stat label="Positionnement à faire" value={p.total.non_positionne ?? 0} href={lien('non_positionne')} />
        <Stat label="Parcours terminés" value={p.total.termine ?? 0} href={lien('termine')} />
      </div>
      <form method="get" action="/formation/suivi" class="fr-mb-4w">
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-3">
            <div class="fr-input-group">
              <label class="fr-label" for="champ-q">
                Nom du conseiller<span class="fr-hint-text">Facultatif</span>
              </label>
              <input class="fr-input" id="champ-q" name="q" type="search" maxLength={100} value={p.values.q ?? ''} />
            </div>
          </div>
          <div class="fr-col-12 fr-col-md-3">
            <Select name="statut" label="Parcours initial" placeholder="Tous" values={p.values} options={Object.entries(STATUTS_PARCOURS).map(([value, label]) => ({ value, label }))} />
          </div>
          <div class="fr-col-12 fr-col-md-2">
            <Select name="certifie" label="Certification" placeholder="Tous" values={p.values} options={[{ value: 'oui', label: 'Certifiés' }, { value: 'non', label: 'Pas encore certifiés' }]} />
          </div>
          <div class="fr-col-12 fr-col-md-2">
            <Select name="module" label={`Module ${p.annee}`} placeholder="Tous" values={p.values} options={Object.entries(STATUTS_MODULE).map(([value, label]) => ({ value, label }))} />
          </div>
          {p.departements.length > 1 ? (
            <div class="fr-col-12 fr-col-md-2">
              <Select name="departement" label="Département" placeholder="Tous" values={p.values} options={p.departements.map((d) => ({ value: d.code, label: `${d.nom} (${d.code})` }))} />
            </div>
          ) : null}
        </div>
        <button class="fr-btn fr-btn--secondary" type="submit">
          Filtrer
        </button>
      </form>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn fr-btn--tertiary" href={`/formation/suivi/export.csv${q}`}>
            Exporter en CSV
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary" href={`/formation/suivi/export.xlsx${q}`}>
            Exporter en XLSX
          </a>
        </li>
      </ul>
      {p.lignes.length ? (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>
              {p.lignes.length} conseiller{p.lignes.length > 1 ? 's' : ''} en poste
            </caption>
            <thead>
              <tr>
                <th scope="col">Conseiller</th>
                <th scope="col">Structure</th>
                <th scope="col">Département</th>
                <th scope="col">Début du contrat</th>
                <th scope="col">Heures</th>
                <th scope="col">Parcours initial</th>
                <th scope="col">Certification</th>
                <th scope="col">Module {p.annee}</th>
              </tr>
            </thead>
            <tbody>
              {p.lignes.map((l) => {
                const d = departementDe(l.departement);
                return (
                  <tr>
                    <td>
                      <a href={`/formation/conseillers/${l.conseillerId}`}>{l.nom}</a>
                    </td>
                    <td>{l.structure}</td>
                    <td>{d ? `${d.nom} (${d.code})` : l.departement}</td>
                    <td>{dateFr(l.debutContrat)}</td>
                    <td>{progression(l.heuresRealisees, l.heuresRequises)}</td>
                    <td>
                      <BadgeParcours statut={l.statut} />
                    </td>
                    <td>{l.certifie ? 'Certifié' : 'Non certifié'}</td>
                    <td>
                      <BadgeModule statut={l.module} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <EmptyState title="Aucun conseiller">Aucun conseiller en poste ne correspond à ces filtres dans votre périmètre.</EmptyState>
      )}
    </Layout>
  );
}
