/**
 * Recruitment's access rules, composed into the one central policy (src/platform/access.ts).
 * Only types are imported from the platform, so the central policy can import this file.
 */
import type { Principal, Resource, Role, RoleGrant } from '../platform/access.js';

export type RecrutementAction =
  | 'recrutement:candidat' // a candidate's own profile, CV, pause / withdrawal
  | 'recrutement:structure' // a structure's matched candidates, contracts, ruptures, renewals
  | 'recrutement:valider' // ANCT: validate recruitments and ruptures
  | 'recrutement:conseillers' // conseillers' records and the national list
  | 'recrutement:equipes' // coordinators' teams: ANCT reads all, a coordinator reads their own
  | 'recrutement:equipes-gerer' // add and end team memberships (ANCT)
  | 'recrutement:coordination'; // a coordinator's own coordination activities (animation, event, partnership)

type Rule = (grant: RoleGrant, resource: Resource | undefined, user: Principal) => boolean;

const always: Rule = () => true;
/** A structure's own recruitment. */
const ofStructure: Rule = (g, r) => r === undefined || (r.kind === 'structure' && r.id === g.structureId);
/** A conseiller whose current or past contract is in the grant's département / structure. */
const conseillerOfDepartement: Rule = (g, r) => r === undefined || (r.kind === 'conseiller' && g.departement !== null && r.departements.includes(g.departement));
const conseillerOfStructure: Rule = (g, r) => r === undefined || (r.kind === 'conseiller' && g.structureId !== null && r.structureIds.includes(g.structureId));
/** A coordinator's own team. */
const ownTeam: Rule = (_g, r, u) => r === undefined || (r.kind === 'equipe' && r.coordinateurId === u.id);

export const RECRUTEMENT_POLICY: Record<RecrutementAction, Partial<Record<Role, Rule>>> = {
  'recrutement:candidat': { candidat: always },
  'recrutement:structure': { structure: ofStructure },
  'recrutement:valider': { admin: always },
  'recrutement:conseillers': { admin: always, prefecture: conseillerOfDepartement, structure: conseillerOfStructure },
  'recrutement:equipes': { admin: always, coordinateur: ownTeam },
  'recrutement:equipes-gerer': { admin: always },
  'recrutement:coordination': { coordinateur: always },
};

/** The conseillers a user may list: all, some départements, some structures. */
export function conseillerScope(user: Principal | null | undefined): { all: boolean; departements: string[]; structureIds: string[] } {
  const scope = { all: false, departements: [] as string[], structureIds: [] as string[] };
  for (const g of user?.roles ?? []) {
    const rule = RECRUTEMENT_POLICY['recrutement:conseillers'][g.role];
    if (rule === always) scope.all = true;
    else if (rule === conseillerOfDepartement && g.departement) scope.departements.push(g.departement);
    else if (rule === conseillerOfStructure && g.structureId) scope.structureIds.push(g.structureId);
  }
  return scope;
}
