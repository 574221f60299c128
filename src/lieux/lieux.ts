import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { hasRole, type Principal } from '../platform/access.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { distanceKm, normaliseName } from '../territoires/territoires.js';
import { userNames } from '../comptes/users.js';
import { lieux, lieuxConseillers } from './schema.js';
import { FIELDS, toRecord, type Field, type LieuV1 } from './standard.js';
import { isUuid } from '../platform/ids.js';

export type LieuRow = typeof lieux.$inferSelect;
type LieuInsert = typeof lieux.$inferInsert;

/** Standard field → table column (property of the Drizzle table). */
export const COLUMN: Record<Exclude<Field, 'id'>, keyof LieuRow> = {
  pivot: 'pivot',
  nom: 'nom',
  commune: 'commune',
  code_postal: 'codePostal',
  code_insee: 'codeInsee',
  adresse: 'adresse',
  complement_adresse: 'complementAdresse',
  latitude: 'latitude',
  longitude: 'longitude',
  typologie: 'typologie',
  telephone: 'telephone',
  courriels: 'courriels',
  site_web: 'siteWeb',
  horaires: 'horaires',
  presentation_resume: 'presentationResume',
  presentation_detail: 'presentationDetail',
  source: 'source',
  itinerance: 'itinerance',
  structure_parente: 'structureParente',
  date_maj: 'dateMaj',
  services: 'services',
  publics_specifiquement_adresses: 'publicsSpecifiquementAdresses',
  prise_en_charge_specifique: 'priseEnChargeSpecifique',
  frais_a_charge: 'fraisACharge',
  dispositif_programmes_nationaux: 'dispositifProgrammesNationaux',
  formations_labels: 'formationsLabels',
  autres_formations_labels: 'autresFormationsLabels',
  modalites_acces: 'modalitesAcces',
  modalites_accompagnement: 'modalitesAccompagnement',
  fiche_acces_libre: 'ficheAccesLibre',
  prise_rdv: 'priseRdv',
};

/** The place in the standard; its `id` is ours (stable, unique across sources). */
export function toV1(row: LieuRow): LieuV1 {
  const out: Record<string, unknown> = { id: row.id };
  for (const f of FIELDS) if (f !== 'id') out[f] = row[COLUMN[f]];
  return out as unknown as LieuV1;
}

export function columnsOf(v: LieuV1): Omit<LieuInsert, 'origine' | 'origineId' | 'empreinte'> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) if (f !== 'id') out[COLUMN[f]] = v[f];
  return out as Omit<LieuInsert, 'origine' | 'origineId' | 'empreinte'>;
}

/** sha256 of the standard record (without its id) and the platform fields that an import sets. */
export function empreinte(v: LieuV1, extra: Record<string, unknown> = {}): string {
  const rec: Record<string, unknown> = { ...toRecord(v), ...extra };
  delete rec.id;
  return createHash('sha256').update(JSON.stringify(rec)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Change notification: the search engines of this process rebuild after a write.

const changes = new EventEmitter();
changes.setMaxListeners(0);
export function notifyLieuxChanged(db: Db): void {
  changes.emit('change', db);
}
export function onLieuxChanged(listener: (db: Db) => void): () => void {
  changes.on('change', listener);
  return () => changes.off('change', listener);
}

/** Cheap signature of the table (indexed max + count) for instances that poll for others' writes. */
export async function lieuxSignature(db: Db): Promise<string> {
  const [r] = await db.select({ n: sql<number>`count(*)::int`, max: sql<string>`max(${lieux.updatedAt})::text` }).from(lieux);
  return `${r?.n ?? 0}|${r?.max ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The places where a conseiller works (their permanences), for their activity reports. */
export async function lieuxDuConseiller(db: Db, userId: string): Promise<{ id: string; nom: string; communeInsee: string | null }[]> {
  return db
    .select({ id: lieux.id, nom: lieux.nom, communeInsee: lieux.codeInsee })
    .from(lieuxConseillers)
    .innerJoin(lieux, eq(lieux.id, lieuxConseillers.lieuId))
    .where(eq(lieuxConseillers.userId, userId))
    .orderBy(lieux.nom);
}


export async function getLieu(db: Db, id: string): Promise<LieuRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [l] = await db.select().from(lieux).where(eq(lieux.id, id)).limit(1);
  return l;
}

export interface Permanence {
  userId: string;
  creneaux: string[];
}

export interface ConseillerPresent extends Permanence {
  prenom: string;
  nom: string;
}

export async function permanencesOf(db: Db, lieuId: string): Promise<ConseillerPresent[]> {
  const rows = await db.select().from(lieuxConseillers).where(eq(lieuxConseillers.lieuId, lieuId));
  const names = await userNames(db, rows.map((r) => r.userId));
  return rows
    .map((r) => ({ userId: r.userId, creneaux: r.creneaux, prenom: names.get(r.userId)?.firstName ?? '', nom: names.get(r.userId)?.lastName ?? '' }))
    .sort((a, b) => a.nom.localeCompare(b.nom, 'fr'));
}

/** The resource `can(user, 'lieux:gerer', …)` judges. */
export async function lieuResource(db: Db, l: LieuRow): Promise<{ kind: 'lieu'; structureId: string | null; conseillerIds: string[] }> {
  const rows = await db.select({ userId: lieuxConseillers.userId }).from(lieuxConseillers).where(eq(lieuxConseillers.lieuId, l.id));
  return { kind: 'lieu', structureId: l.structureId, conseillerIds: rows.map((r) => r.userId) };
}

/** Places a user may manage: all (admin), their structures' (managers), those they work at (conseillers). */
export function gestionCondition(db: Db, user: Principal): SQL {
  if (hasRole(user, 'admin')) return sql`true`;
  const parts: SQL[] = [];
  const structureIds = user.roles.filter((g) => g.role === 'structure' && g.structureId).map((g) => g.structureId!);
  if (structureIds.length) parts.push(inArray(lieux.structureId, structureIds));
  if (hasRole(user, 'conseiller')) {
    parts.push(sql`${lieux.id} in (select ${lieuxConseillers.lieuId} from ${lieuxConseillers} where ${lieuxConseillers.userId} = ${user.id})`);
  }
  return parts.length ? or(...parts)! : sql`false`;
}

export async function listLieuxGestion(db: Db, user: Principal, f: { q?: string; limit: number; offset: number }): Promise<{ rows: LieuRow[]; total: number }> {
  const conds: SQL[] = [gestionCondition(db, user)];
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (c) => '\\' + c)}%`;
    conds.push(or(ilike(lieux.nom, like), ilike(lieux.commune, like), ilike(lieux.codePostal, like), ilike(lieux.pivot, like))!);
  }
  const where = and(...conds);
  const rows = await db.select().from(lieux).where(where).orderBy(asc(lieux.nom), asc(lieux.id)).limit(f.limit).offset(f.offset);
  const [c] = await db.select({ n: sql<number>`count(*)::int` }).from(lieux).where(where);
  return { rows, total: c?.n ?? 0 };
}

/**
 * Published: public, and not a likely duplicate held for an administrator's review (nor one they
 * set aside). The finder, the public API and the exports show only these.
 */
export const publie = (): SQL => sql`${lieux.public} and coalesce(${lieux.doublonStatut}, '') not in ('a_verifier', 'ecarte')`;

/** Every published place (the search index, the exports). */
export async function publicLieux(db: Db): Promise<LieuRow[]> {
  return db.select().from(lieux).where(publie()).orderBy(asc(lieux.id));
}

// ---------------------------------------------------------------------------------------------
// Duplicates

/**
 * Words that say what kind of place it is, not which one: two names sharing only these (« Mairie
 * de Vernon », « Secours catholique de Vernon ») are not alike. The commune's own name is left out too.
 */
const MOTS_GENERIQUES = new Set(
  'mairie commune ville hotel centre social sociale socio culturel maison espace association ass asso groupe sos france services service mediatheque bibliotheque communaute communes agglomeration departement departemental conseil antenne site point numerique pole relais agence bureau annexe siege tous quartier'.split(' '),
);

export function similarNames(a: string, b: string, communes: string[] = []): boolean {
  const x = normaliseName(a);
  const y = normaliseName(b);
  if (!x || !y) return false;
  if (x === y || x.includes(y) || y.includes(x)) return true;
  const ignored = new Set(communes.flatMap((c) => normaliseName(c).split(' ')));
  const words = (s: string) => new Set(s.split(' ').filter((w) => w.length > 2 && !MOTS_GENERIQUES.has(w) && !ignored.has(w)));
  const wx = words(x);
  const wy = words(y);
  if (!wx.size || !wy.size) return false;
  const common = [...wx].filter((w) => wy.has(w)).length;
  return common > 0 && common / Math.min(wx.size, wy.size) >= 0.5;
}

const addressKey = (s: string) => normaliseName(s).replace(/\b(bis|ter)\b/g, '').replace(/\s+/g, ' ').trim();

/** What two places are compared on. */
export interface Comparable {
  pivot: string;
  nom: string;
  adresse: string;
  codePostal: string;
  commune: string;
  codeInsee: string | null;
  latitude: number | null;
  longitude: number | null;
}

const MAX_DISTANCE_KM = 0.03;

const memeCommune = (a: Comparable, b: Comparable): boolean => {
  if (a.codeInsee && b.codeInsee) return a.codeInsee === b.codeInsee;
  const x = normaliseName(a.commune);
  const y = normaliseName(b.commune);
  return !!x && !!y && (x.includes(y) || y.includes(x));
};

/**
 * Whether two places look like the same one: same SIRET (pivot) and address; or a similar name at
 * the same address (same postcode and commune) or within 30 m. The 00000000000000 pivot (unknown)
 * never matches by itself.
 */
export function ressemblent(a: Comparable, b: Comparable): boolean {
  const ka = addressKey(a.adresse);
  const memeAdresse = !!ka && a.codePostal === b.codePostal && ka === addressKey(b.adresse) && memeCommune(a, b);
  if (memeAdresse && a.pivot && a.pivot === b.pivot && !/^0+$/.test(a.pivot)) return true;
  if (!similarNames(a.nom, b.nom, [a.commune, b.commune])) return false;
  if (memeAdresse) return true;
  if (a.latitude === null || a.longitude === null || b.latitude === null || b.longitude === null) return false;
  return distanceKm({ lat: a.latitude, lng: a.longitude }, { lat: b.latitude, lng: b.longitude }) <= MAX_DISTANCE_KM;
}

/** A place of the standard as compared. */
type Compare = Pick<LieuV1, 'pivot' | 'adresse' | 'code_postal' | 'commune' | 'code_insee' | 'nom' | 'latitude' | 'longitude'>;

export const comparableOf = (v: Compare): Comparable => ({
  pivot: v.pivot,
  nom: v.nom,
  adresse: v.adresse,
  codePostal: v.code_postal,
  commune: v.commune,
  codeInsee: v.code_insee,
  latitude: v.latitude,
  longitude: v.longitude,
});

/**
 * Places that look like the same one (ressemblent): the candidates are those of the same postcode
 * or within about 30 m, read in one indexed query.
 */
export async function doublonsPossibles(db: Db, v: Compare, excludeId?: string): Promise<LieuRow[]> {
  const conds: SQL[] = [eq(lieux.codePostal, v.code_postal)];
  if (v.latitude !== null && v.longitude !== null) {
    const dLat = MAX_DISTANCE_KM / 111;
    const dLng = MAX_DISTANCE_KM / (111 * Math.max(0.01, Math.cos((v.latitude * Math.PI) / 180)));
    conds.push(sql`(${lieux.latitude} between ${v.latitude - dLat} and ${v.latitude + dLat} and ${lieux.longitude} between ${v.longitude - dLng} and ${v.longitude + dLng})`);
  }
  const candidates = await db
    .select()
    .from(lieux)
    .where(or(...conds))
    .limit(500);
  const me = comparableOf(v);
  return candidates.filter((l) => l.id !== excludeId && ressemblent(me, l));
}

// ---------------------------------------------------------------------------------------------
// Writing (from the form, the demo)

export interface LieuInput {
  v: LieuV1;
  structureId: string | null;
  public: boolean;
  permanences: Permanence[];
}

export const ORIGINE_PLATEFORME = 'plateforme';

async function setPermanences(tx: Db, lieuId: string, permanences: Permanence[]): Promise<void> {
  await tx.delete(lieuxConseillers).where(eq(lieuxConseillers.lieuId, lieuId));
  const kept = permanences.filter((p, i, all) => all.findIndex((q) => q.userId === p.userId) === i);
  if (kept.length) await tx.insert(lieuxConseillers).values(kept.map((p) => ({ lieuId, userId: p.userId, creneaux: p.creneaux })));
}

export async function createLieu(db: Db, actor: Actor, input: LieuInput, opts: { demo?: boolean } = {}): Promise<LieuRow> {
  const id = randomUUID();
  const l = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(lieux)
      .values({
        id,
        ...columnsOf(input.v),
        structureId: input.structureId,
        public: input.public,
        origine: ORIGINE_PLATEFORME,
        origineId: id,
        empreinte: empreinte(input.v, { structureId: input.structureId, public: input.public }),
        demo: opts.demo ?? false,
      })
      .returning();
    if (!row) throw new Error('insert failed');
    await setPermanences(tx, row.id, input.permanences);
    await recordAudit(tx, actor, {
      action: 'lieu.cree',
      objectType: 'lieu',
      objectId: row.id,
      summary: `Lieu « ${row.nom} » créé (${row.codePostal} ${row.commune})`,
      after: { ...toRecord(input.v), structureId: input.structureId, public: input.public, permanences: input.permanences },
    });
    return row;
  });
  notifyLieuxChanged(db);
  return l;
}

export async function updateLieu(db: Db, actor: Actor, id: string, input: LieuInput): Promise<LieuRow> {
  const l = await db.transaction(async (tx) => {
    const [before] = await tx.select().from(lieux).where(eq(lieux.id, id)).for('update');
    if (!before) throw new Error('lieu introuvable');
    const cols = columnsOf(input.v);
    // A likely duplicate held for review stays unpublished until an administrator decides
    // (/admin/lieux/doublons); one set aside there and made public again here is published again.
    const visible = before.doublonStatut === 'a_verifier' ? false : input.public;
    const statut = before.doublonStatut === 'ecarte' && visible ? { doublonStatut: 'distinct' as const } : {};
    const [after] = await tx
      .update(lieux)
      .set({ ...cols, structureId: input.structureId, public: visible, ...statut, empreinte: empreinte(input.v, { structureId: input.structureId, public: visible }), updatedAt: new Date() })
      .where(eq(lieux.id, id))
      .returning();
    await setPermanences(tx, id, input.permanences);
    const changed = (Object.keys(cols) as (keyof typeof cols)[]).filter((k) => JSON.stringify(before[k as keyof LieuRow]) !== JSON.stringify(cols[k]));
    if (before.public !== visible) changed.push('public' as never);
    if (before.structureId !== input.structureId) changed.push('structureId' as never);
    await recordAudit(tx, actor, {
      action: 'lieu.modifie',
      objectType: 'lieu',
      objectId: id,
      summary: `Lieu « ${after!.nom} » modifié (${changed.join(', ') || 'permanences'})`,
      before: Object.fromEntries(changed.map((k) => [k, before[k as keyof LieuRow]])),
      after: Object.fromEntries(changed.map((k) => [k, (after as Record<string, unknown>)[k]])),
    });
    return after!;
  });
  notifyLieuxChanged(db);
  return l;
}

/** Removes the demo places (demo reset); real places are untouched. */
export async function deleteDemoLieux(db: Db): Promise<void> {
  await db.delete(lieux).where(eq(lieux.demo, true));
  notifyLieuxChanged(db);
}

/**
 * A conseiller leaves a structure (a validated rupture, a contract at its end): they stop working in
 * its places. Their other places (another employer's, or places without a structure) are kept.
 */
export async function retirerConseillerDesLieux(db: Db, userId: string, structureId: string): Promise<number> {
  const gone = await db
    .delete(lieuxConseillers)
    .where(and(eq(lieuxConseillers.userId, userId), inArray(lieuxConseillers.lieuId, db.select({ id: lieux.id }).from(lieux).where(eq(lieux.structureId, structureId)))))
    .returning({ lieuId: lieuxConseillers.lieuId });
  if (gone.length) notifyLieuxChanged(db);
  return gone.length;
}
