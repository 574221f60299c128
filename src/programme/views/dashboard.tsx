/** The programme's part of the dashboards: the pipeline (préfecture, ANCT, Banque) and a structure's own file. */
import type { Db } from '../../platform/db.js';
import type { Principal } from '../../platform/access.js';
import { Alert, Stat, formatNumber } from '../../platform/views/components.js';
import { attentesMoyennes, countDossiers, getDossierOfStructure, type Dossier } from '../dossiers.js';
import { compterAvenantsEnCours } from '../avenants.js';
import { tableauPostes, type LignePostes } from '../postes.js';
import { dossierScope, territoiresVisibles } from '../policy.js';
import { prochaineEtape, STATUTS, type Statut } from '../regles.js';

export interface PipelineFigures {
  counts: { total: number; parStatut: Record<string, number>; attenteAvis: number };
  attentes: Record<string, number>;
  avenants: number;
  postes: LignePostes[];
  national: LignePostes | null;
}

export async function pipelineFigures(db: Db, user: Principal): Promise<PipelineFigures> {
  const scope = dossierScope(user);
  const [counts, attentes, avenants, t] = await Promise.all([countDossiers(db, scope), attentesMoyennes(db, scope), compterAvenantsEnCours(db, scope), tableauPostes(db, territoiresVisibles(user))]);
  return { counts, attentes, avenants, postes: t.lignes, national: t.national };
}

const jours = (n: number | undefined) => (n === undefined ? '—' : `${n} jour${n > 1 ? 's' : ''}`);

export function PipelineBlock({ f, titre }: { f: PipelineFigures; titre: string }) {
  const used = f.national ? [f.national] : f.postes;
  const top = f.national ? [...f.postes].filter((l) => l.enveloppe || l.postesValides).sort((a, b) => b.postesValides - a.postesValides).slice(0, 10) : [];
  return (
    <section class="fr-mb-4w" aria-labelledby="titre-pipeline">
      <h2 id="titre-pipeline">{titre}</h2>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-2w">
        <Stat label="En attente de l'avis du préfet" value={f.counts.attenteAvis} href="/programme/dossiers?avis=non" />
        <Stat label="En examen complémentaire" value={f.counts.parStatut.EXAMEN_COMPLEMENTAIRE_COSELEC ?? 0} href="/programme/dossiers?statut=EXAMEN_COMPLEMENTAIRE_COSELEC" />
        <Stat label="Validées" value={f.counts.parStatut.VALIDATION_COSELEC ?? 0} href="/programme/dossiers?statut=VALIDATION_COSELEC" />
      </div>
      <p>
        {f.avenants === 0 ? 'Aucun avenant en cours.' : f.avenants === 1 ? 'Un avenant en cours.' : `${f.avenants} avenants en cours.`} Attente moyenne : {jours(f.attentes.CREEE)} pour les dossiers déposés, {jours(f.attentes.EXAMEN_COMPLEMENTAIRE_COSELEC)} en examen complémentaire.
      </p>
      <div class="fr-table">
        <table>
          <caption>Dossiers par statut</caption>
          <thead>
            <tr>
              <th scope="col">Statut</th>
              <th scope="col">Dossiers</th>
            </tr>
          </thead>
          <tbody>
            {(Object.keys(STATUTS) as Statut[]).map((s) => (
              <tr>
                <th scope="row">
                  <a href={`/programme/dossiers?statut=${s}`}>{STATUTS[s]}</a>
                </th>
                <td>{formatNumber(f.counts.parStatut[s] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="fr-table">
        <table>
          <caption>Utilisation de l'enveloppe</caption>
          <thead>
            <tr>
              <th scope="col">Territoire</th>
              <th scope="col">Enveloppe</th>
              <th scope="col">Postes validés</th>
              <th scope="col">Reste</th>
              <th scope="col">Postes demandés en attente</th>
            </tr>
          </thead>
          <tbody>
            {[...used, ...top].map((l) => (
              <tr>
                <th scope="row">{l.libelle}</th>
                <td>{formatNumber(l.enveloppe)}</td>
                <td>{formatNumber(l.postesValides)}</td>
                <td>{formatNumber(Math.max(0, l.enveloppe - l.postesValides))}</td>
                <td>{formatNumber(l.postesDemandesEnAttente)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <a href="/programme/postes">Tous les postes et enveloppes</a>
      </p>
    </section>
  );
}

export async function dossiersOfStructures(db: Db, structureIds: string[]): Promise<Dossier[]> {
  const rows = await Promise.all(structureIds.map((id) => getDossierOfStructure(db, id)));
  return rows.filter((d): d is Dossier => !!d);
}

/** A structure's file: where it stands and what comes next, in plain French. */
export function StructureFileBlock({ dossiers }: { dossiers: Dossier[] }) {
  if (dossiers.length === 0) return null;
  return (
    <section class="fr-mb-4w" aria-labelledby="titre-candidature">
      <h2 id="titre-candidature">Votre candidature</h2>
      {dossiers.map((d) => (
        <Alert type={d.statut === 'VALIDATION_COSELEC' ? 'success' : d.statut === 'REFUS_COSELEC' ? 'warning' : 'info'} title={`Dossier n° ${d.numero} · ${STATUTS[d.statut as Statut] ?? d.statut}`}>
          <p>{prochaineEtape(d.statut as Statut, !!d.avisPrefet)}</p>
          {d.postesValides ? (
            <p>
              {d.postesValides} poste{d.postesValides > 1 ? 's' : ''} validé{d.postesValides > 1 ? 's' : ''}.
            </p>
          ) : null}
          <p>
            <a href={`/structures/${d.structureId}/dossier`}>Voir le dossier</a>
          </p>
        </Alert>
      ))}
    </section>
  );
}
