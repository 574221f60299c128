/**
 * Selection committees (COSELEC): ANCT creates one (numbered in sequence), builds its agenda from files
 * with the préfet's opinion, records a decision per file, then closes it: every decision comes into
 * force at once, in one transaction, or none does (an envelope exceeded without a derogation).
 */
import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import type { Notifier } from '../notifications/notifications.js';
import { coselecs, decisions, dossiers, evenements } from './schema.js';
import { enqueue } from '../platform/jobs/jobs.js';
import { postesChanged } from './ports.js';
import { AVIS_COSELEC, LIMITES, STATUT_APRES_DECISION, STATUTS, type AvisCoselec, type Statut } from './regles.js';
import { lockDossier, nomActeur, ProgrammeError, type Dossier } from './dossiers.js';
import { appliquerPostes, verrouillerTerritoires } from './postes.js';

export type Coselec = typeof coselecs.$inferSelect;
export type Decision = typeof decisions.$inferSelect;

/** Files a committee may decide on: open to instruction, with the préfet's opinion. */
const DECIDABLES: Statut[] = ['CREEE', 'EXAMEN_COMPLEMENTAIRE_COSELEC'];

export async function creerCoselec(db: Db, actor: Actor, date: string, opts: { demo?: boolean } = {}): Promise<Coselec> {
  return db.transaction(async (tx) => {
    const [c] = await tx.insert(coselecs).values({ date, demo: opts.demo ?? false }).returning();
    await recordAudit(tx, actor, { action: 'programme.coselec_cree', objectType: 'coselec', objectId: c!.id, summary: `Comité de sélection n° ${c!.numero} du ${date} créé` });
    return c!;
  });
}

export async function getCoselec(db: Db, id: string): Promise<Coselec | undefined> {
  if (!isUuid(id)) return undefined;
  const [c] = await db.select().from(coselecs).where(eq(coselecs.id, id));
  return c;
}

export async function listCoselecs(db: Db, limit = 100): Promise<(Coselec & { decisions: number })[]> {
  const rows = await db
    .select({ c: coselecs, n: sql<number>`(select count(*)::int from ${decisions} where ${decisions.coselecId} = ${coselecs.id})` })
    .from(coselecs)
    .orderBy(desc(coselecs.numero))
    .limit(limit);
  return rows.map((r) => ({ ...r.c, decisions: r.n }));
}

export interface LigneDecision {
  decision: Decision;
  dossier: Dossier;
}

export async function decisionsDe(db: Db, coselecId: string): Promise<LigneDecision[]> {
  const rows = await db
    .select({ decision: decisions, dossier: dossiers })
    .from(decisions)
    .innerJoin(dossiers, eq(dossiers.id, decisions.dossierId))
    .where(eq(decisions.coselecId, coselecId))
    .orderBy(asc(dossiers.departement), asc(dossiers.numero));
  return rows;
}

/** Files that may go on a committee's agenda: with an opinion, open to instruction, filtered. */
export async function agendaPossible(db: Db, coselecId: string, f: { departement?: string | undefined; prioritaire?: boolean | undefined }, limit = 200): Promise<Dossier[]> {
  const conds = [
    inArray(dossiers.statut, DECIDABLES),
    isNotNull(dossiers.avisPrefet),
    sql`not exists (select 1 from ${decisions} where ${decisions.dossierId} = ${dossiers.id} and ${decisions.coselecId} = ${coselecId})`,
  ];
  if (f.departement) conds.push(eq(dossiers.departement, f.departement));
  if (f.prioritaire) conds.push(eq(dossiers.prioritaire, true));
  return db
    .select()
    .from(dossiers)
    .where(and(...conds))
    .orderBy(desc(dossiers.prioritaire), asc(dossiers.departement), asc(dossiers.numero))
    .limit(limit);
}

async function lockOpenCoselec(tx: Db, coselecId: string): Promise<Coselec> {
  if (!isUuid(coselecId)) throw new ProgrammeError('Comité de sélection introuvable.', 'coselec', 404);
  const [c] = await tx.select().from(coselecs).where(eq(coselecs.id, coselecId)).for('update');
  if (!c) throw new ProgrammeError('Comité de sélection introuvable.', 'coselec', 404);
  if (c.statut !== 'ouvert') throw new ProgrammeError(`Le comité n° ${c.numero} est clos : ses décisions ne peuvent plus changer.`, 'coselec', 409);
  return c;
}

/** Records (or replaces) the committee's decision on one file; it takes effect when the committee closes. */
export async function enregistrerDecision(
  db: Db,
  actor: Actor,
  coselecId: string,
  dossierId: string,
  d: { avis: AvisCoselec; postes: number; observation: string | null; prioritaire?: boolean },
): Promise<Decision> {
  return db.transaction(async (tx) => {
    const c = await lockOpenCoselec(tx, coselecId);
    const dossier = await lockDossier(tx, dossierId);
    if (!DECIDABLES.includes(dossier.statut as Statut)) {
      throw new ProgrammeError(`Le dossier n° ${dossier.numero} est « ${STATUTS[dossier.statut as Statut] ?? dossier.statut} » : un comité ne décide que sur un dossier en attente ou en examen complémentaire.`, 'structure_id');
    }
    if (!dossier.avisPrefet) throw new ProgrammeError(`Le préfet n'a pas encore donné son avis sur le dossier n° ${dossier.numero}.`, 'structure_id');
    const values = {
      avis: d.avis,
      postes: d.avis === 'POSITIF' ? d.postes : 0,
      observation: d.observation?.slice(0, LIMITES.observation) ?? null,
      prioritaire: d.prioritaire ?? dossier.prioritaire,
      decidePar: nomActeur(actor),
      updatedAt: new Date(),
    };
    const [row] = await tx
      .insert(decisions)
      .values({ coselecId: c.id, dossierId: dossier.id, ...values })
      .onConflictDoUpdate({ target: [decisions.coselecId, decisions.dossierId], set: values })
      .returning();
    await recordAudit(tx, actor, {
      action: 'programme.decision',
      objectType: 'dossier',
      objectId: dossier.id,
      summary: `Comité n° ${c.numero} : décision ${d.avis}${d.avis === 'POSITIF' ? ` (${d.postes} postes)` : ''} sur le dossier n° ${dossier.numero} (en vigueur à la clôture)`,
      after: values,
    });
    return row!;
  });
}

export async function retirerDecision(db: Db, actor: Actor, coselecId: string, dossierId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const c = await lockOpenCoselec(tx, coselecId);
    if (!isUuid(dossierId)) return false;
    const gone = await tx.delete(decisions).where(and(eq(decisions.coselecId, c.id), eq(decisions.dossierId, dossierId))).returning({ id: decisions.id });
    if (gone.length) await recordAudit(tx, actor, { action: 'programme.decision_retiree', objectType: 'dossier', objectId: dossierId, summary: `Comité n° ${c.numero} : dossier retiré de l'ordre du jour` });
    return gone.length > 0;
  });
}

/**
 * Closes a committee: all its decisions come into force at once (statuses, posts in force, the
 * territories' counts), the structures' contacts and the préfectures are notified. Refused as a
 * whole when a territory would exceed its envelope, unless ANCT writes a derogation (audited).
 */
export async function cloturerCoselec(db: Db, actor: Actor, coselecId: string, opts: { derogation?: string | null; now?: Date; /** Historical data (demo): nobody is told. */ silencieux?: boolean } = {}): Promise<{ coselec: Coselec; decisions: number }> {
  const derogation = opts.derogation?.trim() || null;
  if (derogation && derogation.length > LIMITES.derogation) throw new ProgrammeError(`La dérogation doit contenir au plus ${LIMITES.derogation} caractères.`, 'derogation', 400);
  return db.transaction(async (tx) => {
    const c = await lockOpenCoselec(tx, coselecId);
    const rows = await tx.select().from(decisions).where(eq(decisions.coselecId, c.id));
    if (rows.length === 0) throw new ProgrammeError(`Le comité n° ${c.numero} n'a aucune décision : ajoutez des dossiers à son ordre du jour avant de le clore.`, 'coselec', 409);
    const ids = rows.map((r) => r.dossierId);
    // Lock order everywhere: territories (by code), then files (by id).
    const deps = await tx.selectDistinct({ d: dossiers.departement }).from(dossiers).where(inArray(dossiers.id, ids));
    const territoires = await verrouillerTerritoires(
      tx,
      deps.map((x) => x.d),
    );
    const locked = await tx.select().from(dossiers).where(inArray(dossiers.id, ids)).orderBy(asc(dossiers.id)).for('update');
    const byId = new Map(locked.map((d) => [d.id, d]));
    const stale = locked.filter((d) => !DECIDABLES.includes(d.statut as Statut));
    if (stale.length) {
      throw new ProgrammeError(
        `Dossiers qui ne sont plus en instruction : ${stale.map((d) => `n° ${d.numero} (${STATUTS[d.statut as Statut] ?? d.statut})`).join(', ')}. Retirez-les de l'ordre du jour.`,
        'coselec',
        409,
      );
    }
    const changements = rows
      .filter((r) => r.avis === 'POSITIF')
      .map((r) => ({ dossier: byId.get(r.dossierId)!, postes: r.postes }));
    const over = await appliquerPostes(tx, territoires, changements, { derogation });
    const now = opts.now ?? new Date();
    const label = `comité de sélection n° ${c.numero} du ${c.date.split('-').reverse().join('/')}`;
    // One statement for the files, one for their events: a committee of 500 closes in one short transaction.
    const upd = rows.map((r) => {
      const d = byId.get(r.dossierId)!;
      return { id: d.id, statut: STATUT_APRES_DECISION[r.avis as AvisCoselec], postes: r.avis === 'POSITIF' ? r.postes : d.postesValides, prioritaire: d.prioritaire || r.prioritaire };
    });
    await tx.execute(sql`
      update ${dossiers} d set statut = x.statut, postes_valides = x.postes, prioritaire = x.prioritaire, statut_le = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
      from (select unnest(${sql.raw(`'{${upd.map((u) => u.id).join(',')}}'`)}::uuid[]) id,
                   unnest(${`{${upd.map((u) => u.statut).join(',')}}`}::text[]) statut,
                   unnest(${`{${upd.map((u) => u.postes).join(',')}}`}::int[]) postes,
                   unnest(${`{${upd.map((u) => u.prioritaire).join(',')}}`}::boolean[]) prioritaire) x
      where d.id = x.id`);
    await tx.insert(evenements).values(
      rows.map((r) => {
        const texte =
          r.avis === 'POSITIF'
            ? `Décision positive du ${label} : ${r.postes} poste${r.postes > 1 ? 's' : ''} accordé${r.postes > 1 ? 's' : ''}`
            : `Décision du ${label} : ${AVIS_COSELEC[r.avis as AvisCoselec].toLowerCase()}`;
        return {
          dossierId: r.dossierId,
          type: 'decision',
          resume: r.observation ? `${texte} — ${r.observation}` : texte,
          acteurId: actor.userId,
          acteur: r.decidePar,
          donnees: { coselec: c.numero, avis: r.avis, postes: r.postes, statut: STATUT_APRES_DECISION[r.avis as AvisCoselec] },
          le: now,
        };
      }),
    );
    await tx.update(decisions).set({ effectiveLe: now }).where(eq(decisions.coselecId, c.id));
    const [closed] = await tx.update(coselecs).set({ statut: 'cloture', clotureLe: now, cloturePar: nomActeur(actor), derogation }).where(eq(coselecs.id, c.id)).returning();
    // The structures and préfectures are told by a job, enqueued here: sent once the closing commits.
    await postesChanged(tx, locked.map((d) => d.structureId));
    if (!opts.silencieux) await enqueue(tx, NOTIFIER_CLOTURE_JOB, { coselecId: c.id }, { key: `coselec-cloture:${c.id}` });
    await recordAudit(tx, actor, {
      action: derogation ? 'programme.coselec_cloture_derogation' : 'programme.coselec_cloture',
      objectType: 'coselec',
      objectId: c.id,
      summary: `Comité n° ${c.numero} clos : ${rows.length} décision${rows.length > 1 ? 's' : ''} en vigueur${derogation ? ` — dérogation à l'enveloppe : ${derogation}` : ''}`,
      after: derogation ? { derogation, depassements: over } : null,
    });
    return { coselec: closed!, decisions: rows.length };
  });
}

export const NOTIFIER_CLOTURE_JOB = 'programme.coselec_cloture';

/**
 * Tells a closed committee's structures (their decision) and préfectures (a summary for their
 * département), in one transaction: a retried job never notifies twice.
 */
export async function notifierCloture(db: Db, notifier: Notifier, coselecId: string): Promise<number> {
  const c = await getCoselec(db, coselecId);
  if (!c || c.statut !== 'cloture') return 0;
  const lignes = await decisionsDe(db, c.id);
  return db.transaction(async (tx) => {
    let n = 0;
    const parDep = new Map<string, LigneDecision[]>();
    for (const { decision: r, dossier: d } of lignes) {
      n += await notifier.notify(tx, { role: 'structure', structureId: d.structureId }, 'programme.decision', { numero: d.numero, nom: d.nom, avis: r.avis, postes: r.postes, coselec: c.numero, structureId: d.structureId });
      parDep.set(d.departement, [...(parDep.get(d.departement) ?? []), { decision: r, dossier: d }]);
    }
    for (const [dep, ls] of parDep) {
      const positifs = ls.filter((l) => l.decision.avis === 'POSITIF');
      n += await notifier.notify(tx, { role: 'prefecture', departement: dep }, 'programme.coselec_prefecture', {
        coselec: c.numero,
        coselecId: c.id,
        dossiers: ls.length,
        positifs: positifs.length,
        postes: positifs.reduce((a, l) => a + l.decision.postes, 0),
      });
    }
    return n;
  });
}

/** A positive decision in force, as the agreements read it (src/conventions). */
export interface DecisionEnVigueur {
  id: string;
  coselecNumero: number;
  /** The committee's date: the regime open that day funds the posts. */
  date: string;
  postes: number;
  effectiveLe: Date;
}

/** A structure's latest positive decision in force (its committee closed), if any. */
export async function derniereDecisionPositive(db: Db, structureId: string): Promise<DecisionEnVigueur | undefined> {
  const [r] = await db
    .select({ id: decisions.id, numero: coselecs.numero, date: coselecs.date, postes: decisions.postes, effectiveLe: decisions.effectiveLe })
    .from(decisions)
    .innerJoin(coselecs, eq(coselecs.id, decisions.coselecId))
    .innerJoin(dossiers, eq(dossiers.id, decisions.dossierId))
    .where(and(eq(dossiers.structureId, structureId), eq(decisions.avis, 'POSITIF'), isNotNull(decisions.effectiveLe)))
    .orderBy(desc(decisions.effectiveLe))
    .limit(1);
  return r ? { id: r.id, coselecNumero: r.numero, date: r.date, postes: r.postes, effectiveLe: r.effectiveLe! } : undefined;
}
