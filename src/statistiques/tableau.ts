/**
 * The territory table of domain §11 (issue point 2): for ANCT and Banque des Territoires by région or
 * département, for a préfecture by structure — activity records, accompagnements, distinct people,
 * posts granted (COSELEC), conseillers in post, active (recorded something in the last 31 days) and
 * inactive, activation rate. Figures from the aggregates; posts from the programme, people in post from
 * recruitment (the programme's conseillersEnPoste: contracts, or accounts when recruitment is absent).
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/db.js';
import { departement as depDe, departements, regions } from '../territoires/territoires.js';
import { conseillersEnPoste, tableauPostes } from '../programme/postes.js';
import { structuresValidees } from '../programme/dossiers.js';
import { getStructure } from '../structures/structures.js';
import { decouperPeriode, jourSuivant } from './regles.js';
import type { Filtre } from './lecture.js';

export type Regroupement = 'region' | 'departement' | 'structure';

export interface LigneTableau {
  code: string;
  nom: string;
  activites: number;
  accompagnements: number;
  personnes: number;
  postesAttribues: number;
  enPoste: number;
  actifs: number;
  inactifs: number;
  /** Active ÷ in post, whole percent; null without anyone in post. */
  tauxActivation: number | null;
}

const NIL = '00000000-0000-0000-0000-000000000000';

function cle(par: Regroupement, alias: string): SQL {
  if (par === 'structure') return sql.raw(`${alias}.structure_id::text`);
  if (par === 'departement') return sql.raw(`${alias}.departement`);
  return sql.raw(`coalesce(r.region, '')`);
}

/** The territory rows hold all types ('') and each type; the per-conseiller ones each type. */
function typesTableau(par: Regroupement, f: Filtre): SQL {
  const types = sql`array[${sql.join(f.types.map((t) => sql`${t}`), sql`, `)}]::text[]`;
  if (f.types.length) return sql` and t.type = any(${types})`;
  return par === 'structure' ? sql`` : sql` and t.type = ''`;
}

export async function tableauTerritorial(db: Db, par: Regroupement, departementsVus: string[] | null, f: Filtre, today: string): Promise<LigneTableau[]> {
  const deps = departementsVus ?? departements().map((d) => d.code);
  const mapping = sql.join(departements().map((d) => sql`(${d.code}, ${d.region})`), sql`, `);
  const join = (alias: string) => (par === 'region' ? sql`left join (values ${mapping}) as r(departement, region) on r.departement = ${sql.raw(alias)}.departement` : sql``);
  const depsSql = sql`array[${sql.join(deps.map((d) => sql`${d}`), sql`, `)}]::text[]`;
  const source = par === 'structure' ? sql`statistiques_jours` : sql`statistiques_territoires_lues`;
  // Territories: whole months from the monthly rows, the edges from the daily ones.
  const { mois, jours } = decouperPeriode(f.du, f.au);
  const parts: SQL[] = [];
  if (mois) parts.push(sql`(t.granularite = 'mois' and t.debut between ${mois[0]}::date and ${mois[1]}::date)`);
  for (const [x, y] of jours) parts.push(sql`(t.granularite = 'jour' and t.debut between ${x}::date and ${y}::date)`);
  const periode = par === 'structure' ? sql`t.jour between ${f.du}::date and ${f.au}::date` : sql`(${sql.join(parts, sql` or `)})`;
  const totaux = rowsOf<{ k: string; activites: number; accompagnements: number; anonymes: number }>(
    await db.execute(sql`select ${cle(par, 't')} as k, sum(t.activites)::int as activites, sum(t.accompagnements)::int as accompagnements, sum(t.personnes)::int as anonymes
      from ${source} t ${join('t')} where t.dimension = 'total' and ${periode} and t.departement = any(${depsSql})${typesTableau(par, f)} group by 1`),
  );
  const suivis = rowsOf<{ k: string; n: number }>(
    await db.execute(sql`select ${cle(par, 'q')} as k, count(distinct q.beneficiaire_id)::int as n from statistiques_presences q ${join('q')}
      where q.jour between ${f.du}::date and ${f.au}::date and q.departement = any(${depsSql})${f.types.length ? sql` and q.type = any(array[${sql.join(f.types.map((t) => sql`${t}`), sql`, `)}]::text[])` : sql``} group by 1`),
  );
  const actifs = rowsOf<{ k: string; n: number }>(
    await db.execute(sql`select ${cle(par, 'j')} as k, count(distinct j.conseiller_id)::int as n from statistiques_jours j ${join('j')}
      where j.dimension = 'total' and j.jour between ${jourSuivant(today, -30)}::date and ${today}::date and j.departement = any(${depsSql}) group by 1`),
  );
  // Posts granted and people in post.
  const postes = new Map<string, { attribues: number; enPoste: number }>();
  const add = (k: string, a: number, e: number) => {
    const x = postes.get(k) ?? { attribues: 0, enPoste: 0 };
    x.attribues += a;
    x.enPoste += e;
    postes.set(k, x);
  };
  if (par === 'structure') {
    const valides = (await structuresValidees(db)).filter((s) => s.postesValides > 0);
    const ids = [...new Set([...valides.map((v) => v.structureId), ...totaux.map((t) => t.k).filter((k) => k !== NIL)])];
    const enPoste = await conseillersEnPoste(db, ids);
    for (const v of valides) add(v.structureId, v.postesValides, 0);
    for (const [id, n] of enPoste) add(id, 0, n);
  } else {
    const { lignes } = await tableauPostes(db, { all: false, departements: deps });
    for (const l of lignes) add(par === 'region' ? (depDe(l.code)?.region ?? '') : l.code, l.postesValides, l.postesOccupes);
  }
  // The rows: every territory of the scope; for structures, those with activity or posts in it.
  let codes: { code: string; nom: string }[];
  if (par === 'region') codes = regions().filter((r) => deps.some((d) => depDe(d)?.region === r.code)).map((r) => ({ code: r.code, nom: r.nom }));
  else if (par === 'departement') codes = deps.map((d) => ({ code: d, nom: `${depDe(d)?.nom ?? d} (${d})` }));
  else {
    const ids = [...new Set([...totaux.map((t) => t.k), ...postes.keys()])];
    codes = [];
    for (const id of ids) {
      if (id === NIL) {
        codes.push({ code: id, nom: 'Sans structure' });
        continue;
      }
      const s = await getStructure(db, id);
      if (s && deps.includes(s.departement)) codes.push({ code: id, nom: s.nom });
    }
    codes.sort((a, b) => a.nom.localeCompare(b.nom, 'fr'));
  }
  const t = new Map(totaux.map((x) => [x.k, x]));
  const s = new Map(suivis.map((x) => [x.k, x.n]));
  const a = new Map(actifs.map((x) => [x.k, x.n]));
  return codes.map(({ code, nom }) => {
    const p = postes.get(code) ?? { attribues: 0, enPoste: 0 };
    const actifsN = a.get(code) ?? 0;
    return {
      code,
      nom,
      activites: t.get(code)?.activites ?? 0,
      accompagnements: t.get(code)?.accompagnements ?? 0,
      personnes: (t.get(code)?.anonymes ?? 0) + (s.get(code) ?? 0),
      postesAttribues: p.attribues,
      enPoste: p.enPoste,
      actifs: actifsN,
      inactifs: Math.max(0, p.enPoste - actifsN),
      tauxActivation: p.enPoste > 0 ? Math.round((Math.min(actifsN, p.enPoste) * 100) / p.enPoste) : null,
    };
  });
}
