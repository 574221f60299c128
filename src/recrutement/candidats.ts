/**
 * The candidate's side of recruitment: the application (an account in the invited state, the profile,
 * the pairs at once), changes, pause / resumption / withdrawal, the CV (PDF, 5 Mo, kept 6 months),
 * and the background work that follows (the confirmation and invitation mails, the daily CV purge).
 *
 * Every write to a candidate's row sets updated_at: the matching indexes follow it (src/recrutement/matching.ts).
 */
import { and, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { enqueue, type JobRegistry } from '../platform/jobs/jobs.js';
import type { Mailer } from '../platform/mail.js';
import { parisCalendarDate } from '../platform/paris.js';
import { checkContent, formatSize, getFile, openFile, storeFile, type FileRecord, type FileStorage, type FileWithContent } from '../platform/uploads/index.js';
import { fichiers } from '../platform/uploads/schema.js';
import { recordAudit, SYSTEM_ACTOR, type Actor } from '../audit/audit.js';
import type { Notifier } from '../notifications/notifications.js';
import { createUser, DuplicateEmailError, findUserByEmail, findUserById } from '../comptes/users.js';
import { sendInvitation } from '../comptes/password-links.js';
import { commune } from '../territoires/territoires.js';
import { candidats, misesEnRelation } from './schema.js';
import { STATUTS_CANDIDAT, type CandidatValide } from './regles.js';
import { apparierCandidat, type Appariement } from './matching.js';

export type CandidatRow = typeof candidats.$inferSelect;
export type StatutCandidat = keyof typeof STATUTS_CANDIDAT;

/** The job that mails a new candidate (confirmation, then the invitation to choose a password). */
export const CANDIDATURE_CONSEILLER_JOB = 'recrutement.candidature_conseiller';
/** The daily job that deletes CVs 6 months after their upload. */
export const CV_PURGE_JOB = 'recrutement.cv_purge';

/** CVs: owner context in the shared file service, size limit, retention. */
export const CV_OWNER = 'recrutement-cv';
export const CV_MAX_BYTES = 5 * 1024 * 1024;
export const CV_RETENTION_MONTHS = 6;

/** An application with an e-mail already known (a candidate, or any account). */
export class CandidatExistantError extends Error {
  constructor() {
    super('Une candidature ou un compte existe déjà avec cette adresse électronique.');
  }
}

/** A refused action on a candidate: a French message, the field it concerns, an HTTP status. */
export class CandidatError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly status = 409,
  ) {
    super(message);
  }
}

export interface CandidatOptions {
  /** The notification « des structures correspondent » when pairs were added (omitted: no notification). */
  notifier?: Notifier;
  now?: Date;
}

/** `date` plus `months` calendar months (UTC). */
export function ajouterMois(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

function isUniqueViolation(e: unknown): boolean {
  for (let x: unknown = e, i = 0; x && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    if ((x as { code?: string }).code === '23505') return true;
  }
  return false;
}

export async function getCandidat(db: Db, id: string): Promise<CandidatRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [c] = await db.select().from(candidats).where(eq(candidats.id, id));
  return c;
}

/** The candidate profile of an account (a candidate has one at most). */
export async function candidatDeCompte(db: Db, userId: string): Promise<CandidatRow | undefined> {
  if (!isUuid(userId)) return undefined;
  const [c] = await db.select().from(candidats).where(eq(candidats.userId, userId));
  return c;
}

async function lockCandidat(tx: Db, id: string): Promise<CandidatRow> {
  const [c] = isUuid(id) ? await tx.select().from(candidats).where(eq(candidats.id, id)).for('update') : [];
  if (!c) throw new CandidatError('Candidature introuvable.', 'candidat', 404);
  return c;
}

/** Pairs the candidate again and tells them when structures were added. */
async function apparierEtNotifier(tx: Db, appariement: Appariement, c: Pick<CandidatRow, 'id' | 'userId'>, opts: CandidatOptions): Promise<{ ajoutees: number; retirees: number }> {
  const r = await apparierCandidat(tx, appariement, c.id, parisCalendarDate(opts.now ?? new Date()));
  if (r.ajoutees > 0 && opts.notifier) await opts.notifier.notify(tx, { userId: c.userId }, 'recrutement.apparie', { n: r.ajoutees });
  return r;
}

function profil(v: CandidatValide) {
  const c = commune(v.communeInsee);
  if (!c) throw new CandidatError('Commune inconnue : choisissez votre commune (nom ou code INSEE).', 'commune_insee', 400);
  return {
    prenom: v.prenom,
    nom: v.nom,
    telephone: v.telephone,
    communeInsee: c.insee,
    departement: c.departement,
    lat: c.lat,
    lng: c.lng,
    situations: v.situations,
    diplome: v.diplome,
    dateDisponibilite: v.dateDisponibilite,
    distanceMaxKm: v.distanceMaxKm,
    motivation: v.motivation,
    pixPalier: v.pixPalier,
  };
}

/**
 * A new application, in one transaction: refuses a known e-mail (a candidate or any account), creates
 * the candidate's account in the invited state (no password), the profile (placed at its commune's
 * centre), pairs it at once, notifies the candidate when structures match, and enqueues the mails.
 * `userId`: a signed-in candidate without a profile applies with their own account (no new account).
 */
export async function creerCandidat(
  db: Db,
  actor: Actor,
  appariement: Appariement,
  v: CandidatValide,
  opts: { demo?: boolean; now?: Date; notifier?: Notifier; userId?: string } = {},
): Promise<CandidatRow> {
  try {
    return await db.transaction(async (tx) => {
      const now = opts.now ?? new Date();
      const p = profil(v);
      let userId: string;
      let email = v.email;
      let invite = false;
      if (opts.userId) {
        const u = await findUserById(tx, opts.userId);
        if (!u) throw new CandidatError('Compte introuvable.', 'email', 404);
        userId = u.id;
        email = u.email.trim().toLowerCase();
        const [known] = await tx
          .select({ id: candidats.id })
          .from(candidats)
          .where(or(eq(candidats.email, email), eq(candidats.userId, userId)));
        if (known) throw new CandidatExistantError();
      } else {
        const [known] = await tx.select({ id: candidats.id }).from(candidats).where(eq(candidats.email, email));
        if (known || (await findUserByEmail(tx, email))) throw new CandidatExistantError();
        const u = await createUser(tx, actor, { email, firstName: v.prenom, lastName: v.nom, roles: [{ role: 'candidat', departement: null, structureId: null }] });
        userId = u.id;
        invite = true;
      }
      const [c] = await tx
        .insert(candidats)
        .values({ ...p, userId, email, demo: opts.demo ?? false, createdAt: now, updatedAt: now })
        .returning();
      if (!c) throw new Error('insert failed');
      await recordAudit(tx, actor, {
        action: 'recrutement.candidature_deposee',
        objectType: 'candidat',
        objectId: c.id,
        summary: `Candidature de conseiller numérique déposée par ${c.prenom} ${c.nom} (${c.communeInsee}, ${c.distanceMaxKm} km)`,
      });
      await apparierEtNotifier(tx, appariement, c, { ...opts, now });
      await enqueue(tx, CANDIDATURE_CONSEILLER_JOB, { candidatId: c.id, invite }, { key: `candidature-conseiller:${c.id}` });
      return c;
    });
  } catch (e) {
    if (e instanceof DuplicateEmailError || (!(e instanceof CandidatError) && isUniqueViolation(e))) throw new CandidatExistantError();
    throw e;
  }
}

/** The candidate changes their profile (same rules as the application; the e-mail stays) and is paired again. */
export async function modifierCandidat(db: Db, actor: Actor, appariement: Appariement, candidatId: string, v: CandidatValide, opts: CandidatOptions = {}): Promise<CandidatRow> {
  return db.transaction(async (tx) => {
    const before = await lockCandidat(tx, candidatId);
    const [c] = await tx
      .update(candidats)
      .set({ ...profil(v), updatedAt: sql`now()` })
      .where(eq(candidats.id, before.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'recrutement.candidat_modifie',
      objectType: 'candidat',
      objectId: before.id,
      summary: `Profil de candidat modifié (${c!.communeInsee}, ${c!.distanceMaxKm} km, disponible le ${c!.dateDisponibilite})`,
      before: { communeInsee: before.communeInsee, distanceMaxKm: before.distanceMaxKm, dateDisponibilite: before.dateDisponibilite, situations: before.situations },
      after: { communeInsee: c!.communeInsee, distanceMaxKm: c!.distanceMaxKm, dateDisponibilite: c!.dateDisponibilite, situations: c!.situations },
    });
    await apparierEtNotifier(tx, appariement, c!, opts);
    return c!;
  });
}

const TRANSITIONS: Record<'en_pause' | 'disponible' | 'retire', { depuis: StatutCandidat[]; action: string; verbe: string }> = {
  en_pause: { depuis: ['disponible'], action: 'recrutement.candidat_pause', verbe: 'mettre en pause' },
  disponible: { depuis: ['en_pause', 'retire'], action: 'recrutement.candidat_reprise', verbe: 'reprendre' },
  retire: { depuis: ['disponible', 'en_pause'], action: 'recrutement.candidat_retire', verbe: 'retirer' },
};

async function changerStatut(db: Db, actor: Actor, appariement: Appariement, candidatId: string, statut: 'en_pause' | 'disponible' | 'retire', opts: CandidatOptions): Promise<CandidatRow> {
  const t = TRANSITIONS[statut];
  return db.transaction(async (tx) => {
    const before = await lockCandidat(tx, candidatId);
    if (!t.depuis.includes(before.statut as StatutCandidat)) {
      const actuel = STATUTS_CANDIDAT[before.statut as StatutCandidat] ?? before.statut;
      throw new CandidatError(
        before.statut === 'recrute'
          ? `Impossible de ${t.verbe} votre candidature : vous êtes recruté·e.`
          : `Impossible de ${t.verbe} votre candidature : elle est « ${actuel} ».`,
        'statut',
        409,
      );
    }
    const [c] = await tx.update(candidats).set({ statut, updatedAt: sql`now()` }).where(eq(candidats.id, before.id)).returning();
    await recordAudit(tx, actor, {
      action: t.action,
      objectType: 'candidat',
      objectId: before.id,
      summary: `Candidature : ${STATUTS_CANDIDAT[before.statut as StatutCandidat] ?? before.statut} → ${STATUTS_CANDIDAT[statut]}`,
      before: { statut: before.statut },
      after: { statut },
    });
    // A candidate who is not available keeps only the pairs already acted upon (matching.ts).
    await apparierEtNotifier(tx, appariement, c!, opts);
    return c!;
  });
}

/** Pause: no new structure sees the candidate; the pairs already acted upon stay. */
export function mettreEnPause(db: Db, actor: Actor, appariement: Appariement, candidatId: string, opts: CandidatOptions = {}): Promise<CandidatRow> {
  return changerStatut(db, actor, appariement, candidatId, 'en_pause', opts);
}

/** Back to available (from a pause or a withdrawal): paired again at once. */
export function reprendre(db: Db, actor: Actor, appariement: Appariement, candidatId: string, opts: CandidatOptions = {}): Promise<CandidatRow> {
  return changerStatut(db, actor, appariement, candidatId, 'disponible', opts);
}

/** Withdrawal of the application: as a pause, until the candidate resumes. */
export function retirer(db: Db, actor: Actor, appariement: Appariement, candidatId: string, opts: CandidatOptions = {}): Promise<CandidatRow> {
  return changerStatut(db, actor, appariement, candidatId, 'retire', opts);
}

// ——— Pairs, as the candidate sees them ———

/** How many structures see the candidate's profile, and how many pre-selected them. */
export async function visibilite(db: Db, candidatId: string): Promise<{ structures: number; preselections: number }> {
  const [r] = await db
    .select({
      structures: sql<number>`count(*)::int`,
      preselections: sql<number>`(count(*) filter (where ${misesEnRelation.statut} = 'interessee'))::int`,
    })
    .from(misesEnRelation)
    .where(and(eq(misesEnRelation.candidatId, candidatId), inArray(misesEnRelation.statut, ['nouvelle', 'interessee', 'nonInteressee'])));
  return { structures: r?.structures ?? 0, preselections: r?.preselections ?? 0 };
}

// ——— The CV ———

/** The candidate's current CV (null when none, or deleted). */
export async function cvDe(db: Db, c: Pick<CandidatRow, 'id' | 'cvFichierId'>): Promise<FileRecord | null> {
  return c.cvFichierId ? getFile(db, CV_OWNER, c.id, c.cvFichierId) : null;
}

/** The CV with its content, for a download (null when none or its content is missing). */
export async function ouvrirCv(db: Db, storage: FileStorage, c: Pick<CandidatRow, 'id' | 'cvFichierId'>): Promise<FileWithContent | null> {
  const f = await cvDe(db, c);
  return f ? openFile(storage, f) : null;
}

/**
 * Stores a new CV (a PDF of at most 5 Mo, checked by its content), to be deleted 6 months after the
 * upload; a previous CV is deleted. Refusals are CandidatError on the field `cv`.
 */
export async function deposerCv(
  db: Db,
  storage: FileStorage,
  actor: Actor & { name?: string },
  candidatId: string,
  file: { name: string; content: Buffer },
  opts: { now?: Date } = {},
): Promise<FileRecord> {
  const now = opts.now ?? new Date();
  const c = await getCandidat(db, candidatId);
  if (!c) throw new CandidatError('Candidature introuvable.', 'candidat', 404);
  if (file.content.length > CV_MAX_BYTES) throw new CandidatError(`Le fichier dépasse la taille maximale de ${formatSize(CV_MAX_BYTES)}.`, 'cv', 413);
  const checked = await checkContent(file.content, ['application/pdf']);
  if (!checked.ok) throw new CandidatError(checked.message, 'cv', 415);
  let ancienne: string | null = null;
  const f = await storeFile(
    db,
    storage,
    {
      ownerContext: CV_OWNER,
      ownerId: c.id,
      name: file.name,
      mediaType: checked.mediaType,
      content: file.content,
      libelle: 'CV',
      uploadedBy: { userId: actor.userId, label: actor.name ?? actor.label },
      expireLe: ajouterMois(now, CV_RETENTION_MONTHS),
    },
    async (tx, stored) => {
      const locked = await lockCandidat(tx, c.id);
      if (locked.cvFichierId) {
        const [old] = await tx
          .update(fichiers)
          .set({ deletedAt: now })
          .where(and(eq(fichiers.id, locked.cvFichierId), isNull(fichiers.deletedAt)))
          .returning({ key: fichiers.storageKey });
        ancienne = old?.key ?? null;
      }
      await tx.update(candidats).set({ cvFichierId: stored.id, cvDeposeLe: now, updatedAt: sql`now()` }).where(eq(candidats.id, c.id));
      await recordAudit(tx, actor, {
        action: 'recrutement.cv_depose',
        objectType: 'candidat',
        objectId: c.id,
        summary: `CV déposé (${stored.nomOriginal}, ${formatSize(stored.taille)}), supprimé automatiquement dans ${CV_RETENTION_MONTHS} mois`,
        after: { fichier: stored.id, nom: stored.nomOriginal, taille: stored.taille, sha256: stored.sha256 },
      });
    },
  );
  if (ancienne) await storage.delete(ancienne);
  return f;
}

/**
 * Removes the candidate's CV (the file marked deleted, the row cleared, then the content deleted).
 * `deposeAvant`: only when uploaded at or before that instant (the purge). False when there was none.
 */
async function retirerCv(db: Db, storage: FileStorage, actor: Actor, candidatId: string, how: { action: string; summary: string; deposeAvant?: Date; now: Date }): Promise<boolean> {
  const done = await db.transaction(async (tx) => {
    const c = await lockCandidat(tx, candidatId);
    if (!c.cvFichierId) return null;
    if (how.deposeAvant && (!c.cvDeposeLe || c.cvDeposeLe > how.deposeAvant)) return null;
    const [f] = await tx
      .update(fichiers)
      .set({ deletedAt: how.now })
      .where(and(eq(fichiers.id, c.cvFichierId), isNull(fichiers.deletedAt)))
      .returning({ key: fichiers.storageKey });
    // Already deleted (the platform's retention job): the content may still be there, under the same key.
    const [meta] = f ? [f] : await tx.select({ key: fichiers.storageKey }).from(fichiers).where(eq(fichiers.id, c.cvFichierId));
    await tx.update(candidats).set({ cvFichierId: null, cvDeposeLe: null, updatedAt: sql`now()` }).where(eq(candidats.id, c.id));
    await recordAudit(tx, actor, { action: how.action, objectType: 'candidat', objectId: c.id, summary: how.summary, before: { fichier: c.cvFichierId } });
    return { key: meta?.key ?? null };
  });
  if (!done) return false;
  if (done.key) await storage.delete(done.key);
  return true;
}

/** The candidate deletes their CV. False when there was none. */
export function supprimerCv(db: Db, storage: FileStorage, actor: Actor, candidatId: string, now = new Date()): Promise<boolean> {
  return retirerCv(db, storage, actor, candidatId, { action: 'recrutement.cv_supprime', summary: 'CV supprimé par le candidat', now });
}

/**
 * Retention: deletes every CV uploaded 6 months ago or more and clears the candidate's reference.
 * Safe across instances (each candidate's row is locked). Returns the number of CVs deleted.
 */
export async function purgerCvs(db: Db, storage: FileStorage, now: Date): Promise<number> {
  const limite = ajouterMois(now, -CV_RETENTION_MONTHS);
  let n = 0;
  const vus = new Set<string>();
  for (;;) {
    const due = await db
      .select({ id: candidats.id })
      .from(candidats)
      .where(and(isNotNull(candidats.cvFichierId), lte(candidats.cvDeposeLe, limite)))
      .limit(200);
    const aPurger = due.filter((d) => !vus.has(d.id));
    if (aPurger.length === 0) return n;
    for (const { id } of aPurger) {
      vus.add(id);
      const done = await retirerCv(db, storage, SYSTEM_ACTOR, id, {
        action: 'recrutement.cv_purge',
        summary: `CV supprimé automatiquement ${CV_RETENTION_MONTHS} mois après son dépôt`,
        deposeAvant: limite,
        now,
      });
      if (done) n++;
    }
  }
}

// ——— Background work ———

const frDate = (d: string) => d.split('-').reverse().join('/');

/**
 * The candidates' jobs: the mails that follow an application (enqueued in its transaction, so an
 * acknowledged application always gets them), and the daily deletion of CVs 6 months old.
 */
export function registerCandidatsJobs(registry: JobRegistry, mailer: Mailer, publicUrl: string, storage: FileStorage): void {
  registry.define(CANDIDATURE_CONSEILLER_JOB, {
    label: "Courriels d'une candidature de conseiller numérique (confirmation, invitation)",
    handler: async (payload, ctx) => {
      const c = await getCandidat(ctx.db, String(payload.candidatId));
      if (!c) return;
      const lieu = commune(c.communeInsee);
      const invite = payload.invite === true;
      await mailer.send({
        to: c.email,
        subject: 'Candidature de conseiller numérique reçue',
        text: [
          `Bonjour ${c.prenom} ${c.nom},`,
          '',
          'Nous avons bien reçu votre candidature au poste de conseiller numérique.',
          `Commune : ${lieu ? lieu.nom : c.communeInsee} ; distance maximale : ${c.distanceMaxKm === 2000 ? 'toute la France' : `${c.distanceMaxKm} km`} ; disponible à partir du ${frDate(c.dateDisponibilite)}.`,
          '',
          "Les structures d'accueil qui recrutent dans votre rayon voient votre profil, sans vos coordonnées. Celles qui vous présélectionnent accèdent à vos coordonnées et à votre CV, et vous contactent.",
          '',
          'La suite :',
          ...(invite ? ['1. Choisissez votre mot de passe avec le lien du courriel « Votre compte Conseiller numérique » qui suit (valable 7 jours).'] : []),
          `${invite ? '2' : '1'}. Déposez votre CV (PDF, 5 Mo au plus) depuis « Mon profil » : ${publicUrl}/candidature/profil. Il est conservé ${CV_RETENTION_MONTHS} mois.`,
          '',
          'Depuis « Mon profil », vous pouvez aussi modifier votre candidature, la mettre en pause ou la retirer à tout moment.',
        ].join('\n'),
      });
      if (invite) {
        const user = await findUserById(ctx.db, c.userId);
        if (user && !user.passwordHash) await sendInvitation(ctx.db, mailer, publicUrl, user, "L'équipe Conseiller numérique");
      }
    },
  });
  registry.define(CV_PURGE_JOB, {
    label: `Suppression des CV des candidats ${CV_RETENTION_MONTHS} mois après leur dépôt`,
    handler: async (_p, ctx) => {
      const n = await purgerCvs(ctx.db, storage, ctx.now);
      ctx.log.info({ purged: n }, 'candidate CVs purged');
    },
  });
  registry.schedule({ name: 'recrutement-cv-purge', label: 'Suppression des CV de plus de 6 mois', kind: CV_PURGE_JOB, every: 'daily', at: '03:45' });
}
