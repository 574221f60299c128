/**
 * The programme's access rules, composed into the one central policy (src/platform/access.ts).
 * Only types are imported from the platform, so the central policy can import this file.
 */
import type { Principal, Resource, Role, RoleGrant } from '../platform/access.js';

export type ProgrammeAction =
  | 'programme:consulter' // read one file (dossier page, GET /api/v1/structures/{id})
  | 'programme:lister' // the work list of files and its exports
  | 'programme:avis' // the préfet's opinion and priority flag, on a file or an amendment
  | 'programme:coselec' // selection committees: create, agenda, decide, close; decide amendments
  | 'programme:statut' // cancel a file or merge it as a duplicate
  | 'programme:abandonner' // the structure withdraws its application
  | 'programme:avenant' // ask for an amendment
  | 'programme:postes' // the table of envelopes and posts
  | 'programme:enveloppes'; // set envelopes (waves)

type Rule = (grant: RoleGrant, resource: Resource | undefined, user: Principal) => boolean;

const always: Rule = () => true;
/** A file of the grant's département. */
export const dossierOfDepartement: Rule = (g, r) => r === undefined || (r.kind === 'dossier' && r.departement === g.departement);
/** The grant's own structure's file. */
export const dossierOfStructure: Rule = (g, r) => r === undefined || (r.kind === 'dossier' && r.structureId === g.structureId);
/** Banque des Territoires reads validated files, nationally. */
export const dossierValide: Rule = (_g, r) => r === undefined || (r.kind === 'dossier' && r.statut === 'VALIDATION_COSELEC');
/** A territory's posts: its own département for a préfecture. */
const territoireOfDepartement: Rule = (g, r) => r === undefined || (r.kind === 'territoire' && r.code === g.departement);

export const PROGRAMME_POLICY: Record<ProgrammeAction, Partial<Record<Role, Rule>>> = {
  'programme:consulter': { admin: always, banque: dossierValide, prefecture: dossierOfDepartement, structure: dossierOfStructure },
  'programme:lister': { admin: always, banque: always, prefecture: always },
  'programme:avis': { prefecture: dossierOfDepartement },
  'programme:coselec': { admin: always },
  'programme:statut': { admin: always },
  'programme:abandonner': { admin: always, structure: dossierOfStructure },
  'programme:avenant': { structure: dossierOfStructure },
  'programme:postes': { admin: always, banque: always, prefecture: territoireOfDepartement },
  'programme:enveloppes': { admin: always },
};

/** The files a user may list: everything, some départements, some structures, validated files nationally. */
export interface DossierScope {
  all: boolean;
  departements: string[];
  structureIds: string[];
  validesNational: boolean;
}

export function dossierScope(user: Principal | null | undefined): DossierScope {
  const scope: DossierScope = { all: false, departements: [], structureIds: [], validesNational: false };
  for (const g of user?.roles ?? []) {
    const rule = PROGRAMME_POLICY['programme:consulter'][g.role];
    if (rule === always) scope.all = true;
    else if (rule === dossierOfDepartement && g.departement) scope.departements.push(g.departement);
    else if (rule === dossierOfStructure && g.structureId) scope.structureIds.push(g.structureId);
    else if (rule === dossierValide) scope.validesNational = true;
  }
  return scope;
}

/** The territories whose posts a user sees: all, or their départements. */
export function territoiresVisibles(user: Principal | null | undefined): { all: boolean; departements: string[] } {
  const out = { all: false, departements: [] as string[] };
  for (const g of user?.roles ?? []) {
    const rule = PROGRAMME_POLICY['programme:postes'][g.role];
    if (rule === always) out.all = true;
    else if (rule === territoireOfDepartement && g.departement) out.departements.push(g.departement);
  }
  return out;
}
