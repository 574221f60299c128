/**
 * The statistics' access rules, composed into the one central policy (src/platform/access.ts).
 * A conseiller reads their own figures; a coordinator their team's (and their own); a structure its
 * own; a préfecture its département and the structures in it; Banque des Territoires and ANCT every
 * scale. Coverage gaps: ANCT nationally, a préfecture for its département.
 */
import type { Principal, Resource, Role, RoleGrant } from '../platform/access.js';

export type StatistiquesAction =
  | 'statistiques:consulter' // the figures of a scope (pages, exports, API), aggregates only, no names
  | 'statistiques:couverture'; // communes far from any help (pages and API)

type Rule = (grant: RoleGrant, resource: Resource | undefined, user: Principal) => boolean;

const always: Rule = () => true;
const scope = (r: Resource | undefined) => (r?.kind === 'statistiques' ? r : null);

const ofDepartement: Rule = (g, r) => {
  if (r === undefined) return true;
  const s = scope(r);
  return !!s && (s.echelle === 'departement' || s.echelle === 'structure') && s.departements.length > 0 && s.departements.every((d) => d === g.departement);
};
const ofStructure: Rule = (g, r) => {
  if (r === undefined) return true;
  const s = scope(r);
  return !!s && s.echelle === 'structure' && s.code === g.structureId;
};
const ownOrTeam: Rule = (_g, r, u) => {
  if (r === undefined) return true;
  const s = scope(r);
  return !!s && (s.echelle === 'equipe' || s.echelle === 'conseiller') && s.code === u.id.toLowerCase();
};
const own: Rule = (_g, r, u) => {
  if (r === undefined) return true;
  const s = scope(r);
  return !!s && s.echelle === 'conseiller' && s.code === u.id.toLowerCase();
};
const couvertureDepartement: Rule = (g, r) => {
  if (r === undefined) return true;
  const s = scope(r);
  return !!s && s.echelle === 'departement' && s.code === g.departement;
};

export const STATISTIQUES_POLICY: Record<StatistiquesAction, Partial<Record<Role, Rule>>> = {
  'statistiques:consulter': { admin: always, banque: always, prefecture: ofDepartement, structure: ofStructure, coordinateur: ownOrTeam, conseiller: own },
  'statistiques:couverture': { admin: always, prefecture: couvertureDepartement },
};

/** The scale and code a user sees without asking: the widest of their roles' own scope. */
export function echelleParDefaut(user: Principal): { echelle: 'national' | 'departement' | 'structure' | 'equipe' | 'conseiller'; code: string | null } | null {
  const has = (role: Role) => user.roles.find((g) => g.role === role);
  if (has('admin') || has('banque')) return { echelle: 'national', code: null };
  const p = has('prefecture');
  if (p?.departement) return { echelle: 'departement', code: p.departement };
  const s = has('structure');
  if (s?.structureId) return { echelle: 'structure', code: s.structureId };
  if (has('coordinateur')) return { echelle: 'equipe', code: user.id.toLowerCase() };
  if (has('conseiller')) return { echelle: 'conseiller', code: user.id.toLowerCase() };
  return null;
}
