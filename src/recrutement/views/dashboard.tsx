/** Recruitment's part of the dashboards: the candidate's application, a structure's posts to fill. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { Alert, Stat } from '../../platform/views/components.js';
import { candidats, misesEnRelation, structuresRecrutement } from '../schema.js';
import { STATUTS_CANDIDAT } from '../regles.js';

export interface CandidatFigures {
  statut: string | null;
  structures: number;
  preselections: number;
}

export async function candidatFigures(db: Db, userId: string): Promise<CandidatFigures> {
  const [c] = await db.select({ id: candidats.id, statut: candidats.statut }).from(candidats).where(eq(candidats.userId, userId));
  if (!c) return { statut: null, structures: 0, preselections: 0 };
  const [r] = await db
    .select({ n: sql<number>`count(*)::int`, interessees: sql<number>`(count(*) filter (where ${misesEnRelation.statut} = 'interessee'))::int` })
    .from(misesEnRelation)
    .where(and(eq(misesEnRelation.candidatId, c.id), sql`${misesEnRelation.statut} not in ('nonInteressee', 'non_disponible')`));
  return { statut: c.statut, structures: r?.n ?? 0, preselections: r?.interessees ?? 0 };
}

export function CandidatBlock({ f }: { f: CandidatFigures }) {
  if (!f.statut) {
    return (
      <Alert type="info" title="Déposez votre candidature">
        <p>
          Vous n'avez pas encore de candidature. <a href="/candidature/conseiller">Devenir conseiller numérique</a> : quelques minutes suffisent.
        </p>
      </Alert>
    );
  }
  return (
    <>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-2w">
        <Stat label="Structures qui voient votre profil" value={f.structures} href="/candidature/profil" />
        <Stat label="Présélections" value={f.preselections} href="/candidature/profil" />
      </div>
      <p>
        Votre candidature est « {STATUTS_CANDIDAT[f.statut as keyof typeof STATUTS_CANDIDAT]?.toLowerCase() ?? f.statut} ». <a href="/candidature/profil">Voir ou modifier mon profil</a>
      </p>
    </>
  );
}

export async function structuresFigures(db: Db, structureIds: string[]): Promise<{ postes: number; occupes: number; nouvelles: number } | null> {
  if (structureIds.length === 0) return null;
  const rows = await db.select().from(structuresRecrutement).where(inArray(structuresRecrutement.structureId, structureIds));
  if (rows.length === 0) return null;
  const [n] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(misesEnRelation)
    .where(and(inArray(misesEnRelation.structureId, structureIds), eq(misesEnRelation.statut, 'nouvelle')));
  return { postes: rows.reduce((a, r) => a + r.postes, 0), occupes: rows.reduce((a, r) => a + r.occupes, 0), nouvelles: n?.n ?? 0 };
}

export function StructureRecrutementBlock({ f }: { f: { postes: number; occupes: number; nouvelles: number } | null }) {
  if (!f) return null;
  const libres = Math.max(0, f.postes - f.occupes);
  return (
    <section class="fr-mb-4w" aria-labelledby="titre-recrutement">
      <h2 id="titre-recrutement">Recrutement</h2>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-2w">
        <Stat label="Postes à pourvoir" value={libres} href="/recrutement" />
        <Stat label="Nouveaux candidats" value={f.nouvelles} href="/recrutement?statut=nouvelle" />
      </div>
      <p>
        {libres > 0 ? (
          <>
            Vous pouvez recruter : <a href="/recrutement">voir les candidats de votre secteur</a>, du plus proche au plus éloigné.
          </>
        ) : (
          'Tous vos postes sont pourvus ou en cours de recrutement.'
        )}
      </p>
    </section>
  );
}
