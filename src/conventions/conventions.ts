/**
 * Agreements' use cases. One source of truth: an agreement opens from the programme's positive
 * decision, its posts follow the posts in force (amendments add or return them), and each post's
 * state, what it justifies and what must be repaid are computed from the recruitment contracts
 * (`synchroniserStructure`, run by a job whenever the programme or recruitment changes a structure,
 * and every night for the day's figures). Nothing here is typed by hand except what Banque des
 * Territoires decides (dates, validation, payments) and what the structure signs.
 */
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { enqueue } from '../platform/jobs/jobs.js';
import { parisCalendarDate } from '../platform/paris.js';
import { formatEuros } from '../platform/money.js';
import { recordAudit, SYSTEM_ACTOR, type Actor } from '../audit/audit.js';
import type { Notifier } from '../notifications/notifications.js';
import { getDossierOfStructure, nomActeur, structuresValidees } from '../programme/dossiers.js';
import { derniereDecisionPositive } from '../programme/coselec.js';
import { periodesDesStructures } from '../recrutement/recrutement.js';
import { departement as departementOf } from '../territoires/territoires.js';
import { conventions, evenements, postes, regimes, versements } from './schema.js';
import { addDays, calculerConvention, finMaximale, frDate, montantUnitaire, regimeOuvert, type CalculConvention, type StatutConvention, type EtatDossier, type ContratSpec } from './regles.js';
import { ConventionsError, listRegimes, type Regime } from './regimes.js';

export type Convention = typeof conventions.$inferSelect;
export type Poste = typeof postes.$inferSelect;
export type Versement = typeof versements.$inferSelect;

export const STRUCTURE_JOB = 'conventions.structure';
export const QUOTIDIEN_JOB = 'conventions.quotidien';

/** The listener for the programme's posts and recruitment's contracts: a job per structure, committed with the change. */
export async function structuresModifiees(tx: Db, structureIds: string[]): Promise<void> {
  for (const id of structureIds) await enqueue(tx, STRUCTURE_JOB, { structureId: id });
}

export async function addEvenement(tx: Db, conventionId: string, actor: Actor, resume: string, donnees: unknown = null): Promise<void> {
  await tx.insert(evenements).values({ conventionId, resume, acteur: nomActeur(actor), donnees });
}

export async function getConvention(db: Db, id: string): Promise<Convention | undefined> {
  if (!isUuid(id)) return undefined;
  const [c] = await db.select().from(conventions).where(eq(conventions.id, id));
  return c;
}

export async function lockConvention(tx: Db, id: string): Promise<Convention> {
  const [c] = isUuid(id) ? await tx.select().from(conventions).where(eq(conventions.id, id)).for('update') : [];
  if (!c) throw new ConventionsError('Convention introuvable.', 'convention', 404);
  return c;
}

/** A structure's agreements, oldest first (a renewal follows its predecessor). */
export async function conventionsDeStructure(db: Db, structureId: string): Promise<Convention[]> {
  if (!isUuid(structureId)) return [];
  return db.select().from(conventions).where(eq(conventions.structureId, structureId)).orderBy(asc(conventions.dateDebut), asc(conventions.numero));
}

/** The agreement in force: the latest one not refused or closed without follow-up. */
export function conventionCourante(list: readonly Convention[]): Convention | undefined {
  return [...list].reverse().find((c) => c.etat !== 'refuse' && c.etat !== 'sans_suite');
}

export async function postesDe(db: Db, conventionId: string): Promise<Poste[]> {
  return db.select().from(postes).where(eq(postes.conventionId, conventionId)).orderBy(asc(postes.numero));
}

export async function versementsDe(db: Db, conventionId: string): Promise<Versement[]> {
  return db.select().from(versements).where(eq(versements.conventionId, conventionId)).orderBy(asc(versements.date), asc(versements.createdAt));
}

export async function evenementsDe(db: Db, conventionId: string): Promise<(typeof evenements.$inferSelect)[]> {
  return db.select().from(evenements).where(eq(evenements.conventionId, conventionId)).orderBy(asc(evenements.id));
}

async function regimeDe(tx: Db, id: string): Promise<Regime> {
  const [r] = await tx.select().from(regimes).where(eq(regimes.id, id));
  if (!r) throw new Error(`Régime ${id} introuvable`);
  return r;
}

/** Whether an agreement uses a regime (its amounts are then fixed). */
export async function regimeEnUsage(tx: Db, regimeId: string): Promise<boolean> {
  const [r] = await tx.select({ id: conventions.id }).from(conventions).where(eq(conventions.regimeId, regimeId)).limit(1);
  return !!r;
}

/** The contracts of a structure as the rules read them. */
async function contratsDe(tx: Db, structureId: string): Promise<ContratSpec[]> {
  return (await periodesDesStructures(tx, [structureId])).map((c) => ({ id: c.id, nom: c.nom, debut: c.debut, fin: c.fin, renouvelle: c.renouvelle }));
}

/** A renewal's contracts: those carried over, the contracts that renew them in turn, and any that start within it. */
export function contratsDuRenouvellement(tous: readonly ContratSpec[], reconduits: readonly string[], debut: string): ContratSpec[] {
  const garde = new Set(reconduits);
  for (const k of [...tous].sort((a, b) => (a.debut < b.debut ? -1 : 1))) if (k.renouvelle && garde.has(k.renouvelle)) garde.add(k.id);
  return tous.filter((k) => garde.has(k.id) || k.debut >= debut);
}

/** Whether a renewal follows this agreement (its end is then not an alert). */
async function aUnSuccesseur(tx: Db, c: Convention): Promise<boolean> {
  const [s] = await tx.select({ id: conventions.id }).from(conventions).where(and(eq(conventions.precedenteId, c.id), notInArray(conventions.etat, ['refuse', 'sans_suite']))).limit(1);
  return !!s || c.statut === 'NON_INTERESSE';
}

/** The agreement computed now, from its posts and the contracts (what every screen shows). */
export async function calculer(db: Db, c: Convention, today = parisCalendarDate(), pre?: { regime?: Regime; postes?: Poste[]; contrats?: ContratSpec[] }): Promise<CalculConvention> {
  // One after the other: `db` may be a transaction (one connection).
  const regime = pre?.regime ?? (await regimeDe(db, c.regimeId));
  const ps = pre?.postes ?? (await postesDe(db, c.id));
  const tous = pre?.contrats ?? (await contratsDe(db, c.structureId));
  const successeur = await aUnSuccesseur(db, c);
  const contrats = c.contratsReconduits.length ? contratsDuRenouvellement(tous, c.contratsReconduits, c.dateDebut) : tous;
  return calculerConvention(
    {
      montantPosteCentimes: regime.montantPosteCentimes,
      moisFinances: regime.moisFinances,
      bonificationCentimes: regime.bonificationCentimes,
      prioritaire: c.prioritaire,
      debut: c.dateDebut,
      fin: c.dateFin,
      postes: ps.map((p) => ({ numero: p.numero, debut: p.debut, renduLe: p.renduLe })),
      contrats,
      verseCentimes: c.verseCentimes,
      renouvellement: successeur,
    },
    today,
  );
}

/**
 * Stores what `calculer` gives: each post's state and history, the agreement's amount, justified and
 * to-repay figures and alerts. A change of the committed amount is an event and an audit entry with
 * before and after.
 */
async function enregistrerCalcul(tx: Db, actor: Actor, c: Convention, today: string, contrats?: ContratSpec[], notifier?: Notifier): Promise<Convention> {
  const ps = await postesDe(tx, c.id);
  const k = await calculer(tx, c, today, { postes: ps, ...(contrats ? { contrats } : {}) });
  const byNumero = new Map(ps.map((p) => [p.numero, p]));
  for (const l of k.postes) {
    const p = byNumero.get(l.numero)!;
    if (p.etat === l.etat && p.depuis === l.depuis && p.justifieCentimes === l.justifieCentimes && p.titulaire === l.titulaire && JSON.stringify(p.historique) === JSON.stringify(l.historique)) continue;
    await tx.update(postes).set({ etat: l.etat, depuis: l.depuis, titulaire: l.titulaire, historique: l.historique, justifieCentimes: l.justifieCentimes, updatedAt: new Date() }).where(eq(postes.id, p.id));
  }
  const actifs = ps.filter((p) => !p.renduLe).length;
  const [after] = await tx
    .update(conventions)
    .set({
      postes: actifs,
      montantCentimes: k.montantCentimes,
      justifieCentimes: k.justifieCentimes,
      aReverserCentimes: k.aReverserCentimes,
      alertes: [...new Set(k.alertes.map((a) => a.type))],
      calculeAu: today,
      updatedAt: new Date(),
    })
    .where(eq(conventions.id, c.id))
    .returning();
  // A new alert is told to the structure (once: the next computations carry the same type).
  const nouvelles = k.alertes.filter((a) => !c.alertes.includes(a.type) && a.type !== 'contrat_sans_poste');
  if (notifier && nouvelles.length && !c.demo) {
    await notifier.notify(tx, { role: 'structure', structureId: c.structureId }, 'conventions.alerte', { numero: c.numero, id: c.id, messages: nouvelles.map((a) => a.message) });
  }
  if (k.montantCentimes !== c.montantCentimes) {
    const resume = `Montant conventionné : ${formatEuros(c.montantCentimes)} → ${formatEuros(k.montantCentimes)} (${c.postes} → ${actifs} poste${actifs > 1 ? 's' : ''})`;
    await addEvenement(tx, c.id, actor, resume, { avant: c.montantCentimes, apres: k.montantCentimes, postesAvant: c.postes, postesApres: actifs });
    await recordAudit(tx, actor, {
      action: 'conventions.montant',
      objectType: 'convention',
      objectId: c.id,
      summary: `Convention n° ${c.numero} — ${resume}`,
      before: { montantCentimes: c.montantCentimes, postes: c.postes },
      after: { montantCentimes: k.montantCentimes, postes: actifs },
    });
  }
  return after!;
}

/**
 * Brings a structure's agreements in line with the programme and the contracts:
 * - a structure validated in committee with no agreement gets one, under the regime open on the
 *   committee's date (the decision's regime), covering its posts, for at most 36 months;
 * - posts added by an amendment are new posts from today (the amount rises: an addendum); posts
 *   returned are the highest-numbered vacant ones, returned from today (what remains due falls);
 * - every post's state and the figures are computed again.
 */
export async function synchroniserStructure(db: Db, structureId: string, today = parisCalendarDate(), actor: Actor = SYSTEM_ACTOR, notifier?: Notifier): Promise<Convention | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`conventions:${structureId}`}))`);
    const dossier = await getDossierOfStructure(tx, structureId);
    const list = await conventionsDeStructure(tx, structureId);
    let c = conventionCourante(list);
    const enVigueur = dossier && dossier.statut === 'VALIDATION_COSELEC' ? dossier.postesValides : 0;
    if (!c && list.length === 0) {
      const decision = enVigueur > 0 ? await derniereDecisionPositive(tx, structureId) : undefined;
      if (!dossier || !decision) return undefined;
      const regime = regimeOuvert(await listRegimes(tx), 'conventionnement', decision.date);
      if (!regime) return undefined; // ANCT has to enter the regime first: the nightly run opens it then.
      const debut = decision.date;
      const [created] = await tx
        .insert(conventions)
        .values({
          structureId,
          nom: dossier.nom,
          siret: dossier.siret,
          departement: dossier.departement,
          region: dossier.region || (departementOf(dossier.departement)?.region ?? ''),
          regimeId: regime.id,
          decisionId: decision.id,
          coselecNumero: decision.coselecNumero,
          statut: 'CONVENTIONNEMENT_EN_COURS',
          etat: 'en_construction',
          prioritaire: dossier.zrr || dossier.qpv,
          dateDebut: debut,
          dateFin: finMaximale(debut),
          postes: enVigueur,
          montantCentimes: enVigueur * montantUnitaire(regime, dossier.zrr || dossier.qpv),
          demo: dossier.demo,
        })
        .onConflictDoNothing()
        .returning();
      if (!created) return undefined;
      await tx.insert(postes).values(Array.from({ length: enVigueur }, (_, i) => ({ conventionId: created.id, structureId, numero: i + 1, regimeId: regime.id, debut, depuis: debut })));
      await addEvenement(tx, created.id, actor, `Convention ouverte par la décision positive du comité de sélection n° ${decision.coselecNumero} du ${frDate(decision.date)} : ${enVigueur} poste${enVigueur > 1 ? 's' : ''}, régime « ${regime.nom} »`, { decision: decision.id, regime: regime.id });
      await recordAudit(tx, actor, { action: 'conventions.ouverte', objectType: 'convention', objectId: created.id, summary: `Convention n° ${created.numero} ouverte pour ${dossier.nom} : ${formatEuros(created.montantCentimes)}`, after: { montantCentimes: created.montantCentimes, postes: enVigueur, regime: regime.id, decision: decision.id } });
      if (notifier && !created.demo) await notifier.notify(tx, { role: 'structure', structureId }, 'conventions.ouverte', { numero: created.numero, id: created.id, postes: enVigueur });
      c = created;
    }
    if (!c) return undefined;
    const contrats = await contratsDe(tx, structureId);
    {
      const ps = await postesDe(tx, c.id);
      const actifs = ps.filter((p) => !p.renduLe);
      // A first agreement follows the posts in force both ways; a renewal covers the contracts carried over, and only gives posts back.
      if (enVigueur > actifs.length && c.precedenteId === null) {
        const n = enVigueur - actifs.length;
        const from = Math.max(0, ...ps.map((p) => p.numero));
        const debut = today < c.dateDebut ? c.dateDebut : today;
        await tx.insert(postes).values(Array.from({ length: n }, (_, i) => ({ conventionId: c!.id, structureId, numero: from + i + 1, regimeId: c!.regimeId, debut, depuis: debut })));
        await addEvenement(tx, c.id, actor, `Avenant : ${n} poste${n > 1 ? 's' : ''} ajouté${n > 1 ? 's' : ''} à compter du ${frDate(debut)}`, { postes: n });
      } else if (enVigueur < actifs.length) {
        const k = await calculer(tx, c, today, { postes: ps, contrats });
        const etat = new Map(k.postes.map((l) => [l.numero, l.etat]));
        const n = actifs.length - enVigueur;
        // The highest-numbered vacant posts first; occupied ones only if the programme let more go.
        const ordre = [...actifs].sort((a, b) => (etat.get(a.numero) === etat.get(b.numero) ? b.numero - a.numero : etat.get(a.numero) === 'vacant' ? -1 : 1));
        const rendus = ordre.slice(0, n);
        await tx.update(postes).set({ renduLe: today, updatedAt: new Date() }).where(inArray(postes.id, rendus.map((p) => p.id)));
        await addEvenement(tx, c.id, actor, `Avenant : poste${n > 1 ? 's' : ''} n° ${rendus.map((p) => p.numero).sort((a, b) => a - b).join(', ')} rendu${n > 1 ? 's' : ''} le ${frDate(today)}`, { postes: rendus.map((p) => p.numero) });
      }
    }
    // The earlier agreements still run their course (a renewal may start before the first one ends).
    for (const o of list) if (o.id !== c.id && o.etat !== 'refuse' && o.etat !== 'sans_suite' && o.dateFin >= addDays(today, -366)) await enregistrerCalcul(tx, actor, o, today, contrats, notifier);
    return enregistrerCalcul(tx, actor, c, today, contrats, notifier);
  });
}

/** The nightly run: every agreement not ended more than a year ago is computed for the day, and validated structures without one get theirs. */
export async function synchroniserTout(db: Db, today = parisCalendarDate(), notifier?: Notifier): Promise<number> {
  const limite = addDays(today, -366);
  const rows = await db
    .selectDistinct({ id: conventions.structureId })
    .from(conventions)
    .where(and(sql`${conventions.dateFin} >= ${limite}`, notInArray(conventions.etat, ['refuse', 'sans_suite'])));
  const ids = new Set(rows.map((r) => r.id));
  const ouvertes = new Set((await db.selectDistinct({ id: conventions.structureId }).from(conventions)).map((r) => r.id));
  for (const v of await structuresValidees(db)) if (!ouvertes.has(v.structureId)) ids.add(v.structureId);
  for (const id of ids) await synchroniserStructure(db, id, today, SYSTEM_ACTOR, notifier);
  return ids.size;
}

// ——— Banque des Territoires instructs ———

/** The dates, before the agreement is signed: at most 36 months. */
export async function modifierDates(db: Db, actor: Actor, id: string, debut: string, fin: string): Promise<Convention> {
  return db.transaction(async (tx) => {
    const c = await lockConvention(tx, id);
    if (c.etat !== 'en_construction') throw new ConventionsError('Les dates ne changent plus une fois la convention signée.', 'date_debut', 409);
    if (c.dateDebut === debut && c.dateFin === fin) return c;
    const [after] = await tx.update(conventions).set({ dateDebut: debut, dateFin: fin, updatedAt: new Date() }).where(eq(conventions.id, c.id)).returning();
    // The posts granted with the agreement start with it; those added later keep their date (unless now before the start).
    await tx
      .update(postes)
      .set({ debut, depuis: debut })
      .where(and(eq(postes.conventionId, c.id), sql`(${postes.debut} = ${c.dateDebut} or ${postes.debut} < ${debut})`));
    await addEvenement(tx, c.id, actor, `Dates de la convention : du ${frDate(c.dateDebut)} au ${frDate(c.dateFin)} → du ${frDate(debut)} au ${frDate(fin)}`, { avant: [c.dateDebut, c.dateFin], apres: [debut, fin] });
    await recordAudit(tx, actor, { action: 'conventions.dates', objectType: 'convention', objectId: c.id, summary: `Convention n° ${c.numero} : dates modifiées`, before: { dateDebut: c.dateDebut, dateFin: c.dateFin }, after: { dateDebut: debut, dateFin: fin } });
    return enregistrerCalcul(tx, actor, after!, parisCalendarDate());
  });
}

const STATUT_VALIDE: Partial<Record<StatutConvention, StatutConvention>> = { CONVENTIONNEMENT_EN_COURS: 'CONVENTIONNEMENT_VALIDE', RECONVENTIONNEMENT_INITIE: 'RECONVENTIONNEMENT_VALIDE' };

export async function valider(db: Db, actor: Actor, id: string, notifier?: Notifier): Promise<Convention> {
  return db.transaction(async (tx) => {
    const c = await lockConvention(tx, id);
    if (c.etat === 'accepte') throw new ConventionsError('Cette convention est déjà validée.', 'convention', 409);
    if (c.etat === 'en_construction') throw new ConventionsError("La structure n'a pas encore signé la convention : elle la signe dans la plateforme ou dépose la convention contresignée.", 'convention', 409);
    if (c.etat !== 'en_instruction') throw new ConventionsError(`La convention est « ${c.etat === 'refuse' ? 'refusée' : 'classée sans suite'} » : elle ne peut plus être validée.`, 'convention', 409);
    const statut = STATUT_VALIDE[c.statut as StatutConvention] ?? c.statut;
    const [after] = await tx.update(conventions).set({ etat: 'accepte', statut, valideLe: new Date(), validePar: nomActeur(actor), updatedAt: new Date() }).where(eq(conventions.id, c.id)).returning();
    await addEvenement(tx, c.id, actor, 'Convention validée par la Banque des Territoires');
    if (notifier) await notifier.notify(tx, { role: 'structure', structureId: c.structureId }, 'conventions.validee', { numero: c.numero, id: c.id });
    await recordAudit(tx, actor, { action: 'conventions.validee', objectType: 'convention', objectId: c.id, summary: `Convention n° ${c.numero} (${c.nom}) validée`, before: { etat: c.etat, statut: c.statut }, after: { etat: 'accepte', statut } });
    return after!;
  });
}

/** Refuses the agreement, or closes it without follow-up, with a reason. */
export async function cloreSansValidation(db: Db, actor: Actor, id: string, etat: 'refuse' | 'sans_suite', motif: string): Promise<Convention> {
  return db.transaction(async (tx) => {
    const c = await lockConvention(tx, id);
    if (c.etat === 'accepte' || c.etat === 'refuse' || c.etat === 'sans_suite') throw new ConventionsError('Cette convention est déjà instruite.', 'convention', 409);
    const [v] = await tx.select({ n: sql<number>`count(*)::int` }).from(versements).where(eq(versements.conventionId, c.id));
    if ((v?.n ?? 0) > 0) throw new ConventionsError('Des versements sont enregistrés sur cette convention.', 'convention', 409);
    const [after] = await tx.update(conventions).set({ etat, motif, updatedAt: new Date() }).where(eq(conventions.id, c.id)).returning();
    await addEvenement(tx, c.id, actor, `${etat === 'refuse' ? 'Convention refusée' : 'Convention classée sans suite'} : ${motif}`);
    await recordAudit(tx, actor, { action: `conventions.${etat}`, objectType: 'convention', objectId: c.id, summary: `Convention n° ${c.numero} : ${etat === 'refuse' ? 'refusée' : 'classée sans suite'}`, before: { etat: c.etat }, after: { etat, motif } });
    return after!;
  });
}

/** A payment. Refused unless the agreement is validated, and when it would exceed the committed amount. */
export async function enregistrerVersement(db: Db, actor: Actor, id: string, v: { date: string; montantCentimes: number; reference: string }, notifier?: Notifier): Promise<{ convention: Convention; versement: Versement }> {
  return db.transaction(async (tx) => {
    const c = await lockConvention(tx, id);
    if (c.etat !== 'accepte') {
      const pourquoi = c.etat === 'refuse' ? 'elle est refusée' : c.etat === 'sans_suite' ? 'elle est classée sans suite' : "elle n'est pas encore validée";
      throw new ConventionsError(`Aucun versement sur cette convention : ${pourquoi}.`, 'convention', 409);
    }
    if (c.verseCentimes + v.montantCentimes > c.montantCentimes) {
      throw new ConventionsError(
        `Ce versement dépasserait le montant conventionné : ${formatEuros(c.verseCentimes)} déjà versés sur ${formatEuros(c.montantCentimes)}, il reste au plus ${formatEuros(c.montantCentimes - c.verseCentimes)} à verser.`,
        'montant_centimes',
        409,
      );
    }
    const [dup] = await tx.select({ id: versements.id }).from(versements).where(and(eq(versements.conventionId, c.id), eq(versements.reference, v.reference)));
    if (dup) throw new ConventionsError(`Un versement de référence « ${v.reference} » est déjà enregistré sur cette convention.`, 'reference', 409);
    const [versement] = await tx.insert(versements).values({ conventionId: c.id, date: v.date, montantCentimes: v.montantCentimes, reference: v.reference, par: nomActeur(actor) }).returning();
    const [after] = await tx.update(conventions).set({ verseCentimes: c.verseCentimes + v.montantCentimes, updatedAt: new Date() }).where(eq(conventions.id, c.id)).returning();
    await addEvenement(tx, c.id, actor, `Versement de ${formatEuros(v.montantCentimes)} le ${frDate(v.date)} (référence ${v.reference}) : ${formatEuros(after!.verseCentimes)} versés`, { versement: versement!.id });
    await recordAudit(tx, actor, {
      action: 'conventions.versement',
      objectType: 'convention',
      objectId: c.id,
      summary: `Convention n° ${c.numero} : versement de ${formatEuros(v.montantCentimes)} (${v.reference})`,
      before: { verseCentimes: c.verseCentimes },
      after: { verseCentimes: after!.verseCentimes },
    });
    if (notifier) await notifier.notify(tx, { role: 'structure', structureId: c.structureId }, 'conventions.versement', { numero: c.numero, id: c.id, montant: v.montantCentimes, date: v.date, verse: after!.verseCentimes });
    const computed = await enregistrerCalcul(tx, actor, after!, parisCalendarDate());
    return { convention: computed, versement: versement! };
  });
}

// ——— Renewal (phase 2) ———

/**
 * The structure starts its renewal from a validated agreement: it chooses which current contracts are
 * carried over; a new agreement under the renewal regime open today follows the same path.
 */
export async function demarrerReconventionnement(db: Db, actor: Actor, id: string, contratIds: string[], today = parisCalendarDate()): Promise<Convention> {
  return db.transaction(async (tx) => {
    const c = await lockConvention(tx, id);
    if (c.etat !== 'accepte') throw new ConventionsError('Le reconventionnement part d’une convention validée.', 'convention', 409);
    if (await aUnSuccesseur(tx, c)) throw new ConventionsError(c.statut === 'NON_INTERESSE' ? 'La structure a indiqué ne pas demander de reconventionnement.' : 'Un reconventionnement est déjà engagé pour cette convention.', 'convention', 409);
    const regime = regimeOuvert(await listRegimes(tx), 'reconventionnement', today);
    if (!regime) throw new ConventionsError("Aucun régime de reconventionnement n'est ouvert aujourd'hui : l'ANCT doit d'abord le saisir.", 'regime', 409);
    const courants = (await contratsDe(tx, c.structureId)).filter((k) => k.debut <= today && (k.fin === null || k.fin >= today));
    const choisis = [...new Set(contratIds)].filter((x) => courants.some((k) => k.id === x));
    if (choisis.length === 0) throw new ConventionsError('Choisissez au moins un contrat en cours à reconduire.', 'contrats', 400);
    if (choisis.length !== new Set(contratIds).size) throw new ConventionsError("Un des contrats choisis n'est pas un contrat en cours de la structure.", 'contrats', 400);
    const debut = addDays(c.dateFin, 1) > today ? addDays(c.dateFin, 1) : today;
    const [created] = await tx
      .insert(conventions)
      .values({
        structureId: c.structureId,
        nom: c.nom,
        siret: c.siret,
        departement: c.departement,
        region: c.region,
        regimeId: regime.id,
        precedenteId: c.id,
        statut: 'RECONVENTIONNEMENT_INITIE',
        etat: 'en_construction',
        prioritaire: c.prioritaire,
        dateDebut: debut,
        dateFin: finMaximale(debut),
        postes: choisis.length,
        contratsReconduits: choisis,
        montantCentimes: choisis.length * montantUnitaire(regime, c.prioritaire),
        demo: c.demo,
      })
      .returning();
    await tx.insert(postes).values(choisis.map((_, i) => ({ conventionId: created!.id, structureId: c.structureId, numero: i + 1, regimeId: regime.id, debut, depuis: debut })));
    const noms = courants.filter((k) => choisis.includes(k.id)).map((k) => k.nom);
    await addEvenement(tx, created!.id, actor, `Reconventionnement demandé (suite de la convention n° ${c.numero}) : ${choisis.length} contrat${choisis.length > 1 ? 's' : ''} reconduit${choisis.length > 1 ? 's' : ''} (${noms.join(', ')}), régime « ${regime.nom} »`, { contrats: choisis, precedente: c.id });
    await addEvenement(tx, c.id, actor, `Reconventionnement demandé : convention n° ${created!.numero}`);
    await recordAudit(tx, actor, { action: 'conventions.reconventionnement', objectType: 'convention', objectId: created!.id, summary: `Reconventionnement de ${c.nom} : ${choisis.length} poste(s)`, after: { contrats: choisis, regime: regime.id } });
    await enregistrerCalcul(tx, actor, c, today);
    return enregistrerCalcul(tx, actor, created!, today);
  });
}

/** The structure does not want a renewal. */
export async function declarerNonInteresse(db: Db, actor: Actor, id: string): Promise<Convention> {
  return db.transaction(async (tx) => {
    const c = await lockConvention(tx, id);
    if (c.etat !== 'accepte' || !['CONVENTIONNEMENT_VALIDE', 'RECONVENTIONNEMENT_VALIDE'].includes(c.statut)) throw new ConventionsError('Seule une convention validée peut être close sans reconventionnement.', 'convention', 409);
    if (await aUnSuccesseur(tx, c)) throw new ConventionsError('Un reconventionnement est déjà engagé pour cette convention.', 'convention', 409);
    const [after] = await tx.update(conventions).set({ statut: 'NON_INTERESSE', nonInteresseLe: new Date(), updatedAt: new Date() }).where(eq(conventions.id, c.id)).returning();
    await addEvenement(tx, c.id, actor, 'La structure ne demande pas de reconventionnement');
    await recordAudit(tx, actor, { action: 'conventions.non_interesse', objectType: 'convention', objectId: c.id, summary: `Convention n° ${c.numero} : pas de reconventionnement`, before: { statut: c.statut }, after: { statut: 'NON_INTERESSE' } });
    return enregistrerCalcul(tx, actor, after!, parisCalendarDate());
  });
}

/** Marks the agreement signed (src/conventions/documents.ts checks the document first). */
export async function passerEnInstruction(tx: Db, actor: Actor, c: Convention, resume: string): Promise<void> {
  if (c.etat === 'en_construction') await tx.update(conventions).set({ etat: 'en_instruction' satisfies EtatDossier, updatedAt: new Date() }).where(eq(conventions.id, c.id));
  await addEvenement(tx, c.id, actor, resume);
}
