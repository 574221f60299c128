/** What recruitment's screens read: a structure's candidates, ANCT's queue, conseillers' records. */
import { and, asc, desc, eq, ilike, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { userNames } from '../comptes/users.js';
import { structureNames } from '../structures/structures.js';
import { candidats, contrats, misesEnRelation, structuresRecrutement } from './schema.js';
import type { Candidat, Contrat, MiseEnRelation } from './recrutement.js';

/** Statuses in which the structure sees the candidate's contact details and CV. */
export const STATUTS_COORDONNEES: readonly string[] = ['interessee', 'recrutee', 'finalisee', 'nouvelle_rupture', 'finalisee_rupture', 'renouvellement_initiee', 'terminee', 'terminee_naturelle'];

export interface FiltresCandidats {
  situation?: string | undefined;
  pix?: number | undefined;
  /** Available on or before this date. */
  disponibleAvant?: string | undefined;
  distanceMaxKm?: number | undefined;
  statut?: string | undefined;
  /** Show the candidates marked not interested too. */
  masques?: boolean | undefined;
}

export interface LigneCandidat {
  mer: MiseEnRelation;
  candidat: Candidat;
}

/** A structure's pairs sorted by distance, filtered; the not-interested ones hidden unless asked. */
export async function candidatsDeStructure(db: Db, structureId: string, f: FiltresCandidats, page: { limit: number; offset: number }): Promise<LigneCandidat[]> {
  const conds: (SQL | undefined)[] = [eq(misesEnRelation.structureId, structureId)];
  if (f.statut) conds.push(eq(misesEnRelation.statut, f.statut));
  else if (!f.masques) conds.push(sql`${misesEnRelation.statut} not in ('nonInteressee', 'non_disponible')`);
  if (f.distanceMaxKm) conds.push(lte(misesEnRelation.distanceM, f.distanceMaxKm * 1000));
  if (f.situation) conds.push(sql`${candidats.situations} @> ${JSON.stringify([f.situation])}::jsonb`);
  if (f.pix) conds.push(sql`${candidats.pixPalier} >= ${f.pix}`);
  if (f.disponibleAvant) conds.push(lte(candidats.dateDisponibilite, f.disponibleAvant));
  return db
    .select({ mer: misesEnRelation, candidat: candidats })
    .from(misesEnRelation)
    .innerJoin(candidats, eq(candidats.id, misesEnRelation.candidatId))
    .where(and(...conds))
    .orderBy(asc(misesEnRelation.distanceM), asc(misesEnRelation.createdAt))
    .limit(page.limit)
    .offset(page.offset);
}

export async function compterParStatut(db: Db, structureId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ statut: misesEnRelation.statut, n: sql<number>`count(*)::int` })
    .from(misesEnRelation)
    .where(eq(misesEnRelation.structureId, structureId))
    .groupBy(misesEnRelation.statut);
  return Object.fromEntries(rows.map((r) => [r.statut, r.n]));
}

export async function structureRecrutement(db: Db, structureId: string): Promise<typeof structuresRecrutement.$inferSelect | undefined> {
  if (!isUuid(structureId)) return undefined;
  const [s] = await db.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, structureId));
  return s;
}

export async function ligneDe(db: Db, merId: string): Promise<(LigneCandidat & { contrats: Contrat[] }) | undefined> {
  if (!isUuid(merId)) return undefined;
  const [r] = await db.select({ mer: misesEnRelation, candidat: candidats }).from(misesEnRelation).innerJoin(candidats, eq(candidats.id, misesEnRelation.candidatId)).where(eq(misesEnRelation.id, merId));
  if (!r) return undefined;
  const cs = await db.select().from(contrats).where(eq(contrats.miseEnRelationId, merId)).orderBy(desc(contrats.createdAt));
  return { ...r, contrats: cs };
}

export interface AValider {
  mer: MiseEnRelation;
  candidat: Candidat;
  contrat: Contrat;
  structure: string;
}

/** ANCT's queue: contracts entered (recruitments, renewals) and ruptures declared. */
export async function fileAnct(db: Db): Promise<{ recrutements: AValider[]; ruptures: AValider[] }> {
  const rows = await db
    .select({ mer: misesEnRelation, candidat: candidats, contrat: contrats })
    .from(contrats)
    .innerJoin(misesEnRelation, eq(misesEnRelation.id, contrats.miseEnRelationId))
    .innerJoin(candidats, eq(candidats.id, contrats.candidatId))
    .where(
      or(
        and(eq(contrats.statut, 'saisi'), inArray(misesEnRelation.statut, ['recrutee', 'renouvellement_initiee'])),
        and(eq(contrats.statut, 'valide'), eq(misesEnRelation.statut, 'nouvelle_rupture')),
      ),
    )
    .orderBy(asc(contrats.updatedAt))
    .limit(500);
  const names = await structureNames(db, [...new Set(rows.map((r) => r.mer.structureId))]);
  const all = rows.map((r) => ({ ...r, structure: names.get(r.mer.structureId) ?? '' }));
  return { recrutements: all.filter((r) => r.contrat.statut === 'saisi'), ruptures: all.filter((r) => r.contrat.statut === 'valide') };
}

export interface LigneConseiller {
  userId: string;
  prenom: string;
  nom: string;
  statut: 'RECRUTE' | 'RUPTURE' | 'TERMINE';
  contrat: Contrat;
  structure: string;
  departement: string;
}

/**
 * Conseillers, one line each from their latest contract: RECRUTE (a current contract), RUPTURE (the
 * last one ended by a rupture), TERMINE (ended at its term). Scoped by département / structure.
 */
export async function conseillers(
  db: Db,
  scope: { all: boolean; departements: string[]; structureIds: string[] },
  f: { q?: string | undefined; statut?: string | undefined; departement?: string | undefined },
  page: { limit: number; offset: number },
): Promise<LigneConseiller[]> {
  const latest = db
    .selectDistinctOn([contrats.userId], { id: contrats.id })
    .from(contrats)
    .where(inArray(contrats.statut, ['valide', 'rompu', 'termine']))
    .orderBy(contrats.userId, desc(contrats.dateDebut), desc(contrats.createdAt));
  const conds: (SQL | undefined)[] = [inArray(contrats.id, latest)];
  if (!scope.all) {
    const parts: SQL[] = [];
    if (scope.departements.length) parts.push(inArray(structuresRecrutement.departement, scope.departements));
    if (scope.structureIds.length) parts.push(inArray(contrats.structureId, scope.structureIds));
    conds.push(parts.length ? or(...parts) : sql`false`);
  }
  if (f.departement) conds.push(eq(structuresRecrutement.departement, f.departement));
  if (f.statut === 'RECRUTE') conds.push(eq(contrats.statut, 'valide'));
  if (f.statut === 'RUPTURE') conds.push(eq(contrats.statut, 'rompu'));
  if (f.statut === 'TERMINE') conds.push(eq(contrats.statut, 'termine'));
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (c) => '\\' + c)}%`;
    conds.push(or(ilike(candidats.nom, like), ilike(candidats.prenom, like), ilike(candidats.email, like)));
  }
  const rows = await db
    .select({ contrat: contrats, prenom: candidats.prenom, nom: candidats.nom, structure: structuresRecrutement.nom, departement: structuresRecrutement.departement })
    .from(contrats)
    .innerJoin(candidats, eq(candidats.id, contrats.candidatId))
    .innerJoin(structuresRecrutement, eq(structuresRecrutement.structureId, contrats.structureId))
    .where(and(...conds))
    .orderBy(asc(candidats.nom), asc(candidats.prenom))
    .limit(page.limit)
    .offset(page.offset);
  return rows.map((r) => ({
    userId: r.contrat.userId,
    prenom: r.prenom,
    nom: r.nom,
    statut: r.contrat.statut === 'valide' ? 'RECRUTE' : r.contrat.statut === 'rompu' ? 'RUPTURE' : 'TERMINE',
    contrat: r.contrat,
    structure: r.structure,
    departement: r.departement,
  }));
}

/** One conseiller's record: their contracts across structures, with the structures' names and départements. */
export async function dossierConseiller(db: Db, userId: string): Promise<{ candidat: Candidat | undefined; contrats: (Contrat & { structure: string; departement: string })[]; nom: string } | undefined> {
  const cs = await db
    .select({ contrat: contrats, structure: structuresRecrutement.nom, departement: structuresRecrutement.departement })
    .from(contrats)
    .innerJoin(structuresRecrutement, eq(structuresRecrutement.structureId, contrats.structureId))
    .where(and(eq(contrats.userId, userId), inArray(contrats.statut, ['saisi', 'valide', 'rompu', 'termine'])))
    .orderBy(desc(contrats.dateDebut));
  if (cs.length === 0) return undefined;
  const [candidat] = await db.select().from(candidats).where(eq(candidats.userId, userId));
  const n = (await userNames(db, [userId])).get(userId);
  return { candidat, contrats: cs.map((r) => ({ ...r.contrat, structure: r.structure, departement: r.departement })), nom: n ? `${n.firstName} ${n.lastName}` : '' };
}

// ——— Dashboards ———

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

/** Posts held per structure (recruited, validated, rupture declared, renewal): what the programme counts as in post. */
export async function postesOccupes(db: Db, structureIds?: string[]): Promise<Map<string, number>> {
  if (structureIds && structureIds.length === 0) return new Map();
  const rows = await db
    .select({ id: structuresRecrutement.structureId, n: structuresRecrutement.occupes })
    .from(structuresRecrutement)
    .where(structureIds ? inArray(structuresRecrutement.structureId, structureIds) : undefined);
  return new Map(rows.filter((r) => r.n > 0).map((r) => [r.id, r.n]));
}
