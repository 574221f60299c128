/**
 * Use cases of activity reports: record (idempotent by the client's UUID), edit, delete, read,
 * list by keyset, iterate for exports, and counts computed from the records.
 */
import { and, eq, getTableColumns, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { preparedStatement, type Db } from '../platform/db.js';
import type { Principal } from '../platform/access.js';
import { auditInsertFrom, recordAudit, type Actor } from '../audit/audit.js';
import { findUserById } from '../comptes/users.js';
import { getStructure } from '../structures/structures.js';
import { commune, resoudreCommune } from '../territoires/territoires.js';
import { activites, beneficiaires } from './schema.js';
import { TYPES, label, trancheAge, trancheDuree } from './codes.js';
import { dateLongue, debutDeSemaine, isCalendarDate, parisDate, type Clock } from './dates.js';
import { getContratsPort, getEquipesPort, getLieuxPort, onContratsPortChange, onLieuxPortChange, type LieuActivite, type PeriodeDeTravail, type PeriodeEquipe } from './ports.js';
import { isUuid } from '../platform/ids.js';
import { boundedCache } from '../platform/cache.js';
import { accompagnementsOf, validateActivite, type ActivitePayload, type FieldErrors, type Participants, type Personne, type ValidationContext } from './validation.js';

export type ActiviteRow = typeof activites.$inferSelect;

/** Who records: the conseiller (or coordinateur), their structure and when they may have worked. */
export interface ConseillerProfile {
  userId: string;
  structureId: string | null;
  departement: string | null;
  /** YYYY-MM-DD, Europe/Paris: no activity before it (the first contract's start). */
  startDate: string | null;
  /** YYYY-MM-DD: no activity after it (the end of the last contract once none runs); null while one runs. */
  endDate: string | null;
  lieux: LieuActivite[];
  /** The structure's commune (INSEE): an activity « à distance » given no commune is counted there. */
  communeStructure?: string | null;
}

/** Each structure's département (it never changes once created), kept five minutes. */
const structureCache = boundedCache<string, { departement: string; communeInsee: string | null }>({ name: 'activites.departement-des-structures', max: 10_000, ttlMs: 300_000 });

/**
 * Who records, and the dates that bound their activities: from their validated contracts (the
 * contracts port), else — no contract known, e.g. an account created by hand — from the calendar day
 * (Europe/Paris) their account was created, with no end.
 */
export async function conseillerProfile(db: Db, user: Principal): Promise<ConseillerProfile> {
  const grant = user.roles.find((g) => (g.role === 'conseiller' || g.role === 'coordinateur') && g.structureId);
  const structureId = grant?.structureId ?? null;
  let departement: string | null = null;
  let communeStructure: string | null = null;
  if (structureId) {
    const cached = structureCache.get(structureId);
    if (cached) ({ departement, communeInsee: communeStructure } = cached);
    else {
      const s = await getStructure(db, structureId);
      departement = s?.departement ?? null;
      communeStructure = s?.communeInsee ?? null;
      if (s) structureCache.set(structureId, { departement: s.departement, communeInsee: communeStructure });
    }
  }
  const [dates, lieux] = await Promise.all([datesOf(db, user.id), lieuxOf(db, user.id)]);
  return { userId: user.id, structureId, departement, startDate: dates.startDate, endDate: dates.endDate, lieux, communeStructure };
}

export interface BornesDeTravail {
  startDate: string | null;
  endDate: string | null;
}

/**
 * The dates bounding a conseiller's activities. With contracts: from the earliest start; up to the
 * end of the last one (rupture or end date) once none runs any more, else no end. Without any
 * contract: from `creation` (the account's creation day), no end.
 */
export function bornesDeTravail(periodes: readonly PeriodeDeTravail[], creation: string | null): BornesDeTravail {
  const valid = periodes.filter((p) => isCalendarDate(p.debut) && (p.fin === null || isCalendarDate(p.fin)));
  if (valid.length === 0) return { startDate: creation, endDate: null };
  let startDate = valid[0]!.debut;
  let endDate: string | null = '';
  for (const p of valid) {
    if (p.debut < startDate) startDate = p.debut;
    if (p.fin === null) endDate = null;
    else if (endDate !== null && p.fin > endDate) endDate = p.fin;
  }
  return { startDate, endDate: endDate || null };
}

/**
 * Each user's bounds, kept one minute: an offline queue replaying a day of entries costs two queries,
 * not two per entry. Recruitment drops a user's entry when their contracts change (`oublierProfil`),
 * so that the next entry reads the new dates at once; another instance sees them within the minute.
 */
const datesCache = boundedCache<string, BornesDeTravail>({ name: 'activites.bornes-des-conseillers', max: 50_000, ttlMs: 60_000 });

/** Forgets what was read of a user's contracts (every user's without an id): call after their contracts change. */
export function oublierProfil(userId?: string): void {
  if (userId === undefined) datesCache.clear();
  else datesCache.delete(userId.toLowerCase());
}

onContratsPortChange(() => datesCache.clear());

/**
 * Each user's places of activity, kept one minute: dropped at once after any change of places or
 * permanences in this process (the places port reports them); another instance's within the minute.
 */
const lieuxCache = boundedCache<string, LieuActivite[]>({ name: 'activites.lieux-des-conseillers', max: 50_000, ttlMs: 60_000 });
onLieuxPortChange(() => lieuxCache.clear());

async function lieuxOf(db: Db, userId: string): Promise<LieuActivite[]> {
  const key = userId.toLowerCase();
  const hit = lieuxCache.get(key);
  if (hit) return hit;
  const lieux = await getLieuxPort().lieuxOfConseiller(db, userId);
  lieuxCache.set(key, lieux);
  return lieux;
}

async function datesOf(db: Db, userId: string): Promise<BornesDeTravail> {
  const key = userId.toLowerCase();
  const hit = datesCache.get(key);
  if (hit) return hit;
  const periodes = await getContratsPort().periodesDeTravail(db, userId);
  const u = periodes.length ? undefined : await findUserById(db, userId);
  const dates = bornesDeTravail(periodes, u ? parisDate(u.createdAt) : null);
  datesCache.set(key, dates);
  return dates;
}

export function validationContext(profile: ConseillerProfile, clock: Clock): ValidationContext {
  return {
    today: parisDate(clock()),
    startDate: profile.startDate,
    endDate: profile.endDate,
    lieux: profile.lieux.map((l) => ({ id: l.id.toLowerCase(), communeInsee: l.communeInsee })),
    communeExists: (insee) => !!commune(insee),
    resoudreCommune,
    communeParDefaut: profile.communeStructure ?? null,
  };
}

export class ActiviteInvalid extends Error {
  constructor(readonly errors: FieldErrors) {
    super('activité invalide');
  }
}

export class ActiviteConflict extends Error {}

/**
 * Validates against the rules and the conseiller's own data (their beneficiary). `storedBeneficiaireId`
 * is the beneficiary already linked to the activity being edited: it is kept even once anonymised
 * (erased on request or by the retention job), so that the activity stays editable; a new link must
 * point to an active beneficiary.
 */
export async function checkActivite(
  db: Db,
  profile: ConseillerProfile,
  input: unknown,
  clock: Clock,
  storedBeneficiaireId: string | null = null,
): Promise<ActivitePayload> {
  const v = validateActivite(input, validationContext(profile, clock));
  if (!v.ok) throw new ActiviteInvalid(v.errors);
  if (v.value.beneficiaire_id) {
    const unchanged = v.value.beneficiaire_id === storedBeneficiaireId;
    const [b] = await db
      .select({ id: beneficiaires.id })
      .from(beneficiaires)
      .where(
        and(
          eq(beneficiaires.id, v.value.beneficiaire_id),
          eq(beneficiaires.conseillerId, profile.userId),
          isNull(beneficiaires.fusionneDans),
          unchanged ? undefined : isNull(beneficiaires.anonymiseAt),
        ),
      );
    if (!b) throw new ActiviteInvalid({ beneficiaire_id: "Ce bénéficiaire n'existe pas parmi vos bénéficiaires suivis." });
  }
  return v.value;
}

async function columnsOf(db: Db, profile: ConseillerProfile, v: ActivitePayload) {
  let participants: Participants | null = v.participants;
  if (!participants) {
    // One person: what was said of them; else their age bracket from the beneficiary's birth year at the activity's date; else unknown.
    const said = v.personne ?? null;
    let age = said?.tranche_age ?? 'non_communique';
    if (!said?.tranche_age && v.beneficiaire_id) {
      const [b] = await db.select({ annee: beneficiaires.anneeNaissance }).from(beneficiaires).where(eq(beneficiaires.id, v.beneficiaire_id));
      age = trancheAge(b?.annee ?? null, Number(v.date.slice(0, 4)));
    }
    participants = {
      total: 1,
      deja_accompagnes: 0,
      genres: { [said?.genre ?? 'non_communique']: 1 },
      tranches_age: { [age]: 1 },
      statuts: { [said?.statut ?? 'non_communique']: 1 },
      // what was said, to give it back as it was sent (the counts also hold the beneficiary's age)
      ...(said ? { personne: said } : {}),
    };
  }
  return {
    conseillerId: profile.userId,
    structureId: profile.structureId,
    departement: profile.departement,
    type: v.type,
    date: v.date,
    dureeMinutes: v.duree_minutes,
    trancheDuree: trancheDuree(v.duree_minutes),
    lieuType: v.lieu.type,
    lieuId: v.lieu.lieu_id,
    communeInsee: v.lieu.commune_insee,
    thematiques: v.thematiques,
    thematiquesDemarches: v.thematiques_demarches,
    nomDemarche: v.nom_demarche,
    materiel: v.materiel,
    autonomie: v.autonomie,
    orientation: v.orientation,
    titreAtelier: v.titre_atelier,
    niveauAtelier: v.niveau_atelier,
    beneficiaireId: v.beneficiaire_id,
    accompagnements: accompagnementsOf(v),
    participants,
    notes: v.notes,
  };
}

/** The stored activity in the API's shape (the same field names as the payload). */
export function toPayload(r: ActiviteRow): ActivitePayload & { created_at: string; updated_at: string } {
  return {
    id: r.id,
    type: r.type as ActivitePayload['type'],
    date: r.date,
    duree_minutes: r.dureeMinutes,
    lieu: { type: r.lieuType as ActivitePayload['lieu']['type'], lieu_id: r.lieuId, commune_insee: r.communeInsee },
    thematiques: r.thematiques,
    thematiques_demarches: r.thematiquesDemarches,
    nom_demarche: r.nomDemarche,
    materiel: r.materiel,
    autonomie: r.autonomie,
    orientation: r.orientation,
    beneficiaire_id: r.beneficiaireId,
    notes: r.notes,
    titre_atelier: r.titreAtelier,
    niveau_atelier: r.niveauAtelier,
    participants: r.type === 'collectif' ? (r.participants as Participants) : null,
    personne: r.type === 'collectif' ? null : ((r.participants as { personne?: Personne }).personne ?? null),
    created_at: new Date(r.createdAt).toISOString(),
    updated_at: new Date(r.updatedAt).toISOString(),
  };
}

/** Same content? (what an idempotent replay must carry to get the stored record back). */
export function samePayload(a: ActivitePayload, b: ActivitePayload): boolean {
  // Keys sorted at every level: jsonb gives objects back in its own key order.
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)).map(([k, x]) => [k, sorted(x)])) : v;
  const canon = (p: ActivitePayload) => JSON.stringify(sorted({ ...p, participants: p.participants ?? null }));
  const keys: (keyof ActivitePayload)[] = [
    'id', 'type', 'date', 'duree_minutes', 'lieu', 'thematiques', 'thematiques_demarches', 'nom_demarche', 'materiel',
    'autonomie', 'orientation', 'beneficiaire_id', 'notes', 'titre_atelier', 'niveau_atelier', 'participants', 'personne',
  ];
  const pick = (p: ActivitePayload) => canon(Object.fromEntries(keys.map((k) => [k, p[k] ?? null])) as unknown as ActivitePayload);
  return pick(a) === pick(b);
}

/** The API names of the fields whose value differs between two versions of an activity. */
export function changedFields(before: ActivitePayload, after: ActivitePayload): string[] {
  const keys: (keyof ActivitePayload)[] = [
    'type', 'date', 'duree_minutes', 'lieu', 'thematiques', 'thematiques_demarches', 'nom_demarche', 'materiel',
    'autonomie', 'orientation', 'beneficiaire_id', 'notes', 'titre_atelier', 'niveau_atelier', 'participants', 'personne',
  ];
  return keys.filter((k) => !samePayload({ ...before, [k]: after[k] ?? null }, { ...before, [k]: before[k] ?? null }));
}

export type CreateResult = { created: true; row: ActiviteRow } | { created: false; row: ActiviteRow };

/**
 * Records an activity under the client's UUID. The same UUID sent again with the same content
 * returns the stored record (created: false); with another content, or after a deletion, or by
 * another conseiller, it is a conflict.
 */
export async function createActivite(db: Db, actor: Actor, profile: ConseillerProfile, v: ActivitePayload): Promise<CreateResult> {
  const values = await columnsOf(db, profile, v);
  const [inserted] = await insertActivite(db, {
    ...values,
    id: v.id,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    requestId: actor.requestId ?? null,
    summary: `${label(TYPES, v.type)} du ${dateLongue(v.date)} enregistré${v.type === 'ponctuel' ? 'e' : ''}`,
  });
  if (inserted) return { created: true as const, row: activiteFromDriver(inserted) };
  // The UUID exists (committed: ON CONFLICT waited for a concurrent insert of it): a replay or a conflict.
  const [existing] = await db.select().from(activites).where(eq(activites.id, v.id));
  if (!existing || existing.conseillerId !== profile.userId) throw new ActiviteConflict('Cet identifiant est déjà utilisé.');
  if (existing.deletedAt) throw new ActiviteConflict('Cette activité a été supprimée : son identifiant ne peut pas être réutilisé.');
  if (!samePayload(toPayload(existing), v))
    throw new ActiviteConflict('Une autre activité a déjà été enregistrée avec cet identifiant : générez un nouvel identifiant.');
  return { created: false as const, row: existing };
}

/**
 * The row and its audit entry in one statement: atomic by itself (no BEGIN/COMMIT round trips), the
 * entry written only when the row is (not on a replay); triggers on activites run inside it. Built once
 * (a prepared statement): every write of every conseiller runs it.
 */
/** Every column a new activity sets (the timestamps are the database's). */
const INSERT_COLUMNS = Object.keys(getTableColumns(activites)).filter((c) => !['createdAt', 'updatedAt', 'deletedAt'].includes(c));
const insertActivite = preparedStatement('cn_activite_creee', (db) => {
  const insert = db
    .insert(activites)
    .values(Object.fromEntries(INSERT_COLUMNS.map((c) => [c, sql.placeholder(c)])) as unknown as typeof activites.$inferInsert)
    .onConflictDoNothing({ target: activites.id })
    .returning();
  const audit = auditInsertFrom(
    { userId: sql.placeholder('actorUserId') as unknown as string, label: sql.placeholder('actorLabel') as unknown as string, requestId: sql.placeholder('requestId') as unknown as string },
    { action: 'activite.creee', objectType: 'activite', objectId: sql.placeholder('id') as unknown as string, summary: sql.placeholder('summary') as unknown as string },
    'ins',
  );
  return sql`with ins as (${insert.getSQL()}), audit as (${audit}) select * from ins`;
});

const ACTIVITE_COLUMNS = Object.entries(getTableColumns(activites));

/** A row of `activites` as the driver returns it from raw SQL (column names), in Drizzle's shape. */
function activiteFromDriver(raw: Record<string, unknown>): ActiviteRow {
  const out: Record<string, unknown> = {};
  for (const [key, column] of ACTIVITE_COLUMNS) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as ActiviteRow;
}

/** An activity of this conseiller (not deleted), or undefined. Another conseiller's is "absent". */
export async function getOwnActivite(db: Db, conseillerId: string, id: string): Promise<ActiviteRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [r] = await db
    .select()
    .from(activites)
    .where(and(eq(activites.id, id.toLowerCase()), eq(activites.conseillerId, conseillerId), isNull(activites.deletedAt)));
  return r;
}

export async function updateActivite(db: Db, actor: Actor, profile: ConseillerProfile, v: ActivitePayload): Promise<ActiviteRow> {
  const values = await columnsOf(db, profile, v);
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(activites)
      .where(and(eq(activites.id, v.id), eq(activites.conseillerId, profile.userId), isNull(activites.deletedAt)))
      .for('update');
    if (!before) throw new ActiviteConflict("Cette activité n'existe plus.");
    // The structure at the time of recording stays: an edit does not move past statistics.
    const [row] = await tx
      .update(activites)
      .set({ ...values, structureId: before.structureId, departement: before.departement, updatedAt: new Date() })
      .where(eq(activites.id, v.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'activite.modifiee',
      objectType: 'activite',
      objectId: v.id,
      summary: `Activité du ${dateLongue(v.date)} modifiée`,
      // Administrators read the audit log: only the names of the changed fields, never their
      // values (notes and titles are free text, the beneficiary is private to the conseiller).
      after: { champs_modifies: changedFields(toPayload(before), v) },
    });
    return row!;
  });
}

export async function deleteActivite(db: Db, actor: Actor, conseillerId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(activites)
      .set({ deletedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(activites.id, id), eq(activites.conseillerId, conseillerId), isNull(activites.deletedAt)))
      .returning({ id: activites.id, date: activites.date });
    if (!rows[0]) return false;
    await recordAudit(tx, actor, { action: 'activite.supprimee', objectType: 'activite', objectId: id, summary: `Activité du ${dateLongue(rows[0].date)} supprimée` });
    return true;
  });
}

// ------------------------------------------------------------------------------------------------
// Lists, exports

export interface ActiviteFilter {
  du?: string | undefined;
  au?: string | undefined;
  type?: string | undefined;
  thematique?: string | undefined;
  /** A lieu type code, or `lieu_activite:<uuid>`. */
  lieu?: string | undefined;
  beneficiaire?: string | undefined;
}

/**
 * A coordinator's perimeter (domain §11): their own activities, plus each team member's dated within
 * the member's periods in the team (both ends included).
 */
export interface EquipeScope {
  coordinateurId: string;
  periodes: PeriodeEquipe[];
}

/**
 * Whose activities: one conseiller's (their own lists), structures' (a structure's aggregates and
 * anonymous exports) or a coordinator's team (theirs and their members' during their membership).
 */
export type ActiviteOwner = string | { structureIds: string[] } | EquipeScope;

/** The coordinator's team from the teams port; malformed or empty periods are left out. */
export async function equipeScope(db: Db, coordinateurId: string): Promise<EquipeScope> {
  const periodes = (await getEquipesPort().membresPendant(db, coordinateurId)).filter(
    (p) =>
      isUuid(p.userId) &&
      p.userId.toLowerCase() !== coordinateurId.toLowerCase() &&
      isCalendarDate(p.debut) &&
      (p.fin === null || (isCalendarDate(p.fin) && p.fin >= p.debut)),
  );
  return { coordinateurId, periodes: periodes.map((p) => ({ userId: p.userId.toLowerCase(), debut: p.debut, fin: p.fin })) };
}

/** The distinct team members of a scope (the coordinator left out). */
export function membresDe(scope: EquipeScope): string[] {
  return [...new Set(scope.periodes.map((p) => p.userId))];
}

function equipeCondition(s: EquipeScope): SQL {
  const parts: SQL[] = [eq(activites.conseillerId, s.coordinateurId)];
  for (const p of s.periodes) {
    const conds: SQL[] = [eq(activites.conseillerId, p.userId), sql`${activites.date} >= ${p.debut}::date`];
    if (p.fin) conds.push(sql`${activites.date} <= ${p.fin}::date`);
    parts.push(and(...conds)!);
  }
  return parts.length === 1 ? parts[0]! : or(...parts)!;
}

function ownerCondition(owner: ActiviteOwner): SQL {
  if (typeof owner === 'string') return eq(activites.conseillerId, owner);
  if ('structureIds' in owner) return owner.structureIds.length ? inArray(activites.structureId, owner.structureIds) : sql`false`;
  return equipeCondition(owner);
}

function filterConditions(owner: ActiviteOwner, f: ActiviteFilter): SQL[] {
  const conds: SQL[] = [ownerCondition(owner), isNull(activites.deletedAt)];
  if (f.du) conds.push(sql`${activites.date} >= ${f.du}`);
  if (f.au) conds.push(sql`${activites.date} <= ${f.au}`);
  if (f.type) conds.push(eq(activites.type, f.type));
  if (f.thematique) conds.push(sql`${activites.thematiques} @> array[${f.thematique}]::text[]`);
  if (f.lieu?.startsWith('lieu_activite:')) conds.push(eq(activites.lieuId, f.lieu.slice('lieu_activite:'.length)));
  else if (f.lieu) conds.push(eq(activites.lieuType, f.lieu));
  if (f.beneficiaire) conds.push(eq(activites.beneficiaireId, f.beneficiaire));
  return conds;
}

/** Keyset position: the (date, id) of the last row of the previous page. */
export interface Cursor {
  date: string;
  id: string;
}

export function encodeCursor(r: { date: string; id: string }): string {
  return `${r.date}_${r.id}`;
}

export function decodeCursor(s: unknown): Cursor | null {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})_(.{36})$/.exec(s);
  if (!m || !isCalendarDate(m[1]) || !isUuid(m[2])) return null;
  return { date: m[1]!, id: m[2]!.toLowerCase() };
}

/** One page of a conseiller's activities, newest first: (date desc, id desc), walking the index. */
export async function listActivites(db: Db, owner: ActiviteOwner, f: ActiviteFilter, after: Cursor | null, limit: number): Promise<ActiviteRow[]> {
  const conds = filterConditions(owner, f);
  if (after) conds.push(sql`(${activites.date}, ${activites.id}) < (${after.date}::date, ${after.id}::uuid)`);
  return db
    .select()
    .from(activites)
    .where(and(...conds))
    .orderBy(sql`${activites.date} desc nulls last`, sql`${activites.id} desc nulls last`)
    .limit(limit);
}

/** Every matching activity, in pages of `batch` rows: memory stays constant whatever the count. */
export async function* iterateActivites(db: Db, owner: ActiviteOwner, f: ActiviteFilter, batch = 1000): AsyncGenerator<ActiviteRow> {
  let after: Cursor | null = null;
  for (;;) {
    const rows = await listActivites(db, owner, f, after, batch);
    for (const r of rows) yield r;
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { date: last.date, id: last.id };
  }
}

/** The activity whose fields prefill the next entry: the given one, or the most recent. */
export async function previousActivite(db: Db, conseillerId: string, id?: string): Promise<ActiviteRow | undefined> {
  if (id) {
    const r = await getOwnActivite(db, conseillerId, id);
    if (r) return r;
  }
  const [r] = await listActivites(db, conseillerId, {}, null, 1);
  return r;
}

// ------------------------------------------------------------------------------------------------
// Counts: always computed from the records (indexed), so they cannot drift after edits or merges.

export interface ActiviteCounts {
  activites: number;
  accompagnements: number;
  individuels: number;
  collectifs: number;
  ponctuels: number;
  /** Activities of the current month (Europe/Paris). */
  activitesDuMois: number;
  accompagnementsDuMois: number;
  /** Activities of the current week, from Monday (Europe/Paris). */
  activitesDeLaSemaine: number;
  accompagnementsDeLaSemaine: number;
}

async function counts(db: Db, where: SQL, today: string): Promise<ActiviteCounts> {
  const month = today.slice(0, 7) + '-01';
  const week = debutDeSemaine(today);
  const [r] = await db
    .select({
      activites: sql<number>`count(*)::int`,
      accompagnements: sql<number>`coalesce(sum(${activites.accompagnements}), 0)::int`,
      individuels: sql<number>`(count(*) filter (where ${activites.type} = 'individuel'))::int`,
      collectifs: sql<number>`(count(*) filter (where ${activites.type} = 'collectif'))::int`,
      ponctuels: sql<number>`(count(*) filter (where ${activites.type} = 'ponctuel'))::int`,
      activitesDuMois: sql<number>`(count(*) filter (where ${activites.date} >= ${month}::date))::int`,
      accompagnementsDuMois: sql<number>`coalesce(sum(${activites.accompagnements}) filter (where ${activites.date} >= ${month}::date), 0)::int`,
      activitesDeLaSemaine: sql<number>`(count(*) filter (where ${activites.date} >= ${week}::date))::int`,
      accompagnementsDeLaSemaine: sql<number>`coalesce(sum(${activites.accompagnements}) filter (where ${activites.date} >= ${week}::date), 0)::int`,
    })
    .from(activites)
    .where(and(where, isNull(activites.deletedAt)));
  return r ?? NO_COUNTS;
}

export function countsForConseiller(db: Db, conseillerId: string, clock: Clock = () => new Date()): Promise<ActiviteCounts> {
  return counts(db, eq(activites.conseillerId, conseillerId), parisDate(clock()));
}

const NO_COUNTS: ActiviteCounts = {
  activites: 0,
  accompagnements: 0,
  individuels: 0,
  collectifs: 0,
  ponctuels: 0,
  activitesDuMois: 0,
  accompagnementsDuMois: 0,
  activitesDeLaSemaine: 0,
  accompagnementsDeLaSemaine: 0,
};

/** Aggregates of structures (for structure managers: no names, no details). */
export function countsForStructures(db: Db, structureIds: string[], clock: Clock = () => new Date()): Promise<ActiviteCounts> {
  if (structureIds.length === 0) return Promise.resolve({ ...NO_COUNTS });
  return counts(db, ownerCondition({ structureIds }), parisDate(clock()));
}

/** Aggregates of a coordinator's team: their own activities and their members' during their membership. */
export function countsForEquipe(db: Db, scope: EquipeScope, clock: Clock = () => new Date()): Promise<ActiviteCounts> {
  return counts(db, ownerCondition(scope), parisDate(clock()));
}

async function themes(db: Db, where: SQL): Promise<{ thematique: string; n: number }[]> {
  const rows = await db.execute<{ thematique: string; n: number }>(sql`
    select t.thematique, sum(${activites.accompagnements})::int as n
    from ${activites}, unnest(${activites.thematiques}) as t(thematique)
    where ${where} and ${activites.deletedAt} is null
    group by t.thematique order by n desc, t.thematique`);
  return ((rows as unknown as { rows?: { thematique: string; n: number }[] }).rows ?? (rows as unknown as { thematique: string; n: number }[]));
}

/** Accompaniments per theme for structures (aggregates only). */
export async function themesForStructures(db: Db, structureIds: string[]): Promise<{ thematique: string; n: number }[]> {
  if (structureIds.length === 0) return [];
  return themes(db, ownerCondition({ structureIds }));
}

/** Accompaniments per theme for a coordinator's team (aggregates only, membership periods only). */
export function themesForEquipe(db: Db, scope: EquipeScope): Promise<{ thematique: string; n: number }[]> {
  return themes(db, ownerCondition(scope));
}
