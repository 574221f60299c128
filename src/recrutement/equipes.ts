/**
 * Coordinators' teams (domain §2, §11): ANCT names the conseillers a coordinator leads — one by one,
 * or every conseiller of a département — each membership dated from `debut` to `fin` (both days
 * included; `fin` null while it lasts). A coordinator's statistics count a member's activities only
 * within these periods (`membresPendant`, read by src/activites through its teams port).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isCalendarDate } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { findUserByEmail, findUserById, listGrants, userNames, usersWithRoleInStructures } from '../comptes/users.js';
import { getStructure, listStructures } from '../structures/structures.js';
import { departement as departementDe } from '../territoires/territoires.js';
import { contrats, equipeMembres } from './schema.js';

export type MembreEquipe = typeof equipeMembres.$inferSelect;

/** A period, calendar dates (YYYY-MM-DD), both included; `fin` null while it lasts. */
export interface Periode {
  debut: string;
  fin: string | null;
}

/** A refused input or transition: a French message per field (form names), and an HTTP status. */
export class EquipeError extends Error {
  constructor(
    readonly errors: Record<string, string>,
    readonly status = 400,
  ) {
    super(Object.values(errors).join(' '));
  }
}

const fr = (d: string) => d.split('-').reverse().join('/');

/** A typed date: AAAA-MM-JJ (a date field), or JJ/MM/AAAA (typed by hand where the browser has no date field). */
export function dateSaisie(v: string | undefined): string {
  const s = v?.trim() ?? '';
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : s;
}

// ——— Pure rules on periods ———

/** The common part of two periods, or null when they do not meet. */
export function intersection(a: Periode, b: Periode): Periode | null {
  const debut = a.debut > b.debut ? a.debut : b.debut;
  const fin = a.fin === null ? b.fin : b.fin === null ? a.fin : a.fin < b.fin ? a.fin : b.fin;
  return fin !== null && fin < debut ? null : { debut, fin };
}

/** Whether two periods share at least one day. */
export function chevauchent(a: Periode, b: Periode): boolean {
  return intersection(a, b) !== null;
}

function lendemain(d: string): string {
  const x = new Date(`${d}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + 1);
  return x.toISOString().slice(0, 10);
}

/** The same days as a list of periods, as few periods as possible, in order (touching ones joined). */
export function fusionner(periodes: readonly Periode[]): Periode[] {
  const sorted = [...periodes].sort((a, b) => (a.debut < b.debut ? -1 : a.debut > b.debut ? 1 : 0));
  const out: Periode[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && (last.fin === null || lendemain(last.fin) >= p.debut)) {
      if (last.fin !== null && (p.fin === null || p.fin > last.fin)) last.fin = p.fin;
    } else out.push({ ...p });
  }
  return out;
}

/** Where a membership stands today. */
export function etatDe(p: Periode, today: string): 'a_venir' | 'en_cours' | 'terminee' {
  if (p.debut > today) return 'a_venir';
  if (p.fin !== null && p.fin < today) return 'terminee';
  return 'en_cours';
}

// ——— Coordinators ———

export interface Coordinateur {
  id: string;
  prenom: string;
  nom: string;
  email: string;
  structures: string[];
}

/** A user holding the coordinateur role (with their structures' names), or undefined. */
export async function getCoordinateur(db: Db, id: string): Promise<Coordinateur | undefined> {
  if (!isUuid(id)) return undefined;
  const u = await findUserById(db, id);
  if (!u) return undefined;
  const grants = (await listGrants(db, u.id)).filter((g) => g.role === 'coordinateur');
  if (grants.length === 0) return undefined;
  const structures = await Promise.all(grants.filter((g) => g.structureId).map((g) => getStructure(db, g.structureId!)));
  return { id: u.id, prenom: u.firstName, nom: u.lastName, email: u.email, structures: structures.map((s) => s?.nom ?? '').filter(Boolean) };
}

export interface LigneCoordinateur {
  id: string;
  prenom: string;
  nom: string;
  structures: string[];
  /** Memberships running today (a département counts once). */
  enCours: number;
  /** Every membership, past and future included. */
  total: number;
}

/** ANCT's list: every active account holding the coordinateur role, with the size of their team. */
export async function listerCoordinateurs(db: Db, today: string): Promise<LigneCoordinateur[]> {
  // The coordinateur role is bound to a structure: its holders are found through every structure.
  const { rows: toutes } = await listStructures(db, { all: true, departements: [], structureIds: [] }, { limit: 1_000_000 });
  const noms = new Map(toutes.map((s) => [s.id, s.nom]));
  const titulaires = await usersWithRoleInStructures(db, 'coordinateur', toutes.map((s) => s.id));
  const byId = new Map<string, LigneCoordinateur>();
  for (const t of titulaires) {
    const l = byId.get(t.id) ?? { id: t.id, prenom: t.firstName, nom: t.lastName, structures: [], enCours: 0, total: 0 };
    const n = noms.get(t.structureId);
    if (n && !l.structures.includes(n)) l.structures.push(n);
    byId.set(t.id, l);
  }
  if (byId.size) {
    const counts = await db
      .select({
        coordinateurId: equipeMembres.coordinateurId,
        total: sql<number>`count(*)::int`,
        enCours: sql<number>`(count(*) filter (where ${equipeMembres.debut} <= ${today}::date and (${equipeMembres.fin} is null or ${equipeMembres.fin} >= ${today}::date)))::int`,
      })
      .from(equipeMembres)
      .where(inArray(equipeMembres.coordinateurId, [...byId.keys()]))
      .groupBy(equipeMembres.coordinateurId);
    for (const c of counts) {
      const l = byId.get(c.coordinateurId);
      if (l) Object.assign(l, { total: c.total, enCours: c.enCours });
    }
  }
  return [...byId.values()].sort((a, b) => a.nom.localeCompare(b.nom, 'fr') || a.prenom.localeCompare(b.prenom, 'fr'));
}

// ——— A team ———

export interface LigneMembre {
  id: string;
  /** A named conseiller (user id), or null for a département. */
  conseillerId: string | null;
  departement: string | null;
  /** What the page shows: « Camille Conseillère », « Tous les conseillers de la Moselle (57) ». */
  libelle: string;
  debut: string;
  fin: string | null;
  etat: 'a_venir' | 'en_cours' | 'terminee';
}

/** A coordinator's memberships, most recent start first, with who or what each one names. */
export async function equipeDe(db: Db, coordinateurId: string, today: string): Promise<LigneMembre[]> {
  if (!isUuid(coordinateurId)) return [];
  const rows = await db
    .select()
    .from(equipeMembres)
    .where(eq(equipeMembres.coordinateurId, coordinateurId))
    .orderBy(sql`${equipeMembres.debut} desc`, asc(equipeMembres.createdAt));
  const names = await userNames(db, [...new Set(rows.map((r) => r.conseillerId).filter((x): x is string => x !== null))]);
  return rows.map((r) => {
    let libelle: string;
    if (r.conseillerId) {
      const n = names.get(r.conseillerId);
      libelle = n ? `${n.firstName} ${n.lastName}` : 'Compte supprimé';
    } else {
      const d = departementDe(r.departement ?? '');
      libelle = `Tous les conseillers ${d ? `du département ${d.nom} (${d.code})` : `du département ${r.departement}`}`;
    }
    return { id: r.id, conseillerId: r.conseillerId, departement: r.departement, libelle, debut: r.debut, fin: r.fin, etat: etatDe(r, today) };
  });
}

/** The form's fields: `type` (conseiller | departement), `conseiller` (e-mail or id), `departement`, `debut`, `fin`. */
export interface MembreForm {
  type?: string | undefined;
  conseiller?: string | undefined;
  departement?: string | undefined;
  debut?: string | undefined;
  fin?: string | undefined;
}

/**
 * ANCT adds a member to a coordinator's team: a named conseiller (an account holding the conseiller
 * role, found by e-mail or id) or a département, from `debut` (today when empty) to `fin` (optional).
 * The same member twice over overlapping periods is refused. Throws EquipeError.
 */
export async function ajouterMembre(db: Db, actor: Actor, coordinateurId: string, f: MembreForm, today: string): Promise<MembreEquipe> {
  const errors: Record<string, string> = {};
  const type = f.type?.trim() || 'conseiller';
  let conseillerId: string | null = null;
  let dep: string | null = null;
  let libelle = '';
  if (type === 'conseiller') {
    const q = f.conseiller?.trim() ?? '';
    if (!q) errors.conseiller = "Indiquez l'adresse électronique du conseiller à ajouter.";
    else {
      const u = q.includes('@') ? await findUserByEmail(db, q) : isUuid(q) ? await findUserById(db, q.toLowerCase()) : undefined;
      const conseiller = u && u.active && (await listGrants(db, u.id)).some((g) => g.role === 'conseiller') ? u : undefined;
      if (!conseiller) errors.conseiller = `Aucun conseiller numérique n'a le compte « ${q.slice(0, 100)} » : vérifiez l'adresse électronique.`;
      else if (conseiller.id === coordinateurId) errors.conseiller = "Un coordinateur ne fait pas partie de sa propre équipe.";
      else {
        conseillerId = conseiller.id;
        libelle = `${conseiller.firstName} ${conseiller.lastName}`;
      }
    }
  } else if (type === 'departement') {
    const d = f.departement?.trim() ? departementDe(f.departement.trim()) : undefined;
    if (!f.departement?.trim()) errors.departement = 'Choisissez le département dont les conseillers rejoignent l’équipe.';
    else if (!d) errors.departement = `Département inconnu « ${f.departement.trim().slice(0, 10)} ».`;
    else {
      dep = d.code;
      libelle = `les conseillers du département ${d.nom} (${d.code})`;
    }
  } else errors.type = 'Choisissez un conseiller nommé ou un département.';
  const debut = dateSaisie(f.debut) || today;
  if (!isCalendarDate(debut)) errors.debut = 'La date de début doit être une date réelle, par exemple 01/09/2025.';
  const fin = dateSaisie(f.fin) || null;
  if (fin !== null && !isCalendarDate(fin)) errors.fin = 'La date de fin doit être une date réelle, par exemple 30/06/2026.';
  else if (fin !== null && isCalendarDate(debut) && fin < debut) errors.fin = `La date de fin ne peut pas précéder le début (le ${fr(debut)}).`;
  if (Object.keys(errors).length) throw new EquipeError(errors, 400);

  return db.transaction(async (tx) => {
    // One writer per team at a time: two additions of the same member cannot both pass the overlap check.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`recrutement:equipe:${coordinateurId}`}))`);
    const memes = await tx
      .select()
      .from(equipeMembres)
      .where(and(eq(equipeMembres.coordinateurId, coordinateurId), conseillerId ? eq(equipeMembres.conseillerId, conseillerId) : eq(equipeMembres.departement, dep!)));
    const periode = { debut, fin };
    const deja = memes.find((m) => chevauchent(m, periode));
    if (deja) {
      const field = conseillerId ? 'conseiller' : 'departement';
      throw new EquipeError(
        { [field]: `${conseillerId ? libelle : `Le département ${dep}`} fait déjà partie de l'équipe ${deja.fin ? `du ${fr(deja.debut)} au ${fr(deja.fin)}` : `depuis le ${fr(deja.debut)}`} : les périodes ne peuvent pas se chevaucher.` },
        409,
      );
    }
    const [row] = await tx.insert(equipeMembres).values({ coordinateurId, conseillerId, departement: dep, debut, fin }).returning();
    await recordAudit(tx, actor, {
      action: 'recrutement.equipe_membre_ajoute',
      objectType: 'equipe',
      objectId: coordinateurId,
      summary: `Ajout à l'équipe : ${libelle}, ${fin ? `du ${fr(debut)} au ${fr(fin)}` : `à partir du ${fr(debut)}`}`,
      after: { membre: row!.id, conseillerId, departement: dep, debut, fin },
    });
    return row!;
  });
}

/**
 * ANCT ends a membership on `fin` (included; today when empty). It may end earlier than a planned end,
 * never before its start nor later than an end already passed. Throws EquipeError (404 when the
 * membership is not this coordinator's).
 */
export async function terminerMembre(db: Db, actor: Actor, coordinateurId: string, membreId: string, finSaisie: string | undefined, today: string): Promise<MembreEquipe> {
  if (!isUuid(membreId)) throw new EquipeError({ _form: 'Membre introuvable.' }, 404);
  const id = membreId.toLowerCase();
  const field = `fin-${id}`;
  const fin = dateSaisie(finSaisie) || today;
  if (!isCalendarDate(fin)) throw new EquipeError({ [field]: 'La date de fin doit être une date réelle, par exemple 30/06/2026.' }, 400);
  return db.transaction(async (tx) => {
    const [m] = await tx
      .select()
      .from(equipeMembres)
      .where(and(eq(equipeMembres.id, id), eq(equipeMembres.coordinateurId, coordinateurId)))
      .for('update');
    if (!m) throw new EquipeError({ _form: "Ce membre ne fait pas partie de l'équipe." }, 404);
    if (fin < m.debut) throw new EquipeError({ [field]: `La fin ne peut pas précéder le début de la présence dans l'équipe (le ${fr(m.debut)}).` }, 400);
    if (m.fin !== null && m.fin <= fin) throw new EquipeError({ [field]: `Cette présence dans l'équipe se termine déjà le ${fr(m.fin)}.` }, 409);
    const [after] = await tx.update(equipeMembres).set({ fin }).where(eq(equipeMembres.id, m.id)).returning();
    await recordAudit(tx, actor, {
      action: 'recrutement.equipe_membre_fin',
      objectType: 'equipe',
      objectId: coordinateurId,
      summary: `Fin de présence dans l'équipe le ${fr(fin)}`,
      before: { membre: m.id, fin: m.fin },
      after: { membre: m.id, fin },
    });
    return after!;
  });
}

// ——— For the activities context ———

/** A contract's period, as periodesDeTravail reads it (src/recrutement/recrutement.ts). */
function periodeDuContrat(c: { statut: string; dateDebut: string; dateFin: string | null; ruptureDate: string | null }): Periode {
  return { debut: c.dateDebut, fin: c.statut === 'rompu' ? c.ruptureDate : c.statut === 'termine' ? c.dateFin : (c.ruptureDate ?? c.dateFin) };
}

/**
 * Every conseiller who is or was in the coordinator's team, with the periods they were (the port
 * src/activites reads: `setEquipesPort({ membresPendant })`). A named conseiller: the membership's
 * period. A département: each conseiller who worked in one of its structures — for each validated
 * contract there, the part of the membership during the contract; a conseiller holding the conseiller
 * role on such a structure without any contract known there, the whole membership. The coordinator
 * themself is left out (their own activities count anyway). Periods are joined per conseiller.
 */
export async function membresPendant(db: Db, coordinateurId: string): Promise<{ userId: string; debut: string; fin: string | null }[]> {
  if (!isUuid(coordinateurId)) return [];
  const rows = await db.select().from(equipeMembres).where(eq(equipeMembres.coordinateurId, coordinateurId));
  const parUser = new Map<string, Periode[]>();
  const add = (userId: string, p: Periode | null) => {
    if (!p || userId === coordinateurId) return;
    const l = parUser.get(userId) ?? [];
    l.push(p);
    parUser.set(userId, l);
  };
  const structuresDe = new Map<string, string[]>();
  for (const m of rows) {
    const membre: Periode = { debut: m.debut, fin: m.fin };
    if (m.conseillerId) {
      add(m.conseillerId, membre);
      continue;
    }
    if (!m.departement) continue;
    let ids = structuresDe.get(m.departement);
    if (!ids) {
      const { rows: s } = await listStructures(db, { all: false, departements: [m.departement], structureIds: [] }, { limit: 1_000_000 });
      ids = s.map((x) => x.id);
      structuresDe.set(m.departement, ids);
    }
    if (ids.length === 0) continue;
    const [titulaires, cs] = await Promise.all([
      usersWithRoleInStructures(db, 'conseiller', ids),
      db
        .select({ userId: contrats.userId, statut: contrats.statut, dateDebut: contrats.dateDebut, dateFin: contrats.dateFin, ruptureDate: contrats.ruptureDate })
        .from(contrats)
        .where(and(inArray(contrats.structureId, ids), inArray(contrats.statut, ['valide', 'rompu', 'termine']), eq(contrats.coordinateur, false))),
    ]);
    const sousContrat = new Set<string>();
    for (const c of cs) {
      sousContrat.add(c.userId);
      add(c.userId, intersection(membre, periodeDuContrat(c)));
    }
    for (const t of titulaires) if (!sousContrat.has(t.id)) add(t.id, membre);
  }
  const out: { userId: string; debut: string; fin: string | null }[] = [];
  for (const [userId, ps] of parUser) for (const p of fusionner(ps)) out.push({ userId, debut: p.debut, fin: p.fin });
  return out;
}
