import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, EmptyState, formatDateTime } from '../../platform/views/components.js';
import { Pager } from '../../comptes/views/admin.js';
import { DECISIONS, LIBELLES_DECISION, type PaireDoublon } from '../doublons.js';

type Fiche = NonNullable<PaireDoublon['autre']> | PaireDoublon['lieu'];

const pivotTexte = (p: string) => (/^0+$/.test(p) ? 'non renseigné' : p);

function Carte(p: { titre: string; l: Fiche; etat: string }) {
  return (
    <div class="fr-col-12 fr-col-md-6">
      <h3 class="fr-h6 fr-mb-1w">{p.titre}</h3>
      <p class="fr-mb-1w">
        <a href={`/lieux/${p.l.id}`}>{p.l.nom}</a>
      </p>
      <ul class="fr-mb-0">
        <li>
          Adresse : {p.l.adresse}, {p.l.codePostal} {p.l.commune}
        </li>
        <li>SIRET ou RNA : {pivotTexte(p.l.pivot)}</li>
        <li>Téléphone : {p.l.telephone ?? 'non renseigné'}</li>
        <li>Source : {p.l.origine}</li>
        <li>{p.etat}</li>
      </ul>
    </div>
  );
}

/** The likely duplicates held at import, each pair with its own form: publish both, keep one. */
export function DoublonsPage(p: { ctx: PageContext; paires: PaireDoublon[]; total: number; page: number; hasNext: boolean }) {
  return (
    <Layout ctx={p.ctx} title="Doublons possibles à vérifier" wide>
      <Breadcrumb trail={[{ href: '/lieux', label: 'Lieux' }, { href: '/admin/lieux/import', label: 'Importer des lieux' }]} current={{ href: '/admin/lieux/doublons', label: 'Doublons possibles' }} />
      <h1>Doublons possibles à vérifier</h1>
      <p>
        À l'import, un nouveau lieu qui ressemble à un lieu déjà connu (même adresse, nom proche) n'est pas publié : il n'apparaît ni dans la
        recherche, ni dans l'API, ni dans les exports tant que vous n'avez pas décidé. Comparez les deux fiches, puis publiez les deux s'il
        s'agit de deux lieux différents, ou gardez-en un seul.
      </p>
      <p role="status" id="doublons-total">
        {p.total === 0 ? 'Aucun doublon possible à vérifier.' : `${p.total} doublon${p.total > 1 ? 's' : ''} possible${p.total > 1 ? 's' : ''} à vérifier.`}
      </p>
      {p.paires.length ? (
        <ul class="fr-raw-list">
          {p.paires.map((x, i) => {
            const titreId = `doublon-${i}-titre`;
            return (
              <li class="fr-mb-4w">
                <section class="fr-p-3w fr-background-alt--grey" aria-labelledby={titreId}>
                  <h2 class="fr-h5" id={titreId}>
                    « {x.lieu.nom} »{x.autre ? <> ressemble à « {x.autre.nom} »</> : null}
                  </h2>
                  <div class="fr-grid-row fr-grid-row--gutters">
                    <Carte titre="Nouveau lieu (non publié)" l={x.lieu} etat={`Importé le ${formatDateTime(x.lieu.createdAt)}`} />
                    {x.autre ? (
                      <Carte
                        titre="Lieu déjà connu"
                        l={x.autre}
                        etat={x.autre.doublonStatut === 'a_verifier' ? 'Lui aussi en attente de vérification' : x.autre.public && x.autre.doublonStatut !== 'ecarte' ? 'Publié' : 'Non publié'}
                      />
                    ) : (
                      <div class="fr-col-12 fr-col-md-6">
                        <p>Le lieu auquel il ressemblait a été supprimé depuis.</p>
                      </div>
                    )}
                  </div>
                  <form method="post" action={`/admin/lieux/doublons/${x.lieu.id}`} class="fr-mt-2w">
                    <Csrf token={p.ctx.csrf} />
                    <input type="hidden" name="autre" value={x.autre?.id ?? ''} />
                    <fieldset class="fr-fieldset" aria-labelledby={`${titreId} doublon-${i}-legende`}>
                      <legend class="fr-fieldset__legend fr-text--regular" id={`doublon-${i}-legende`}>
                        Décision
                      </legend>
                      <ul class="fr-btns-group fr-btns-group--inline-md">
                        {(x.autre ? DECISIONS : (['publier_les_deux', 'garder_existant'] as const)).map((d) => (
                          <li>
                            <button class={`fr-btn${d === 'publier_les_deux' ? '' : ' fr-btn--secondary'}`} type="submit" name="decision" value={d}>
                              {x.autre ? LIBELLES_DECISION[d] : d === 'publier_les_deux' ? 'Publier ce lieu' : 'Écarter ce lieu'}
                              <span class="fr-sr-only"> : « {x.lieu.nom} »{x.autre ? ` et « ${x.autre.nom} »` : ''}</span>
                            </button>
                          </li>
                        ))}
                      </ul>
                    </fieldset>
                  </form>
                </section>
              </li>
            );
          })}
        </ul>
      ) : (
        <EmptyState title="Rien à vérifier">
          <p>
            Les doublons possibles des prochains imports apparaîtront ici. <a href="/admin/lieux/import">Importer des lieux</a>
          </p>
        </EmptyState>
      )}
      <Pager base="/admin/lieux/doublons" page={p.page} hasNext={p.hasNext} />
    </Layout>
  );
}
