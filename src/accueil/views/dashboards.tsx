import type { ComponentChildren } from 'preact';
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { formatNumber } from '../../platform/views/components.js';
import { ROLE_LABELS, type Role } from '../../platform/access.js';
import type { Structure } from '../../structures/structures.js';
import { STRUCTURE_TYPES } from '../../structures/structures.js';
import { commune, departement, region } from '../../territoires/territoires.js';
import type { Action } from '../actions.js';

export function Dashboard(p: { ctx: PageContext; role: Role; intro?: string; children?: ComponentChildren }) {
  return (
    <Layout ctx={p.ctx} title={`Tableau de bord · ${ROLE_LABELS[p.role]}`} wide>
      <h1>Tableau de bord</h1>
      <p class="fr-text--lead">
        {ROLE_LABELS[p.role]}
        {p.intro ? ` · ${p.intro}` : ''}
      </p>
      {p.children}
    </Layout>
  );
}

/** The first block of every dashboard: what to do next, each a link to the page where it is done. */
export function AFaire({ actions, vide }: { actions: readonly Action[]; vide: string }) {
  return (
    <section class="fr-mb-4w cn-a-faire" aria-labelledby="titre-a-faire">
      <h2 id="titre-a-faire">À faire</h2>
      {actions.length ? (
        <ul>
          {actions.map((a) => (
            <li>
              <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={a.href}>
                {a.texte}
              </a>
              {a.detail ? <span class="fr-hint-text">{a.detail}</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>{vide}</p>
      )}
    </section>
  );
}

export function StructureTable(p: { caption: string; rows: Structure[] }) {
  return (
    <div class="fr-table cn-table-scroll">
      <table>
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Structure</th>
            <th scope="col">Type</th>
            <th scope="col">Commune</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((s) => (
            <tr>
              <td>
                <a href={`/structures/${s.id}`}>{s.nom}</a>
              </td>
              <td>{STRUCTURE_TYPES[s.type as keyof typeof STRUCTURE_TYPES] ?? s.type}</td>
              <td>{commune(s.communeInsee)?.nom ?? s.communeInsee}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CountTable(p: { caption: string; head: string; rows: { key: string; n: number }[]; kind: 'departement' | 'region' }) {
  return (
    <div class="fr-table cn-table-scroll">
      <table>
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{p.head}</th>
            <th scope="col">Structures</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr>
              <td>
                {r.key} · {(p.kind === 'departement' ? departement(r.key)?.nom : region(r.key)?.nom) ?? ''}
              </td>
              <td>{formatNumber(r.n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
