/** The annual catalogue: modules of the year (choose one), topics proposed for next year with their votes, ANCT's form. */
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { Breadcrumb, Csrf, EmptyState, ErrorSummary, Input, Select, type FieldErrors, type FormValues } from '../../platform/views/components.js';
import { LIMITES, STATUTS_MODULE, type StatutModule } from '../regles.js';
import type { LigneModule, LigneProposition } from '../catalogue.js';
import { dateFr } from './format.js';
import { TableSessions } from './sessions.js';
import type { LigneSession } from '../formation.js';

export interface CatalogueProps {
  ctx: PageContext;
  annee: number;
  modules: LigneModule[];
  propositions: LigneProposition[];
  /** The upcoming sessions of the year's modules. */
  sessions: LigneSession[];
  /** The sessions the reading conseiller is enrolled in. */
  inscrites?: Set<string>;
  /** The conseiller reading: their module of the year. */
  conseiller?: { statut: StatutModule; moduleId: string | null; realiseLe: string | null } | undefined;
  /** ANCT: the form to publish a module. */
  gerer?: { organismes: { id: string; nom: string }[] } | undefined;
  values?: FormValues;
  errors?: FieldErrors;
  form?: 'choix' | 'proposition' | 'module';
}

export function CataloguePage(p: CatalogueProps) {
  const c = p.conseiller;
  const err = (f: CatalogueProps['form']) => (p.form === f ? p.errors : undefined);
  return (
    <Layout ctx={p.ctx} title={`Modules thématiques ${p.annee}`} wide>
      <h1>Modules thématiques {p.annee}</h1>
      <p>Depuis janvier 2024, chaque conseiller suit un module thématique de 7 ou 14 heures par an, choisi dans ce catalogue construit à partir des thèmes proposés et votés par les conseillers.</p>
      {c ? (
        <div class="fr-callout fr-mb-4w">
          <p class="fr-callout__text">
            Votre module {p.annee} : {STATUTS_MODULE[c.statut]}
            {c.realiseLe ? `, le ${dateFr(c.realiseLe)}` : ''}.
          </p>
        </div>
      ) : null}
      {p.modules.length ? (
        c && !c.realiseLe ? (
          <form method="post" action="/formation/catalogue/choix" novalidate>
            <Csrf token={p.ctx.csrf} />
            <ErrorSummary errors={err('choix')} />
            <fieldset class={`fr-fieldset${err('choix') ? ' fr-fieldset--error' : ''}`} id="champ-module_id" aria-labelledby="choix-legende">
              <legend class="fr-fieldset__legend" id="choix-legende">
                Choisissez votre module {p.annee}
              </legend>
              {p.modules.map((m) => (
                <div class="fr-fieldset__element">
                  <div class="fr-radio-group fr-radio-rich">
                    <input type="radio" id={`module-${m.id}`} name="module_id" value={m.id} checked={c.moduleId === m.id} />
                    <label class="fr-label" for={`module-${m.id}`}>
                      {m.titre} · {m.heures} h
                      <span class="fr-hint-text">
                        {m.organisme}
                        {m.description ? ` — ${m.description}` : ''} · {m.choisi} conseiller{m.choisi > 1 ? 's l’ont choisi' : ' l’a choisi'}
                      </span>
                    </label>
                  </div>
                </div>
              ))}
              {err('choix')?.module_id ? (
                <div class="fr-messages-group">
                  <p class="fr-message fr-message--error">{err('choix')!.module_id}</p>
                </div>
              ) : null}
            </fieldset>
            <button class="fr-btn" type="submit">
              Choisir ce module
            </button>
          </form>
        ) : (
          <div class="fr-table cn-table-scroll">
            <table>
              <caption>Catalogue {p.annee}</caption>
              <thead>
                <tr>
                  <th scope="col">Module</th>
                  <th scope="col">Durée</th>
                  <th scope="col">Organisme</th>
                  <th scope="col">Choisi par</th>
                </tr>
              </thead>
              <tbody>
                {p.modules.map((m) => (
                  <tr>
                    <td>
                      {m.titre}
                      {m.description ? <span class="fr-hint-text">{m.description}</span> : null}
                    </td>
                    <td>{m.heures} h</td>
                    <td>{m.organisme}</td>
                    <td>
                      {m.choisi} conseiller{m.choisi > 1 ? 's' : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : (
        <EmptyState title="Catalogue pas encore publié">L'ANCT publie le catalogue de l'année à partir des thèmes votés par les conseillers.</EmptyState>
      )}
      <h2>Sessions des modules</h2>
      {p.sessions.length ? (
        <TableSessions sessions={p.sessions} lien={false} caption={`Sessions à venir des modules ${p.annee}`} {...(c ? { inscription: { csrf: p.ctx.csrf, inscrites: p.inscrites ?? new Set<string>() } } : {})} />
      ) : (
        <p>Aucune session de module à venir pour le moment : les organismes les publient au fil de l'année.</p>
      )}
      <h2>Thèmes proposés pour {p.annee + 1}</h2>
      {p.propositions.length ? (
        <div class="fr-table cn-table-scroll">
          <table>
            <caption>Thèmes et votes des conseillers</caption>
            <thead>
              <tr>
                <th scope="col">Thème</th>
                <th scope="col">Votes</th>
                {c ? <th scope="col">Mon vote</th> : null}
              </tr>
            </thead>
            <tbody>
              {p.propositions.map((x) => (
                <tr>
                  <td>{x.sujet}</td>
                  <td>{x.votes}</td>
                  {c ? (
                    <td>
                      <form method="post" action={`/formation/catalogue/propositions/${x.id}/vote`}>
                        <Csrf token={p.ctx.csrf} />
                        <button class={`fr-btn fr-btn--sm${x.aVote ? ' fr-btn--secondary' : ''}`} type="submit">
                          {x.aVote ? 'Retirer mon vote' : 'Voter'}
                          <span class="fr-sr-only"> pour « {x.sujet} »</span>
                        </button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>Aucun thème proposé pour le moment.</p>
      )}
      {c ? (
        <form method="post" action="/formation/catalogue/propositions" novalidate>
          <Csrf token={p.ctx.csrf} />
          <ErrorSummary errors={err('proposition')} />
          <Input name="sujet" label={`Proposer un thème pour ${p.annee + 1}`} required maxLength={LIMITES.sujet} values={p.form === 'proposition' ? p.values : {}} errors={err('proposition')} />
          <button class="fr-btn fr-btn--secondary" type="submit">
            Proposer ce thème
          </button>
        </form>
      ) : null}
      {p.gerer ? (
        <>
          <h2>Publier un module</h2>
          <p>
            <a href="/formation/bareme">Barème du positionnement (niveau Pix → heures du parcours)</a>
          </p>
          <form method="post" action="/formation/catalogue/modules" novalidate>
            <Csrf token={p.ctx.csrf} />
            <ErrorSummary errors={err('module')} />
            <Input name="annee" label="Année du catalogue" inputMode="numeric" required maxLength={4} values={p.form === 'module' ? p.values : { annee: String(p.annee) }} errors={err('module')} />
            <Input name="titre" label="Titre du module" required maxLength={LIMITES.titre} values={p.form === 'module' ? p.values : {}} errors={err('module')} />
            <Select name="heures" label="Durée" required values={p.form === 'module' ? p.values : {}} errors={err('module')} options={[{ value: '7', label: '7 heures' }, { value: '14', label: '14 heures' }]} />
            <Select name="organisme_id" label="Organisme de formation" required values={p.form === 'module' ? p.values : {}} errors={err('module')} options={p.gerer.organismes.map((o) => ({ value: o.id, label: o.nom }))} />
            <Input name="description" label="Description" maxLength={LIMITES.description} values={p.form === 'module' ? p.values : {}} errors={err('module')} />
            <button class="fr-btn" type="submit">
              Publier le module
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

export function ModulePage(p: { ctx: PageContext; module: LigneModule; choisisseurs: { conseillerId: string; nom: string; realiseLe: string | null }[]; today: string }) {
  const m = p.module;
  return (
    <Layout ctx={p.ctx} title={m.titre}>
      <Breadcrumb trail={[{ href: '/tableau-de-bord/organisme_formation', label: 'Tableau de bord' }]} current={{ href: `/formation/modules/${m.id}`, label: m.titre }} />
      <h1>{m.titre}</h1>
      <p>
        Module {m.annee} · {m.heures} h · {m.organisme}
      </p>
      <h2>Conseillers qui l'ont choisi</h2>
      {p.choisisseurs.length ? (
        <ul>
          {p.choisisseurs.map((c) => (
            <li>
              {c.nom} :{' '}
              {c.realiseLe ? (
                `réalisé le ${dateFr(c.realiseLe)}`
              ) : (
                <form method="post" action={`/formation/modules/${m.id}/realisations`} class="cn-inline-form">
                  <Csrf token={p.ctx.csrf} />
                  <input type="hidden" name="conseiller_id" value={c.conseillerId} />
                  <input type="hidden" name="date" value={p.today} />
                  <button class="fr-btn fr-btn--sm" type="submit">
                    Marquer comme réalisé aujourd'hui<span class="fr-sr-only"> pour {c.nom}</span>
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p>Personne ne l'a encore choisi.</p>
      )}
    </Layout>
  );
}
