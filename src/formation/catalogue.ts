/**
 * The annual thematic modules: ANCT publishes each year's catalogue (modules of 7 or 14 h given by
 * providers), conseillers propose and vote for topics (the catalogue is built from their feedback),
 * each conseiller chooses one module a year, and the provider records its completion.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { userNames } from '../comptes/users.js';
import { choixModules, modules, organismes, propositions, votes } from './schema.js';
import { FormationError } from './formation.js';

export type Module = typeof modules.$inferSelect;

export interface LigneModule extends Module {
  organisme: string;
  choisi: number;
}

export async function modulesDeAnnee(db: Db, annee: number, organismeId?: string): Promise<LigneModule[]> {
  const rows = await db
    .select({ m: modules, organisme: organismes.nom, choisi: sql<number>`(select count(*)::int from ${choixModules} c where c.module_id = ${modules.id})` })
    .from(modules)
    .innerJoin(organismes, eq(organismes.id, modules.organismeId))
    .where(and(eq(modules.annee, annee), organismeId ? eq(modules.organismeId, organismeId) : undefined))
    .orderBy(asc(modules.titre));
  return rows.map((r) => ({ ...r.m, organisme: r.organisme, choisi: r.choisi }));
}

export async function getModule(db: Db, id: string): Promise<Module | undefined> {
  if (!isUuid(id)) return undefined;
  const [m] = await db.select().from(modules).where(eq(modules.id, id));
  return m;
}

export async function creerModule(db: Db, actor: Actor, v: { annee: number; titre: string; heures: number; organismeId: string; description: string | null }): Promise<Module> {
  return db.transaction(async (tx) => {
    const [o] = isUuid(v.organismeId) ? await tx.select().from(organismes).where(eq(organismes.id, v.organismeId)) : [];
    if (!o) throw new FormationError(400, 'organisme_id', "Choisissez l'organisme de formation dans la liste.");
    const [m] = await tx.insert(modules).values(v).returning();
    await recordAudit(tx, actor, { action: 'formation.module_publie', objectType: 'module_formation', objectId: m!.id, summary: `Module « ${v.titre} » (${v.heures} h) publié au catalogue ${v.annee}`, after: v });
    return m!;
  });
}

/** A conseiller chooses (or changes, until it is done) their module of the year. */
export async function choisirModule(db: Db, actor: Actor, conseillerId: string, moduleId: string, annee: number): Promise<Module> {
  return db.transaction(async (tx) => {
    const [m] = isUuid(moduleId) ? await tx.select().from(modules).where(eq(modules.id, moduleId)) : [];
    if (!m || m.annee !== annee) throw new FormationError(400, 'module_id', `Choisissez un module du catalogue ${annee}.`);
    const [avant] = await tx.select().from(choixModules).where(and(eq(choixModules.conseillerId, conseillerId), eq(choixModules.annee, annee))).for('update');
    if (avant?.realiseLe) throw new FormationError(409, 'module_id', 'Votre module de cette année est déjà réalisé.');
    await tx
      .insert(choixModules)
      .values({ conseillerId, annee, moduleId })
      .onConflictDoUpdate({ target: [choixModules.conseillerId, choixModules.annee], set: { moduleId } });
    await recordAudit(tx, actor, { action: 'formation.module_choisi', objectType: 'formation', objectId: conseillerId, summary: `Module « ${m.titre} » choisi pour ${annee}`, ...(avant ? { before: { module: avant.moduleId } } : {}), after: { module: m.id } });
    return m;
  });
}

export async function choisisseursDe(db: Db, moduleId: string): Promise<{ conseillerId: string; nom: string; realiseLe: string | null }[]> {
  const rows = await db.select().from(choixModules).where(eq(choixModules.moduleId, moduleId));
  const names = await userNames(db, rows.map((r) => r.conseillerId));
  return rows
    .map((r) => {
      const n = names.get(r.conseillerId);
      return { conseillerId: r.conseillerId, nom: n ? `${n.firstName} ${n.lastName}` : 'Compte supprimé', realiseLe: r.realiseLe };
    })
    .sort((a, b) => a.nom.localeCompare(b.nom, 'fr'));
}

/** The provider records that a conseiller completed the module they chose. */
export async function marquerRealise(db: Db, actor: Actor, m: Module, conseillerId: string, date: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [c] = isUuid(conseillerId) ? await tx.select().from(choixModules).where(and(eq(choixModules.conseillerId, conseillerId), eq(choixModules.moduleId, m.id))).for('update') : [];
    if (!c) throw new FormationError(400, 'conseiller_id', "Ce conseiller n'a pas choisi ce module.");
    await tx.update(choixModules).set({ realiseLe: date }).where(and(eq(choixModules.conseillerId, conseillerId), eq(choixModules.annee, c.annee)));
    await recordAudit(tx, actor, { action: 'formation.module_realise', objectType: 'formation', objectId: conseillerId, summary: `Module « ${m.titre} » réalisé`, after: { module: m.id, date } });
  });
}

// ——— Topics and votes ———

export interface LigneProposition {
  id: string;
  sujet: string;
  votes: number;
  /** Whether the reader voted for it. */
  aVote: boolean;
}

export async function propositionsDeAnnee(db: Db, annee: number, lecteurId: string | null): Promise<LigneProposition[]> {
  const rows = await db
    .select({
      id: propositions.id,
      sujet: propositions.sujet,
      votes: sql<number>`(select count(*)::int from ${votes} v where v.proposition_id = ${propositions.id})`,
      aVote: lecteurId && isUuid(lecteurId) ? sql<boolean>`exists (select 1 from ${votes} v where v.proposition_id = ${propositions.id} and v.conseiller_id = ${lecteurId})` : sql<boolean>`false`,
    })
    .from(propositions)
    .where(eq(propositions.annee, annee));
  return rows.map((r) => ({ ...r, votes: Number(r.votes), aVote: !!r.aVote })).sort((a, b) => b.votes - a.votes || a.sujet.localeCompare(b.sujet, 'fr'));
}

export async function proposerSujet(db: Db, actor: Actor, conseillerId: string, annee: number, sujet: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [p] = await tx.insert(propositions).values({ annee, sujet, conseillerId }).returning();
    await tx.insert(votes).values({ propositionId: p!.id, conseillerId });
    await recordAudit(tx, actor, { action: 'formation.sujet_propose', objectType: 'proposition_formation', objectId: p!.id, summary: `Thème « ${sujet} » proposé pour ${annee}` });
  });
}

/** One vote per conseiller and topic: voting twice takes the vote back. */
export async function voter(db: Db, actor: Actor, conseillerId: string, propositionId: string): Promise<'ajoute' | 'retire'> {
  return db.transaction(async (tx) => {
    const [p] = isUuid(propositionId) ? await tx.select().from(propositions).where(eq(propositions.id, propositionId)) : [];
    if (!p) throw new FormationError(404, 'proposition', 'Thème introuvable.');
    const removed = await tx.delete(votes).where(and(eq(votes.propositionId, p.id), eq(votes.conseillerId, conseillerId))).returning();
    if (removed.length) return 'retire';
    await tx.insert(votes).values({ propositionId: p.id, conseillerId });
    await recordAudit(tx, actor, { action: 'formation.vote', objectType: 'proposition_formation', objectId: p.id, summary: `Vote pour le thème « ${p.sujet} »` });
    return 'ajoute';
  });
}
