/**
 * Reading the agreements: the national table (by région, département or structure, with totals and
 * filters, scoped by the caller's rights), its export for accounting, a structure's posts, alerts.
 * Reads only this context's tables: the figures are those stored by the last computation.
 */
import { and, asc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { departement, region } from '../territoires/territoires.js';
import { conventions, postes, regimes } from './schema.js';
import { ETATS_DOSSIER, frDate, STATUTS_CONVENTION, type EtatDossier, type StatutConvention } from './regles.js';
import type { Convention } from './conventions.js';

export type Regroupement = 'region' | 'departement' | 'structure';

export interface FiltresConventions {
  region?: string | undefined;
  departement?: string | undefined;
  statut?: string | undefined;
  etat?: string | undefined;
  alerte?: boolean | undefined;
  q?: string | undefined;
}

export interface Scope {
  all: boolean;
  departements: string[];
}

function conditions(scope: Scope, f: FiltresConventions): SQL | undefined {
  const c: SQL[] = [];
  if (!scope.all) c.push(scope.departements.length ? inArray(conventions.departement, scope.departements) : sql`false`);
  if (f.region) c.push(eq(conventions.region, f.region));
  if (f.departement) c.push(eq(conventions.departement, f.departement));
  if (f.statut) c.push(eq(conventions.statut, f.statut));
  if (f.etat) c.push(eq(conventions.etat, f.etat));
  if (f.alerte) c.push(sql`jsonb_array_length(${conventions.alertes}) > 0`);
  if (f.q) c.push(ilike(conventions.nom, `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`));
  return c.length ? and(...c) : undefined;
}

export interface Totaux {
  conventions: number;
  postes: number;
  montantCentimes: number;
  verseCentimes: number;
  justifieCentimes: number;
  aReverserCentimes: number;
  alertes: number;
}

export interface LigneGroupe extends Totaux {
  code: string;
  libelle: string;
}

const agregats = {
  conventions: sql<number>`count(*)::int`,
  postes: sql<number>`coalesce(sum(${conventions.postes}), 0)::int`,
  montantCentimes: sql<number>`coalesce(sum(${conventions.montantCentimes}), 0)::bigint`,
  verseCentimes: sql<number>`coalesce(sum(${conventions.verseCentimes}), 0)::bigint`,
  justifieCentimes: sql<number>`coalesce(sum(${conventions.justifieCentimes}), 0)::bigint`,
  aReverserCentimes: sql<number>`coalesce(sum(${conventions.aReverserCentimes}), 0)::bigint`,
  alertes: sql<number>`count(*) filter (where jsonb_array_length(${conventions.alertes}) > 0)::int`,
};

const nombres = <T extends Totaux>(r: T): T => ({
  ...r,
  montantCentimes: Number(r.montantCentimes),
  verseCentimes: Number(r.verseCentimes),
  justifieCentimes: Number(r.justifieCentimes),
  aReverserCentimes: Number(r.aReverserCentimes),
});

/** Totals by région or département, and the overall total, in the caller's scope. */
export async function tableauParTerritoire(db: Db, scope: Scope, f: FiltresConventions, par: 'region' | 'departement'): Promise<{ lignes: LigneGroupe[]; total: Totaux }> {
  const col = par === 'region' ? conventions.region : conventions.departement;
  const rows = await db.select({ code: col, ...agregats }).from(conventions).where(conditions(scope, f)).groupBy(col);
  // The groups cover exactly the filtered rows: the total is their sum (one query, not two).
  const total: Totaux = { conventions: 0, postes: 0, montantCentimes: 0, verseCentimes: 0, justifieCentimes: 0, aReverserCentimes: 0, alertes: 0 };
  for (const r of rows) for (const k of Object.keys(total) as (keyof Totaux)[]) total[k] += Number(r[k]);
  const libelle = (code: string) => (par === 'region' ? region(code)?.nom ?? code : `${code} · ${departement(code)?.nom ?? ''}`);
  return {
    lignes: rows.map((r) => nombres({ ...r, libelle: libelle(r.code) })).sort((a, b) => (par === 'region' ? a.libelle.localeCompare(b.libelle, 'fr') : a.code.localeCompare(b.code))),
    total,
  };
}

export type LigneConvention = Convention & { regime: string };

/** The agreements themselves (one row each), by département then name, a page at a time. */
export async function listeConventions(db: Db, scope: Scope, f: FiltresConventions, page: { limit: number; offset: number }): Promise<{ lignes: LigneConvention[]; total: Totaux }> {
  const where = conditions(scope, f);
  const [rows, [total]] = await Promise.all([
    db
      .select({ c: conventions, regime: regimes.nom })
      .from(conventions)
      .innerJoin(regimes, eq(regimes.id, conventions.regimeId))
      .where(where)
      .orderBy(asc(conventions.departement), asc(conventions.nom), asc(conventions.numero))
      .limit(page.limit)
      .offset(page.offset),
    db.select(agregats).from(conventions).where(where),
  ]);
  return { lignes: rows.map((r) => ({ ...r.c, regime: r.regime })), total: nombres(total!) };
}

/** Every agreement in scope, a page of rows at a time (exports stream from it). */
export async function* chaqueConvention(db: Db, scope: Scope, f: FiltresConventions, pageSize = 1000): AsyncGenerator<LigneConvention> {
  let after = 0;
  const where = conditions(scope, f);
  for (;;) {
    const rows = await db
      .select({ c: conventions, regime: regimes.nom })
      .from(conventions)
      .innerJoin(regimes, eq(regimes.id, conventions.regimeId))
      .where(where ? and(where, sql`${conventions.numero} > ${after}`) : sql`${conventions.numero} > ${after}`)
      .orderBy(asc(conventions.numero))
      .limit(pageSize);
    for (const r of rows) yield { ...r.c, regime: r.regime };
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.c.numero;
  }
}

/** Euros for the spreadsheet: a number in XLSX; in CSV (read by spreadsheet software set to French) « 1234,50 ». */
const euros = (c: number, format: 'csv' | 'xlsx') => (format === 'xlsx' ? Math.round(c) / 100 : (Math.round(c) / 100).toFixed(2).replace('.', ','));

export const COLONNES_EXPORT = [
  'N° de convention',
  'Structure',
  'SIRET',
  'Département',
  'Région',
  'Régime',
  'Statut',
  'État du dossier',
  'Début',
  'Fin',
  'Postes',
  'Montant conventionné (€)',
  'Versé (€)',
  'Justifié (€)',
  'À reverser (€)',
  'Calculé au',
  'Alertes',
];

/** The export's rows: names, labels and French dates; amounts in euros (numbers, for the spreadsheet). */
export async function* lignesExport(db: Db, scope: Scope, f: FiltresConventions, format: 'csv' | 'xlsx'): AsyncGenerator<(string | number)[]> {
  yield COLONNES_EXPORT;
  for await (const c of chaqueConvention(db, scope, f)) {
    yield [
      c.numero,
      c.nom,
      c.siret,
      `${c.departement} · ${departement(c.departement)?.nom ?? ''}`,
      region(c.region)?.nom ?? c.region,
      c.regime,
      STATUTS_CONVENTION[c.statut as StatutConvention] ?? c.statut,
      ETATS_DOSSIER[c.etat as EtatDossier] ?? c.etat,
      frDate(c.dateDebut),
      frDate(c.dateFin),
      c.postes,
      euros(c.montantCentimes, format),
      euros(c.verseCentimes, format),
      euros(c.justifieCentimes, format),
      euros(c.aReverserCentimes, format),
      frDate(c.calculeAu),
      c.alertes.map((a) => ({ poste_vacant: 'poste vacant depuis plus de 3 mois', fin_sans_renouvellement: 'fin dans 90 jours sans reconventionnement', contrat_sans_poste: 'contrat sans poste' })[a] ?? a).join(', '),
    ];
  }
}

/** A structure's posts across its agreements in force (the current one's numbers). */
export async function postesDeStructure(db: Db, conventionId: string): Promise<(typeof postes.$inferSelect)[]> {
  return db.select().from(postes).where(eq(postes.conventionId, conventionId)).orderBy(asc(postes.numero));
}

/** Figures for the Banque's dashboard. */
export async function chiffresBanque(db: Db, scope: Scope): Promise<Totaux & { aValider: number; aSigner: number }> {
  const where = conditions(scope, {});
  const [r] = await db
    .select({ ...agregats, aValider: sql<number>`count(*) filter (where ${conventions.etat} = 'en_instruction')::int`, aSigner: sql<number>`count(*) filter (where ${conventions.etat} = 'en_construction')::int` })
    .from(conventions)
    .where(where);
  return nombres(r!);
}
