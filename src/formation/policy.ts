/**
 * Training's access rules, composed into the one central policy (src/platform/access.ts).
 * A training provider's staff (`organisme_formation`) act on their own provider's sessions and on the
 * conseillers it trains (resources carry the staff's user ids, as places carry their conseillers');
 * ANCT and Banque des Territoires see everything; a préfecture its département's conseillers; a
 * structure its own; a coordinator their team; a conseiller themself.
 */
import type { Principal, Resource, Role, RoleGrant } from '../platform/access.js';

export type FormationAction =
  | 'tableau-de-bord:organisme_formation'
  | 'formation:organismes' // create providers, invite their staff (ANCT, Banque des Territoires)
  | 'formation:organisme' // a provider's own work: sessions, enrolments, attendance, assessments, certification
  | 'formation:consulter' // one conseiller's training record
  | 'formation:suivi' // the compliance dashboard and its exports (lists are scoped)
  | 'formation:conseiller' // one's own training: enrol, choose the year's module, propose and vote for topics
  | 'formation:catalogue' // read the annual catalogue and the topics' votes
  | 'formation:catalogue-gerer' // publish the annual catalogue, the levels → hours table (ANCT)
  | 'formation:couts'; // training costs per conseiller (Banque des Territoires funds them)

type Rule = (grant: RoleGrant, resource: Resource | undefined, user: Principal) => boolean;

const always: Rule = () => true;
/** A provider's staff: the provider, or a conseiller it trains. */
const staff: Rule = (_g, r, u) => r === undefined || ((r.kind === 'organisme' || r.kind === 'formation') && r.personnelIds.includes(u.id));
const ofDepartement: Rule = (g, r) => r === undefined || (r.kind === 'formation' && g.departement !== null && r.departements.includes(g.departement));
const ofStructure: Rule = (g, r) => r === undefined || (r.kind === 'formation' && g.structureId !== null && r.structureIds.includes(g.structureId));
const ofTeam: Rule = (_g, r, u) => r === undefined || (r.kind === 'formation' && r.coordinateurIds.includes(u.id));
const self: Rule = (_g, r, u) => r === undefined || (r.kind === 'formation' && r.conseillerId === u.id);

export const FORMATION_POLICY: Record<FormationAction, Partial<Record<Role, Rule>>> = {
  'tableau-de-bord:organisme_formation': { organisme_formation: always },
  'formation:organismes': { admin: always, banque: always },
  'formation:organisme': { organisme_formation: staff },
  'formation:consulter': { admin: always, banque: always, prefecture: ofDepartement, structure: ofStructure, coordinateur: ofTeam, conseiller: self, organisme_formation: staff },
  'formation:suivi': { admin: always, banque: always, prefecture: always, structure: always, coordinateur: always },
  'formation:conseiller': { conseiller: always },
  'formation:catalogue': { admin: always, banque: always, conseiller: always, organisme_formation: always },
  'formation:catalogue-gerer': { admin: always },
  'formation:couts': { admin: always, banque: always },
};

/** Whom a user may list on the compliance dashboard. */
export interface FormationScope {
  all: boolean;
  departements: string[];
  structureIds: string[];
  /** A coordinator: their team's members. */
  coordinateurId: string | null;
}

export function formationScope(user: Principal | null | undefined): FormationScope {
  const scope: FormationScope = { all: false, departements: [], structureIds: [], coordinateurId: null };
  for (const g of user?.roles ?? []) {
    const rule = FORMATION_POLICY['formation:consulter'][g.role];
    if (rule === always) scope.all = true;
    else if (rule === ofDepartement && g.departement) scope.departements.push(g.departement);
    else if (rule === ofStructure && g.structureId) scope.structureIds.push(g.structureId);
    else if (rule === ofTeam) scope.coordinateurId = user!.id;
  }
  return scope;
}
