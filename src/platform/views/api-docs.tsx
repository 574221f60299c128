import { Layout, type PageContext } from './layout.js';

interface Param {
  name: string;
  in: string;
  description: string;
  required?: boolean;
  schema: Record<string, unknown>;
  example?: unknown;
}
interface Op {
  summary: string;
  description?: string;
  operationId: string;
  parameters?: Param[];
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
  security?: unknown[];
}
interface Doc {
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Op>>;
}

function typeOf(s: Record<string, unknown>): string {
  if (Array.isArray(s.enum)) return `un de : ${(s.enum as unknown[]).join(', ')}`;
  const t = String(s.type ?? '');
  const extra = [s.format, s.minimum !== undefined ? `min ${s.minimum}` : '', s.maximum !== undefined ? `max ${s.maximum}` : ''].filter(Boolean).join(', ');
  return extra ? `${t} (${extra})` : t;
}

/** The OpenAPI document as a page: every operation with its parameters and responses. */
export function ApiDocsPage(p: { ctx: PageContext; doc: Doc }) {
  const ops = Object.entries(p.doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  return (
    <Layout ctx={p.ctx} title="Documentation de l'API">
      <h1>Documentation de l'API</h1>
      <p>{p.doc.info.description}</p>
      <p>
        Version {p.doc.info.version}. Document OpenAPI 3.1 : <a href="/api/openapi.json">/api/openapi.json</a>.
      </p>
      <nav aria-label="Opérations de l'API" class="fr-mb-4w">
        <ul>
          {ops.map(({ path, method, op }) => (
            <li>
              <a href={`#${op.operationId}`}>
                <code>
                  {method.toUpperCase()} {path}
                </code>{' '}
                — {op.summary}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {ops.map(({ path, method, op }) => (
        <section class="fr-mb-6w" id={op.operationId} aria-labelledby={`${op.operationId}-titre`}>
          <h2 class="fr-h4" id={`${op.operationId}-titre`}>
            <code>
              {method.toUpperCase()} {path}
            </code>
          </h2>
          <p>
            <strong>{op.summary}</strong>
            {op.security?.length ? ' · jeton requis' : ' · publique'}
          </p>
          {op.description ? <p>{op.description}</p> : null}
          {op.parameters?.length ? (
            <div class="fr-table cn-table-scroll">
              <table>
                <caption>Paramètres de {`${method.toUpperCase()} ${path}`}</caption>
                <thead>
                  <tr>
                    <th scope="col">Nom</th>
                    <th scope="col">Où</th>
                    <th scope="col">Type</th>
                    <th scope="col">Description</th>
                  </tr>
                </thead>
                <tbody>
                  {op.parameters.map((x) => (
                    <tr>
                      <td>
                        <code>{x.name}</code>
                        {x.required ? ' (obligatoire)' : ''}
                      </td>
                      <td>{x.in === 'query' ? 'requête' : x.in === 'path' ? 'chemin' : x.in}</td>
                      <td>{typeOf(x.schema)}</td>
                      <td>
                        {x.description}
                        {x.example !== undefined ? (
                          <>
                            {' '}
                            Exemple : <code>{String(x.example)}</code>
                          </>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <h3 class="fr-h6">Réponses</h3>
          <ul>
            {Object.entries(op.responses).map(([code, r]) => (
              <li>
                <code>{code}</code> — {r.description}
                {r.content ? ` (${Object.keys(r.content).join(', ')})` : ''}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}
