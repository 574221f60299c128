/**
 * Posts and envelopes. Every change of the posts in force (a committee closing, an amendment granted)
 * goes through `appliquerPostes`, which locks the territories' rows first (in code order), checks the
 * envelopes, then writes: two changes at once in one département are serialised on its row and cannot
 * together exceed its envelope.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { departement as departementOf, departements } from '../territoires/territoires.js';
import { countActiveUsersByStructure } from '../comptes/users.js';
import { enPostePort } from './ports.js';
import { dossiers, territoiresPostes, vagues } from './schema.js';
import { depassements, type DepassementEnveloppe } from './regles.js';
import { nomActeur, ProgrammeError, type Dossier } from './dossiers.js';

export const NATIONAL = 'FR';

export class EnveloppeDepasseeError extends Error {
  constructor(
    readonly depassements: (DepassementEnveloppe & { libelle: string; dossiers: { numero: number; nom: string; postes: number }[] })[],
  ) {
    super(
      'Enveloppe dépassée : ' +
        depassements.map((d) => `${d.libelle} (${d.apres} postes pour une enveloppe de ${d.enveloppe} : ${d.dossiers.map((x) => `n° ${x.numero}`).join(', ')})`).join(' ; '),
    );
  }
}

export function libelleTerritoire(code: string): string {
  if (code === NATIONAL) return 'Enveloppe nationale';
  const d = departementOf(code);
  return d ? `${d.nom} (${d.code})` : code;
}

async function lockTerritoires(tx: Db, codes: string[]): Promise<Map<string, { enveloppe: number; postesValides: number }>> {
  const sorted = [...new Set(codes)].sort();
  await tx.insert(territoiresPostes).values(sorted.map((code) => ({ code }))).onConflictDoNothing();
  const rows = await tx.select().from(territoiresPostes).where(inArray(territoiresPostes.code, sorted)).orderBy(asc(territoiresPostes.code)).for('update');
  return new Map(rows.map((r) => [r.code, { enveloppe: r.enveloppe, postesValides: r.postesValides }]));
}

export interface ChangementPostes {
  dossier: Dossier;
  /** Posts in force after the change. */
  postes: number;
}

/** Locks the rows of the touched départements and of the nation, before the files are locked. */
export async function verrouillerTerritoires(tx: Db, departementsTouches: string[]): Promise<Map<string, { enveloppe: number; postesValides: number }>> {
  return lockTerritoires(tx, [...departementsTouches, NATIONAL]);
}

/**
 * Checks the envelopes for a set of changes and applies them to the territories' counts (the caller
 * updates the files). Call with the rows `verrouillerTerritoires` locked in the same transaction.
 * Throws EnveloppeDepasseeError unless a derogation is given.
 */
export async function appliquerPostes(
  tx: Db,
  actuels: Map<string, { enveloppe: number; postesValides: number }>,
  changements: ChangementPostes[],
  opts: { derogation?: string | null | undefined },
): Promise<DepassementEnveloppe[]> {
  const deltas = new Map<string, number>();
  let national = 0;
  for (const c of changements) {
    const delta = c.postes - c.dossier.postesValides;
    deltas.set(c.dossier.departement, (deltas.get(c.dossier.departement) ?? 0) + delta);
    national += delta;
  }
  // The national envelope binds once ANCT has set one (a wave); the départements' always do.
  const [nationale] = await tx.select({ id: vagues.id }).from(vagues).where(eq(vagues.code, NATIONAL)).limit(1);
  if (nationale) deltas.set(NATIONAL, national);
  const over = depassements(actuels, deltas);
  if (over.length && !opts.derogation) {
    throw new EnveloppeDepasseeError(
      over.map((o) => ({
        ...o,
        libelle: libelleTerritoire(o.code),
        dossiers: changements
          .filter((c) => c.postes > c.dossier.postesValides && (o.code === NATIONAL || c.dossier.departement === o.code))
          .map((c) => ({ numero: c.dossier.numero, nom: c.dossier.nom, postes: c.postes })),
      })),
    );
  }
  deltas.set(NATIONAL, national);
  const now = new Date();
  for (const [code, delta] of deltas) {
    if (delta === 0) continue;
    await tx
      .update(territoiresPostes)
      .set({ postesValides: sql`${territoiresPostes.postesValides} + ${delta}`, updatedAt: now })
      .where(eq(territoiresPostes.code, code));
  }
  return over;
}

/** Sets a territory's envelope from a wave; it cannot go below the posts already granted there. */
export async function definirEnveloppe(db: Db, actor: Actor, code: string, postes: number, opts: { date: string; libelle?: string | null }): Promise<{ enveloppe: number; postesValides: number }> {
  if (code !== NATIONAL && !departementOf(code)) throw new ProgrammeError('Département inconnu.', 'code', 404);
  if (!Number.isInteger(postes) || postes < 0 || postes > 100_000) throw new ProgrammeError("L'enveloppe est un nombre entier de postes, de 0 à 100 000.", 'postes', 400);
  const libelle = opts.libelle?.trim() || null;
  if (libelle && libelle.length > 200) throw new ProgrammeError('Le libellé de la vague doit contenir au plus 200 caractères.', 'libelle', 400);
  return db.transaction(async (tx) => {
    const cur = (await lockTerritoires(tx, [code])).get(code)!;
    if (postes < cur.postesValides) {
      throw new ProgrammeError(`${cur.postesValides} postes sont déjà accordés dans ce territoire : l'enveloppe ne peut pas être inférieure.`, 'postes', 409);
    }
    await tx.insert(vagues).values({ code, date: opts.date, postes, libelle, par: nomActeur(actor) });
    await tx.update(territoiresPostes).set({ enveloppe: postes, updatedAt: new Date() }).where(eq(territoiresPostes.code, code));
    await recordAudit(tx, actor, {
      action: 'programme.enveloppe',
      objectType: 'territoire',
      objectId: null,
      summary: `${libelleTerritoire(code)} : enveloppe de ${postes} postes (vague du ${opts.date}${libelle ? `, ${libelle}` : ''})`,
      before: { enveloppe: cur.enveloppe },
      after: { enveloppe: postes },
    });
    return { enveloppe: postes, postesValides: cur.postesValides };
  });
}

export async function vaguesDe(db: Db, code: string): Promise<(typeof vagues.$inferSelect)[]> {
  return db.select().from(vagues).where(eq(vagues.code, code)).orderBy(desc(vagues.date), desc(vagues.createdAt));
}

/**
 * Conseillers in post per structure (all structures when `structureIds` is absent): the posts held by a
 * contract in recruitment (through ports.ts); without recruitment wired, the active accounts with the
 * conseiller or coordinator role on the structure.
 */
export async function conseillersEnPoste(db: Db, structureIds?: string[]): Promise<Map<string, number>> {
  const port = enPostePort();
  return port ? port(db, structureIds) : countActiveUsersByStructure(db, ['conseiller', 'coordinateur'], structureIds);
}

export interface LignePostes {
  code: string;
  libelle: string;
  enveloppe: number;
  postesValides: number;
  postesOccupes: number;
  postesVacants: number;
  dossiersEnAttente: number;
  postesDemandesEnAttente: number;
  structuresValidees: number;
}

/** The national table (or the given départements): envelope, granted, occupied, vacant, pending files. */
export async function tableauPostes(db: Db, visibles: { all: boolean; departements: string[] }): Promise<{ lignes: LignePostes[]; national: LignePostes | null }> {
  const codes = visibles.all ? departements().map((d) => d.code) : visibles.departements;
  if (codes.length === 0) return { lignes: [], national: null };
  const terr = await db
    .select()
    .from(territoiresPostes)
    .where(visibles.all ? undefined : inArray(territoiresPostes.code, codes));
  const byCode = new Map(terr.map((t) => [t.code, t]));
  const pending = await db
    .select({
      departement: dossiers.departement,
      n: sql<number>`count(*)::int`,
      postes: sql<number>`coalesce(sum(${dossiers.postesSouhaites}), 0)::int`,
    })
    .from(dossiers)
    .where(and(inArray(dossiers.statut, ['CREEE', 'EXAMEN_COMPLEMENTAIRE_COSELEC']), visibles.all ? undefined : inArray(dossiers.departement, codes)))
    .groupBy(dossiers.departement);
  const pendingBy = new Map(pending.map((p) => [p.departement, p]));
  // Occupied posts: only the structures that have conseillers in post matter (few, next to the files).
  const enPoste = await conseillersEnPoste(db);
  const withPeople = [...enPoste.keys()];
  const valides = withPeople.length
    ? await db
        .select({ structureId: dossiers.structureId, departement: dossiers.departement, postes: dossiers.postesValides })
        .from(dossiers)
        .where(and(eq(dossiers.statut, 'VALIDATION_COSELEC'), inArray(dossiers.structureId, withPeople), visibles.all ? undefined : inArray(dossiers.departement, codes)))
    : [];
  const structuresValidees = await db
    .select({ departement: dossiers.departement, n: sql<number>`count(*)::int` })
    .from(dossiers)
    .where(and(eq(dossiers.statut, 'VALIDATION_COSELEC'), visibles.all ? undefined : inArray(dossiers.departement, codes)))
    .groupBy(dossiers.departement);
  const occ = new Map<string, { occupes: number; structures: number }>(structuresValidees.map((r) => [r.departement, { occupes: 0, structures: r.n }]));
  for (const v of valides) {
    const o = occ.get(v.departement) ?? { occupes: 0, structures: 0 };
    o.occupes += Math.min(v.postes, enPoste.get(v.structureId) ?? 0);
    occ.set(v.departement, o);
  }
  const lignes = codes.map((code): LignePostes => {
    const t = byCode.get(code);
    const p = pendingBy.get(code);
    const o = occ.get(code);
    const postesValides = t?.postesValides ?? 0;
    const occupes = o?.occupes ?? 0;
    return {
      code,
      libelle: libelleTerritoire(code),
      enveloppe: t?.enveloppe ?? 0,
      postesValides,
      postesOccupes: occupes,
      postesVacants: Math.max(0, postesValides - occupes),
      dossiersEnAttente: p?.n ?? 0,
      postesDemandesEnAttente: p?.postes ?? 0,
      structuresValidees: o?.structures ?? 0,
    };
  });
  let national: LignePostes | null = null;
  if (visibles.all) {
    const t = byCode.get(NATIONAL);
    const sum = (k: keyof LignePostes) => lignes.reduce((a, l) => a + (l[k] as number), 0);
    national = {
      code: NATIONAL,
      libelle: 'France entière',
      enveloppe: t?.enveloppe ?? 0,
      postesValides: t?.postesValides ?? sum('postesValides'),
      postesOccupes: sum('postesOccupes'),
      postesVacants: sum('postesVacants'),
      dossiersEnAttente: sum('dossiersEnAttente'),
      postesDemandesEnAttente: sum('postesDemandesEnAttente'),
      structuresValidees: sum('structuresValidees'),
    };
  }
  return { lignes, national };
}

/** One territory's figures (the API's GET /departements/{code}/postes). */
export async function postesDuTerritoire(db: Db, code: string): Promise<LignePostes | undefined> {
  if (code === NATIONAL) return (await tableauPostes(db, { all: true, departements: [] })).national ?? undefined;
  if (!departementOf(code)) return undefined;
  return (await tableauPostes(db, { all: false, departements: [code] })).lignes[0];
}

