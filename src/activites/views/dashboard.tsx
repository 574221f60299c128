import type { Db } from '../../platform/db.js';
import type { Principal } from '../../platform/access.js';
import { EmptyState, formatNumber, Stat } from '../../platform/views/components.js';
import { countsForConseiller, countsForEquipe, countsForStructures, equipeScope, type ActiviteCounts } from '../activites.js';
import { countBeneficiaires } from '../beneficiaires.js';
import { debutDeSemaine, parisDate } from '../dates.js';

export interface ActivitesFigures {
  role: 'structure' | 'conseiller' | 'coordinateur';
  mine: ActiviteCounts | null;
  beneficiaires: number | null;
  /** A structure's activities (the structure dashboard). */
  structure: ActiviteCounts | null;
  /** A coordinator's team: their own and their members' activities during their membership. */
  equipe: ActiviteCounts | null;
  /** Today, Europe/Paris (the week and the month of the figures). */
  today: string;
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
  return { role, mine, beneficiaires, structure, equipe, today: parisDate(new Date()) };
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
      {f.beneficiaires !== null ? <Stat label="Bénéficiaires suivis" value={f.beneficiaires} href="/beneficiaires" /> : null}
      {f.structure ? <Stat label="Activités de la structure" value={f.structure.activites} href="/activites/structure" /> : null}
      {f.structure ? <Stat label="Accompagnements de la structure" value={f.structure.accompagnements} href="/activites/structure" /> : null}
      {f.equipe ? <Stat label="Activités de l'équipe" value={f.equipe.activites} href="/activites/structure" /> : null}
      {f.equipe ? <Stat label="Accompagnements de l'équipe" value={f.equipe.accompagnements} href="/activites/structure" /> : null}
    </div>
    {f.mine ? <Periodes titre="Mes activités par période" c={f.mine} today={f.today} liste="/activites" /> : null}
    {f.structure ? <Periodes titre="Activités de la structure par période" c={f.structure} today={f.today} /> : null}
    {f.equipe ? <Periodes titre="Activités de l'équipe par période" c={f.equipe} today={f.today} /> : null}
    </>
  );
}

/** This week's and this month's figures, each linked to the list of those activities when there is one to filter. */
function Periodes({ titre, c, today, liste }: { titre: string; c: ActiviteCounts; today: string; liste?: string }) {
  const lien = (du: string, n: number, quoi: string) =>
    liste ? (
      <a href={`${liste}?du=${du}&au=${today}`} aria-label={`${formatNumber(n)} ${quoi}`}>
        {formatNumber(n)}
      </a>
    ) : (
      formatNumber(n)
    );
  const lundi = debutDeSemaine(today);
  const mois = today.slice(0, 7) + '-01';
  return (
    <div class="fr-table fr-mb-4w">
      <table>
        <caption>{titre}</caption>
        <thead>
          <tr>
            <th scope="col">Période</th>
            <th scope="col">Activités</th>
            <th scope="col">Accompagnements</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Cette semaine (depuis lundi)</th>
            <td>{lien(lundi, c.activitesDeLaSemaine, 'activités cette semaine')}</td>
            <td>{lien(lundi, c.accompagnementsDeLaSemaine, 'accompagnements cette semaine')}</td>
          </tr>
          <tr>
            <th scope="row">Ce mois-ci</th>
            <td>{lien(mois, c.activitesDuMois, 'activités ce mois-ci')}</td>
            <td>{lien(mois, c.accompagnementsDuMois, 'accompagnements ce mois-ci')}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
