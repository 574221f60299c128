import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Csrf, ErrorSummary, formatDateTime, type FieldErrors } from '../../platform/views/components.js';
import { formatEuros, MOTIFS_RUPTURE, TYPES_CONTRAT } from '../regles.js';
import type { AValider } from '../lecture.js';
import { fr } from './format.js';

function Ligne({ a, action, bouton, csrf, rupture }: { a: AValider; action: string; bouton: string; csrf: string; rupture?: boolean }) {
  const c = a.contrat;
  return (
    <tr>
      <td>
        <a href={`/conseillers/${c.userId}`}>
          {a.candidat.prenom} {a.candidat.nom}
        </a>
      </td>
      <td>{a.structure}</td>
      <td>
        {rupture ? (
          <>
            Rupture au {fr(c.ruptureDate)} — {MOTIFS_RUPTURE[c.ruptureMotif as keyof typeof MOTIFS_RUPTURE] ?? c.ruptureMotif} — pièces {c.ruptureDocuments === 'complet' ? 'complètes' : 'en attente'}
          </>
        ) : (
          <>
            {TYPES_CONTRAT[c.type as keyof typeof TYPES_CONTRAT]} du {fr(c.dateDebut)}
            {c.dateFin ? ` au ${fr(c.dateFin)}` : ''}, {formatEuros(c.salaireCentimes)}
            {c.coordinateur ? ', coordinateur' : ''}
            {c.renouvelle ? ' (renouvellement)' : ''}
          </>
        )}
      </td>
      <td>{formatDateTime(c.updatedAt)}</td>
      <td>
        <form method="post" action={action}>
          <Csrf token={csrf} />
          <button class="fr-btn fr-btn--sm" type="submit" title={`${bouton} : ${a.candidat.prenom} ${a.candidat.nom}, ${a.structure}`}>
            {bouton}
          </button>
        </form>
      </td>
    </tr>
  );
}

export function FileAnctPage(p: { ctx: PageContext; recrutements: AValider[]; ruptures: AValider[]; errors?: FieldErrors }) {
  const head = (
    <thead>
      <tr>
        <th scope="col">Conseiller</th>
        <th scope="col">Structure</th>
        <th scope="col">Contrat</th>
        <th scope="col">Depuis</th>
        <th scope="col">Action</th>
      </tr>
    </thead>
  );
  return (
    <Layout ctx={p.ctx} title="Recrutements à valider" wide>
      <h1>Recrutements et ruptures à valider</h1>
      <ErrorSummary errors={p.errors} />
      <h2>Contrats à valider ({p.recrutements.length})</h2>
      {p.recrutements.length === 0 ? (
        <p>Aucun contrat n'attend de validation.</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Contrats saisis par les structures</caption>
            {head}
            <tbody>
              {p.recrutements.map((a) => (
                <Ligne a={a} action={`/recrutement/${a.mer.id}/validation`} bouton="Valider le recrutement" csrf={p.ctx.csrf} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Ruptures à valider ({p.ruptures.length})</h2>
      {p.ruptures.length === 0 ? (
        <p>Aucune rupture n'attend de validation.</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Ruptures déclarées par les structures</caption>
            {head}
            <tbody>
              {p.ruptures.map((a) => (
                <Ligne a={a} action={`/recrutement/${a.mer.id}/rupture/validation`} bouton="Valider la rupture" csrf={p.ctx.csrf} rupture />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
