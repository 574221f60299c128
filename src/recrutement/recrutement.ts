/**
 * Recruitment's use cases on a pair: the structure marks a candidate, enters the contract within its
 * quota, ANCT validates (the candidate becomes a conseiller of the structure, on the same account),
 * ruptures, renewals, extensions, contracts reaching their end. Every transition locks the structure's
 * row (the quota) and, where another structure is touched, every row in id order.
 */
import { and, asc, desc, eq, inArray, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { enqueue } from '../platform/jobs/jobs.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import type { Notifier } from '../notifications/notifications.js';
import { addRole, DuplicateRoleError, listGrants, removeRole } from '../comptes/users.js';
import { getDossierOfStructure, structuresValidees } from '../programme/dossiers.js';
import { retirerConseillerDesLieux } from '../lieux/lieux.js';
import { oublierProfil } from '../activites/activites.js';
import { commune } from '../territoires/territoires.js';
import { candidats, contrats, equipeMembres, misesEnRelation, structuresRecrutement } from './schema.js';
import { MOTIFS_RUPTURE, peutMarquer, quotaProblem, STATUTS_MER, STATUTS_SUR_POSTE, TYPES_CONTRAT, type ContratValide, type MotifRupture, type StatutMer } from './regles.js';
import { apparierCandidat, apparierStructure, type Appariement } from './matching.js';
import { contratsChanged } from './ports.js';

export type MiseEnRelation = typeof misesEnRelation.$inferSelect;
export type Contrat = typeof contrats.$inferSelect;
export type Candidat = typeof candidats.$inferSelect;

export const STRUCTURE_JOB = 'recrutement.structure';
export const CANDIDAT_JOB = 'recrutement.candidat';

/** A refused transition or input: the field it concerns, a French message, an HTTP status. */
export class RecrutementError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly status = 409,
  ) {
    super(message);
  }
}

const nomActeur = (a: Actor) => a.label.replace(/\s*<[^>]*>\s*$/, '').trim() || a.label;

// ——— The structures that recruit (a projection of src/programme) ———

/**
 * Brings a structure's row up to date from the programme (validated, posts in force, commune, start)
 * and pairs it again. Run by a job the programme's transaction enqueued.
 */
export async function synchroniserStructure(db: Db, appariement: Appariement, structureId: string, today: string): Promise<void> {
  await db.transaction(async (tx) => {
    const d = await getDossierOfStructure(tx, structureId);
    const c = d ? commune(d.communeInsee) : undefined;
    const postes = d && d.statut === 'VALIDATION_COSELEC' ? d.postesValides : 0;
    if (d && c && postes > 0) {
      await tx
        .insert(structuresRecrutement)
        .values({ structureId, nom: d.nom, communeInsee: d.communeInsee, departement: d.departement, lat: c.lat, lng: c.lng, postes, dateDebut: d.dateDebut })
        .onConflictDoUpdate({
          target: structuresRecrutement.structureId,
          set: { nom: d.nom, communeInsee: d.communeInsee, departement: d.departement, lat: c.lat, lng: c.lng, postes, dateDebut: d.dateDebut, updatedAt: sql`now()` },
        });
    } else {
      await tx.update(structuresRecrutement).set({ postes: 0, updatedAt: sql`now()` }).where(eq(structuresRecrutement.structureId, structureId));
    }
    await apparierStructure(tx, appariement, structureId, today);
  });
}

export const SYNCHRONISATION_JOB = 'recrutement.synchronisation';

/**
 * Reconciles the projection with the programme: every validated structure whose posts differ (or that
 * is missing), and every projected structure no longer validated. A safety net run every hour, and
 * once after data arrives without the listener (the demo seed, a database from before recruitment).
 */
export async function synchroniserStructures(db: Db, appariement: Appariement, today: string): Promise<number> {
  const valides = await structuresValidees(db);
  const projetees = new Map((await db.select({ id: structuresRecrutement.structureId, postes: structuresRecrutement.postes }).from(structuresRecrutement)).map((r) => [r.id, r.postes]));
  const wanted = new Map(valides.map((v) => [v.structureId, v.postesValides]));
  const aSynchroniser = [...valides.filter((v) => projetees.get(v.structureId) !== v.postesValides).map((v) => v.structureId), ...[...projetees].filter(([id, postes]) => !wanted.has(id) && postes > 0).map(([id]) => id)];
  for (const id of aSynchroniser) await synchroniserStructure(db, appariement, id, today);
  return aSynchroniser.length;
}

/** The programme's listener: a job per structure whose posts changed, committed with the change. */
export async function structuresModifiees(tx: Db, structureIds: string[]): Promise<void> {
  for (const id of structureIds) await enqueue(tx, STRUCTURE_JOB, { structureId: id });
}

async function lockStructure(tx: Db, structureId: string): Promise<typeof structuresRecrutement.$inferSelect> {
  const [s] = await tx.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, structureId)).for('update');
  if (!s) throw new RecrutementError("Cette structure n'a pas de poste validé en comité de sélection.", 'structure', 409);
  return s;
}

async function recompterOccupes(tx: Db, structureId: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(misesEnRelation)
    .where(and(eq(misesEnRelation.structureId, structureId), inArray(misesEnRelation.statut, [...STATUTS_SUR_POSTE])));
  const n = r?.n ?? 0;
  await tx.update(structuresRecrutement).set({ occupes: n, updatedAt: sql`now()` }).where(eq(structuresRecrutement.structureId, structureId));
  // Whatever changed the pairs changed the contracts: the agreements follow (src/conventions).
  await contratsChanged(tx, [structureId]);
  return n;
}

export async function getMiseEnRelation(db: Db, id: string): Promise<MiseEnRelation | undefined> {
  if (!isUuid(id)) return undefined;
  const [m] = await db.select().from(misesEnRelation).where(eq(misesEnRelation.id, id));
  return m;
}

async function lockMer(tx: Db, id: string): Promise<MiseEnRelation> {
  if (!isUuid(id)) throw new RecrutementError('Mise en relation introuvable.', 'mise_en_relation', 404);
  const [m] = await tx.select().from(misesEnRelation).where(eq(misesEnRelation.id, id)).for('update');
  if (!m) throw new RecrutementError('Mise en relation introuvable.', 'mise_en_relation', 404);
  return m;
}

function besoin(m: MiseEnRelation, attendus: StatutMer[], action: string): void {
  if (!attendus.includes(m.statut as StatutMer)) {
    throw new RecrutementError(
      `Impossible de ${action} : la mise en relation est « ${STATUTS_MER[m.statut as StatutMer] ?? m.statut} », il faut « ${attendus.map((s) => STATUTS_MER[s]).join(' » ou « ')} ».`,
      'statut',
      409,
    );
  }
}

async function setStatut(tx: Db, id: string, statut: StatutMer): Promise<void> {
  await tx.update(misesEnRelation).set({ statut, updatedAt: sql`now()` }).where(eq(misesEnRelation.id, id));
}

async function contratCourant(tx: Db, merId: string, statuts: string[]): Promise<Contrat | undefined> {
  const [c] = await tx
    .select()
    .from(contrats)
    .where(and(eq(contrats.miseEnRelationId, merId), inArray(contrats.statut, statuts)))
    .orderBy(desc(contrats.createdAt))
    .limit(1);
  return c;
}

// ——— The structure's side ———

export async function marquer(db: Db, actor: Actor, notifier: Notifier, merId: string, statut: 'interessee' | 'nonInteressee'): Promise<MiseEnRelation> {
  return db.transaction(async (tx) => {
    const m = await lockMer(tx, merId);
    if (!peutMarquer(m.statut as StatutMer, statut)) besoin(m, statut === 'interessee' ? ['nouvelle', 'nonInteressee'] : ['nouvelle', 'interessee'], statut === 'interessee' ? 'présélectionner ce candidat' : 'écarter ce candidat');
    await setStatut(tx, m.id, statut);
    if (statut === 'interessee') {
      const [c] = await tx.select({ userId: candidats.userId }).from(candidats).where(eq(candidats.id, m.candidatId));
      const [s] = await tx.select({ nom: structuresRecrutement.nom }).from(structuresRecrutement).where(eq(structuresRecrutement.structureId, m.structureId));
      if (c) await notifier.notify(tx, { userId: c.userId }, 'recrutement.interessee', { structure: s?.nom ?? 'une structure' });
    }
    await recordAudit(tx, actor, { action: `recrutement.${statut}`, objectType: 'mise_en_relation', objectId: m.id, summary: `Mise en relation : ${STATUTS_MER[statut]}` });
    return { ...m, statut };
  });
}

/** The structure enters the contract: refused when the quota is reached (recrutee + finalisee + 1 > posts). */
export async function saisirContrat(db: Db, actor: Actor, notifier: Notifier, merId: string, c: ContratValide): Promise<Contrat> {
  return db.transaction(async (tx) => {
    const peek = await getMiseEnRelation(tx, merId);
    if (!peek) throw new RecrutementError('Mise en relation introuvable.', 'mise_en_relation', 404);
    const s = await lockStructure(tx, peek.structureId);
    const m = await lockMer(tx, merId);
    besoin(m, ['interessee'], 'saisir un contrat');
    const occupes = await recompterOccupes(tx, s.structureId);
    const quota = quotaProblem(occupes, s.postes);
    if (quota) throw new RecrutementError(quota, 'quota', 409);
    const [cand] = await tx.select().from(candidats).where(eq(candidats.id, m.candidatId));
    if (!cand || cand.statut === 'retire') throw new RecrutementError("Ce candidat a retiré sa candidature.", 'candidat', 409);
    const [row] = await tx
      .insert(contrats)
      .values({ miseEnRelationId: m.id, candidatId: m.candidatId, userId: cand.userId, structureId: m.structureId, type: c.type, dateDebut: c.dateDebut, dateFin: c.dateFin, salaireCentimes: c.salaireCentimes, coordinateur: c.coordinateur })
      .returning();
    await setStatut(tx, m.id, 'recrutee');
    await recompterOccupes(tx, s.structureId);
    await notifier.notify(tx, { role: 'admin' }, 'recrutement.contrat_a_valider', { structure: s.nom, candidat: `${cand.prenom} ${cand.nom}`, merId: m.id });
    await recordAudit(tx, actor, {
      action: 'recrutement.contrat_saisi',
      objectType: 'mise_en_relation',
      objectId: m.id,
      summary: `${TYPES_CONTRAT[c.type]} saisi pour ${cand.prenom} ${cand.nom} chez ${s.nom} (à partir du ${c.dateDebut})`,
      after: c,
    });
    return row!;
  });
}

/** The structure withdraws the contract it entered (before ANCT's validation): back to interested. */
export async function annulerContrat(db: Db, actor: Actor, merId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const peek = await getMiseEnRelation(tx, merId);
    if (!peek) throw new RecrutementError('Mise en relation introuvable.', 'mise_en_relation', 404);
    await lockStructure(tx, peek.structureId);
    const m = await lockMer(tx, merId);
    besoin(m, ['recrutee'], 'annuler le contrat');
    await tx.update(contrats).set({ statut: 'annule', updatedAt: new Date() }).where(and(eq(contrats.miseEnRelationId, m.id), eq(contrats.statut, 'saisi')));
    await setStatut(tx, m.id, 'interessee');
    await recompterOccupes(tx, m.structureId);
    await recordAudit(tx, actor, { action: 'recrutement.contrat_annule', objectType: 'mise_en_relation', objectId: m.id, summary: 'Contrat saisi annulé : retour à « présélectionné »' });
  });
}

// ——— ANCT ———

/** The conseiller's last validated rupture date, if any. */
async function derniereRupture(tx: Db, userId: string): Promise<string | null> {
  const [r] = await tx
    .select({ d: contrats.ruptureDate })
    .from(contrats)
    .where(and(eq(contrats.userId, userId), eq(contrats.statut, 'rompu')))
    .orderBy(desc(contrats.ruptureDate))
    .limit(1);
  return r?.d ?? null;
}

/**
 * ANCT validates a recruitment: the pair is finalisee, the contract valid, the candidate's other pairs
 * non_disponible (a contract entered elsewhere is cancelled), and the same account gains the conseiller
 * (or coordinator) role on the structure. Safe under concurrent validations: every structure touched
 * and the candidate are locked, in a fixed order.
 */
export async function validerRecrutement(db: Db, actor: Actor, notifier: Notifier, merId: string): Promise<Contrat> {
  const valide = await db.transaction(async (tx) => {
    const peek = await getMiseEnRelation(tx, merId);
    if (!peek) throw new RecrutementError('Mise en relation introuvable.', 'mise_en_relation', 404);
    const autres = await tx
      .select({ id: misesEnRelation.id, structureId: misesEnRelation.structureId, statut: misesEnRelation.statut })
      .from(misesEnRelation)
      .where(and(eq(misesEnRelation.candidatId, peek.candidatId), ne(misesEnRelation.id, peek.id)));
    const touched = [...new Set([peek.structureId, ...autres.filter((a) => a.statut === 'recrutee').map((a) => a.structureId)])].sort();
    const rows = await tx.select().from(structuresRecrutement).where(inArray(structuresRecrutement.structureId, touched)).orderBy(asc(structuresRecrutement.structureId)).for('update');
    const s = rows.find((r) => r.structureId === peek.structureId);
    if (!s) throw new RecrutementError("Cette structure n'a pas de poste validé en comité de sélection.", 'structure', 409);
    const [cand] = await tx.select().from(candidats).where(eq(candidats.id, peek.candidatId)).for('update');
    const m = await lockMer(tx, merId);
    besoin(m, ['recrutee', 'renouvellement_initiee'], 'valider le recrutement');
    const c = await contratCourant(tx, m.id, ['saisi']);
    if (!c) throw new RecrutementError("Aucun contrat saisi n'attend de validation pour cette mise en relation.", 'contrat', 409);
    const d = await getDossierOfStructure(tx, m.structureId);
    if (!d || d.statut !== 'VALIDATION_COSELEC') throw new RecrutementError("La structure n'est plus validée en comité de sélection.", 'structure', 409);
    const rupture = await derniereRupture(tx, c.userId);
    if (rupture && c.dateDebut <= rupture) throw new RecrutementError(`Le contrat doit commencer après la dernière rupture du conseiller (le ${rupture.split('-').reverse().join('/')}).`, 'date_debut', 409);
    const now = new Date();
    if (m.statut === 'renouvellement_initiee' && c.renouvelle) {
      await tx.update(contrats).set({ statut: 'termine', updatedAt: now }).where(eq(contrats.id, c.renouvelle));
    }
    await tx.update(contrats).set({ statut: 'valide', valideLe: now, validePar: nomActeur(actor), updatedAt: now }).where(eq(contrats.id, c.id));
    await setStatut(tx, m.id, 'finalisee');
    // The candidate's other pairs: recruited elsewhere now.
    for (const a of autres) {
      if (['nouvelle', 'interessee', 'nonInteressee', 'recrutee'].includes(a.statut)) {
        if (a.statut === 'recrutee') await tx.update(contrats).set({ statut: 'annule', updatedAt: now }).where(and(eq(contrats.miseEnRelationId, a.id), eq(contrats.statut, 'saisi')));
        await setStatut(tx, a.id, 'non_disponible');
      }
    }
    for (const id of touched) await recompterOccupes(tx, id);
    if (cand) await tx.update(candidats).set({ statut: 'recrute', updatedAt: sql`now()` }).where(eq(candidats.id, cand.id));
    const role = c.coordinateur ? 'coordinateur' : 'conseiller';
    try {
      await addRole(tx, actor, c.userId, { role, departement: null, structureId: m.structureId });
    } catch (e) {
      if (!(e instanceof DuplicateRoleError)) throw e;
    }
    await notifier.notify(tx, { userId: c.userId }, 'recrutement.valide', { structure: s.nom, debut: c.dateDebut });
    await notifier.notify(tx, { role: 'structure', structureId: m.structureId }, 'recrutement.valide_structure', { candidat: cand ? `${cand.prenom} ${cand.nom}` : 'le conseiller', debut: c.dateDebut, structureId: m.structureId });
    await recordAudit(tx, actor, { action: 'recrutement.valide', objectType: 'mise_en_relation', objectId: m.id, summary: `Recrutement validé chez ${s.nom} à partir du ${c.dateDebut}` });
    return { ...c, statut: 'valide' };
  });
  oublierProfil(valide.userId); // the activities' start date follows at once
  return valide;
}

// ——— Ruptures, renewals, extensions, ends ———

export async function declarerRupture(db: Db, actor: Actor, notifier: Notifier, merId: string, r: { date: string; motif: MotifRupture; documents: 'complet' | 'en_attente' }): Promise<Contrat> {
  return db.transaction(async (tx) => {
    const m = await lockMer(tx, merId);
    besoin(m, ['finalisee'], 'déclarer une rupture');
    const c = await contratCourant(tx, m.id, ['valide']);
    if (!c) throw new RecrutementError('Aucun contrat en cours pour cette mise en relation.', 'contrat', 409);
    if (r.date < c.dateDebut || (c.dateFin && r.date > c.dateFin)) throw new RecrutementError('La date de rupture doit se situer pendant le contrat.', 'date', 400);
    const [after] = await tx
      .update(contrats)
      .set({ ruptureDate: r.date, ruptureMotif: r.motif, ruptureDocuments: r.documents, ruptureDeclareeLe: new Date(), updatedAt: new Date() })
      .where(eq(contrats.id, c.id))
      .returning();
    await setStatut(tx, m.id, 'nouvelle_rupture');
    await contratsChanged(tx, [m.structureId]);
    await notifier.notify(tx, { role: 'admin' }, 'recrutement.rupture_a_valider', { merId: m.id, date: r.date, motif: MOTIFS_RUPTURE[r.motif] });
    await recordAudit(tx, actor, { action: 'recrutement.rupture_declaree', objectType: 'mise_en_relation', objectId: m.id, summary: `Rupture déclarée au ${r.date} (${MOTIFS_RUPTURE[r.motif]})` });
    return after!;
  });
}

export async function completerDocumentsRupture(db: Db, actor: Actor, merId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const m = await lockMer(tx, merId);
    besoin(m, ['nouvelle_rupture'], 'compléter le dossier de rupture');
    await tx.update(contrats).set({ ruptureDocuments: 'complet', updatedAt: new Date() }).where(and(eq(contrats.miseEnRelationId, m.id), eq(contrats.statut, 'valide')));
    await recordAudit(tx, actor, { action: 'recrutement.rupture_documents', objectType: 'mise_en_relation', objectId: m.id, summary: 'Dossier de rupture complet' });
  });
}

/**
 * A conseiller leaves a structure at `date` (included): from then on, no role on it, none of its
 * places, no team membership through it. Applied at once when the date is past, otherwise by the
 * daily job on that date.
 */
export async function retirerAcces(tx: Db, actor: Actor, userId: string, structureId: string, date: string): Promise<void> {
  for (const g of await listGrants(tx, userId)) {
    if ((g.role === 'conseiller' || g.role === 'coordinateur') && g.structureId === structureId) await removeRole(tx, actor, userId, g.id);
  }
  await retirerConseillerDesLieux(tx, userId, structureId);
  await tx.update(equipeMembres).set({ fin: date }).where(and(eq(equipeMembres.conseillerId, userId), or(sql`${equipeMembres.fin} is null`, sql`${equipeMembres.fin} > ${date}`)));
}

export async function validerRupture(db: Db, actor: Actor, notifier: Notifier, appariement: Appariement, merId: string, today: string): Promise<Contrat> {
  const c = await db.transaction(async (tx) => {
    const peek = await getMiseEnRelation(tx, merId);
    if (!peek) throw new RecrutementError('Mise en relation introuvable.', 'mise_en_relation', 404);
    await lockStructure(tx, peek.structureId);
    const m = await lockMer(tx, merId);
    besoin(m, ['nouvelle_rupture'], 'valider la rupture');
    const c = await contratCourant(tx, m.id, ['valide']);
    if (!c || !c.ruptureDate) throw new RecrutementError('Aucune rupture déclarée sur ce contrat.', 'contrat', 409);
    const [after] = await tx.update(contrats).set({ statut: 'rompu', updatedAt: new Date() }).where(eq(contrats.id, c.id)).returning();
    await setStatut(tx, m.id, 'finalisee_rupture');
    await recompterOccupes(tx, m.structureId);
    await tx.update(candidats).set({ statut: 'disponible', updatedAt: sql`now()` }).where(eq(candidats.id, m.candidatId));
    if (c.ruptureDate <= today) await retirerAcces(tx, actor, c.userId, m.structureId, c.ruptureDate);
    await notifier.notify(tx, { role: 'structure', structureId: m.structureId }, 'recrutement.rupture_validee', { date: c.ruptureDate, structureId: m.structureId });
    await recordAudit(tx, actor, { action: 'recrutement.rupture_validee', objectType: 'mise_en_relation', objectId: m.id, summary: `Rupture validée au ${c.ruptureDate} : le poste redevient vacant` });
    // The candidate is available again: paired at once.
    await apparierCandidat(tx, appariement, m.candidatId, today);
    await apparierStructure(tx, appariement, m.structureId, today);
    return after!;
  });
  oublierProfil(c.userId);
  return c;
}

/** A renewal: a new contract for the same pair, validated by ANCT like a recruitment (the old one then ends). */
export async function renouveler(db: Db, actor: Actor, notifier: Notifier, merId: string, nouveau: ContratValide): Promise<Contrat> {
  return db.transaction(async (tx) => {
    const m = await lockMer(tx, merId);
    besoin(m, ['finalisee'], 'renouveler le contrat');
    const c = await contratCourant(tx, m.id, ['valide']);
    if (!c) throw new RecrutementError('Aucun contrat en cours à renouveler.', 'contrat', 409);
    if (c.dateFin === null) throw new RecrutementError("Un CDI n'est pas renouvelé.", 'type', 409);
    if (nouveau.dateDebut <= c.dateDebut) throw new RecrutementError('Le nouveau contrat commence après le début du contrat en cours.', 'date_debut', 400);
    const [row] = await tx
      .insert(contrats)
      .values({ miseEnRelationId: m.id, candidatId: m.candidatId, userId: c.userId, structureId: m.structureId, type: nouveau.type, dateDebut: nouveau.dateDebut, dateFin: nouveau.dateFin, salaireCentimes: nouveau.salaireCentimes, coordinateur: nouveau.coordinateur, renouvelle: c.id })
      .returning();
    await setStatut(tx, m.id, 'renouvellement_initiee');
    const [cand] = await tx.select({ prenom: candidats.prenom, nom: candidats.nom }).from(candidats).where(eq(candidats.id, m.candidatId));
    const [s] = await tx.select({ nom: structuresRecrutement.nom }).from(structuresRecrutement).where(eq(structuresRecrutement.structureId, m.structureId));
    await notifier.notify(tx, { role: 'admin' }, 'recrutement.contrat_a_valider', { structure: s?.nom ?? '', candidat: cand ? `${cand.prenom} ${cand.nom} (renouvellement)` : 'renouvellement', merId: m.id });
    await recordAudit(tx, actor, { action: 'recrutement.renouvellement', objectType: 'mise_en_relation', objectId: m.id, summary: `Renouvellement saisi : ${TYPES_CONTRAT[nouveau.type]} à partir du ${nouveau.dateDebut}` });
    return row!;
  });
}

/** Extends the current contract's end (ANCT validates directly: it changes no post). */
export async function prolonger(db: Db, actor: Actor, merId: string, fin: string): Promise<Contrat> {
  const after = await db.transaction(async (tx) => {
    const m = await lockMer(tx, merId);
    besoin(m, ['finalisee'], 'prolonger le contrat');
    const c = await contratCourant(tx, m.id, ['valide']);
    if (!c || !c.dateFin) throw new RecrutementError('Seul un contrat à durée déterminée se prolonge.', 'date_fin', 409);
    if (fin <= c.dateFin) throw new RecrutementError(`La nouvelle fin doit suivre la fin actuelle (${c.dateFin.split('-').reverse().join('/')}).`, 'date_fin', 400);
    const [after] = await tx.update(contrats).set({ dateFin: fin, updatedAt: new Date() }).where(eq(contrats.id, c.id)).returning();
    await contratsChanged(tx, [m.structureId]);
    await recordAudit(tx, actor, { action: 'recrutement.prolongation', objectType: 'mise_en_relation', objectId: m.id, summary: `Contrat prolongé jusqu'au ${fin}`, before: { dateFin: c.dateFin }, after: { dateFin: fin } });
    return after!;
  });
  oublierProfil(after.userId);
  return after;
}

/**
 * The daily job: contracts past their end become terminee_naturelle (the post is vacant, access ends),
 * ruptures whose date has come take away access, and those ending in 30 days are announced.
 */
export async function echeancesDuJour(db: Db, actor: Actor, notifier: Notifier, appariement: Appariement, today: string): Promise<{ terminees: number; acces: number; annonces: number }> {
  let terminees = 0;
  let acces = 0;
  const finis = await db
    .select()
    .from(contrats)
    .where(and(eq(contrats.statut, 'valide'), sql`${contrats.dateFin} is not null`, sql`${contrats.dateFin} < ${today}`, sql`${contrats.ruptureDate} is null`));
  for (const c of finis) {
    await db.transaction(async (tx) => {
      await lockStructure(tx, c.structureId).catch(() => undefined);
      const m = await lockMer(tx, c.miseEnRelationId);
      if (m.statut === 'renouvellement_initiee') return; // the renewal decides
      await tx.update(contrats).set({ statut: 'termine', updatedAt: new Date() }).where(eq(contrats.id, c.id));
      await setStatut(tx, m.id, 'terminee_naturelle');
      await recompterOccupes(tx, c.structureId);
      await tx.update(candidats).set({ statut: 'disponible', updatedAt: sql`now()` }).where(eq(candidats.id, c.candidatId));
      await retirerAcces(tx, actor, c.userId, c.structureId, c.dateFin!);
      await apparierCandidat(tx, appariement, c.candidatId, today);
      terminees++;
    });
    oublierProfil(c.userId);
  }
  const rompus = await db.select().from(contrats).where(and(eq(contrats.statut, 'rompu'), lte(contrats.ruptureDate, today)));
  for (const c of rompus) {
    const grants = await listGrants(db, c.userId);
    if (grants.some((g) => (g.role === 'conseiller' || g.role === 'coordinateur') && g.structureId === c.structureId)) {
      // Unless a later contract in the same structure holds them.
      const [later] = await db.select({ id: contrats.id }).from(contrats).where(and(eq(contrats.userId, c.userId), eq(contrats.structureId, c.structureId), eq(contrats.statut, 'valide')));
      if (later) continue;
      await db.transaction((tx) => retirerAcces(tx, actor, c.userId, c.structureId, c.ruptureDate!));
      acces++;
    }
  }
  const in30 = new Date(`${today}T00:00:00Z`);
  in30.setUTCDate(in30.getUTCDate() + 30);
  const jour = in30.toISOString().slice(0, 10);
  const bientot = await db.select().from(contrats).where(and(eq(contrats.statut, 'valide'), eq(contrats.dateFin, jour)));
  for (const c of bientot) {
    await db.transaction((tx) => notifier.notify(tx, { role: 'structure', structureId: c.structureId }, 'recrutement.fin_contrat', { fin: jour, structureId: c.structureId }));
  }
  return { terminees, acces, annonces: bientot.length };
}

// ——— Reading ———

/** A conseiller's working periods, for the activities context: [start, end] of each validated contract. */
export async function periodesDeTravail(db: Db, userId: string): Promise<{ debut: string; fin: string | null }[]> {
  const rows = await db
    .select()
    .from(contrats)
    .where(and(eq(contrats.userId, userId), inArray(contrats.statut, ['valide', 'rompu', 'termine'])))
    .orderBy(asc(contrats.dateDebut));
  return rows.map((c) => ({ debut: c.dateDebut, fin: c.statut === 'rompu' ? c.ruptureDate : c.statut === 'termine' ? c.dateFin : c.ruptureDate ?? c.dateFin }));
}

/** A contract as the agreements see it: who, from when to when (the rupture or end date; none for a running CDI). */
export interface PeriodeContrat {
  id: string;
  structureId: string;
  userId: string;
  nom: string;
  debut: string;
  fin: string | null;
  /** The contract this one renews: the same person goes on on the same post. */
  renouvelle: string | null;
}

/** The validated contracts (running, broken or ended) of some structures, oldest first. */
export async function periodesDesStructures(db: Db, structureIds: string[]): Promise<PeriodeContrat[]> {
  if (!structureIds.length) return [];
  const rows = await db
    .select({ c: contrats, prenom: candidats.prenom, nom: candidats.nom })
    .from(contrats)
    .innerJoin(candidats, eq(candidats.id, contrats.candidatId))
    .where(and(inArray(contrats.structureId, structureIds), inArray(contrats.statut, ['valide', 'rompu', 'termine'])))
    .orderBy(asc(contrats.dateDebut), asc(contrats.id));
  return rows.map(({ c, prenom, nom }) => ({
    id: c.id,
    structureId: c.structureId,
    userId: c.userId,
    nom: `${prenom} ${nom}`,
    debut: c.dateDebut,
    fin: c.statut === 'termine' ? c.dateFin : c.ruptureDate ?? c.dateFin,
    renouvelle: c.renouvelle,
  }));
}

export async function contratsDe(db: Db, userId: string): Promise<Contrat[]> {
  return db.select().from(contrats).where(and(eq(contrats.userId, userId), notInArray(contrats.statut, ['annule']))).orderBy(desc(contrats.dateDebut));
}


