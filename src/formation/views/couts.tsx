/** Training costs per conseiller (Banque des Territoires funds 100 %), and the levels → hours table (ANCT). */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Csrf, EmptyState, ErrorSummary, Input, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { BAREME_PAR_DEFAUT, HEURES_MAX, HEURES_MIN, NIVEAUX_PIX, type Bareme } from '../regles.js';
import type { LigneCout } from '../lecture.js';
import { formatEuros } from './format.js';

export function CoutsPage(p: { ctx: PageContext; lignes: LigneCout[] }) {
  const total = p.lignes.reduce((s, l) => s + l.coutCentimes, 0);
  return (
    <Layout ctx={p.ctx} title="Coûts de formation" wide>
      <h1>Coûts de formation</h1>
      <p>
        Pour chaque conseiller en poste : les heures réalisées (présences enregistrées) avec chaque organisme × le taux horaire de la convention de l'organisme. La Banque des Territoires finance 100 % de
        ces coûts.
      </p>
      <p class="fr-h4">Total : {formatEuros(total)}</p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn fr-btn--tertiary" href="/formation/couts/export.csv">
            Exporter en CSV
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary" href="/formation/couts/export.xlsx">
            Exporter en XLSX
          </a>
        </li>
      </ul>
      {p.lignes.length ? (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Coût par conseiller</caption>
            <thead>
              <tr>
                <th scope="col">Conseiller</th>
                <th scope="col">Structure</th>
                <th scope="col">Organismes</th>
                <th scope="col">Heures réalisées</th>
                <th scope="col">Coût</th>
              </tr>
            </thead>
            <tbody>
              {p.lignes.map((l) => (
                <tr>
                  <td>
                    <a href={`/formation/conseillers/${l.conseillerId}`}>{l.nom}</a>
                  </td>
                  <td>{l.structure}</td>
                  <td>{l.organismes}</td>
                  <td>{l.heures} h</td>
                  <td>{formatEuros(l.coutCentimes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <EmptyState title="Aucune heure réalisée">Les coûts apparaissent dès que les organismes enregistrent des présences.</EmptyState>
      )}
    </Layout>
  );
}

export function BaremePage(p: { ctx: PageContext; bareme: Bareme; values?: FormValues; errors?: FieldErrors }) {
  const values = p.values ?? Object.fromEntries(NIVEAUX_PIX.map((n) => [`niveau${n}`, String(p.bareme[n])]));
  return (
    <Layout ctx={p.ctx} title="Barème du positionnement">
      <h1>Barème du positionnement</h1>
      <p>
        La durée du parcours initial découle du niveau Pix du positionnement. Par défaut : niveau 1 → {BAREME_PAR_DEFAUT[1]} h, niveau 2 → {BAREME_PAR_DEFAUT[2]} h, niveau 3 → {BAREME_PAR_DEFAUT[3]} h.
        Chaque durée reste entre {HEURES_MIN} et {HEURES_MAX} heures ; un changement vaut pour les positionnements enregistrés ensuite.
      </p>
      <form method="post" action="/formation/bareme" novalidate>
        <Csrf token={p.ctx.csrf} />
        <ErrorSummary errors={p.errors} />
        {NIVEAUX_PIX.map((n) => (
          <Input name={`niveau${n}`} label={`Niveau ${n} (heures)`} inputMode="numeric" required maxLength={3} values={values} errors={p.errors} />
        ))}
        <button class="fr-btn" type="submit">
          Enregistrer le barème
        </button>
      </form>
    </Layout>
  );
}
