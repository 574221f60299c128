import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, EmptyState, ErrorSummary, Input, formatDateTime, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { formatSize, uploadAction } from '../../platform/uploads/index.js';
import type { Structure } from '../structures.js';
import { LIBELLE_MAX, type StructureDocument } from '../documents.js';

export function DocumentsPage(p: { ctx: PageContext; s: Structure; docs: StructureDocument[]; canEdit: boolean; values?: FormValues; errors?: FieldErrors }) {
  const { s } = p;
  const base = `/structures/${s.id}/documents`;
  const fileError = p.errors?.fichier;
  return (
    <Layout ctx={p.ctx} title={`Documents · ${s.nom}`} wide>
      <Breadcrumb
        trail={[
          { href: '/structures', label: 'Structures' },
          { href: `/structures/${s.id}`, label: s.nom },
        ]}
        current={{ href: `/structures/${s.id}/documents`, label: 'Documents' }}
      />
      <h1>Documents de la structure</h1>
      <p>{s.nom}</p>
      {p.docs.length === 0 ? (
        <EmptyState title="Aucun document pour le moment">
          <p>{p.canEdit ? 'Ajoutez les conventions, attestations et autres pièces de la structure avec le formulaire ci-dessous.' : "La structure n'a encore déposé aucun document."}</p>
        </EmptyState>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>
              {p.docs.length} document{p.docs.length > 1 ? 's' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Taille</th>
                <th scope="col">Ajouté par</th>
                <th scope="col">Date d'ajout</th>
                {p.canEdit ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {p.docs.map((d) => (
                <tr>
                  <td>
                    <a href={`${base}/${d.id}`} download>
                      {d.libelle ?? d.nomOriginal}
                    </a>
                    <br />
                    <span class="fr-hint-text">{d.nomOriginal}</span>
                  </td>
                  <td>{formatSize(d.taille)}</td>
                  <td>{d.uploadedByLabel}</td>
                  <td>{formatDateTime(d.createdAt)}</td>
                  {p.canEdit ? (
                    <td>
                      <form method="post" action={`${base}/${d.id}/supprimer`}>
                        <Csrf token={p.ctx.csrf} />
                        <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit" title={`Supprimer ${d.libelle ?? d.nomOriginal}`}>
                          Supprimer
                        </button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.canEdit ? (
        <section aria-labelledby="ajout-titre" class="fr-mt-6w">
          <h2 id="ajout-titre">Ajouter un document</h2>
          <form method="post" action={uploadAction(base, p.ctx.csrf)} enctype="multipart/form-data" novalidate>
            <Csrf token={p.ctx.csrf} />
            <ErrorSummary errors={p.errors} />
            <Input name="libelle" label="Objet du document" hint="Par exemple « Convention de financement 2025 »" required values={p.values} errors={p.errors} maxLength={LIBELLE_MAX} />
            <div class={`fr-upload-group fr-mb-3w${fileError ? ' fr-upload-group--error' : ''}`}>
              <label class="fr-label" for="champ-fichier">
                Fichier
                <span class="fr-hint-text" id="champ-fichier-aide">
                  Format accepté : PDF. Taille maximale : 5 Mo.
                </span>
              </label>
              <input
                class="fr-upload"
                type="file"
                id="champ-fichier"
                name="fichier"
                accept="application/pdf,.pdf"
                required
                aria-describedby={fileError ? 'champ-fichier-aide champ-fichier-erreur' : 'champ-fichier-aide'}
                aria-invalid={fileError ? 'true' : undefined}
              />
              {fileError ? (
                <p class="fr-error-text" id="champ-fichier-erreur">
                  {fileError}
                </p>
              ) : null}
            </div>
            <button class="fr-btn" type="submit">
              Ajouter le document
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}
