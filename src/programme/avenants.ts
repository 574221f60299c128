/**
 * Amendments (avenants): a validated structure asks to add or return posts (or for a coordinator
 * post), the préfet gives an opinion, ANCT decides. One request in progress per file; posts returned
 * ≤ posts in force − conseillers in post; a file whose posts fall to 0 is ABANDON.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import type { Notifier } from '../notifications/notifications.js';
import { avenants, dossiers } from './schema.js';
import { AVIS_PREFET, avenantProblem, LIMITES, postesApresAvenant, STATUTS_AVENANT, TYPES_AVENANT, type AvisPrefet, type Statut, type TypeAvenant, entier } from './regles.js';
import { addEvenement, lockDossier, nomActeur, ProgrammeError, scopeCondition, type Dossier } from './dossiers.js';
import { postesChanged } from './ports.js';
import { appliquerPostes, conseillersEnPoste, verrouillerTerritoires } from './postes.js';
import type { DossierScope } from './policy.js';

export type Avenant = typeof avenants.$inferSelect;

export async function getAvenant(db: Db, id: string): Promise<Avenant | undefined> {
  if (!isUuid(id)) return undefined;
  const [a] = await db.select().from(avenants).where(eq(avenants.id, id));
  return a;
}

export async function avenantsDe(db: Db, dossierId: string): Promise<Avenant[]> {
  return db.select().from(avenants).where(eq(avenants.dossierId, dossierId)).orderBy(desc(avenants.createdAt));
}

/** Amendments in progress within a scope (the work lists). */
export async function avenantsEnCours(db: Db, scope: DossierScope, limit = 200): Promise<{ avenant: Avenant; dossier: Dossier }[]> {
  return db
    .select({ avenant: avenants, dossier: dossiers })
    .from(avenants)
    .innerJoin(dossiers, eq(dossiers.id, avenants.dossierId))
    .where(and(eq(avenants.statut, 'en_cours'), scopeCondition(scope)))
    .orderBy(avenants.createdAt)
    .limit(limit);
}

export function libelleAvenant(a: Pick<Avenant, 'type' | 'postesDemandes' | 'tempsCoordinateur'>): string {
  if (a.type === 'coordinateur') return `Poste de coordinateur (${a.tempsCoordinateur === 'partiel' ? 'temps partiel' : 'temps plein'})`;
  return `${TYPES_AVENANT[a.type as TypeAvenant]} : ${a.postesDemandes} poste${a.postesDemandes > 1 ? 's' : ''}`;
}

export async function demanderAvenant(
  db: Db,
  actor: Actor,
  dossierId: string,
  input: { type: unknown; postes: unknown; motif: unknown; temps?: unknown },
): Promise<Avenant> {
  return db.transaction(async (tx) => {
    const d = await lockDossier(tx, dossierId);
    const [enCours] = await tx.select({ id: avenants.id }).from(avenants).where(and(eq(avenants.dossierId, d.id), eq(avenants.statut, 'en_cours')));
    const enPoste = (await conseillersEnPoste(tx, [d.structureId])).get(d.structureId) ?? 0;
    const postes = input.type === 'coordinateur' && (input.postes === undefined || input.postes === '') ? 1 : input.postes;
    const problem = avenantProblem({ type: input.type, postes, motif: input.motif, statut: d.statut as Statut, postesEnForce: d.postesValides, conseillersEnPoste: enPoste, enCours: !!enCours });
    if (problem) throw new ProgrammeError(problem.message, problem.field, problem.field === 'statut' ? 409 : 400);
    if (input.type === 'coordinateur' && input.temps !== 'plein' && input.temps !== 'partiel') throw new ProgrammeError('Choisissez temps plein ou temps partiel.', 'temps', 400);
    const [a] = await tx
      .insert(avenants)
      .values({
        dossierId: d.id,
        type: input.type as TypeAvenant,
        postesDemandes: entier(postes),
        postesAvant: d.postesValides,
        motif: String(input.motif).trim(),
        tempsCoordinateur: input.type === 'coordinateur' ? String(input.temps) : null,
        demandePar: nomActeur(actor),
      })
      .returning();
    await addEvenement(tx, d.id, actor, 'avenant_demande', `Demande d'avenant — ${libelleAvenant(a!)} : ${a!.motif}`, { avenant: a!.id });
    await recordAudit(tx, actor, { action: 'programme.avenant_demande', objectType: 'avenant', objectId: a!.id, summary: `Dossier n° ${d.numero} : ${libelleAvenant(a!)}` });
    return a!;
  });
}

async function lockEnCours(tx: Db, id: string): Promise<Avenant> {
  if (!isUuid(id)) throw new ProgrammeError('Avenant introuvable.', 'avenant', 404);
  const [a] = await tx.select().from(avenants).where(eq(avenants.id, id)).for('update');
  if (!a) throw new ProgrammeError('Avenant introuvable.', 'avenant', 404);
  if (a.statut !== 'en_cours') throw new ProgrammeError(`Cette demande d'avenant est déjà ${STATUTS_AVENANT[a.statut as keyof typeof STATUTS_AVENANT]?.toLowerCase() ?? a.statut}.`, 'avenant', 409);
  return a;
}

export async function avisAvenant(db: Db, actor: Actor, avenantId: string, avis: AvisPrefet, commentaire: string): Promise<Avenant> {
  return db.transaction(async (tx) => {
    const a = await lockEnCours(tx, avenantId);
    const [after] = await tx.update(avenants).set({ avisPrefet: avis, avisCommentaire: commentaire, avisLe: new Date() }).where(eq(avenants.id, a.id)).returning();
    await addEvenement(tx, a.dossierId, actor, 'avenant_avis', `Avis du préfet sur l'avenant (${libelleAvenant(a).toLowerCase()}) : ${AVIS_PREFET[avis].toLowerCase()}`, { avenant: a.id, avis, commentaire });
    await recordAudit(tx, actor, { action: 'programme.avenant_avis', objectType: 'avenant', objectId: a.id, summary: `Avis ${avis} sur l'avenant`, after: { avis, commentaire } });
    return after!;
  });
}

/**
 * ANCT's decision: grant some or all of the posts asked, or refuse with a reason. Granting goes
 * through the envelope check (an addition) and the free-posts rule (a withdrawal), at decision time.
 */
export async function deciderAvenant(
  db: Db,
  actor: Actor,
  notifier: Notifier,
  avenantId: string,
  decision: { postesAccordes: unknown } | { refus: unknown },
  opts: { derogation?: string | null } = {},
): Promise<{ avenant: Avenant; dossier: Dossier }> {
  return db.transaction(async (tx) => {
    // Lock order: territories, then the file, then the amendment.
    const peek = isUuid(avenantId) ? (await tx.select({ dossierId: avenants.dossierId }).from(avenants).where(eq(avenants.id, avenantId)))[0] : undefined;
    if (!peek) throw new ProgrammeError('Avenant introuvable.', 'avenant', 404);
    const [dep] = await tx.select({ d: dossiers.departement }).from(dossiers).where(eq(dossiers.id, peek.dossierId));
    const territoires = await verrouillerTerritoires(tx, [dep!.d]);
    const d = await lockDossier(tx, peek.dossierId);
    const a = await lockEnCours(tx, avenantId);
    if (!a.avisPrefet) throw new ProgrammeError("Le préfet n'a pas encore donné son avis sur cette demande d'avenant.", 'avenant', 409);
    const now = new Date();
    const who = nomActeur(actor);
    if ('refus' in decision) {
      const motif = typeof decision.refus === 'string' ? decision.refus.trim() : '';
      if (!motif) throw new ProgrammeError('Indiquez le motif du refus.', 'refus', 400);
      if (motif.length > LIMITES.motif) throw new ProgrammeError(`Le motif doit contenir au plus ${LIMITES.motif} caractères.`, 'refus', 400);
      const [after] = await tx.update(avenants).set({ statut: 'refusee', refus: motif, postesAccordes: 0, decideLe: now, decidePar: who }).where(eq(avenants.id, a.id)).returning();
      await addEvenement(tx, d.id, actor, 'avenant_decision', `Avenant refusé (${libelleAvenant(a).toLowerCase()}) : ${motif}`, { avenant: a.id });
      await notifier.notify(tx, { role: 'structure', structureId: d.structureId }, 'programme.avenant', { numero: d.numero, libelle: libelleAvenant(a), accorde: false, postes: d.postesValides, structureId: d.structureId });
      await recordAudit(tx, actor, { action: 'programme.avenant_refuse', objectType: 'avenant', objectId: a.id, summary: `Avenant du dossier n° ${d.numero} refusé` });
      return { avenant: after!, dossier: d };
    }
    const n = entier(decision.postesAccordes);
    if (!Number.isInteger(n) || n < 1 || n > a.postesDemandes) {
      throw new ProgrammeError(`Accordez de 1 à ${a.postesDemandes} poste${a.postesDemandes > 1 ? 's' : ''} (le nombre demandé), ou refusez la demande.`, 'postes_accordes', 400);
    }
    if (a.type === 'retrait') {
      const enPoste = (await conseillersEnPoste(tx, [d.structureId])).get(d.structureId) ?? 0;
      if (n > d.postesValides - enPoste) {
        throw new ProgrammeError(`La structure a ${d.postesValides} postes en vigueur dont ${enPoste} occupés : au plus ${Math.max(0, d.postesValides - enPoste)} peuvent être rendus.`, 'postes_accordes', 409);
      }
    }
    const derogation = opts.derogation?.trim() || null;
    if (derogation && derogation.length > LIMITES.derogation) throw new ProgrammeError(`La dérogation doit contenir au plus ${LIMITES.derogation} caractères.`, 'derogation', 400);
    const postes = postesApresAvenant(a.type as TypeAvenant, d.postesValides, n);
    await appliquerPostes(tx, territoires, [{ dossier: d, postes }], { derogation });
    const statut: Statut = postes === 0 ? 'ABANDON' : d.statut as Statut;
    const [dossier] = await tx
      .update(dossiers)
      .set({ postesValides: postes, updatedAt: now, ...(statut !== d.statut ? { statut, statutLe: now } : {}) })
      .where(eq(dossiers.id, d.id))
      .returning();
    const [after] = await tx.update(avenants).set({ statut: 'validee', postesAccordes: n, decideLe: now, decidePar: who }).where(eq(avenants.id, a.id)).returning();
    await postesChanged(tx, [d.structureId]);
    await addEvenement(tx, d.id, actor, 'avenant_decision', `Avenant validé (${libelleAvenant(a).toLowerCase()}) : ${n} poste${n > 1 ? 's' : ''} ${a.type === 'retrait' ? 'rendu' : 'accordé'}${n > 1 ? 's' : ''}, ${postes} en vigueur`, { avenant: a.id, postes });
    if (statut === 'ABANDON') await addEvenement(tx, d.id, actor, 'statut', 'Plus aucun poste en vigueur : dossier passé en abandon', { statut, avant: d.statut });
    await notifier.notify(tx, { role: 'structure', structureId: d.structureId }, 'programme.avenant', { numero: d.numero, libelle: libelleAvenant(a), accorde: true, postes, structureId: d.structureId });
    await recordAudit(tx, actor, {
      action: 'programme.avenant_valide',
      objectType: 'avenant',
      objectId: a.id,
      summary: `Avenant du dossier n° ${d.numero} validé : ${d.postesValides} → ${postes} postes${derogation ? ` — dérogation : ${derogation}` : ''}`,
    });
    return { avenant: after!, dossier: dossier! };
  });
}

/** Amendment counts in progress per département (dashboards). */
export async function compterAvenantsEnCours(db: Db, scope: DossierScope): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(avenants)
    .innerJoin(dossiers, eq(dossiers.id, avenants.dossierId))
    .where(and(eq(avenants.statut, 'en_cours'), scopeCondition(scope)));
  return r?.n ?? 0;
}

