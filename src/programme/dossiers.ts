/**
 * Application files (dossiers): the public application, the instruction file and its timeline, the
 * préfet's opinion, priority, and the statuses a person sets (abandon, cancellation, duplicate).
 * Use cases are plain functions taking their dependencies; every write records its event and its
 * audit entry in the same transaction.
 */
import { and, asc, desc, eq, ilike, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { enqueue } from '../platform/jobs/jobs.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { createStructure, findStructureBySiret } from '../structures/structures.js';
import { addRole, createUser, findUserByEmail, DuplicateRoleError } from '../comptes/users.js';
import { dossiers, evenements } from './schema.js';
import { postesChanged } from './ports.js';
import { STATUTS, STATUTS_AVIS, type Candidature, type Statut, AVIS_PREFET, type AvisPrefet, STATUTS_CLOS } from './regles.js';
import type { DossierScope } from './policy.js';

export type Dossier = typeof dossiers.$inferSelect;
export type Evenement = typeof evenements.$inferSelect;

export const DEPOT_JOB = 'programme.depot';

/** A 4xx the routes turn into a French message next to the field, or a problem naming it. */
export class ProgrammeError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly status = 409,
  ) {
    super(message);
  }
}

export class DossierExistantError extends Error {
  constructor(
    readonly numero: number | null,
    readonly structureId: string,
  ) {
    super('Un dossier existe déjà pour ce SIRET.');
  }
}

/** The readable name of an actor (the audit label without the address). */
export function nomActeur(actor: Actor): string {
  return actor.label.replace(/\s*<[^>]*>\s*$/, '').trim() || actor.label;
}

export async function addEvenement(tx: Db, dossierId: string, actor: Actor, type: string, resume: string, donnees: unknown = null, le?: Date): Promise<void> {
  await tx.insert(evenements).values({ dossierId, type, resume, acteurId: actor.userId, acteur: nomActeur(actor), donnees, ...(le ? { le } : {}) });
}

/**
 * Records an application: the structure (src/structures), its file in status CREEE with the next
 * number, the contact's `structure` account (invited, no password yet) and a job that mails the
 * confirmation and the invitation once the transaction commits. A known SIRET is refused.
 */
export async function deposerCandidature(
  db: Db,
  actor: Actor,
  c: Candidature,
  opts: { demo?: boolean; now?: Date; sansCompte?: boolean } = {},
): Promise<Dossier> {
  return db.transaction(async (tx) => {
    const existing = await findStructureBySiret(tx, c.siret);
    if (existing) {
      const [d] = await tx.select({ numero: dossiers.numero }).from(dossiers).where(eq(dossiers.structureId, existing.id));
      throw new DossierExistantError(d?.numero ?? null, existing.id);
    }
    const s = await createStructure(
      tx,
      actor,
      {
        siret: c.siret,
        nom: c.nom,
        type: c.type,
        adresse: c.adresse,
        codePostal: c.codePostal,
        communeInsee: c.communeInsee,
        departement: c.departement,
        region: c.region,
        contactEmail: c.contactEmail,
        contactTelephone: c.contactTelephone,
      },
      { demo: opts.demo ?? false },
    );
    const now = opts.now ?? new Date();
    const [d] = await tx
      .insert(dossiers)
      .values({
        structureId: s.id,
        statut: 'CREEE',
        nom: c.nom,
        type: c.type,
        siret: c.siret,
        communeInsee: c.communeInsee,
        departement: c.departement,
        region: c.region,
        contactPrenom: c.contactPrenom,
        contactNom: c.contactNom,
        contactFonction: c.contactFonction,
        contactEmail: c.contactEmail,
        contactTelephone: c.contactTelephone,
        postesSouhaites: c.postesSouhaites,
        dateDebut: c.dateDebut,
        candidatIdentifie: c.candidatIdentifie,
        motivation: c.motivation,
        labelFranceServices: c.labelFranceServices,
        zrr: c.zrr,
        qpv: c.qpv,
        engagementLe: now,
        statutLe: now,
        demo: opts.demo ?? false,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!d) throw new Error('insert failed');
    await addEvenement(tx, d.id, actor, 'depot', `Candidature déposée : ${c.postesSouhaites} poste${c.postesSouhaites > 1 ? 's' : ''} souhaité${c.postesSouhaites > 1 ? 's' : ''}`, null, now);
    await recordAudit(tx, actor, {
      action: 'programme.candidature_deposee',
      objectType: 'dossier',
      objectId: d.id,
      summary: `Candidature n° ${d.numero} déposée pour « ${c.nom} »`,
    });
    if (!opts.sansCompte) {
      // The contact manages the structure on the platform: an account in the invited state at once.
      const known = await findUserByEmail(tx, c.contactEmail);
      let invite = false;
      if (!known) {
        await createUser(tx, actor, {
          email: c.contactEmail,
          firstName: c.contactPrenom,
          lastName: c.contactNom,
          roles: [{ role: 'structure', departement: null, structureId: s.id }],
        });
        invite = true;
      } else {
        try {
          await addRole(tx, actor, known.id, { role: 'structure', departement: null, structureId: s.id });
        } catch (e) {
          if (!(e instanceof DuplicateRoleError)) throw e;
        }
        invite = !known.passwordHash;
      }
      await enqueue(tx, DEPOT_JOB, { dossierId: d.id, invite }, { key: `depot:${d.id}` });
    }
    return d;
  });
}

export async function getDossier(db: Db, id: string): Promise<Dossier | undefined> {
  if (!isUuid(id)) return undefined;
  const [d] = await db.select().from(dossiers).where(eq(dossiers.id, id)).limit(1);
  return d;
}

export async function getDossierOfStructure(db: Db, structureId: string): Promise<Dossier | undefined> {
  if (!isUuid(structureId)) return undefined;
  const [d] = await db.select().from(dossiers).where(eq(dossiers.structureId, structureId)).limit(1);
  return d;
}

export async function dossierNumeros(db: Db, ids: string[]): Promise<Map<string, { numero: number; nom: string; structureId: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: dossiers.id, numero: dossiers.numero, nom: dossiers.nom, structureId: dossiers.structureId }).from(dossiers).where(inArray(dossiers.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function historique(db: Db, dossierId: string): Promise<Evenement[]> {
  return db.select().from(evenements).where(eq(evenements.dossierId, dossierId)).orderBy(asc(evenements.le), asc(evenements.id));
}

/** Locks a file for a change; the change is refused on a file that does not exist. */
export async function lockDossier(tx: Db, id: string): Promise<Dossier> {
  if (!isUuid(id)) throw new ProgrammeError('Dossier introuvable.', 'structure_id', 404);
  const [d] = await tx.select().from(dossiers).where(eq(dossiers.id, id)).for('update');
  if (!d) throw new ProgrammeError('Dossier introuvable.', 'structure_id', 404);
  return d;
}

/** The préfet's opinion: replaces the previous one; only while CREEE or in complementary examination. */
export async function donnerAvisPrefet(db: Db, actor: Actor, dossierId: string, avis: AvisPrefet, commentaire: string, now = new Date()): Promise<Dossier> {
  return db.transaction(async (tx) => {
    const d = await lockDossier(tx, dossierId);
    if (!STATUTS_AVIS.has(d.statut as Statut)) {
      throw new ProgrammeError(`Le dossier est « ${STATUTS[d.statut as Statut] ?? d.statut} » : l'avis du préfet n'est possible qu'en attente d'avis ou en examen complémentaire.`, 'avis');
    }
    const [after] = await tx
      .update(dossiers)
      .set({ avisPrefet: avis, avisCommentaire: commentaire, avisLe: now, avisPar: nomActeur(actor), updatedAt: now })
      .where(eq(dossiers.id, d.id))
      .returning();
    const verbe = d.avisPrefet ? 'remplacé par un avis' : 'donné :';
    await addEvenement(tx, d.id, actor, 'avis_prefet', `Avis du préfet ${verbe} ${AVIS_PREFET[avis].toLowerCase()}`, { avis, commentaire, precedent: d.avisPrefet }, now);
    await recordAudit(tx, actor, {
      action: 'programme.avis_prefet',
      objectType: 'dossier',
      objectId: d.id,
      summary: `Avis du préfet ${avis} sur le dossier n° ${d.numero}`,
      before: d.avisPrefet ? { avis: d.avisPrefet, commentaire: d.avisCommentaire } : null,
      after: { avis, commentaire },
    });
    return after!;
  });
}

export async function marquerPrioritaire(db: Db, actor: Actor, dossierId: string, prioritaire: boolean): Promise<Dossier> {
  return db.transaction(async (tx) => {
    const d = await lockDossier(tx, dossierId);
    if (STATUTS_CLOS.has(d.statut as Statut)) throw new ProgrammeError('Ce dossier est clos.', 'prioritaire');
    if (d.prioritaire === prioritaire) return d;
    const [after] = await tx.update(dossiers).set({ prioritaire, updatedAt: new Date() }).where(eq(dossiers.id, d.id)).returning();
    await addEvenement(tx, d.id, actor, 'priorite', prioritaire ? 'Dossier signalé comme prioritaire' : 'Dossier retiré des prioritaires');
    await recordAudit(tx, actor, { action: 'programme.priorite', objectType: 'dossier', objectId: d.id, summary: `Dossier n° ${d.numero} ${prioritaire ? 'prioritaire' : 'non prioritaire'}` });
    return after!;
  });
}

/**
 * Statuses a person sets. ABANDON: the structure withdraws (or ANCT for it); ANNULEE: ANCT cancels;
 * DOUBLON: ANCT merges it into the original file (named by its number), whose timeline records it.
 * A file with posts in force keeps them until an amendment returns them: it cannot be abandoned here.
 */
export async function changerStatut(
  db: Db,
  actor: Actor,
  dossierId: string,
  statut: 'ABANDON' | 'ANNULEE' | 'DOUBLON',
  opts: { motif: string; doublonDeNumero?: number },
): Promise<Dossier> {
  return db.transaction(async (tx) => {
    const d = await lockDossier(tx, dossierId);
    if (STATUTS_CLOS.has(d.statut as Statut)) throw new ProgrammeError(`Le dossier est déjà « ${STATUTS[d.statut as Statut]} ».`, 'statut');
    if (d.postesValides > 0) {
      throw new ProgrammeError(`La structure a ${d.postesValides} poste${d.postesValides > 1 ? 's' : ''} en vigueur : rendez-les par un avenant (retrait), le dossier passera alors en abandon.`, 'statut');
    }
    let original: Dossier | undefined;
    if (statut === 'DOUBLON') {
      const n = opts.doublonDeNumero;
      if (!n || !Number.isInteger(n)) throw new ProgrammeError('Indiquez le numéro du dossier d’origine.', 'doublon_de', 400);
      [original] = await tx.select().from(dossiers).where(eq(dossiers.numero, n));
      if (!original || original.id === d.id) throw new ProgrammeError(`Aucun autre dossier ne porte le n° ${n}.`, 'doublon_de', 400);
      if (STATUTS_CLOS.has(original.statut as Statut)) throw new ProgrammeError(`Le dossier n° ${n} est lui-même clos.`, 'doublon_de', 400);
    }
    const now = new Date();
    const [after] = await tx
      .update(dossiers)
      .set({ statut, statutLe: now, updatedAt: now, doublonDe: original?.id ?? null })
      .where(eq(dossiers.id, d.id))
      .returning();
    const motif = opts.motif.trim();
    const resume =
      statut === 'ABANDON' ? 'La structure renonce : dossier abandonné' : statut === 'ANNULEE' ? 'Dossier annulé' : `Dossier rattaché au dossier n° ${original!.numero} (doublon)`;
    await addEvenement(tx, d.id, actor, 'statut', motif ? `${resume} — ${motif}` : resume, { statut, avant: d.statut, motif });
    if (original) await addEvenement(tx, original.id, actor, 'doublon', `Le dossier n° ${d.numero} (${d.nom}) y a été rattaché comme doublon`, { doublon: d.id });
    await postesChanged(tx, [d.structureId]);
    await recordAudit(tx, actor, { action: 'programme.statut', objectType: 'dossier', objectId: d.id, summary: `Dossier n° ${d.numero} : ${d.statut} → ${statut}`, before: { statut: d.statut }, after: { statut, motif } });
    return after!;
  });
}

// ——— Lists ———

export interface DossierFilter {
  statut?: string | undefined;
  type?: string | undefined;
  communeInsee?: string | undefined;
  departement?: string | undefined;
  /** 'oui': with an opinion; 'non': without. */
  avis?: string | undefined;
  prioritaire?: boolean | undefined;
  q?: string | undefined;
}

export function scopeCondition(scope: DossierScope): SQL | undefined {
  if (scope.all) return undefined;
  const parts: SQL[] = [];
  if (scope.departements.length) parts.push(inArray(dossiers.departement, scope.departements));
  if (scope.structureIds.length) parts.push(inArray(dossiers.structureId, scope.structureIds));
  if (scope.validesNational) parts.push(eq(dossiers.statut, 'VALIDATION_COSELEC'));
  return parts.length ? or(...parts) : sql`false`;
}

function filterConditions(scope: DossierScope, f: DossierFilter): SQL | undefined {
  const conds: (SQL | undefined)[] = [scopeCondition(scope)];
  if (f.statut) conds.push(eq(dossiers.statut, f.statut));
  if (f.type) conds.push(eq(dossiers.type, f.type));
  if (f.communeInsee) conds.push(eq(dossiers.communeInsee, f.communeInsee));
  if (f.departement) conds.push(eq(dossiers.departement, f.departement));
  if (f.avis === 'oui') conds.push(isNotNull(dossiers.avisPrefet));
  if (f.avis === 'non') conds.push(isNull(dossiers.avisPrefet));
  if (f.prioritaire) conds.push(eq(dossiers.prioritaire, true));
  if (f.q) {
    const q = f.q.trim();
    // Digits: a file number (up to 9 digits) or the start of a SIRET, up to the whole 14 digits.
    const digits = q.replace(/[\s.\u00a0]/g, '');
    if (/^\d{1,9}$/.test(digits)) conds.push(or(eq(dossiers.numero, Number(digits)), ilike(dossiers.siret, `${digits}%`)));
    else if (/^\d{10,14}$/.test(digits)) conds.push(ilike(dossiers.siret, `${digits}%`));
    else conds.push(ilike(dossiers.nom, `%${q.replace(/[%_\\]/g, (c) => '\\' + c)}%`));
  }
  return and(...conds);
}

/** Files awaiting an opinion come first (the préfecture's work), then by number. */
const attenteAvisFirst = sql`case when ${dossiers.statut} in ('CREEE', 'EXAMEN_COMPLEMENTAIRE_COSELEC') and ${dossiers.avisPrefet} is null then 0 else 1 end`;

export async function listDossiers(db: Db, scope: DossierScope, f: DossierFilter, page: { limit: number; offset: number }): Promise<Dossier[]> {
  return db
    .select()
    .from(dossiers)
    .where(filterConditions(scope, f))
    .orderBy(attenteAvisFirst, desc(dossiers.prioritaire), asc(dossiers.numero))
    .limit(page.limit)
    .offset(page.offset);
}

/** Every file of the list, in the list's order, in pages (exports stream them). */
export async function* eachDossier(db: Db, scope: DossierScope, f: DossierFilter, pageSize = 1000): AsyncGenerator<Dossier> {
  for (let offset = 0; ; offset += pageSize) {
    const rows = await listDossiers(db, scope, f, { limit: pageSize, offset });
    yield* rows;
    if (rows.length < pageSize) return;
  }
}

/** Counts by status within the scope and the filter (the filter's status excepted), plus those awaiting an opinion. */
export async function countDossiers(db: Db, scope: DossierScope, f: DossierFilter = {}): Promise<{ total: number; parStatut: Record<string, number>; attenteAvis: number }> {
  const rows = await db
    .select({
      statut: dossiers.statut,
      n: sql<number>`count(*)::int`,
      sansAvis: sql<number>`(count(*) filter (where ${dossiers.avisPrefet} is null))::int`,
    })
    .from(dossiers)
    .where(filterConditions(scope, { ...f, statut: undefined }))
    .groupBy(dossiers.statut);
  const parStatut: Record<string, number> = {};
  let total = 0;
  let attenteAvis = 0;
  for (const r of rows) {
    parStatut[r.statut] = r.n;
    total += r.n;
    if (STATUTS_AVIS.has(r.statut as Statut)) attenteAvis += r.sansAvis;
  }
  return { total, parStatut, attenteAvis };
}

/** Average days files have been waiting in their current status, per open status (dashboards). */
export async function attentesMoyennes(db: Db, scope: DossierScope, now = new Date()): Promise<Record<string, number>> {
  const rows = await db
    .select({ statut: dossiers.statut, jours: sql<number>`coalesce(avg(extract(epoch from (${now.toISOString()}::timestamptz - ${dossiers.statutLe})) / 86400), 0)::float` })
    .from(dossiers)
    .where(and(scopeCondition(scope), inArray(dossiers.statut, ['CREEE', 'EXAMEN_COMPLEMENTAIRE_COSELEC'])))
    .groupBy(dossiers.statut);
  return Object.fromEntries(rows.map((r) => [r.statut, Math.round(r.jours)]));
}

/** Every validated file's structure, posts in force and last change (the contexts that follow posts reconcile with it). */
export async function structuresValidees(db: Db): Promise<{ structureId: string; postesValides: number; updatedAt: Date }[]> {
  return db.select({ structureId: dossiers.structureId, postesValides: dossiers.postesValides, updatedAt: dossiers.updatedAt }).from(dossiers).where(eq(dossiers.statut, 'VALIDATION_COSELEC'));
}
