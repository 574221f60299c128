import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Input, Select, formatDateTime, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import type { AuditRow } from '../audit.js';

function short(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = JSON.stringify(v);
  return s.length > 300 ? s.slice(0, 300) + '…' : s;
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
            <Select name="action" label="Action" options={p.actions.map((a) => ({ value: a, label: a }))} values={p.values} errors={p.errors} placeholder="Toutes" />
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
                <th scope="col">Avant → après</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>{formatDateTime(r.at)}</td>
                  <td>{r.actorLabel}</td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>
                    {r.objectType}
                    {r.objectId ? <span class="fr-text--xs"> {r.objectId}</span> : null}
                  </td>
                  <td>{r.summary}</td>
                  <td class="cn-pre">
                    {short(r.before)}
                    {r.before || r.after ? ' → ' : ''}
                    {short(r.after)}
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
