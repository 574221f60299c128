/**
 * Coordination activities (domain §2): a coordinator reports what they do as coordinator — team
 * animations, events, partnerships. A simple record owned by the coordinator, apart from the
 * conseillers' activity reports (src/activites). The validation is pure (unit-tested); the use cases
 * always scope by the coordinator, so that another coordinator's record is simply not found.
 */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isCalendarDate } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { coordination } from './coordination-schema.js';
import { dateSaisie } from './equipes.js';

export const TYPES_COORDINATION = {
  animation: "Animation d'équipe",
  evenement: 'Événement',
  partenariat: 'Partenariat',
} as const;
export type TypeCoordination = keyof typeof TYPES_COORDINATION;
export const isTypeCoordination = (v: unknown): v is TypeCoordination => typeof v === 'string' && Object.hasOwn(TYPES_COORDINATION, v);

export const LIMITES_COORDINATION = {
  dateMin: '2020-01-01',
  dureeMin: 1,
  dureeMax: 1440,
  titre: 150,
  partenaire: 200,
  participantsMax: 10_000,
  notes: 1000,
  /** Rows shown on the page, latest first. */
  liste: 100,
} as const;

export type Coordination = typeof coordination.$inferSelect;

/** What the form sends (field names of the page). */
export interface SaisieCoordination {
  type?: string | undefined;
  date?: string | undefined;
  duree_minutes?: string | undefined;
  titre?: string | undefined;
  partenaire?: string | undefined;
  participants?: string | undefined;
  notes?: string | undefined;
}

export interface NouvelleCoordination {
  type: TypeCoordination;
  date: string;
  dureeMinutes: number;
  titre: string;
  partenaire: string | null;
  participants: number | null;
  notes: string | null;
}

export type ValidationCoordination = { ok: true; value: NouvelleCoordination } | { ok: false; errors: Record<string, string> };

/** A refused input: a French message per field (form names), and an HTTP status. */
export class CoordinationError extends Error {
  constructor(
    readonly errors: Record<string, string>,
    readonly status = 400,
  ) {
    super(Object.values(errors).join(' '));
  }
}

const fr = (d: string) => d.split('-').reverse().join('/');
const NOMBRE = new Intl.NumberFormat('fr-FR');
const nombre = (n: number) => NOMBRE.format(n);

/** A whole number written with digits only (no sign, no decimals, no exponent), or NaN. */
function entier(v: string): number {
  return /^\d{1,9}$/.test(v) ? Number(v) : NaN;
}

/**
 * Checks a coordination activity as typed. `today` is the Europe/Paris calendar date
 * (parisCalendarDate()): the activity must have taken place, on or after 1 January 2020.
 */
export function validerCoordination(input: SaisieCoordination, today: string): ValidationCoordination {
  const L = LIMITES_COORDINATION;
  const errors: Record<string, string> = {};
  const s = (v: string | undefined) => (typeof v === 'string' ? v.trim() : '');

  const type = s(input.type);
  if (!isTypeCoordination(type)) errors.type = "Choisissez le type d'activité : animation d'équipe, événement ou partenariat.";

  const date = dateSaisie(s(input.date));
  if (!date) errors.date = "Indiquez la date de l'activité, par exemple 15/03/2025.";
  else if (!isCalendarDate(date)) errors.date = "La date n'existe pas : saisissez-la au format JJ/MM/AAAA, par exemple 15/03/2025.";
  else if (date > today) errors.date = `La date ne peut pas être dans le futur : indiquez une activité qui a eu lieu, au plus tard le ${fr(today)}.`;
  else if (date < L.dateMin) errors.date = `La date doit être le ${fr(L.dateMin)} ou après.`;

  const dureeTexte = s(input.duree_minutes);
  const duree = entier(dureeTexte);
  if (!dureeTexte) errors.duree_minutes = "Indiquez la durée de l'activité en minutes.";
  else if (!Number.isInteger(duree) || duree < L.dureeMin || duree > L.dureeMax)
    errors.duree_minutes = `La durée doit être un nombre entier de minutes, entre ${L.dureeMin} et ${nombre(L.dureeMax)} (24 heures).`;

  const titre = s(input.titre);
  if (!titre) errors.titre = "Indiquez le titre de l'activité.";
  else if (titre.length > L.titre) errors.titre = `Le titre doit contenir au plus ${L.titre} caractères (${titre.length} saisis).`;

  const partenaire = s(input.partenaire);
  if (partenaire.length > L.partenaire) errors.partenaire = `Le nom du partenaire doit contenir au plus ${L.partenaire} caractères (${partenaire.length} saisis).`;
  else if (!partenaire && type === 'partenariat') errors.partenaire = 'Indiquez le partenaire : il est obligatoire pour un partenariat.';

  const participantsTexte = s(input.participants);
  const participants = participantsTexte ? entier(participantsTexte) : null;
  if (participants !== null && (!Number.isInteger(participants) || participants > L.participantsMax))
    errors.participants = `Le nombre de participants doit être un nombre entier entre 0 et ${nombre(L.participantsMax)}.`;

  // A textarea sends its line breaks as CR LF, but counts them as one character (maxlength).
  const notes = s(input.notes).replace(/\r\n?/g, '\n');
  if (notes.length > L.notes) errors.notes = `Les notes doivent contenir au plus ${nombre(L.notes)} caractères (${nombre(notes.length)} saisis).`;

  if (Object.keys(errors).length > 0 || !isTypeCoordination(type)) return { ok: false, errors };
  return {
    ok: true,
    value: { type, date, dureeMinutes: duree, titre, partenaire: partenaire || null, participants, notes: notes || null },
  };
}

/** The first day of the twelve months that end today (both days included): 2025-06-15 → 2024-06-16. */
export function debutDouzeMois(today: string): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const dernierDuMois = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  const x = new Date(Date.UTC(y - 1, m - 1, Math.min(d, dernierDuMois) + 1));
  return x.toISOString().slice(0, 10);
}

// ——— Use cases ———

/** Records a coordination activity of the coordinator, audited; refused input → CoordinationError. */
export async function creerCoordination(db: Db, actor: Actor, coordinateurId: string, input: SaisieCoordination, today: string): Promise<Coordination> {
  const v = validerCoordination(input, today);
  if (!v.ok) throw new CoordinationError(v.errors);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(coordination)
      .values({ coordinateurId, ...v.value })
      .returning();
    if (!row) throw new Error('insert failed');
    await recordAudit(tx, actor, {
      action: 'recrutement.coordination_ajoutee',
      objectType: 'coordination',
      objectId: row.id,
      summary: `Activité de coordination ajoutée : ${TYPES_COORDINATION[v.value.type]} du ${fr(v.value.date)} « ${v.value.titre} »`,
      after: v.value,
    });
    return row;
  });
}

export interface ChiffresCoordination {
  /** The twelve months counted: from `depuis` to today, both included. */
  depuis: string;
  parType: Record<TypeCoordination, number>;
  /** Activities in the twelve months. */
  total: number;
  /** Their total duration, in minutes. */
  minutes: number;
}

export interface ListeCoordination {
  /** The latest activities (by date, then by entry), at most LIMITES_COORDINATION.liste. */
  lignes: Coordination[];
  /** Every activity the coordinator ever recorded. */
  toutes: number;
  chiffres: ChiffresCoordination;
}

/** A coordinator's own activities, latest first, and their figures over the last twelve months. */
export async function listerCoordination(db: Db, coordinateurId: string, today: string): Promise<ListeCoordination> {
  const depuis = debutDouzeMois(today);
  const mine = eq(coordination.coordinateurId, coordinateurId);
  const [lignes, parType, [toutes]] = await Promise.all([
    db
      .select()
      .from(coordination)
      .where(mine)
      .orderBy(desc(coordination.date), desc(coordination.createdAt), desc(coordination.id))
      .limit(LIMITES_COORDINATION.liste),
    db
      .select({ type: coordination.type, n: sql<number>`count(*)::int`, minutes: sql<number>`coalesce(sum(${coordination.dureeMinutes}), 0)::int` })
      .from(coordination)
      .where(and(mine, gte(coordination.date, depuis), sql`${coordination.date} <= ${today}::date`))
      .groupBy(coordination.type),
    db.select({ n: sql<number>`count(*)::int` }).from(coordination).where(mine),
  ]);
  const chiffres: ChiffresCoordination = { depuis, parType: { animation: 0, evenement: 0, partenariat: 0 }, total: 0, minutes: 0 };
  for (const r of parType) {
    if (isTypeCoordination(r.type)) chiffres.parType[r.type] = r.n;
    chiffres.total += r.n;
    chiffres.minutes += r.minutes;
  }
  return { lignes, toutes: toutes?.n ?? 0, chiffres };
}

/** Deletes one of the coordinator's own activities, audited. False when there is none by that id for them. */
export async function supprimerCoordination(db: Db, actor: Actor, coordinateurId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(coordination)
      .where(and(eq(coordination.id, id.toLowerCase()), eq(coordination.coordinateurId, coordinateurId)))
      .returning();
    if (!row) return false;
    await recordAudit(tx, actor, {
      action: 'recrutement.coordination_supprimee',
      objectType: 'coordination',
      objectId: row.id,
      summary: `Activité de coordination supprimée : ${isTypeCoordination(row.type) ? TYPES_COORDINATION[row.type] : row.type} du ${fr(row.date)} « ${row.titre} »`,
      before: { type: row.type, date: row.date, dureeMinutes: row.dureeMinutes, titre: row.titre, partenaire: row.partenaire, participants: row.participants, notes: row.notes },
    });
    return true;
  });
}
