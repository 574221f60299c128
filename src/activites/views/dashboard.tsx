import type { Db } from '../../platform/db.js';
import type { Principal } from '../../platform/access.js';
import { EmptyState, Stat } from '../../platform/views/components.js';
import { countsForConseiller, countsForEquipe, countsForStructures, equipeScope, type ActiviteCounts } from '../activites.js';
import { countBeneficiaires } from '../beneficiaires.js';

export interface ActivitesFigures {
  role: 'structure' | 'conseiller' | 'coordinateur';
  mine: ActiviteCounts | null;
  beneficiaires: number | null;
  /** A structure's activities (the structure dashboard). */
  structure: ActiviteCounts | null;
  /** A coordinator's team: their own and their members' activities during their membership. */
  equipe: ActiviteCounts | null;
}

/** Dashboard figures, computed from the records (never stored counters): they cannot drift. */
export async function activitesFigures(db: Db, user: Principal, role: ActivitesFigures['role'], structureIds: string[]): Promise<ActivitesFigures> {
  const own = role !== 'structure';
  const [mine, beneficiaires, structure, equipe] = await Promise.all([
    own ? countsForConseiller(db, user.id) : null,
    own ? countBeneficiaires(db, user.id) : null,
    role === 'structure' ? countsForStructures(db, structureIds) : null,
    role === 'coordinateur' ? equipeScope(db, user.id).then((s) => countsForEquipe(db, s)) : null,
  ]);
  return { role, mine, beneficiaires, structure, equipe };
}

/** The activity tiles of the structure / conseiller / coordinateur dashboards. */
export function ActivitesStats({ f }: { f: ActivitesFigures }) {
  return (
    <>
    {f.mine && f.mine.activites === 0 ? (
      <EmptyState title="Aucune activité enregistrée pour le moment">
        <p>Après chaque accompagnement, atelier ou aide ponctuelle, notez-le en moins d'une minute, même sans réseau.</p>
        <p>
          <a class="fr-btn" href="/activites/nouvelle">
            Enregistrer une activité
          </a>
        </p>
      </EmptyState>
    ) : null}
    <div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
      {f.mine ? <Stat label="Mes activités" value={f.mine.activites} href="/activites" /> : null}
      {f.mine ? <Stat label="Mes accompagnements" value={f.mine.accompagnements} href="/activites" /> : null}
      {f.mine ? <Stat label="Activités ce mois-ci" value={f.mine.activitesDuMois} href="/activites/nouvelle" /> : null}
      {f.beneficiaires !== null ? <Stat label="Bénéficiaires suivis" value={f.beneficiaires} href="/beneficiaires" /> : null}
      {f.structure ? <Stat label="Activités de la structure" value={f.structure.activites} href="/activites/structure" /> : null}
      {f.structure ? <Stat label="Accompagnements de la structure" value={f.structure.accompagnements} href="/activites/structure" /> : null}
      {f.equipe ? <Stat label="Activités de l'équipe" value={f.equipe.activites} href="/activites/structure" /> : null}
      {f.equipe ? <Stat label="Accompagnements de l'équipe" value={f.equipe.accompagnements} href="/activites/structure" /> : null}
    </div>
    </>
  );
}
