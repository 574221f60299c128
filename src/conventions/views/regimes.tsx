/** Funding regimes (ANCT): the list, a new one, a change (typically an end date). */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, ErrorSummary, Input, Select, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { NATURES_REGIME, type NatureRegime } from '../regles.js';
import type { Regime } from '../regimes.js';
import { formatEuros, frDate } from './format.js';

export const valeursRegime = (r: Regime): FormValues => ({
  nom: r.nom,
  entree_du: r.entreeDu,
  entree_au: r.entreeAu ?? '',
  montant_poste: (r.montantPosteCentimes / 100).toFixed(2).replace('.', ','),
  mois_finances: String(r.moisFinances),
  bonification: (r.bonificationCentimes / 100).toFixed(2).replace('.', ','),
  nature: r.nature,
});

function RegimeForm(p: { action: string; csrf: string; values?: FormValues; errors?: FieldErrors; bouton: string }) {
  return (
    <form method="post" action={p.action} novalidate>
      <Csrf token={p.csrf} />
      <ErrorSummary errors={p.errors} />
      <Input name="nom" label="Nom du régime" required maxLength={150} values={p.values} errors={p.errors} />
      <Select name="nature" label="Nature" required values={p.values} errors={p.errors} options={Object.entries(NATURES_REGIME).map(([value, label]) => ({ value, label }))} />
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-6">
          <Input name="entree_du" label="Entrées dans le programme à partir du" type="date" required values={p.values} errors={p.errors} />
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <Input name="entree_au" label="Jusqu'au" type="date" hint="Laissez vide : le régime reste ouvert" values={p.values} errors={p.errors} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <Input name="montant_poste" label="Montant par poste (€)" hint="Par exemple : 50 000,00" required maxLength={20} values={p.values} errors={p.errors} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <Input name="mois_finances" label="Mois financés" inputMode="numeric" required maxLength={3} values={p.values} errors={p.errors} />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <Input name="bonification" label="Bonification par poste en ZRR ou QPV (€)" hint="0 sans bonification" maxLength={20} values={p.values} errors={p.errors} />
        </div>
      </div>
      <button class="fr-btn" type="submit">
        {p.bouton}
      </button>
    </form>
  );
}

export function RegimesPage(p: { ctx: PageContext; regimes: Regime[]; values?: FormValues; errors?: FieldErrors }) {
  return (
    <Layout ctx={p.ctx} title="Régimes de financement" wide>
      <Breadcrumb trail={[{ href: '/conventions', label: 'Conventions' }]} current={{ href: '/conventions/regimes', label: 'Régimes de financement' }} />
      <h1>Régimes de financement</h1>
      <p>Chaque décision positive du comité de sélection est financée par le régime ouvert à sa date ; un reconventionnement, par le régime de reconventionnement ouvert le jour de sa demande.</p>
      <div class="fr-table cn-table-scroll">
        <table>
          <caption>Régimes</caption>
          <thead>
            <tr>
              <th scope="col">Régime</th>
              <th scope="col">Nature</th>
              <th scope="col">Entrées</th>
              <th scope="col">Par poste</th>
              <th scope="col">Bonification</th>
            </tr>
          </thead>
          <tbody>
            {p.regimes.map((r) => (
              <tr>
                <td>
                  <a href={`/conventions/regimes/${r.id}`}>{r.nom}</a>
                </td>
                <td>{NATURES_REGIME[r.nature as NatureRegime] ?? r.nature}</td>
                <td>{r.entreeAu ? `du ${frDate(r.entreeDu)} au ${frDate(r.entreeAu)}` : `depuis le ${frDate(r.entreeDu)} (ouvert)`}</td>
                <td>
                  {formatEuros(r.montantPosteCentimes)} pour {r.moisFinances} mois
                </td>
                <td>{r.bonificationCentimes ? formatEuros(r.bonificationCentimes) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Nouveau régime</h2>
      <RegimeForm action="/conventions/regimes" csrf={p.ctx.csrf} values={p.values ?? {}} errors={p.errors} bouton="Créer le régime" />
    </Layout>
  );
}

export function RegimePage(p: { ctx: PageContext; regime: Regime; values?: FormValues; errors?: FieldErrors }) {
  return (
    <Layout ctx={p.ctx} title={`Régime : ${p.regime.nom}`}>
      <Breadcrumb trail={[{ href: '/conventions', label: 'Conventions' }, { href: '/conventions/regimes', label: 'Régimes de financement' }]} current={{ href: `/conventions/regimes/${p.regime.id}`, label: p.regime.nom }} />
      <h1>{p.regime.nom}</h1>
      <p>Une fois des conventions ouvertes sous ce régime, seuls son nom et sa période d'entrée changent encore.</p>
      <RegimeForm action={`/conventions/regimes/${p.regime.id}`} csrf={p.ctx.csrf} values={p.values ?? valeursRegime(p.regime)} errors={p.errors} bouton="Enregistrer" />
    </Layout>
  );
}
