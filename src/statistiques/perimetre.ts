/**
 * From the query's scale and code (or the caller's own scope) to the scope read (lecture.ts
 * Perimetre), with its French name and the resource the policy decides on.
 */
import type { Db } from '../platform/db.js';
import type { Principal, Resource } from '../platform/access.js';
import { findUserById } from '../comptes/users.js';
import { getStructure } from '../structures/structures.js';
import { departement, departements, region } from '../territoires/territoires.js';
import { equipeScope } from '../activites/activites.js';
import type { Perimetre } from './lecture.js';
import { echelleParDefaut } from './policy.js';
import type { Echelle } from './regles.js';

export interface PerimetreResolu {
  echelle: Echelle;
  code: string | null;
  perimetre: Perimetre;
  /** « France entière », « Moselle (57) », the structure's name, the conseiller's name. */
  libelle: string;
  resource: Extract<Resource, { kind: 'statistiques' }>;
}

/** Whether a code names something of that scale (the identifiers are checked against the records after). */
export function codeConnu(echelle: Echelle, code: string): boolean {
  if (echelle === 'region') return !!region(code);
  if (echelle === 'departement') return !!departement(code);
  return true;
}

export type Resolution = { ok: true; value: PerimetreResolu } | { ok: false; status: 400 | 403; param: string; reason: string };

export async function resoudrePerimetre(db: Db, user: Principal, echelle: Echelle | null, code: string | null): Promise<Resolution> {
  let e = echelle;
  let c = code;
  if (!e) {
    const d = echelleParDefaut(user);
    if (!d) return { ok: false, status: 403, param: 'echelle', reason: "Votre rôle ne donne accès à aucune statistique." };
    ({ echelle: e, code: c } = d);
  } else if (e !== 'national' && !c) {
    const d = echelleParDefaut(user);
    if (d && d.echelle === e) c = d.code;
    else if (e === 'conseiller' || e === 'equipe') c = user.id.toLowerCase();
    else return { ok: false, status: 400, param: 'code', reason: `Précisez le code de l'échelle ${e} (code=…).` };
  }
  const res = (departementsDe: string[], perimetre: Perimetre, libelle: string): Resolution => ({
    ok: true,
    value: { echelle: e!, code: c, perimetre, libelle, resource: { kind: 'statistiques', echelle: e!, code: c ?? '', departements: departementsDe } },
  });
  switch (e) {
    case 'national':
      return res([], { kind: 'national' }, 'France entière');
    case 'region': {
      const r = region(c!)!;
      const ds = departements().filter((d) => d.region === r.code).map((d) => d.code);
      return res(ds, { kind: 'departements', departements: ds }, r.nom);
    }
    case 'departement': {
      const d = departement(c!)!;
      return res([d.code], { kind: 'departements', departements: [d.code] }, `${d.nom} (${d.code})`);
    }
    case 'structure': {
      const s = await getStructure(db, c!);
      if (!s) return { ok: false, status: 400, param: 'code', reason: `Aucune structure n'a cet identifiant : « ${c} ».` };
      return res([s.departement], { kind: 'structure', structureId: s.id }, s.nom);
    }
    case 'conseiller':
    case 'equipe': {
      const u = await findUserById(db, c!);
      if (!u) return { ok: false, status: 400, param: 'code', reason: `Aucun compte n'a cet identifiant : « ${c} ».` };
      const nom = `${u.firstName} ${u.lastName}`;
      if (e === 'conseiller') return res([], { kind: 'conseiller', conseillerId: u.id }, nom);
      return res([], { kind: 'equipe', equipe: await equipeScope(db, u.id) }, `Équipe de ${nom}`);
    }
  }
}
