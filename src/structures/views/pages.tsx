import { CommuneField, communeFieldState } from '../../territoires/views/commune-field.js';
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Csrf, ErrorSummary, Input, Select, formatDateTime, type FieldErrors, type FormValues, SearchBar } from '../../platform/views/components.js';
import { Pager } from '../../comptes/views/admin.js';
import { commune, departement } from '../../territoires/territoires.js';
import { STRUCTURE_TYPES, type Structure } from '../structures.js';

const typeOptions = Object.entries(STRUCTURE_TYPES).map(([value, label]) => ({ value, label }));

export function StructuresPage(p: { ctx: PageContext; rows: Structure[]; total: number; q: string; page: number; hasNext: boolean; canCreate: boolean }) {
  return (
    <Layout ctx={p.ctx} title="Structures" wide>
      <h1>Structures d'accueil</h1>
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w">
        <div class="fr-col-12 fr-col-md-8">
          <SearchBar action="/structures" label="Rechercher par nom ou SIRET" q={p.q} />
        </div>
        {p.canCreate ? (
          <div class="fr-col-12 fr-col-md-4">
            <a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/structures/nouvelle">
              Ajouter une structure
            </a>
          </div>
        ) : null}
      </div>
      <p>
        {p.total} structure{p.total > 1 ? 's' : ''}
      </p>
      {p.rows.length === 0 ? (
        <p>{p.q ? 'Aucune structure ne correspond à cette recherche.' : 'Aucune structure pour le moment.'}</p>
      ) : (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Structures visibles avec vos droits</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Type</th>
                <th scope="col">Commune</th>
                <th scope="col">SIRET</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((s) => (
                <tr>
                  <td>
                    <a href={`/structures/${s.id}`}>{s.nom}</a>
                    {s.demo ? <span class="fr-badge fr-badge--sm fr-badge--info fr-ml-1w">démo</span> : null}
                  </td>
                  <td>{STRUCTURE_TYPES[s.type as keyof typeof STRUCTURE_TYPES] ?? s.type}</td>
                  <td>
                    {commune(s.communeInsee)?.nom ?? s.communeInsee} ({s.departement})
                  </td>
                  <td>{s.siret}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager base={`/structures?q=${encodeURIComponent(p.q)}`} page={p.page} hasNext={p.hasNext} />
    </Layout>
  );
}

export function StructureDetailPage(p: { ctx: PageContext; s: Structure; canEdit: boolean; dossier?: { numero: number } | null }) {
  const { s } = p;
  const c = commune(s.communeInsee);
  return (
    <Layout ctx={p.ctx} title={s.nom}>
      <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
        <ol class="fr-breadcrumb__list">
          <li>
            <a class="fr-breadcrumb__link" href="/structures">
              Structures
            </a>
          </li>
          <li>
            <a class="fr-breadcrumb__link" aria-current="page">
              {s.nom}
            </a>
          </li>
        </ol>
      </nav>
      <h1>{s.nom}</h1>
      {s.demo ? <p class="fr-badge fr-badge--info">Structure de démonstration</p> : null}
      <dl>
        <dt>Type</dt>
        <dd>{STRUCTURE_TYPES[s.type as keyof typeof STRUCTURE_TYPES] ?? s.type}</dd>
        <dt>SIRET</dt>
        <dd>{s.siret}</dd>
        <dt>Adresse</dt>
        <dd>
          {s.adresse}, {s.codePostal} {c?.nom ?? s.communeInsee}
        </dd>
        <dt>Département</dt>
        <dd>
          {s.departement} · {departement(s.departement)?.nom ?? ''}
        </dd>
        <dt>Contact</dt>
        <dd>{[s.contactEmail, s.contactTelephone].filter(Boolean).join(' · ') || '—'}</dd>
        <dt>Dernière modification</dt>
        <dd>{formatDateTime(s.updatedAt)}</dd>
      </dl>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        {p.dossier ? (
          <li>
            <a class="fr-btn fr-icon-folder-2-line fr-btn--icon-left" href={`/structures/${s.id}/dossier`}>
              Dossier de candidature n° {p.dossier.numero}
            </a>
          </li>
        ) : null}
        <li>
          <a class="fr-btn fr-btn--secondary fr-icon-file-line fr-btn--icon-left" href={`/structures/${s.id}/documents`}>
            Documents de la structure
          </a>
        </li>
        {p.canEdit ? (
          <li>
            <a class="fr-btn fr-btn--secondary" href={`/structures/${s.id}/modifier`}>
              Modifier
            </a>
          </li>
        ) : null}
      </ul>
    </Layout>
  );
}

/** `locked`: the SIRET and the commune are the administration's to change (they decide who sees the structure). */
export function StructureFormPage(p: { ctx: PageContext; values?: FormValues; errors?: FieldErrors; id?: string; locked?: boolean }) {
  const action = p.id ? `/structures/${p.id}/modifier` : '/structures/nouvelle';
  return (
    <Layout ctx={p.ctx} title={p.id ? 'Modifier la structure' : 'Ajouter une structure'}>
      <h1>{p.id ? 'Modifier la structure' : 'Ajouter une structure'}</h1>
      <form method="post" action={action} novalidate>
        <Csrf token={p.ctx.csrf} />
        <ErrorSummary errors={p.errors} />
        <Input name="siret" label="SIRET" hint={p.locked ? "Modifiable par l'ANCT uniquement" : '14 chiffres, par exemple 215 704 630 00015'} inputMode="numeric" required values={p.values} errors={p.errors} maxLength={20} readOnly={p.locked} />
        <Input name="nom" label="Nom de la structure" required values={p.values} errors={p.errors} maxLength={200} />
        <Select name="type" label="Type de structure" required options={typeOptions} values={p.values} errors={p.errors} />
        <Input name="adresse" label="Adresse" hint="Numéro et voie" autocomplete="street-address" required values={p.values} errors={p.errors} maxLength={300} />
        <Input name="codePostal" label="Code postal" inputMode="numeric" autocomplete="postal-code" required values={p.values} errors={p.errors} maxLength={5} />
        {p.locked ? (
          <Input name="commune" label="Commune" hint="Modifiable par l'ANCT uniquement" required values={p.values} errors={p.errors} maxLength={100} readOnly />
        ) : (
          <CommuneField name="commune" codeName="communeInsee" label="Commune" required {...communeFieldState(p.values ?? {}, p.errors ?? {}, 'commune', 'communeInsee')} />
        )}
        <Input name="contactEmail" label="Adresse électronique de contact" type="email" values={p.values} errors={p.errors} maxLength={254} />
        <Input name="contactTelephone" label="Téléphone de contact" type="tel" autocomplete="tel" values={p.values} errors={p.errors} maxLength={20} />
        <button class="fr-btn" type="submit">
          Enregistrer
        </button>
      </form>
    </Layout>
  );
}
