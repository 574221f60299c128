/**
 * Reading the figures of a scope and a period, from two sources with the same shape (regles.ts
 * Figures): the aggregates kept by the triggers (fast, what every page and the API read) and the
 * records themselves (a live GROUP BY over `activites`: what a themes filter needs, and what the
 * random-operations test compares the aggregates with).
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/db.js';
import type { EquipeScope } from '../activites/activites.js';
import { NATIONAL } from './schema.js';
import { decouperPeriode, jourSuivant, joursDeSerie, moisDeSerie, type Dimension, type Figures, type Ligne } from './regles.js';

/** Whose activities. Départements: a région's or one; structure, conseiller: as recorded on the activity. */
export type Perimetre =
  | { kind: 'national' }
  | { kind: 'departements'; departements: string[] }
  | { kind: 'structure'; structureId: string }
  | { kind: 'conseiller'; conseillerId: string }
  | { kind: 'equipe'; equipe: EquipeScope };

export interface Filtre {
  du: string;
  au: string;
  types: string[];
  thematiques: string[];
  /**
   * Narrowing filters (the intersection with the scope): conseillers, structures and départements as
   * recorded on the activity, read from the aggregates; communes and places need the records (lireDirect).
   */
  conseillers?: string[];
  structures?: string[];
  departements?: string[];
  communes?: string[];
  lieux?: string[];
}

interface Colonnes {
  jour: SQL;
  conseiller: SQL;
  structure: SQL;
  departement: SQL;
}

const raw = (s: string) => sql.raw(s);
const colonnesDe = (alias: string, jour: string): Colonnes => ({
  jour: raw(`${alias}.${jour}`),
  conseiller: raw(`${alias}.conseiller_id`),
  structure: raw(`${alias}.structure_id`),
  departement: raw(`${alias}.departement`),
});

const textArray = (values: readonly string[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`;

function portee(p: Perimetre, c: Colonnes): SQL {
  switch (p.kind) {
    case 'national':
      return sql`true`;
    case 'departements':
      return p.departements.length ? sql`${c.departement} = any(${textArray(p.departements)})` : sql`false`;
    case 'structure':
      return sql`${c.structure} = ${p.structureId}::uuid`;
    case 'conseiller':
      return sql`${c.conseiller} = ${p.conseillerId}::uuid`;
    case 'equipe': {
      const parts: SQL[] = [sql`${c.conseiller} = ${p.equipe.coordinateurId}::uuid`];
      for (const m of p.equipe.periodes)
        parts.push(sql`(${c.conseiller} = ${m.userId}::uuid and ${c.jour} >= ${m.debut}::date${m.fin ? sql` and ${c.jour} <= ${m.fin}::date` : sql``})`);
      return sql`(${sql.join(parts, sql` or `)})`;
    }
  }
}

const entre = (c: SQL, du: string, au: string) => sql`${c} between ${du}::date and ${au}::date`;
const typesDe = (f: Filtre, col: SQL) => (f.types.length ? sql` and ${col} = any(${textArray(f.types)})` : sql``);
const uuidArray = (values: readonly string[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::uuid[]`;

/** The conseillers, structures and départements filters on rows that carry them (aggregates or records). */
function filtresDe(f: Filtre, c: Colonnes): SQL {
  const parts: SQL[] = [];
  if (f.conseillers?.length) parts.push(sql` and ${c.conseiller} = any(${uuidArray(f.conseillers)})`);
  if (f.structures?.length) parts.push(sql` and ${c.structure} = any(${uuidArray(f.structures)})`);
  if (f.departements?.length) parts.push(sql` and ${c.departement} = any(${textArray(f.departements)})`);
  return parts.length ? sql.join(parts, sql``) : sql``;
}

/**
 * A départements filter on a territorial scope is the scope's départements that it names (the
 * territory rows can answer it); on another scope the filter stays a clause (filtresDe).
 */
function restreint(p: Perimetre, f: Filtre): Perimetre {
  if (!f.departements?.length) return p;
  if (p.kind === 'national') return { kind: 'departements', departements: [...f.departements] };
  if (p.kind === 'departements') return { kind: 'departements', departements: p.departements.filter((d) => f.departements!.includes(d)) };
  return p;
}

async function rows<T>(db: Db, q: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(q));
}

interface LigneSql {
  dimension: string;
  valeur: string;
  activites: number;
  accompagnements: number;
  participants_ateliers: number;
  personnes: number;
  nouveaux: number;
  minutes: number;
}

const SOMMES = sql.raw(`sum(activites)::int as activites, sum(accompagnements)::int as accompagnements, sum(participants_ateliers)::int as participants_ateliers,
  sum(personnes)::int as personnes, sum(nouveaux)::int as nouveaux, sum(minutes)::int as minutes`);

function figuresDe(lignes: LigneSql[], suivis: SuivisSql): Omit<Figures, 'mensuelle' | 'quotidienne'> {
  const total = lignes.find((l) => l.dimension === 'total');
  const repartitions: Partial<Record<Dimension, Ligne[]>> = {};
  for (const l of lignes) {
    if (l.dimension === 'total') continue;
    (repartitions[l.dimension as Dimension] ??= []).push({ valeur: l.valeur, activites: l.activites, accompagnements: l.accompagnements, personnes: l.personnes, minutes: l.minutes });
  }
  return {
    activites: total?.activites ?? 0,
    accompagnements: total?.accompagnements ?? 0,
    participantsAteliers: total?.participants_ateliers ?? 0,
    anonymes: total?.personnes ?? 0,
    anonymesNouveaux: total?.nouveaux ?? 0,
    repartitions,
    suivis: suivis.suivis,
    suivisNouveaux: suivis.nouveaux,
    suivisPar: suivis.par,
  };
}

interface SuivisSql {
  suivis: number;
  nouveaux: number;
  par: Figures['suivisPar'];
}

/**
 * The distinct people of `source` (a subquery of (beneficiary, day, gender, age, status) rows), each with
 * the values of their last day (ties: the first gender, age bracket and status in text order), in one
 * of two equal ways: `tri` sorts every row by person (the live computation's way); `hachage` first
 * finds each person's last day in a hash table, then sorts only the rows of those days (the
 * aggregates' way: the presences of a national year are sorted by far fewer rows, without spilling to
 * disk). Two formulations of one rule: the random-operations test compares them on every reading.
 */
function personnesDe(source: SQL, methode: 'tri' | 'hachage'): SQL {
  if (methode === 'tri')
    return sql`p as (select distinct on (beneficiaire_id) beneficiaire_id, genre, tranche_age, statut from (${source}) s
                   order by beneficiaire_id, jour desc, genre, tranche_age, statut)`;
  return sql`s as materialized (${source}),
        d as (select beneficiaire_id, max(jour) as jour from s group by beneficiaire_id),
        p as (select distinct on (s.beneficiaire_id) s.beneficiaire_id, s.genre, s.tranche_age, s.statut
              from s join d on d.beneficiaire_id = s.beneficiaire_id and d.jour = s.jour
              order by s.beneficiaire_id, s.genre, s.tranche_age, s.statut)`;
}

/** Distinct followed beneficiaries of a set of (beneficiary, day, gender, age, status) rows, `source` a subquery. */
async function suivisDe(db: Db, source: SQL, avant: SQL, methode: 'tri' | 'hachage'): Promise<SuivisSql> {
  const r = await rows<{ d: string; v: string; n: number }>(
    db,
    sql`with ${personnesDe(source, methode)}
        select 'total' as d, '' as v, count(*)::int as n from p
        union all select 'nouveaux', '', count(*)::int from p where not exists (${avant})
        union all select 'genre', genre, count(*)::int from p group by genre
        union all select 'tranche_age', tranche_age, count(*)::int from p group by tranche_age
        union all select 'statut', statut, count(*)::int from p group by statut`,
  );
  const par: Figures['suivisPar'] = {};
  for (const x of r) if (x.d !== 'total' && x.d !== 'nouveaux') (par[x.d as 'genre'] ??= []).push({ valeur: x.v, personnes: x.n });
  return { suivis: r.find((x) => x.d === 'total')?.n ?? 0, nouveaux: r.find((x) => x.d === 'nouveaux')?.n ?? 0, par };
}

/** Whether the territory aggregates (by département or national, for all types or per type) can answer. */
const parTerritoire = (p: Perimetre, f: Filtre) => (p.kind === 'national' || p.kind === 'departements') && !f.conseillers?.length && !f.structures?.length;

/**
 * The territory rows of a scope and types: the national ones or the départements' (never both: they
 * would count twice), for all types ('') or for the types asked (never both either).
 */
function porteeTerritoire(p: Perimetre, types: readonly string[]): SQL {
  const ou = p.kind === 'national' ? sql`t.departement = ${NATIONAL}` : portee(p, colonnesDe('t', 'debut'));
  return sql`${ou} and ${types.length ? sql`t.type = any(${textArray(types)})` : sql`t.type = ''`}`;
}

function territoiresEntre(p: Perimetre, types: readonly string[], du: string, au: string, dimension?: string): SQL {
  const { mois, jours } = decouperPeriode(du, au);
  const parts: SQL[] = [];
  if (mois) parts.push(sql`(t.granularite = 'mois' and t.debut between ${mois[0]}::date and ${mois[1]}::date)`);
  for (const [a, b] of jours) parts.push(sql`(t.granularite = 'jour' and t.debut between ${a}::date and ${b}::date)`);
  return sql`(${sql.join(parts, sql` or `)}) and ${porteeTerritoire(p, types)}${dimension ? sql` and t.dimension = ${dimension}` : sql``}`;
}

/** The figures of a scope and a period from the aggregates (a themes filter needs the records: lireFigures). */
export async function lireAgregats(db: Db, demande: Perimetre, f: Filtre): Promise<Figures> {
  const p = restreint(demande, f);
  const cj = colonnesDe('j', 'jour');
  const territoire = parTerritoire(p, f);
  // Four independent reads, sent together (a pool runs them side by side; PGlite queues them).
  const lignes = territoire
    ? rows<LigneSql>(db, sql`select t.dimension, t.valeur, ${SOMMES} from statistiques_territoires_lues t where ${territoiresEntre(p, f.types, f.du, f.au)} group by t.dimension, t.valeur`)
    : rows<LigneSql>(db, sql`select j.dimension, j.valeur, ${SOMMES} from statistiques_jours j where ${entre(cj.jour, f.du, f.au)} and ${portee(p, cj)}${typesDe(f, raw('j.type'))}${filtresDe(f, cj)} group by j.dimension, j.valeur`);
  const cp = colonnesDe('q', 'jour');
  const suivis = suivisDe(
    db,
    sql`select q.beneficiaire_id, q.jour, q.genre, q.tranche_age, q.statut from statistiques_presences q where ${entre(cp.jour, f.du, f.au)} and ${portee(p, cp)}${typesDe(f, raw('q.type'))}${filtresDe(f, cp)}`,
    sql`select 1 from statistiques_presences o where o.beneficiaire_id = p.beneficiaire_id and o.jour < ${f.du}::date`,
    'hachage',
  );
  const debutSerie = `${moisDeSerie(f.au)[0]}-01`;
  const debutJours = joursDeSerie(f.au)[0]!;
  type Point = { mois: string; jour: string; activites: number; accompagnements: number };
  let mensuelle: Promise<Point[]>;
  let quotidienne: Promise<Point[]>;
  if (territoire) {
    mensuelle = rows(db, sql`select to_char(t.debut, 'YYYY-MM') as mois, sum(t.activites)::int as activites, sum(t.accompagnements)::int as accompagnements
      from statistiques_territoires_lues t where ${territoiresEntre(p, f.types, debutSerie, f.au, 'total')} group by 1`);
    quotidienne = rows(db, sql`select t.debut::text as jour, sum(t.activites)::int as activites, sum(t.accompagnements)::int as accompagnements
      from statistiques_territoires_lues t where t.granularite = 'jour' and t.dimension = 'total' and t.debut between ${debutJours}::date and ${f.au}::date and ${porteeTerritoire(p, f.types)} group by 1`);
  } else {
    const serie = (debut: string, cle: string) =>
      rows<Point>(db, sql`select ${raw(cle)}, sum(j.activites)::int as activites, sum(j.accompagnements)::int as accompagnements
        from statistiques_jours j where j.dimension = 'total' and ${entre(cj.jour, debut, f.au)} and ${portee(p, cj)}${typesDe(f, raw('j.type'))}${filtresDe(f, cj)} group by 1`);
    mensuelle = serie(debutSerie, `to_char(j.jour, 'YYYY-MM') as mois`);
    quotidienne = serie(debutJours, `j.jour::text as jour`);
  }
  const [l, s, m, q] = await Promise.all([lignes, suivis, mensuelle, quotidienne]);
  return { ...figuresDe(l, s), mensuelle: m, quotidienne: q };
}

// ------------------------------------------------------------------------------------------------
// The same figures computed live from the records (written independently of the triggers' SQL).

function activitesOu(p: Perimetre, f: Filtre, du: string, au: string): SQL {
  const c = colonnesDe('a', 'date');
  const structure = { ...c, structure: raw(`coalesce(a.structure_id, '00000000-0000-0000-0000-000000000000'::uuid)`), departement: raw(`coalesce(a.departement, '')`) };
  return sql`a.deleted_at is null and ${entre(c.jour, du, au)} and ${portee(p, structure)}${typesDe(f, raw('a.type'))}${
    f.thematiques.length ? sql` and a.thematiques && ${textArray(f.thematiques)}` : sql``
  }${filtresDe(f, structure)}${f.communes?.length ? sql` and a.commune_insee = any(${textArray(f.communes)})` : sql``}${
    f.lieux?.length ? sql` and a.lieu_id = any(${uuidArray(f.lieux)})` : sql``
  }`;
}

const cle = (champ: string) => raw(`coalesce((select min(e.key) from jsonb_each_text(coalesce(a.participants->'${champ}', '{}'::jsonb)) e where e.value::int > 0), 'non_communique')`);

/** The figures of a scope and a period computed from the activity records (live GROUP BY). */
export async function lireDirect(db: Db, p: Perimetre, f: Filtre): Promise<Figures> {
  const ou = activitesOu(p, f, f.du, f.au);
  const anonyme = raw('a.beneficiaire_id is null');
  const total = raw(`coalesce((a.participants->>'total')::int, 0)`);
  const simple = (dimension: string, expr: string, where = 'true') =>
    sql`select ${dimension} as dimension, ${raw(expr)} as valeur, count(*)::int as activites, sum(a.accompagnements)::int as accompagnements, 0 as participants_ateliers,
        0 as personnes, 0 as nouveaux, sum(a.duree_minutes)::int as minutes from activites a where ${ou} and ${raw(where)} group by 2`;
  const tableau = (dimension: string, colonne: string) =>
    sql`select ${dimension}, v, count(*)::int, sum(a.accompagnements)::int, 0, 0, 0, sum(a.duree_minutes)::int
        from activites a cross join lateral (select distinct unnest(a.${raw(colonne)}) as v) x where ${ou} group by 2`;
  const personnes = (dimension: string, champ: string) =>
    sql`select ${dimension}, e.key, count(*)::int, 0, 0, sum(e.value::int)::int, 0, 0
        from activites a cross join lateral jsonb_each_text(coalesce(a.participants->${champ}, '{}'::jsonb)) e where ${ou} and ${anonyme} group by 2`;
  const lignes = await rows<LigneSql>(
    db,
    sql`select 'total' as dimension, '' as valeur, count(*)::int as activites, coalesce(sum(a.accompagnements), 0)::int as accompagnements,
          coalesce(sum(a.accompagnements) filter (where a.type = 'collectif'), 0)::int as participants_ateliers,
          coalesce(sum(${total}) filter (where ${anonyme}), 0)::int as personnes,
          coalesce(sum(${total} - coalesce((a.participants->>'deja_accompagnes')::int, 0)) filter (where ${anonyme}), 0)::int as nouveaux,
          coalesce(sum(a.duree_minutes), 0)::int as minutes
        from activites a where ${ou}
        union all ${simple('type', 'a.type')}
        union all ${tableau('thematique', 'thematiques')}
        union all ${tableau('thematique_demarche', 'thematiques_demarches')}
        union all ${tableau('materiel', 'materiel')}
        union all ${simple('lieu', 'a.lieu_type')}
        union all ${simple('duree', 'a.tranche_duree')}
        union all ${simple('orientation', 'a.orientation', 'a.orientation is not null')}
        union all ${simple('lieu_id', 'a.lieu_id::text', 'a.lieu_id is not null')}
        union all ${simple('commune', 'a.commune_insee', 'a.commune_insee is not null')}
        union all ${personnes('genre', 'genres')}
        union all ${personnes('tranche_age', 'tranches_age')}
        union all ${personnes('statut', 'statuts')}`,
  );
  const suivis = await suivisDe(
    db,
    sql`select a.beneficiaire_id, a.date as jour, ${cle('genres')} as genre, ${cle('tranches_age')} as tranche_age, ${cle('statuts')} as statut
        from activites a where ${ou} and a.beneficiaire_id is not null`,
    sql`select 1 from activites o where o.beneficiaire_id = p.beneficiaire_id and o.deleted_at is null and o.date < ${f.du}::date`,
    'tri',
  );
  const serie = (debut: string, expr: string) =>
    rows<{ mois: string; jour: string; activites: number; accompagnements: number }>(
      db,
      sql`select ${raw(expr)}, count(*)::int as activites, sum(a.accompagnements)::int as accompagnements from activites a where ${activitesOu(p, f, debut, f.au)} group by 1`,
    );
  const mensuelle = await serie(`${moisDeSerie(f.au)[0]}-01`, `to_char(a.date, 'YYYY-MM') as mois`);
  const quotidienne = await serie(joursDeSerie(f.au)[0]!, `a.date::text as jour`);
  return { ...figuresDe(lignes, suivis), mensuelle, quotidienne };
}

/** Whether the figures must come from the records: a themes, communes or places filter (the aggregates hold none of them as a key). */
export const parLesComptesRendus = (f: Filtre) => f.thematiques.length > 0 || !!f.communes?.length || !!f.lieux?.length;

/** What the pages and the API read: the aggregates, or the records when a themes, communes or places filter is set. */
export function lireFigures(db: Db, p: Perimetre, f: Filtre): Promise<Figures> {
  return parLesComptesRendus(f) ? lireDirect(db, p, f) : lireAgregats(db, p, f);
}

export { jourSuivant };
