/**
 * The public national figures (open data, Licence Ouverte): accompagnements by month with the running
 * total, active conseillers « x sur N », themes, and the table by région and département. Small
 * numbers are never published: at département level or finer, a count under 5 is « < 5 ».
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/db.js';
import { departement, departements, regions } from '../territoires/territoires.js';
import { postesOccupes } from '../recrutement/lecture.js';
import { addMonths } from '../activites/dates.js';
import { lireAgregats, type Perimetre } from './lecture.js';
import { NATIONAL } from './schema.js';
import { indicateurs, jourSuivant, moisDeSerie, type Part } from './regles.js';

export const SEUIL = 5;
export const MASQUE = '< 5' as const;
export type Cellule = number | typeof MASQUE;

/** A count at département level or finer: itself from 5 on, « < 5 » under (0 stays 0: nothing to hide). */
export function masquer(n: number): Cellule {
  return n > 0 && n < SEUIL ? MASQUE : n;
}

export interface LigneTerritoire {
  code: string;
  nom: string;
  activites: number;
  accompagnements: number;
  personnes: number;
  conseillers_actifs: number;
}

export interface Publiques {
  licence: string;
  periode: { du: string; au: string };
  perimetre: { echelle: 'national' | 'departement'; code: string | null; nom: string };
  activites: Cellule;
  accompagnements: Cellule;
  personnes: Cellule;
  conseillers_actifs: Cellule;
  conseillers: number;
  mensuelle: { mois: string; accompagnements: Cellule; cumul: Cellule }[];
  thematiques: { code: string; libelle: string; nombre: Cellule; pourcentage: number | null }[];
  regions: LigneTerritoire[];
  departements: (Omit<LigneTerritoire, 'activites' | 'accompagnements' | 'personnes' | 'conseillers_actifs'> & { region: string; activites: Cellule; accompagnements: Cellule; personnes: Cellule; conseillers_actifs: Cellule })[];
}

async function parDepartement(db: Db, du: string, au: string, actifsDepuis: string): Promise<Map<string, Omit<LigneTerritoire, 'code' | 'nom'>>> {
  const totaux = rowsOf<{ departement: string; activites: number; accompagnements: number; anonymes: number }>(
    await db.execute(sql`select departement, sum(activites)::int as activites, sum(accompagnements)::int as accompagnements, sum(personnes)::int as anonymes
      from statistiques_territoires_lues where granularite = 'jour' and type = '' and dimension = 'total' and debut between ${du}::date and ${au}::date and departement <> ${NATIONAL} group by departement`),
  );
  const suivis = rowsOf<{ departement: string; n: number }>(
    await db.execute(sql`select departement, count(distinct beneficiaire_id)::int as n from statistiques_presences where jour between ${du}::date and ${au}::date group by departement`),
  );
  const actifs = rowsOf<{ departement: string; n: number }>(
    await db.execute(sql`select departement, count(distinct conseiller_id)::int as n from statistiques_jours where dimension = 'total' and jour >= ${actifsDepuis}::date group by departement`),
  );
  const out = new Map<string, Omit<LigneTerritoire, 'code' | 'nom'>>();
  const get = (d: string) => out.get(d) ?? (out.set(d, { activites: 0, accompagnements: 0, personnes: 0, conseillers_actifs: 0 }), out.get(d)!);
  for (const t of totaux) Object.assign(get(t.departement), { activites: t.activites, accompagnements: t.accompagnements, personnes: get(t.departement).personnes + t.anonymes });
  for (const s of suivis) get(s.departement).personnes += s.n;
  for (const a of actifs) get(a.departement).conseillers_actifs = a.n;
  return out;
}

/** The public figures of the last 12 months up to `today`, nationally or for one département. */
export async function lirePubliques(db: Db, today: string, dep: string | null = null): Promise<Publiques> {
  const du = jourSuivant(addMonths(today, -12));
  const perimetre: Perimetre = dep ? { kind: 'departements', departements: [dep] } : { kind: 'national' };
  const figures = await lireAgregats(db, perimetre, { du, au: today, types: [], thematiques: [] });
  const i = indicateurs(figures, today);
  const actifsDepuis = jourSuivant(today, -30);
  const depTable = await parDepartement(db, du, today, actifsDepuis);
  // Running total: everything before the first month of the series, then month by month.
  const premier = `${moisDeSerie(today)[0]}-01`;
  const [avant] = rowsOf<{ n: number }>(
    await db.execute(sql`select coalesce(sum(accompagnements), 0)::int as n from statistiques_territoires_lues where granularite = 'mois' and type = '' and dimension = 'total' and debut < ${premier}::date
      and departement = ${dep ?? NATIONAL}`),
  );
  let cumul = avant?.n ?? 0;
  const fin = dep !== null;
  const cell = (n: number): Cellule => (fin ? masquer(n) : n);
  const mensuelle = i.series.mensuelle.map((m) => {
    cumul += m.accompagnements;
    return { mois: m.mois, accompagnements: cell(m.accompagnements), cumul: cell(cumul) };
  });
  const [jamais] = rowsOf<{ n: number }>(await db.execute(sql`select count(distinct conseiller_id)::int as n from statistiques_jours where dimension = 'total' ${dep ? sql`and departement = ${dep}` : sql``}`));
  const actifs = dep ? (depTable.get(dep)?.conseillers_actifs ?? 0) : [...depTable.values()].reduce((a, d) => a + d.conseillers_actifs, 0);
  const enPoste = dep ? 0 : [...(await postesOccupes(db)).values()].reduce((a, b) => a + b, 0);
  const regionsRows: LigneTerritoire[] = regions().map((r) => {
    const ds = departements().filter((d) => d.region === r.code);
    const sum = (k: keyof Omit<LigneTerritoire, 'code' | 'nom'>) => ds.reduce((a, d) => a + (depTable.get(d.code)?.[k] ?? 0), 0);
    return { code: r.code, nom: r.nom, activites: sum('activites'), accompagnements: sum('accompagnements'), personnes: sum('personnes'), conseillers_actifs: sum('conseillers_actifs') };
  });
  const thematiques = i.repartitions.thematiques.map((t: Part) => {
    const nombre = cell(t.nombre);
    return { code: t.code, libelle: t.libelle, nombre, pourcentage: nombre === MASQUE ? null : t.pourcentage };
  });
  return {
    licence: 'Licence Ouverte 2.0 (Etalab)',
    periode: { du, au: today },
    perimetre: dep ? { echelle: 'departement', code: dep, nom: departement(dep)?.nom ?? dep } : { echelle: 'national', code: null, nom: 'France entière' },
    activites: cell(i.activites),
    accompagnements: cell(i.accompagnements),
    personnes: cell(i.beneficiaires.total),
    conseillers_actifs: cell(actifs),
    conseillers: Math.max(enPoste, jamais?.n ?? 0, actifs),
    mensuelle,
    thematiques,
    regions: dep ? [] : regionsRows,
    departements: departements()
      .filter((d) => !dep || d.code === dep)
      .map((d) => {
        const v = depTable.get(d.code) ?? { activites: 0, accompagnements: 0, personnes: 0, conseillers_actifs: 0 };
        return { code: d.code, nom: d.nom, region: d.region, activites: masquer(v.activites), accompagnements: masquer(v.accompagnements), personnes: masquer(v.personnes), conseillers_actifs: masquer(v.conseillers_actifs) };
      }),
  };
}
