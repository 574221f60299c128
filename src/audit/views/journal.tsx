import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Input, Select, formatDateTime, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import type { AuditRow } from '../audit.js';
import { actionLabel, changements, objetLabel } from '../labels.js';

function Changements({ before, after }: { before: unknown; after: unknown }) {
  const lignes = changements(before, after);
  if (lignes.length === 0) return <>—</>;
  return (
    <ul class="cn-changements">
      {lignes.map((c) => (
        <li>
          <strong>{c.champ}</strong> : {c.avant !== null && c.apres !== null ? `${c.avant} → ${c.apres}` : (c.apres ?? c.avant)}
        </li>
      ))}
    </ul>
  );
}

function Objet({ r }: { r: AuditRow }) {
  const o = objetLabel(r.objectType, r.objectId);
  return o.href ? (
    <a href={o.href} title={`Voir : ${o.label}`}>
      {o.label}
    </a>
  ) : (
    <>{o.label}</>
  );
}

export function JournalPage(p: { ctx: PageContext; rows: AuditRow[]; values: FormValues; errors: FieldErrors; actions: string[]; nextBefore: number | null; query: string }) {
  return (
    <Layout ctx={p.ctx} title="Journal d'audit" wide>
      <h1>Journal d'audit</h1>
      <p>Chaque action qui modifie des données est enregistrée ici : qui, quand, quoi, sur quel objet. Le journal ne peut pas être modifié.</p>
      <form method="get" action="/admin/journal" class="fr-mb-4w">
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-4">
            <Input name="q" label="Texte, auteur ou identifiant" values={p.values} errors={p.errors} maxLength={100} />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select name="action" label="Action" options={p.actions.map((a) => ({ value: a, label: actionLabel(a) })).sort((x, y) => x.label.localeCompare(y.label, 'fr'))} values={p.values} errors={p.errors} placeholder="Toutes" />
          </div>
          <div class="fr-col-6 fr-col-md-2">
            <Input name="du" label="Du" type="date" values={p.values} errors={p.errors} />
          </div>
          <div class="fr-col-6 fr-col-md-2">
            <Input name="au" label="Au" type="date" values={p.values} errors={p.errors} />
          </div>
        </div>
        <button class="fr-btn fr-mt-2w" type="submit">
          Filtrer
        </button>
      </form>
      {p.rows.length === 0 ? (
        <p>Aucune entrée ne correspond à ces critères.</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Entrées du journal, les plus récentes d'abord</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Auteur</th>
                <th scope="col">Action</th>
                <th scope="col">Objet</th>
                <th scope="col">Résumé</th>
                <th scope="col">Changements (avant → après)</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>{formatDateTime(r.at)}</td>
                  <td>{r.actorLabel}</td>
                  <td>{actionLabel(r.action)}</td>
                  <td>
                    <Objet r={r} />
                  </td>
                  <td>{r.summary}</td>
                  <td>
                    <Changements before={r.before} after={r.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.nextBefore ? (
        <a class="fr-btn fr-btn--secondary" href={`/admin/journal?${p.query}${p.query ? '&' : ''}avant=${p.nextBefore}`}>
          Entrées plus anciennes
        </a>
      ) : null}
    </Layout>
  );
}
