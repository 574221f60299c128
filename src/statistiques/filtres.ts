/**
 * The narrowing filters of issue 12 point 2 (conseillers, structures, communes, départements, places)
 * against the resolved scope, and the choices by name the page offers.
 *
 * A filter narrows the scope (intersection): each value must name something (else 400) that lies in
 * the scope the caller reads (else 403), the parameter named either way:
 * - conseillers: the scope's own (themselves, a team's coordinator and members), or attached by their
 *   role to a structure of the scope, or having recorded an activity in the scope during the period;
 * - structures: the scope's structure, those of its départements, or those of its conseillers (role or
 *   activity in the period); nationally any;
 * - communes, départements, places: for a territorial scope (région, département), in its
 *   départements; otherwise any that exists (public geography: the filter can only narrow).
 * The page lists by name what the scope holds (attached conseillers, structures, communes and places
 * of its activities in the period); a list longer than LISTE_MAX is not offered (a smaller scope is).
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/db.js';
import { can, type Principal, type Resource } from '../platform/access.js';
import { membresDe } from '../activites/activites.js';
import { commune, departement, departements, regions } from '../territoires/territoires.js';
import type { Perimetre } from './lecture.js';
import type { PerimetreResolu } from './perimetre.js';
import { ECHELLE_LABELS, FILTRES_PERIMETRE, type Echelle, type Erreurs, type FiltrePerimetre, type Parametres } from './regles.js';

export const LISTE_MAX = 500;

export interface Choix {
  value: string;
  label: string;
}

/** Each filter's choices by name; null: too many to list at this scope (or meaningless there). */
export type OptionsFiltres = Record<FiltrePerimetre, Choix[] | null>;

const uuids = (xs: readonly string[]) => sql`array[${sql.join(xs.map((x) => sql`${x}`), sql`, `)}]::uuid[]`;
const texts = (xs: readonly string[]) => sql`array[${sql.join(xs.map((x) => sql`${x}`), sql`, `)}]::text[]`;
const ROLES_CONSEILLER = sql`ra.role in ('conseiller', 'coordinateur')`;

async function rows<T>(db: Db, q: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(q));
}

/** The départements of a territorial scope; null for the others (national: all of them). */
const departementsDe = (p: Perimetre): string[] | null => (p.kind === 'departements' ? p.departements : null);

/** The conseillers a conseiller's or a team's scope is made of. */
function membres(p: Perimetre): string[] | null {
  if (p.kind === 'conseiller') return [p.conseillerId.toLowerCase()];
  if (p.kind === 'equipe') return [p.equipe.coordinateurId.toLowerCase(), ...membresDe(p.equipe)];
  return null;
}

/** Rows of `statistiques_jours j` (or `statistiques_presences`) in the scope, the team's periods aside. */
function joursDuPerimetre(p: Perimetre): SQL {
  switch (p.kind) {
    case 'national':
      return sql`true`;
    case 'departements':
      return p.departements.length ? sql`j.departement = any(${texts(p.departements)})` : sql`false`;
    case 'structure':
      return sql`j.structure_id = ${p.structureId}::uuid`;
    default:
      return sql`j.conseiller_id = any(${uuids(membres(p)!)})`;
  }
}

/** Role assignments `ra` (structures `s` joined) that attach a conseiller to the scope. */
function rattachesAuPerimetre(p: Perimetre): SQL {
  switch (p.kind) {
    case 'national':
      return sql`true`;
    case 'departements':
      return p.departements.length ? sql`s.departement = any(${texts(p.departements)})` : sql`false`;
    case 'structure':
      return sql`ra.structure_id = ${p.structureId}::uuid`;
    default:
      return sql`ra.user_id = any(${uuids(membres(p)!)})`;
  }
}

/** Activities `a` of the scope in the period (a team's members during their membership). */
function activitesDuPerimetre(p: Perimetre, du: string, au: string): SQL {
  const base = sql`a.deleted_at is null and a.date between ${du}::date and ${au}::date`;
  switch (p.kind) {
    case 'national':
      return base;
    case 'departements':
      return p.departements.length ? sql`${base} and a.departement = any(${texts(p.departements)})` : sql`false`;
    case 'structure':
      return sql`${base} and a.structure_id = ${p.structureId}::uuid`;
    case 'conseiller':
      return sql`${base} and a.conseiller_id = ${p.conseillerId}::uuid`;
    case 'equipe': {
      const parts: SQL[] = [sql`a.conseiller_id = ${p.equipe.coordinateurId}::uuid`];
      for (const m of p.equipe.periodes) parts.push(sql`(a.conseiller_id = ${m.userId}::uuid and a.date >= ${m.debut}::date${m.fin ? sql` and a.date <= ${m.fin}::date` : sql``})`);
      return sql`${base} and (${sql.join(parts, sql` or `)})`;
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Checking the filters of a query.

export type Verification = { ok: true } | { ok: false; status: 400 | 403; errors: Erreurs };

const cite = (xs: readonly string[]) => xs.slice(0, 3).map((x) => `« ${x} »`).join(', ');
const s = (n: number) => (n > 1 ? 's' : '');

/** Every value of the narrowing filters is known (400) and lies in the scope (403), checked against the records. */
export async function verifierFiltres(db: Db, r: PerimetreResolu, p: Pick<Parametres, 'du' | 'au' | FiltrePerimetre>): Promise<Verification> {
  const inconnus: Erreurs = {};
  const dehors: Erreurs = {};
  const per = r.perimetre;
  const deps = departementsDe(per);
  const horsPerimetre = `hors du périmètre « ${r.libelle} » (un filtre ne fait que restreindre le périmètre)`;

  if (p.conseillers.length) {
    const connus = new Set((await rows<{ id: string }>(db, sql`select id::text as id from users where id = any(${uuids(p.conseillers)})`)).map((x) => x.id));
    const absents = p.conseillers.filter((c) => !connus.has(c));
    if (absents.length) inconnus.conseillers = `Aucun compte n'a cet identifiant (conseillers) : ${cite(absents)}.`;
    else {
      const dans = new Set(await conseillersDuPerimetre(db, per, p.du, p.au, p.conseillers).then((xs) => xs.map((x) => x.value)));
      const hors = p.conseillers.filter((c) => !dans.has(c));
      if (hors.length) dehors.conseillers = `Conseiller${s(hors.length)} ${horsPerimetre} : ${cite(hors)}.`;
    }
  }
  if (p.structures.length) {
    const connues = await rows<{ id: string; departement: string }>(db, sql`select id::text as id, departement from structures where id = any(${uuids(p.structures)})`);
    const absentes = p.structures.filter((x) => !connues.some((c) => c.id === x));
    if (absentes.length) inconnus.structures = `Aucune structure n'a cet identifiant : ${cite(absentes)}.`;
    else {
      const dans = new Set((await structuresDuPerimetre(db, per, p.du, p.au, p.structures)).map((x) => x.value));
      const hors = p.structures.filter((x) => !dans.has(x));
      if (hors.length) dehors.structures = `Structure${s(hors.length)} ${horsPerimetre} : ${cite(hors)}.`;
    }
  }
  if (p.communes.length) {
    const absentes = p.communes.filter((c) => !commune(c));
    if (absentes.length) inconnus.communes = `Commune${s(absentes.length)} inconnue${s(absentes.length)} (code INSEE) : ${cite(absentes)}.`;
    else if (deps) {
      const hors = p.communes.filter((c) => !deps.includes(commune(c)!.departement));
      if (hors.length) dehors.communes = `Commune${s(hors.length)} ${horsPerimetre} : ${cite(hors.map((c) => `${commune(c)!.nom} (${c})`))}.`;
    }
  }
  if (p.departements.length) {
    const absents = p.departements.filter((d) => !departement(d));
    if (absents.length) inconnus.departements = `Département${s(absents.length)} inconnu${s(absents.length)} : ${cite(absents)}.`;
    else if (deps) {
      const hors = p.departements.filter((d) => !deps.includes(d));
      if (hors.length) dehors.departements = `Département${s(hors.length)} ${horsPerimetre} : ${cite(hors.map((d) => `${departement(d)!.nom} (${d})`))}.`;
    }
  }
  if (p.lieux.length) {
    const connus = await rows<{ id: string; code_insee: string | null }>(db, sql`select id::text as id, code_insee from lieux where id = any(${uuids(p.lieux)})`);
    const absents = p.lieux.filter((x) => !connus.some((c) => c.id === x));
    if (absents.length) inconnus.lieux = `Aucun lieu n'a cet identifiant : ${cite(absents)}.`;
    else if (deps) {
      const hors = connus.filter((l) => !deps.includes((l.code_insee && commune(l.code_insee)?.departement) || '')).map((l) => l.id);
      if (hors.length) dehors.lieux = `Lieu${hors.length > 1 ? 'x' : ''} ${horsPerimetre} : ${cite(hors)}.`;
    }
  }
  if (Object.keys(inconnus).length) return { ok: false, status: 400, errors: { ...inconnus, ...dehors } };
  if (Object.keys(dehors).length) return { ok: false, status: 403, errors: dehors };
  return { ok: true };
}

// ------------------------------------------------------------------------------------------------
// The choices by name.

const nomComplet = (x: { first_name: string; last_name: string }) => `${x.first_name} ${x.last_name}`;

/**
 * The conseillers of a scope (attached by role, or with an activity in it during the period), by name;
 * `ids` restricts to those (a check). Without `ids`, at most LISTE_MAX + 1 (the caller sees it is too many).
 */
async function conseillersDuPerimetre(db: Db, p: Perimetre, du: string, au: string, ids?: readonly string[]): Promise<Choix[]> {
  const propres = membres(p);
  const periode = sql`j.jour between ${du}::date and ${au}::date`;
  const rattache = sql`select ra.user_id from role_assignments ra left join structures s on s.id = ra.structure_id where ${ROLES_CONSEILLER} and ${rattachesAuPerimetre(p)}`;
  let q: SQL;
  if (propres) q = sql`select u.id::text as id, u.first_name, u.last_name from users u where u.id = any(${uuids(propres)})${ids ? sql` and u.id = any(${uuids(ids)})` : sql``}`;
  else if (ids)
    // A check: a few ids, each probed on the conseiller index.
    q = sql`select u.id::text as id, u.first_name, u.last_name from users u where u.id = any(${uuids(ids)}) and (u.id in (${rattache})
      or exists (select 1 from statistiques_jours j where j.conseiller_id = u.id and ${periode} and ${joursDuPerimetre(p)}))`;
  else
    // A list: those attached by role, and for a structure those who recorded under it (its index); for
    // wider scopes the rows of a whole département or région would be read: attached ones only.
    q = sql`select u.id::text as id, u.first_name, u.last_name from users u where u.id in (${rattache})${
      p.kind === 'structure' ? sql` or u.id in (select j.conseiller_id from statistiques_jours j where j.structure_id = ${p.structureId}::uuid and ${periode} and j.dimension = 'total')` : sql``
    }`;
  const r = await rows<{ id: string; first_name: string; last_name: string }>(db, sql`${q} order by u.last_name, u.first_name, u.id limit ${LISTE_MAX + 1}`);
  return r.map((x) => ({ value: x.id, label: nomComplet(x) }));
}

/** The structures of a scope (its own, of its départements, of its conseillers), by name; `ids` restricts. */
async function structuresDuPerimetre(db: Db, p: Perimetre, du: string, au: string, ids?: readonly string[]): Promise<Choix[]> {
  const seuls = ids ? sql` and s.id = any(${uuids(ids)})` : sql``;
  let ou: SQL;
  if (p.kind === 'national') ou = sql`true`;
  else if (p.kind === 'structure') ou = sql`s.id = ${p.structureId}::uuid`;
  else if (p.kind === 'departements')
    ou = p.departements.length
      ? sql`(s.departement = any(${texts(p.departements)})${ids ? sql` or exists (select 1 from statistiques_jours j where j.structure_id = s.id and j.jour between ${du}::date and ${au}::date and ${joursDuPerimetre(p)})` : sql``})`
      : sql`false`;
  else {
    const m = uuids(membres(p)!);
    ou = sql`(s.id in (select ra.structure_id from role_assignments ra where ra.user_id = any(${m}) and ra.structure_id is not null)
      or s.id in (select j.structure_id from statistiques_jours j where j.conseiller_id = any(${m}) and j.jour between ${du}::date and ${au}::date and j.dimension = 'total'))`;
  }
  const r = await rows<{ id: string; nom: string }>(db, sql`select s.id::text as id, s.nom from structures s where ${ou}${seuls} order by s.nom, s.id limit ${LISTE_MAX + 1}`);
  return r.map((x) => ({ value: x.id, label: x.nom }));
}

const tropLong = <T,>(xs: T[]): T[] | null => (xs.length > LISTE_MAX ? null : xs);

/**
 * What the page offers for each filter, by name, within the scope: the départements of a national or
 * régional scope; the conseillers and structures of the scope; the communes and places of its
 * activities in the period (for one département at most, or a smaller scope: beyond, too many to list).
 * The values already chosen are kept among the choices (they were checked to lie in the scope).
 */
export async function optionsFiltres(db: Db, r: PerimetreResolu, du: string, au: string, choisis?: Partial<Record<FiltrePerimetre, string[]>>): Promise<OptionsFiltres> {
  const p = r.perimetre;
  const deps = departementsDe(p);
  const etroit = p.kind !== 'national' && !(deps && deps.length > 1);
  const departementsListe =
    p.kind === 'national' ? departements().map((d) => ({ value: d.code, label: `${d.nom} (${d.code})` })) : deps && deps.length > 1 ? deps.map((d) => ({ value: d, label: `${departement(d)?.nom ?? d} (${d})` })) : null;
  const conseillers = p.kind === 'conseiller' ? null : tropLong(await conseillersDuPerimetre(db, p, du, au));
  const structures = p.kind === 'structure' ? null : tropLong(await structuresDuPerimetre(db, p, du, au));
  let communes: Choix[] | null = null;
  let lieux: Choix[] | null = null;
  if (etroit) {
    // One pass over the scope's activities of the period (one département at most): their communes and places.
    const vus = await rows<{ c: string | null; l: string | null }>(
      db,
      sql`select a.commune_insee as c, a.lieu_id::text as l from activites a where ${activitesDuPerimetre(p, du, au)} and (a.commune_insee is not null or a.lieu_id is not null) group by 1, 2 limit ${PAIRES_MAX + 1}`,
    );
    // More (commune, place) pairs than read: the lists would be incomplete, so none is offered (« trop nombreux »).
    if (vus.length > PAIRES_MAX) return ajouterChoisis(db, { conseillers, structures, communes: null, departements: departementsListe, lieux: null }, choisis);
    const codes = [...new Set(vus.map((x) => x.c).filter((x): x is string => !!x))];
    const ids = [...new Set(vus.map((x) => x.l).filter((x): x is string => !!x))];
    communes = tropLong(
      codes
        .map((x) => commune(x))
        .filter((x) => !!x)
        .map((x) => ({ value: x.insee, label: `${x.nom} (${x.departement})` }))
        .sort((a, b) => a.label.localeCompare(b.label, 'fr')),
    );
    const l = ids.length
      ? await rows<{ id: string; nom: string; commune: string }>(db, sql`select l.id::text as id, l.nom, l.commune from lieux l where l.id = any(${uuids(ids.slice(0, LISTE_MAX + 1))}) order by l.nom, l.commune, l.id`)
      : [];
    lieux = ids.length > LISTE_MAX ? null : l.map((x) => ({ value: x.id, label: `${x.nom} (${x.commune})` }));
  }
  return ajouterChoisis(db, { conseillers, structures, communes, departements: departementsListe, lieux }, choisis);
}

/** The (commune, place) pairs read to offer the communes and places of a scope, at most. */
const PAIRES_MAX = LISTE_MAX * 20;

/** Values chosen but not listed (beyond the period's activities, or a list too long): added by name. */
async function ajouterChoisis(db: Db, out: OptionsFiltres, choisis: Partial<Record<FiltrePerimetre, string[]>> | undefined): Promise<OptionsFiltres> {
  for (const k of FILTRES_PERIMETRE) {
    const manquants = (choisis?.[k] ?? []).filter((v) => !(out[k] ?? []).some((o) => o.value === v));
    if (!manquants.length) continue;
    out[k] = [...(out[k] ?? []), ...(await nommer(db, k, manquants))];
  }
  return out;
}

/** Names of values of a filter (checked already). */
async function nommer(db: Db, k: FiltrePerimetre, vs: string[]): Promise<Choix[]> {
  switch (k) {
    case 'conseillers':
      return (await rows<{ id: string; first_name: string; last_name: string }>(db, sql`select id::text as id, first_name, last_name from users where id = any(${uuids(vs)}) order by last_name, first_name`)).map((x) => ({ value: x.id, label: nomComplet(x) }));
    case 'structures':
      return (await rows<{ id: string; nom: string }>(db, sql`select id::text as id, nom from structures where id = any(${uuids(vs)}) order by nom`)).map((x) => ({ value: x.id, label: x.nom }));
    case 'lieux':
      return (await rows<{ id: string; nom: string; commune: string }>(db, sql`select id::text as id, nom, commune from lieux where id = any(${uuids(vs)}) order by nom`)).map((x) => ({ value: x.id, label: `${x.nom} (${x.commune})` }));
    case 'communes':
      return vs.filter((v) => commune(v)).map((v) => ({ value: v, label: `${commune(v)!.nom} (${commune(v)!.departement})` }));
    case 'departements':
      return vs.filter((v) => departement(v)).map((v) => ({ value: v, label: `${departement(v)!.nom} (${v})` }));
  }
}

// ------------------------------------------------------------------------------------------------
// The choice of the scope, by name: only what the policy lets the caller read.

export interface GroupeChoix {
  label: string;
  options: Choix[];
}

/** The value of a scope in the page's « perimetre » field: `national`, `region:44`, `structure:<id>`… */
export const valeurPerimetre = (echelle: Echelle, code: string | null) => (echelle === 'national' ? 'national' : `${echelle}:${code ?? ''}`);

/** Reads the page's « perimetre » field back into a scale and a code (null: not a scope's value). */
export function lirePerimetreChoisi(v: string): { echelle: Echelle; code: string | null } | null {
  if (v === 'national') return { echelle: 'national', code: null };
  const m = /^(region|departement|structure|conseiller|equipe):([0-9A-Za-z-]{1,40})$/.exec(v);
  return m ? { echelle: m[1] as Echelle, code: m[2]! } : null;
}

/**
 * The scopes the caller may choose, grouped by scale: France, régions, départements; the structures
 * of the scope shown (or of the caller's own); the conseillers and teams attached to the structure or
 * département shown. Each one kept only if the central policy lets the caller read it; the scope
 * shown is always among them. A scale with more than LISTE_MAX choices is left out (drill down instead).
 */
export async function choixPerimetres(db: Db, user: Principal, courant: PerimetreResolu | null): Promise<GroupeChoix[]> {
  const peut = (echelle: Echelle, code: string, deps: string[]) => can(user, 'statistiques:consulter', { kind: 'statistiques', echelle, code, departements: deps } as Resource);
  const groupes: GroupeChoix[] = [];
  const ajouter = (label: string, options: Choix[]) => {
    if (options.length && options.length <= LISTE_MAX) groupes.push({ label, options });
  };
  ajouter(ECHELLE_LABELS.national, peut('national', '', []) ? [{ value: 'national', label: 'France entière' }] : []);
  ajouter(
    'Régions',
    regions()
      .filter((r) => peut('region', r.code, departements().filter((d) => d.region === r.code).map((d) => d.code)))
      .map((r) => ({ value: valeurPerimetre('region', r.code), label: r.nom })),
  );
  ajouter(
    'Départements',
    departements()
      .filter((d) => peut('departement', d.code, [d.code]))
      .map((d) => ({ value: valeurPerimetre('departement', d.code), label: `${d.nom} (${d.code})` })),
  );
  // Structures: those of the scope shown's départements (nationally, all of them if not too many), and the caller's own.
  const deps = courant?.perimetre.kind === 'departements' ? courant.perimetre.departements : courant?.echelle === 'structure' ? courant.resource.departements : null;
  const propres = user.roles.map((g) => g.structureId).filter((x): x is string => !!x);
  const prefs = user.roles.filter((g) => g.role === 'prefecture' && g.departement).map((g) => g.departement!);
  const depsStructures = [...(deps ?? []), ...prefs];
  const national = !deps && peut('national', '', []);
  const structures = await rows<{ id: string; nom: string; departement: string }>(
    db,
    sql`select s.id::text as id, s.nom, s.departement from structures s where ${national ? sql`true` : sql`false`}${depsStructures.length ? sql` or s.departement = any(${texts(depsStructures)})` : sql``}${
      propres.length ? sql` or s.id = any(${uuids(propres)})` : sql``
    } order by s.nom, s.id limit ${LISTE_MAX + 1}`,
  );
  ajouter(
    'Structures',
    structures.filter((x) => peut('structure', x.id, [x.departement])).map((x) => ({ value: valeurPerimetre('structure', x.id), label: x.nom })),
  );
  // Conseillers and teams: the caller themselves, and those attached to the structure or département shown.
  let attaches: SQL | null = null;
  if (courant?.echelle === 'structure') attaches = sql`ra.structure_id = ${courant.code}::uuid`;
  else if (courant?.echelle === 'departement') attaches = sql`s.departement = ${courant.code}`;
  const personnes = await rows<{ id: string; first_name: string; last_name: string; role: string }>(
    db,
    sql`select distinct u.id::text as id, u.first_name, u.last_name, ra.role from users u join role_assignments ra on ra.user_id = u.id left join structures s on s.id = ra.structure_id
        where ${ROLES_CONSEILLER} and (u.id = ${user.id}::uuid${attaches ? sql` or ${attaches}` : sql``}) order by u.last_name, u.first_name, id limit ${2 * LISTE_MAX + 1}`,
  );
  const moi = (id: string) => id.toLowerCase() === user.id.toLowerCase();
  const uniques = (xs: typeof personnes) => [...new Map(xs.map((x) => [x.id, x])).values()];
  ajouter(
    'Conseillers',
    uniques(personnes)
      .filter((x) => peut('conseiller', x.id, []))
      .map((x) => ({ value: valeurPerimetre('conseiller', x.id), label: moi(x.id) ? `${nomComplet(x)} (vous)` : nomComplet(x) })),
  );
  ajouter(
    'Équipes',
    uniques(personnes.filter((x) => x.role === 'coordinateur'))
      .filter((x) => peut('equipe', x.id, []))
      .map((x) => ({ value: valeurPerimetre('equipe', x.id), label: `Équipe de ${nomComplet(x)}${moi(x.id) ? ' (la vôtre)' : ''}` })),
  );
  // The scope shown is always a choice (e.g. a conseiller reached by a shared link).
  if (courant) {
    const v = valeurPerimetre(courant.echelle, courant.code);
    if (!groupes.some((g) => g.options.some((o) => o.value === v))) {
      const label = courant.echelle === 'region' ? 'Régions' : courant.echelle === 'departement' ? 'Départements' : courant.echelle === 'structure' ? 'Structures' : courant.echelle === 'equipe' ? 'Équipes' : 'Conseillers';
      const g = groupes.find((x) => x.label === label);
      if (g) g.options.unshift({ value: v, label: courant.libelle });
      else groupes.push({ label, options: [{ value: v, label: courant.libelle }] });
    }
  }
  return groupes;
}

