/**
 * Followed beneficiaries: recorded with consent, private to their conseiller (every read filters on
 * conseiller_id; coordinators and structures only ever get aggregates). Duplicate detection,
 * merge keeping history, erasure and export on request, and the retention job.
 */
import { and, asc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { normaliseName } from '../territoires/territoires.js';
import { activites, beneficiaires } from './schema.js';
import { addMonths, parisDate } from './dates.js';
import { trancheAge } from './codes.js';
import { toPayload } from './activites.js';
import { isUuid } from '../platform/ids.js';

export type BeneficiaireRow = typeof beneficiaires.$inferSelect;

export const BENEFICIAIRE_LIMITS = { nom: 100, notes: 2000, email: 254 } as const;

export interface BeneficiaireInput {
  prenom?: unknown;
  nom?: unknown;
  annee_naissance?: unknown;
  commune_insee?: unknown;
  /** The commune as typed in the form (a name, a postcode or a code): when present, it is what counts. */
  commune?: unknown;
  /** The text the code in `commune_insee` was picked for (suggestions or the choice offered). */
  commune_insee_pour?: unknown;
  telephone?: unknown;
  email?: unknown;
  notes?: unknown;
  /** The person agreed to be followed (required to create a followed beneficiary). */
  consentement?: unknown;
}

export interface ValidBeneficiaire {
  prenom: string;
  nom: string;
  anneeNaissance: number | null;
  communeInsee: string | null;
  telephone: string | null;
  email: string | null;
  notes: string | null;
  consentement: boolean;
}

/** "Jean-Pierre  DUPONT" and "dupont jean pierre" give the same key. */
export function cleNom(prenom: string, nom: string): string {
  return normaliseName(`${prenom} ${nom}`).split(' ').filter(Boolean).sort().join(' ');
}

/** French numbers as 0XXXXXXXXX (+33 / 0033 folded), others as +digits; null when not a phone number. */
export function normalisePhone(s: string): string | null {
  const t = s.replace(/[\s.\-()]/g, '');
  if (/^(\+33|0033)[1-9]\d{8}$/.test(t)) return '0' + t.slice(t.length - 9);
  if (/^0[1-9]\d{8}$/.test(t)) return t;
  if (/^(\+|00)[1-9]\d{6,14}$/.test(t)) return '+' + t.replace(/^(\+|00)/, '');
  return null;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateBeneficiaire(
  input: BeneficiaireInput,
  ctx: {
    currentYear: number;
    communeExists: (insee: string) => boolean;
    requireConsent: boolean;
    /** The commune of a form field (text, code picked, text it was picked for): one commune, or why not. */
    lireCommune?: (texte: string, code: string, pour: string) => { insee: string } | { error: string };
  },
): { ok: true; value: ValidBeneficiaire } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v).trim());
  const prenom = str(input.prenom);
  const nom = str(input.nom);
  if (!prenom) errors.prenom = 'Indiquez le prénom.';
  else if (prenom.length > BENEFICIAIRE_LIMITS.nom) errors.prenom = `Le prénom doit contenir au plus ${BENEFICIAIRE_LIMITS.nom} caractères.`;
  if (!nom) errors.nom = 'Indiquez le nom.';
  else if (nom.length > BENEFICIAIRE_LIMITS.nom) errors.nom = `Le nom doit contenir au plus ${BENEFICIAIRE_LIMITS.nom} caractères.`;
  let annee: number | null = null;
  const a = str(input.annee_naissance);
  if (a) {
    const n = Number(a);
    if (!/^\d{4}$/.test(a) || n < 1900 || n > ctx.currentYear) errors.annee_naissance = `L'année de naissance doit être comprise entre 1900 et ${ctx.currentYear}.`;
    else annee = n;
  }
  // The text typed wins; a code alone (the API) stands for itself; a code tied to a text now erased is dropped.
  let c = '';
  const texte = str(input.commune);
  const code = str(input.commune_insee).toUpperCase();
  if (texte && ctx.lireCommune) {
    const r = texte.length > 100 ? { error: 'La commune : 100 caractères au plus.' } : ctx.lireCommune(texte, code, str(input.commune_insee_pour));
    if ('insee' in r) c = r.insee;
    else errors.commune = r.error;
  } else if (code && !str(input.commune_insee_pour)) {
    c = code;
    if (!ctx.communeExists(c)) errors.commune_insee = `Commune inconnue : code INSEE « ${c.slice(0, 10)} ».`;
  }
  const t = str(input.telephone);
  const phone = t ? normalisePhone(t) : null;
  if (t && !phone) errors.telephone = 'Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78.';
  const e = str(input.email).toLowerCase();
  if (e && (e.length > BENEFICIAIRE_LIMITS.email || !EMAIL_RE.test(e))) errors.email = 'Saisissez une adresse électronique valide, par exemple nom@domaine.fr.';
  const notes = str(input.notes);
  if (notes.length > BENEFICIAIRE_LIMITS.notes) errors.notes = `Les notes doivent contenir au plus ${BENEFICIAIRE_LIMITS.notes} caractères.`;
  const consent = input.consentement === true || input.consentement === 'oui' || input.consentement === 'on';
  if (ctx.requireConsent && !consent)
    errors.consentement = "Le suivi d'un bénéficiaire demande son accord : cochez la case une fois son consentement recueilli.";
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: { prenom, nom, anneeNaissance: annee, communeInsee: c || null, telephone: phone, email: e || null, notes: notes || null, consentement: consent },
  };
}

const own = (conseillerId: string) => eq(beneficiaires.conseillerId, conseillerId);
const active = () => and(isNull(beneficiaires.fusionneDans), isNull(beneficiaires.anonymiseAt))!;

/** Possible duplicates among the conseiller's own beneficiaries: same names and birth year, or same phone, or same e-mail. */
export async function findDoublons(db: Db, conseillerId: string, v: ValidBeneficiaire, excludeId?: string): Promise<BeneficiaireRow[]> {
  const matches: SQL[] = [];
  const key = cleNom(v.prenom, v.nom);
  matches.push(
    v.anneeNaissance ? and(eq(beneficiaires.cleNom, key), eq(beneficiaires.anneeNaissance, v.anneeNaissance))! : eq(beneficiaires.cleNom, key),
  );
  if (v.telephone) matches.push(eq(beneficiaires.telephone, v.telephone));
  if (v.email) matches.push(eq(beneficiaires.email, v.email));
  const conds: SQL[] = [own(conseillerId), active(), or(...matches)!];
  if (excludeId) conds.push(sql`${beneficiaires.id} <> ${excludeId}`);
  return db.select().from(beneficiaires).where(and(...conds)).orderBy(asc(beneficiaires.createdAt)).limit(20);
}

export async function createBeneficiaire(
  db: Db,
  actor: Actor,
  owner: { conseillerId: string; structureId: string | null },
  v: ValidBeneficiaire,
  now: Date = new Date(),
): Promise<BeneficiaireRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(beneficiaires)
      .values({
        conseillerId: owner.conseillerId,
        structureId: owner.structureId,
        prenom: v.prenom,
        nom: v.nom,
        anneeNaissance: v.anneeNaissance,
        communeInsee: v.communeInsee,
        telephone: v.telephone,
        email: v.email,
        notes: v.notes,
        cleNom: cleNom(v.prenom, v.nom),
        consentementAt: now,
      })
      .returning();
    // No name in the audit log: administrators read it, and beneficiaries are private to their conseiller.
    await recordAudit(tx, actor, { action: 'beneficiaire.cree', objectType: 'beneficiaire', objectId: row!.id, summary: 'Bénéficiaire suivi créé (consentement recueilli)' });
    return row!;
  });
}

export async function updateBeneficiaire(db: Db, actor: Actor, conseillerId: string, id: string, v: ValidBeneficiaire): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(beneficiaires)
      .set({
        prenom: v.prenom,
        nom: v.nom,
        anneeNaissance: v.anneeNaissance,
        communeInsee: v.communeInsee,
        telephone: v.telephone,
        email: v.email,
        notes: v.notes,
        cleNom: cleNom(v.prenom, v.nom),
        updatedAt: new Date(),
      })
      .where(and(eq(beneficiaires.id, id), own(conseillerId), active()))
      .returning({ id: beneficiaires.id });
    if (!rows[0]) return false;
    await recordAudit(tx, actor, { action: 'beneficiaire.modifie', objectType: 'beneficiaire', objectId: id, summary: 'Bénéficiaire suivi modifié' });
    return true;
  });
}

/** One of the conseiller's own beneficiaries; another conseiller's is "absent". */
export async function getOwnBeneficiaire(db: Db, conseillerId: string, id: string): Promise<BeneficiaireRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [r] = await db.select().from(beneficiaires).where(and(eq(beneficiaires.id, id.toLowerCase()), own(conseillerId)));
  return r;
}

export async function listBeneficiaires(db: Db, conseillerId: string, q = '', limit = 200): Promise<BeneficiaireRow[]> {
  const conds: SQL[] = [own(conseillerId), active()];
  const key = cleNom(q, '');
  if (key) conds.push(sql`${beneficiaires.cleNom} like ${'%' + key.replace(/[%_\\]/g, (c) => '\\' + c) + '%'}`);
  return db.select().from(beneficiaires).where(and(...conds)).orderBy(asc(beneficiaires.nom), asc(beneficiaires.prenom)).limit(limit);
}

export async function countBeneficiaires(db: Db, conseillerId: string): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(beneficiaires).where(and(own(conseillerId), active()));
  return r?.n ?? 0;
}

/** First and last accompaniment and count, from the records. */
export async function beneficiaireStats(db: Db, id: string): Promise<{ n: number; premier: string | null; dernier: string | null }> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int`, premier: sql<string | null>`min(${activites.date})::text`, dernier: sql<string | null>`max(${activites.date})::text` })
    .from(activites)
    .where(and(eq(activites.beneficiaireId, id), isNull(activites.deletedAt)));
  return r ?? { n: 0, premier: null, dernier: null };
}

export class BeneficiaireError extends Error {}

/**
 * Merges `doublonId` into `keepId` (both the conseiller's own): its activities move to `keepId`, its
 * empty fields complete `keepId`'s, and it stays as history (fusionne_dans), hidden from lists.
 */
export async function mergeBeneficiaires(db: Db, actor: Actor, conseillerId: string, keepId: string, doublonId: string): Promise<number> {
  if (keepId === doublonId) throw new BeneficiaireError('Choisissez deux bénéficiaires différents.');
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(beneficiaires)
      .where(and(sql`${beneficiaires.id} in (${keepId}::uuid, ${doublonId}::uuid)`, own(conseillerId), active()))
      .for('update');
    const keep = rows.find((r) => r.id === keepId);
    const other = rows.find((r) => r.id === doublonId);
    if (!keep || !other) throw new BeneficiaireError('Ces bénéficiaires ne peuvent pas être fusionnés (introuvables ou déjà fusionnés).');
    const moved = await tx
      .update(activites)
      .set({ beneficiaireId: keepId, updatedAt: new Date() })
      .where(eq(activites.beneficiaireId, doublonId))
      .returning({ id: activites.id });
    await tx
      .update(beneficiaires)
      .set({
        anneeNaissance: keep.anneeNaissance ?? other.anneeNaissance,
        communeInsee: keep.communeInsee ?? other.communeInsee,
        telephone: keep.telephone ?? other.telephone,
        email: keep.email ?? other.email,
        notes: [keep.notes, other.notes].filter(Boolean).join('\n') || null,
        updatedAt: new Date(),
      })
      .where(eq(beneficiaires.id, keepId));
    await tx.update(beneficiaires).set({ fusionneDans: keepId, updatedAt: new Date() }).where(eq(beneficiaires.id, doublonId));
    await recordAudit(tx, actor, {
      action: 'beneficiaire.fusionne',
      objectType: 'beneficiaire',
      objectId: keepId,
      summary: `Doublon ${doublonId} fusionné dans ${keepId} (${moved.length} activités rattachées)`,
      before: { doublon: doublonId, activites: moved.map((m) => m.id) },
    });
    return moved.length;
  });
}

const ERASED = {
  prenom: null,
  nom: null,
  anneeNaissance: null,
  communeInsee: null,
  telephone: null,
  email: null,
  notes: null,
  cleNom: null,
};

/** Erases a person's data on request (and that of the rows merged into it). Activities stay, anonymous. */
export async function effacerBeneficiaire(db: Db, actor: Actor, conseillerId: string, id: string, now = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(beneficiaires)
      .set({ ...ERASED, anonymiseAt: now, updatedAt: now })
      .where(and(or(eq(beneficiaires.id, id), eq(beneficiaires.fusionneDans, id)), own(conseillerId), isNull(beneficiaires.anonymiseAt)))
      .returning({ id: beneficiaires.id });
    if (rows.length === 0) return false;
    await recordAudit(tx, actor, { action: 'beneficiaire.efface', objectType: 'beneficiaire', objectId: id, summary: 'Données du bénéficiaire effacées à sa demande' });
    return true;
  });
}

/** Everything held about a person, for a request of access (RGPD article 15). */
export async function exportBeneficiaire(db: Db, conseillerId: string, id: string) {
  const b = await getOwnBeneficiaire(db, conseillerId, id);
  if (!b) return undefined;
  const merged = await db.select({ id: beneficiaires.id }).from(beneficiaires).where(eq(beneficiaires.fusionneDans, id));
  const acts = await db
    .select()
    .from(activites)
    .where(and(eq(activites.beneficiaireId, id), isNull(activites.deletedAt)))
    .orderBy(asc(activites.date));
  return {
    beneficiaire: {
      id: b.id,
      prenom: b.prenom,
      nom: b.nom,
      annee_naissance: b.anneeNaissance,
      tranche_age: trancheAge(b.anneeNaissance, new Date().getFullYear()),
      commune_insee: b.communeInsee,
      telephone: b.telephone,
      email: b.email,
      notes: b.notes,
      consentement_le: b.consentementAt ? new Date(b.consentementAt).toISOString() : null,
      cree_le: new Date(b.createdAt).toISOString(),
      fiches_fusionnees: merged.map((m) => m.id),
    },
    activites: acts.map(toPayload),
  };
}

/** Default retention of a followed beneficiary without activity, in months (BENEFICIAIRES_RETENTION_MOIS). */
export const DEFAULT_RETENTION_MONTHS = 12;

export function retentionMonths(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.BENEFICIAIRES_RETENTION_MOIS;
  const n = v ? Number(v) : DEFAULT_RETENTION_MONTHS;
  return Number.isInteger(n) && n >= 1 && n <= 120 ? n : DEFAULT_RETENTION_MONTHS;
}

/**
 * The retention job: anonymises followed beneficiaries whose last activity (or, without any, whose
 * creation) is older than `months` months. Idempotent; safe to run on several instances at once.
 */
export async function anonymiserInactifs(db: Db, actor: Actor, opts: { now?: Date; months?: number } = {}): Promise<number> {
  const now = opts.now ?? new Date();
  const cutoff = addMonths(parisDate(now), -(opts.months ?? DEFAULT_RETENTION_MONTHS));
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(beneficiaires)
      .set({ ...ERASED, anonymiseAt: now, updatedAt: now })
      .where(
        and(
          isNull(beneficiaires.anonymiseAt),
          sql`(${beneficiaires.createdAt} at time zone 'Europe/Paris')::date < ${cutoff}::date`,
          sql`not exists (select 1 from ${activites} a where a.beneficiaire_id = ${beneficiaires.id} and a.deleted_at is null and a.date >= ${cutoff}::date)`,
        ),
      )
      .returning({ id: beneficiaires.id });
    if (rows.length)
      await recordAudit(tx, actor, {
        action: 'beneficiaires.anonymises',
        objectType: 'beneficiaire',
        summary: `${rows.length} bénéficiaires sans activité depuis le ${cutoff} anonymisés (durée de conservation)`,
      });
    return rows.length;
  });
}
