import { PROGRAMME_POLICY, type ProgrammeAction } from '../programme/policy.js';
import { RECRUTEMENT_POLICY, type RecrutementAction } from '../recrutement/policy.js';
import { CONVENTIONS_POLICY, type ConventionsAction } from '../conventions/policy.js';
import { STATISTIQUES_POLICY, type StatistiquesAction } from '../statistiques/policy.js';
import { FORMATION_POLICY, type FormationAction } from '../formation/policy.js';

/**
 * The one access policy. Every route declares the action it performs (or `public`), and the
 * HTTP layer asks `can()` before the handler runs; handlers that load a specific object ask
 * `can()` again with that object. Lists are filtered with `scopeFor()`. No route decides on its own.
 */

export const ROLES = ['admin', 'prefecture', 'banque', 'structure', 'conseiller', 'coordinateur', 'candidat', 'organisme_formation'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administration nationale (ANCT)',
  prefecture: 'Préfecture',
  banque: 'Banque des Territoires',
  structure: "Structure d'accueil",
  conseiller: 'Conseiller numérique',
  coordinateur: 'Coordinateur',
  candidat: 'Candidat',
  organisme_formation: 'Organisme de formation',
};

/** Roles whose grant names a département / a structure. */
export const ROLE_NEEDS_DEPARTEMENT: ReadonlySet<Role> = new Set(['prefecture']);
export const ROLE_NEEDS_STRUCTURE: ReadonlySet<Role> = new Set(['structure', 'conseiller', 'coordinateur']);

export interface RoleGrant {
  role: Role;
  departement: string | null;
  structureId: string | null;
}

export interface Principal {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: RoleGrant[];
}

export type Action =
  | 'compte:gerer' // one's own account, password, API tokens
  | 'tableau-de-bord:admin'
  | 'tableau-de-bord:prefecture'
  | 'tableau-de-bord:banque'
  | 'tableau-de-bord:structure'
  | 'tableau-de-bord:conseiller'
  | 'tableau-de-bord:coordinateur'
  | 'tableau-de-bord:candidat'
  | 'utilisateurs:gerer'
  | 'audit:consulter'
  | 'courriels:consulter'
  | 'taches:gerer' // background jobs: list, retry a failed one (src/platform/jobs)
  | 'structures:consulter'
  | 'structures:creer'
  | 'structures:modifier'
  | 'lieux:gerer' // create and edit places (lists are scoped in src/lieux)
  | 'lieux:importer'
  | 'activites:saisir' // record, edit, delete, list and export one's own activity reports (src/activites)
  | 'beneficiaires:gerer' // one's own followed beneficiaries: private to their conseiller
  | 'activites:statistiques' // aggregates of a structure's or a coordinator's team's activities, without any name
  | ProgrammeAction // applications, opinions, committees, envelopes, amendments (src/programme/policy.ts)
  | RecrutementAction // candidates, pairs, contracts, ruptures, teams (src/recrutement/policy.ts)
  | StatistiquesAction // figures of a scope, coverage gaps (src/statistiques/policy.ts)
  | ConventionsAction // agreements, posts, payments, regimes (src/conventions/policy.ts)
  | FormationAction; // training: providers, paths, sessions, attendance, certification, modules (src/formation/policy.ts)

/** What a route requires: nothing, a signed-in user, or an action. */
export type RouteAccess = 'public' | 'authentifie' | Action;

export type Resource =
  | { kind: 'structure'; id: string; departement: string }
  /** A place: owned by a structure (or none, when imported), with the conseillers who work there. */
  | { kind: 'lieu'; structureId: string | null; conseillerIds: string[] }
  /** A structure's application file (src/programme). */
  | { kind: 'dossier'; structureId: string; departement: string; statut: string }
  /** A territory's envelope and posts: a département code, or FR. */
  | { kind: 'territoire'; code: string }
  /** A conseiller: the départements and structures of their contracts (src/recrutement). */
  | { kind: 'conseiller'; userId: string; departements: string[]; structureIds: string[] }
  /** A coordinator's team. */
  | { kind: 'equipe'; coordinateurId: string }
  /** A scope of statistics (src/statistiques): its scale, code and the départements it lies in. */
  | { kind: 'statistiques'; echelle: string; code: string; departements: string[] }
  /** A structure's agreements (src/conventions). */
  | { kind: 'convention'; structureId: string; departement: string }
  /** A training provider (src/formation): its staff's user ids. */
  | { kind: 'organisme'; id: string; personnelIds: string[] }
  /** A conseiller's training record: where they work, their coordinators, the staff of the providers training them. */
  | { kind: 'formation'; conseillerId: string; departements: string[]; structureIds: string[]; coordinateurIds: string[]; personnelIds: string[] };

type Rule = (grant: RoleGrant, resource: Resource | undefined, user: Principal) => boolean;

const always: Rule = () => true;
const ownStructure: Rule = (g, r) => r === undefined || (r.kind === 'structure' && r.id === g.structureId);
const ownDepartement: Rule = (g, r) => r === undefined || (r.kind === 'structure' && r.departement === g.departement);
const lieuOfOwnStructure: Rule = (g, r) => r === undefined || (r.kind === 'lieu' && r.structureId !== null && r.structureId === g.structureId);
const lieuWorkedIn: Rule = (g, r, u) => r === undefined || (r.kind === 'lieu' && r.conseillerIds.includes(u.id));

/** action → role → rule. A role absent from an action's table may not perform it. */
const POLICY: Record<Action, Partial<Record<Role, Rule>>> = {
  'compte:gerer': Object.fromEntries(ROLES.map((r) => [r, always])),
  'tableau-de-bord:admin': { admin: always },
  'tableau-de-bord:prefecture': { prefecture: always },
  'tableau-de-bord:banque': { banque: always },
  'tableau-de-bord:structure': { structure: always },
  'tableau-de-bord:conseiller': { conseiller: always },
  'tableau-de-bord:coordinateur': { coordinateur: always },
  'tableau-de-bord:candidat': { candidat: always },
  'utilisateurs:gerer': { admin: always },
  'audit:consulter': { admin: always },
  'courriels:consulter': { admin: always },
  'taches:gerer': { admin: always },
  'structures:consulter': {
    admin: always,
    banque: always,
    prefecture: ownDepartement,
    structure: ownStructure,
    conseiller: ownStructure,
    coordinateur: ownStructure,
  },
  'structures:creer': { admin: always },
  'structures:modifier': { admin: always, structure: ownStructure },
  'lieux:gerer': { admin: always, structure: lieuOfOwnStructure, conseiller: lieuWorkedIn },
  'lieux:importer': { admin: always },
  'activites:saisir': { conseiller: always, coordinateur: always },
  'beneficiaires:gerer': { conseiller: always, coordinateur: always },
  'activites:statistiques': { structure: always, coordinateur: always },
  ...PROGRAMME_POLICY,
  ...RECRUTEMENT_POLICY,
  ...CONVENTIONS_POLICY,
  ...STATISTIQUES_POLICY,
  ...FORMATION_POLICY,
};

export const ACTIONS = Object.keys(POLICY) as Action[];

/** Roles that may perform an action on at least some resource. */
export function rolesAllowed(action: Action): Role[] {
  return ROLES.filter((r) => POLICY[action][r] !== undefined);
}

export function can(user: Principal | null | undefined, action: Action, resource?: Resource): boolean {
  if (!user) return false;
  const rules = POLICY[action];
  return user.roles.some((g) => {
    const rule = rules[g.role];
    return rule !== undefined && rule(g, resource, user);
  });
}

export function hasRole(user: Principal | null | undefined, role: Role): boolean {
  return !!user?.roles.some((g) => g.role === role);
}

/** The part of the structures a user may list: everything, some départements, some structures, or nothing. */
export interface StructureScope {
  all: boolean;
  departements: string[];
  structureIds: string[];
}

export function structureScope(user: Principal | null | undefined, action: Action = 'structures:consulter'): StructureScope {
  const scope: StructureScope = { all: false, departements: [], structureIds: [] };
  if (!user) return scope;
  for (const g of user.roles) {
    const rule = POLICY[action][g.role];
    if (!rule) continue;
    if (rule === always) scope.all = true;
    else if (rule === ownDepartement && g.departement) scope.departements.push(g.departement);
    else if (rule === ownStructure && g.structureId) scope.structureIds.push(g.structureId);
  }
  return scope;
}

/** Dashboards in the order a user holding several roles sees them. */
export function dashboardsFor(user: Principal): Role[] {
  return ROLES.filter((r) => hasRole(user, r));
}
