/**
 * Training's use cases: providers and their staff, entry assessments and paths, sessions, enrolment,
 * attendance, certification, and one conseiller's training record. Recruited conseillers, where they
 * work and since when come from src/recrutement's exported functions (dossierConseiller); this
 * context reads and writes only its own tables (and creates accounts through src/comptes).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { Mailer } from '../platform/mail.js';
import { isUuid } from '../platform/ids.js';
import { hasRole, type Principal, type Resource } from '../platform/access.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { addRole, createUser, DuplicateRoleError, findUserByEmail, findUserById, userNames } from '../comptes/users.js';
import { sendInvitation } from '../comptes/password-links.js';
import { dossierConseiller } from '../recrutement/lecture.js';
import { membresPendant } from '../recrutement/equipes.js';
import { bareme, certifications, choixModules, inscriptions, modules, organismes, parcours, personnels, sessions } from './schema.js';
import {
  BAREME_PAR_DEFAUT,
  coutFormation,
  estCertifie,
  heuresParcours,
  heuresRealisees,
  NIVEAUX_PIX,
  statutModule,
  statutParcours,
  type Bareme,
  type CertificationValide,
  type NiveauPix,
  type Positionnement,
  type SessionValide,
  type StatutModule,
  type StatutParcours,
} from './regles.js';

export type Organisme = typeof organismes.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Parcours = typeof parcours.$inferSelect;
export type Certification = typeof certifications.$inferSelect;

/** A refusal a person can act on: the HTTP status and the field it concerns. */
export class FormationError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

// ——— Providers and their staff ———

export async function creerOrganisme(db: Db, actor: Actor, v: { nom: string; tauxHoraireCentimes: number }, opts: { demo?: boolean } = {}): Promise<Organisme> {
  return db.transaction(async (tx) => {
    const [o] = await tx.insert(organismes).values({ nom: v.nom, tauxHoraireCentimes: v.tauxHoraireCentimes, demo: opts.demo ?? false }).returning();
    await recordAudit(tx, actor, { action: 'formation.organisme_cree', objectType: 'organisme_formation', objectId: o!.id, summary: `Organisme de formation « ${v.nom} » créé`, after: v });
    return o!;
  });
}

export async function listerOrganismes(db: Db): Promise<(Organisme & { personnels: number })[]> {
  const rows = await db
    .select({ o: organismes, n: sql<number>`(select count(*)::int from ${personnels} p where p.organisme_id = ${organismes.id})` })
    .from(organismes)
    .orderBy(asc(organismes.nom));
  return rows.map((r) => ({ ...r.o, personnels: r.n }));
}

export async function getOrganisme(db: Db, id: string): Promise<Organisme | undefined> {
  if (!isUuid(id)) return undefined;
  const [o] = await db.select().from(organismes).where(eq(organismes.id, id));
  return o;
}

export async function personnelIdsDe(db: Db, organismeIds: string[]): Promise<string[]> {
  if (!organismeIds.length) return [];
  const rows = await db.select({ userId: personnels.userId }).from(personnels).where(inArray(personnels.organismeId, organismeIds));
  return [...new Set(rows.map((r) => r.userId))];
}

export async function personnelsDe(db: Db, organismeId: string): Promise<{ id: string; nom: string; email: string }[]> {
  const rows = await db.select({ userId: personnels.userId }).from(personnels).where(eq(personnels.organismeId, organismeId));
  const out: { id: string; nom: string; email: string }[] = [];
  for (const r of rows) {
    const u = await findUserById(db, r.userId);
    if (u) out.push({ id: u.id, nom: `${u.firstName} ${u.lastName}`, email: u.email });
  }
  return out.sort((a, b) => a.nom.localeCompare(b.nom, 'fr'));
}

/** The providers a user is staff of (with the `organisme_formation` role). */
export async function organismesDe(db: Db, user: Principal): Promise<Organisme[]> {
  if (!hasRole(user, 'organisme_formation')) return [];
  const rows = await db.select({ o: organismes }).from(personnels).innerJoin(organismes, eq(organismes.id, personnels.organismeId)).where(eq(personnels.userId, user.id)).orderBy(asc(organismes.nom));
  return rows.map((r) => r.o);
}

export const ressourceOrganisme = async (db: Db, o: Pick<Organisme, 'id'>): Promise<Resource> => ({ kind: 'organisme', id: o.id, personnelIds: await personnelIdsDe(db, [o.id]) });

/**
 * ANCT or Banque des Territoires invite a provider's staff member: a new account with the
 * `organisme_formation` role (and an invitation link by mail), or the role added to an existing one.
 */
export async function inviterPersonnel(
  db: Db,
  mailer: Mailer,
  publicUrl: string,
  actor: Actor,
  organismeId: string,
  p: { email: string; prenom: string; nom: string },
): Promise<{ cree: boolean }> {
  const grant = { role: 'organisme_formation' as const, departement: null, structureId: null };
  let user = await findUserByEmail(db, p.email);
  const cree = !user;
  if (!user) user = await createUser(db, actor, { email: p.email, firstName: p.prenom, lastName: p.nom, roles: [grant] });
  else {
    try {
      await addRole(db, actor, user.id, grant);
    } catch (e) {
      if (!(e instanceof DuplicateRoleError)) throw e;
    }
  }
  const u = user;
  await db.transaction(async (tx) => {
    await tx.insert(personnels).values({ organismeId, userId: u.id }).onConflictDoNothing();
    await recordAudit(tx, actor, { action: 'formation.personnel_invite', objectType: 'organisme_formation', objectId: organismeId, summary: `${u.firstName} ${u.lastName} rattaché·e à l'organisme de formation`, after: { email: u.email } });
  });
  if (cree) await sendInvitation(db, mailer, publicUrl, u, actor.label);
  return { cree };
}

// ——— Conseillers, as recruitment knows them ———

export interface ConseillerRecrute {
  userId: string;
  nom: string;
  /** The start of the first contract (validated if any): the clock of the « late » rule. */
  debutContrat: string | null;
  structure: string;
  structureIds: string[];
  departements: string[];
}

/** A conseiller with a contract (entered or validated) in src/recrutement, or undefined. */
export async function conseillerRecrute(db: Db, userId: string): Promise<ConseillerRecrute | undefined> {
  if (!isUuid(userId)) return undefined;
  const d = await dossierConseiller(db, userId);
  if (!d) return undefined;
  const valides = d.contrats.filter((c) => c.statut !== 'saisi');
  const debuts = (valides.length ? valides : d.contrats).map((c) => c.dateDebut).sort();
  const courant = d.contrats[0]!;
  return {
    userId,
    // The name recruitment's lists show (the candidate's), else the account's.
    nom: d.candidat ? `${d.candidat.prenom} ${d.candidat.nom}` : d.nom,
    debutContrat: debuts[0] ?? null,
    structure: courant.structure,
    structureIds: [...new Set(d.contrats.map((c) => c.structureId))],
    departements: [...new Set(d.contrats.map((c) => c.departement))],
  };
}

/** The providers that have assessed or enrolled a conseiller. */
async function organismesDuConseiller(db: Db, conseillerId: string): Promise<string[]> {
  const [p, s] = await Promise.all([
    db.select({ id: parcours.organismeId }).from(parcours).where(eq(parcours.conseillerId, conseillerId)),
    db.selectDistinct({ id: sessions.organismeId }).from(inscriptions).innerJoin(sessions, eq(sessions.id, inscriptions.sessionId)).where(eq(inscriptions.conseillerId, conseillerId)),
  ]);
  return [...new Set([...p, ...s].map((r) => r.id))];
}

/**
 * A conseiller's training record as a resource of the policy. A coordinator's team is read only when
 * the asker is a coordinator (their own team is all the rule needs).
 */
export async function ressourceFormation(db: Db, asker: Principal | null | undefined, c: ConseillerRecrute, today: string): Promise<Resource> {
  let coordinateurIds: string[] = [];
  if (asker && hasRole(asker, 'coordinateur')) {
    const equipe = await membresPendant(db, asker.id);
    if (equipe.some((m) => m.userId === c.userId && m.debut <= today && (m.fin === null || m.fin >= today))) coordinateurIds = [asker.id];
  }
  return { kind: 'formation', conseillerId: c.userId, departements: c.departements, structureIds: c.structureIds, coordinateurIds, personnelIds: await personnelIdsDe(db, await organismesDuConseiller(db, c.userId)) };
}

/** A provider finds a recruited conseiller by e-mail (it does not browse the national list). */
export async function conseillerParEmail(db: Db, email: string): Promise<ConseillerRecrute | undefined> {
  const u = email.trim() ? await findUserByEmail(db, email) : undefined;
  return u ? conseillerRecrute(db, u.id) : undefined;
}

// ——— Assessment and path ———

/** The levels → hours table in force: the configured rows, the default for a missing level. */
export async function lireBareme(db: Db): Promise<Bareme> {
  const rows = await db.select().from(bareme);
  const out: Record<number, number> = { ...BAREME_PAR_DEFAUT };
  for (const r of rows) if ((NIVEAUX_PIX as readonly number[]).includes(r.niveau)) out[r.niveau] = r.heures;
  return out as Bareme;
}

export async function enregistrerBareme(db: Db, actor: Actor, b: Bareme): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await lireBareme(tx);
    for (const n of NIVEAUX_PIX) {
      await tx
        .insert(bareme)
        .values({ niveau: n, heures: b[n] })
        .onConflictDoUpdate({ target: bareme.niveau, set: { heures: b[n], updatedAt: new Date() } });
    }
    await recordAudit(tx, actor, { action: 'formation.bareme_modifie', objectType: 'bareme_formation', summary: 'Barème du positionnement modifié', before, after: b });
  });
}

/** The provider records the entry assessment; the path's hours come from the table. */
export async function enregistrerPositionnement(db: Db, actor: Actor, organismeId: string, conseillerId: string, v: Positionnement): Promise<Parcours> {
  return db.transaction(async (tx) => {
    const heures = heuresParcours(v.niveau as NiveauPix, await lireBareme(tx));
    const [before] = await tx.select().from(parcours).where(eq(parcours.conseillerId, conseillerId)).for('update');
    const values = { organismeId, niveauPix: v.niveau, competence1: v.competence1, competence2: v.competence2, competence3: v.competence3, datePositionnement: v.date, heuresCalculees: heures, heuresRequises: heures, motifAjustement: null, updatedAt: new Date() };
    const [p] = before
      ? await tx.update(parcours).set(values).where(eq(parcours.conseillerId, conseillerId)).returning()
      : await tx.insert(parcours).values({ conseillerId, ...values }).returning();
    await recordAudit(tx, actor, {
      action: 'formation.positionnement_enregistre',
      objectType: 'formation',
      objectId: conseillerId,
      summary: `Positionnement Pix niveau ${v.niveau} : parcours de ${heures} h`,
      ...(before ? { before: { niveau: before.niveauPix, heures: before.heuresRequises } } : {}),
      after: { niveau: v.niveau, competences: [v.competence1, v.competence2, v.competence3], date: v.date, heures },
    });
    return p!;
  });
}

/** The provider adjusts the path's length, with a reason (audited, before and after). */
export async function ajusterParcours(db: Db, actor: Actor, conseillerId: string, a: { heures: number; motif: string }): Promise<Parcours> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(parcours).where(eq(parcours.conseillerId, conseillerId)).for('update');
    if (!before) throw new FormationError(409, 'heures', "Enregistrez d'abord le positionnement : le parcours en découle.");
    const [p] = await tx.update(parcours).set({ heuresRequises: a.heures, motifAjustement: a.motif, updatedAt: new Date() }).where(eq(parcours.conseillerId, conseillerId)).returning();
    await recordAudit(tx, actor, {
      action: 'formation.parcours_ajuste',
      objectType: 'formation',
      objectId: conseillerId,
      summary: `Parcours ajusté de ${before.heuresRequises} h à ${a.heures} h : ${a.motif}`,
      before: { heures: before.heuresRequises, motif: before.motifAjustement },
      after: { heures: a.heures, motif: a.motif },
    });
    return p!;
  });
}

// ——— Sessions, enrolment, attendance ———

export async function creerSession(db: Db, actor: Actor, organismeId: string, v: SessionValide): Promise<Session> {
  return db.transaction(async (tx) => {
    if (v.moduleId) {
      const [m] = isUuid(v.moduleId) ? await tx.select().from(modules).where(eq(modules.id, v.moduleId)) : [];
      if (!m || m.organismeId !== organismeId) throw new FormationError(400, 'module_id', 'Choisissez un module de votre organisme.');
    }
    const [s] = await tx.insert(sessions).values({ organismeId, ...v }).returning();
    await recordAudit(tx, actor, { action: 'formation.session_publiee', objectType: 'session_formation', objectId: s!.id, summary: `Session « ${v.titre} » publiée (${v.heures} h)`, after: v });
    return s!;
  });
}

export async function getSession(db: Db, id: string): Promise<Session | undefined> {
  if (!isUuid(id)) return undefined;
  const [s] = await db.select().from(sessions).where(eq(sessions.id, id));
  return s;
}

export interface LigneSession extends Session {
  organisme: string;
  inscrits: number;
}

const inscritsCount = sql<number>`(select count(*)::int from ${inscriptions} i where i.session_id = ${sessions.id})`;

/** A provider's sessions (all providers' when `organismeIds` is null), soonest first. */
export async function listerSessions(db: Db, organismeIds: string[] | null, opts: { aVenirDepuis?: string; initiales?: boolean; modules?: boolean } = {}): Promise<LigneSession[]> {
  if (organismeIds && !organismeIds.length) return [];
  const conds = [
    organismeIds ? inArray(sessions.organismeId, organismeIds) : undefined,
    opts.aVenirDepuis ? sql`${sessions.fin} >= ${opts.aVenirDepuis}` : undefined,
    opts.initiales ? sql`${sessions.moduleId} is null` : undefined,
    opts.modules ? sql`${sessions.moduleId} is not null` : undefined,
  ];
  const rows = await db
    .select({ s: sessions, organisme: organismes.nom, inscrits: inscritsCount })
    .from(sessions)
    .innerJoin(organismes, eq(organismes.id, sessions.organismeId))
    .where(and(...conds))
    .orderBy(asc(sessions.debut), asc(sessions.titre));
  return rows.map((r) => ({ ...r.s, organisme: r.organisme, inscrits: r.inscrits }));
}

export interface Inscrit {
  conseillerId: string;
  nom: string;
  heuresPresence: number | null;
}

export async function inscritsDe(db: Db, sessionId: string): Promise<Inscrit[]> {
  const rows = await db.select().from(inscriptions).where(eq(inscriptions.sessionId, sessionId));
  const names = await userNames(db, rows.map((r) => r.conseillerId));
  return rows
    .map((r) => {
      const n = names.get(r.conseillerId);
      return { conseillerId: r.conseillerId, nom: n ? `${n.firstName} ${n.lastName}` : 'Compte supprimé', heuresPresence: r.heuresPresence };
    })
    .sort((a, b) => a.nom.localeCompare(b.nom, 'fr'));
}

/** Enrols a recruited conseiller in a session, within its capacity (the session's row is the lock). */
export async function inscrire(db: Db, actor: Actor, sessionId: string, conseillerId: string): Promise<void> {
  if (!(await conseillerRecrute(db, conseillerId))) throw new FormationError(400, 'conseiller_id', "Ce compte n'est pas celui d'un conseiller recruté.");
  await db.transaction(async (tx) => {
    const [s] = await tx.select().from(sessions).where(eq(sessions.id, sessionId)).for('update');
    if (!s) throw new FormationError(404, 'session', 'Session introuvable.');
    const [deja] = await tx.select().from(inscriptions).where(and(eq(inscriptions.sessionId, sessionId), eq(inscriptions.conseillerId, conseillerId)));
    if (deja) throw new FormationError(409, 'conseiller_id', 'Ce conseiller est déjà inscrit à cette session.');
    const [{ n }] = (await tx.select({ n: sql<number>`count(*)::int` }).from(inscriptions).where(eq(inscriptions.sessionId, sessionId))) as [{ n: number }];
    if (n >= s.capacite) throw new FormationError(409, 'session', `La session est complète (${s.capacite} places).`);
    await tx.insert(inscriptions).values({ sessionId, conseillerId });
    await recordAudit(tx, actor, { action: 'formation.inscription', objectType: 'formation', objectId: conseillerId, summary: `Inscription à la session « ${s.titre} »`, after: { session: s.id } });
  });
}

/**
 * The provider records a conseiller's attendance hours for a session (replacing an earlier entry):
 * only for an enrolled conseiller, never more than the session's length.
 */
export async function enregistrerPresence(db: Db, actor: Actor, sessionId: string, conseillerId: string, heures: number): Promise<void> {
  await db.transaction(async (tx) => {
    const [s] = await tx.select().from(sessions).where(eq(sessions.id, sessionId));
    if (!s) throw new FormationError(404, 'session', 'Session introuvable.');
    if (heures > s.heures) throw new FormationError(400, 'heures', `La session dure ${s.heures} h : la présence ne peut pas dépasser cette durée.`);
    const [i] = isUuid(conseillerId)
      ? await tx.select().from(inscriptions).where(and(eq(inscriptions.sessionId, sessionId), eq(inscriptions.conseillerId, conseillerId))).for('update')
      : [];
    if (!i) throw new FormationError(400, 'conseiller_id', "Ce conseiller n'est pas inscrit à cette session.");
    await tx.update(inscriptions).set({ heuresPresence: heures, presenceSaisieLe: new Date() }).where(and(eq(inscriptions.sessionId, sessionId), eq(inscriptions.conseillerId, conseillerId)));
    await recordAudit(tx, actor, {
      action: 'formation.presence_enregistree',
      objectType: 'formation',
      objectId: conseillerId,
      summary: `Présence de ${heures} h à la session « ${s.titre} »`,
      before: i.heuresPresence === null ? undefined : { heures: i.heuresPresence },
      after: { session: s.id, heures },
    });
  });
}

// ——— Certification ———

export async function enregistrerCertification(db: Db, actor: Actor, organismeId: string, conseillerId: string, v: CertificationValide): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(certifications).where(eq(certifications.conseillerId, conseillerId)).for('update');
    await tx
      .insert(certifications)
      .values({ conseillerId, organismeId, ...v })
      .onConflictDoUpdate({ target: certifications.conseillerId, set: { ...v, organismeId, updatedAt: new Date() } });
    await recordAudit(tx, actor, {
      action: 'formation.certification_enregistree',
      objectType: 'formation',
      objectId: conseillerId,
      summary: `Certification enregistrée (CCP1 : ${v.ccp1Resultat ?? 'non renseigné'}${v.pixScore !== null ? `, Pix : ${v.pixScore}` : ''})`,
      ...(before ? { before: { ccp1: before.ccp1Resultat, pix: before.pixScore } } : {}),
      after: v,
    });
  });
}

// ——— One conseiller's record ———

export interface SessionSuivie {
  sessionId: string;
  titre: string;
  organisme: string;
  debut: string;
  fin: string;
  heures: number;
  heuresPresence: number | null;
  module: boolean;
}

export interface DossierFormation {
  conseiller: ConseillerRecrute;
  parcours: Parcours | undefined;
  organismeParcours: string | null;
  heuresRequises: number | null;
  heuresRealisees: number;
  statut: StatutParcours;
  sessions: SessionSuivie[];
  certification: Certification | undefined;
  certifie: boolean;
  module: { annee: number; statut: StatutModule; titre: string | null; moduleId: string | null; realiseLe: string | null };
  /** Hours done × each provider's hourly rate, in cents. */
  coutCentimes: number;
}

export async function dossierFormation(db: Db, c: ConseillerRecrute, today: string): Promise<DossierFormation> {
  const annee = Number(today.slice(0, 4));
  const [[p], suivies, [cert], [choix]] = await Promise.all([
    db.select({ p: parcours, organisme: organismes.nom }).from(parcours).innerJoin(organismes, eq(organismes.id, parcours.organismeId)).where(eq(parcours.conseillerId, c.userId)),
    db
      .select({ i: inscriptions, s: sessions, organisme: organismes.nom, taux: organismes.tauxHoraireCentimes })
      .from(inscriptions)
      .innerJoin(sessions, eq(sessions.id, inscriptions.sessionId))
      .innerJoin(organismes, eq(organismes.id, sessions.organismeId))
      .where(eq(inscriptions.conseillerId, c.userId))
      .orderBy(asc(sessions.debut)),
    db.select().from(certifications).where(eq(certifications.conseillerId, c.userId)),
    db.select({ c: choixModules, titre: modules.titre }).from(choixModules).innerJoin(modules, eq(modules.id, choixModules.moduleId)).where(and(eq(choixModules.conseillerId, c.userId), eq(choixModules.annee, annee))),
  ]);
  const initiales = suivies.filter((r) => r.s.moduleId === null);
  const heures = heuresRealisees(initiales.map((r) => ({ heures: r.i.heuresPresence })));
  const heuresRequises = p?.p.heuresRequises ?? null;
  return {
    conseiller: c,
    parcours: p?.p,
    organismeParcours: p?.organisme ?? null,
    heuresRequises,
    heuresRealisees: heures,
    statut: statutParcours({ heuresRequises, heuresRealisees: heures, debutContrat: c.debutContrat }, today),
    sessions: suivies.map((r) => ({ sessionId: r.s.id, titre: r.s.titre, organisme: r.organisme, debut: r.s.debut, fin: r.s.fin, heures: r.s.heures, heuresPresence: r.i.heuresPresence, module: r.s.moduleId !== null })),
    certification: cert,
    certifie: estCertifie(cert),
    module: { annee, statut: statutModule(c.debutContrat, annee, choix?.c), titre: choix?.titre ?? null, moduleId: choix?.c.moduleId ?? null, realiseLe: choix?.c.realiseLe ?? null },
    coutCentimes: coutFormation(suivies.map((r) => ({ heures: r.i.heuresPresence ?? 0, tauxHoraireCentimes: r.taux }))),
  };
}

/** The conseillers a provider trains (assessed by it, or enrolled in its sessions), with their progress. */
export async function conseillersDeOrganisme(db: Db, organismeId: string, today: string): Promise<DossierFormation[]> {
  const [p, i] = await Promise.all([
    db.select({ id: parcours.conseillerId }).from(parcours).where(eq(parcours.organismeId, organismeId)),
    db.selectDistinct({ id: inscriptions.conseillerId }).from(inscriptions).innerJoin(sessions, eq(sessions.id, inscriptions.sessionId)).where(eq(sessions.organismeId, organismeId)),
  ]);
  // One record each (a handful of queries per conseiller), read a few at a time.
  const ids = [...new Set([...p, ...i].map((r) => r.id))];
  const out: DossierFormation[] = [];
  for (let k = 0; k < ids.length; k += 8) {
    const lot = await Promise.all(ids.slice(k, k + 8).map(async (id) => {
      const c = await conseillerRecrute(db, id);
      return c ? dossierFormation(db, c, today) : undefined;
    }));
    for (const d of lot) if (d) out.push(d);
  }
  return out.sort((a, b) => a.conseiller.nom.localeCompare(b.conseiller.nom, 'fr'));
}
