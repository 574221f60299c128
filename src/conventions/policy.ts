/**
 * The agreements' access rules, composed into the one central policy (src/platform/access.ts).
 * Banque des Territoires instructs, validates and pays, nationally; a structure reads, signs and
 * renews its own; a préfecture reads its département's; ANCT manages the regimes and reads everything.
 */
import type { Principal, Resource, Role, RoleGrant } from '../platform/access.js';

export type ConventionsAction =
  | 'conventions:consulter' // a structure's agreements, posts, documents, payments (pages and API)
  | 'conventions:lister' // the table of agreements (national, or a département's) and its exports
  | 'conventions:signer' // sign the agreement, upload the countersigned PDF
  | 'conventions:renouveler' // start the renewal, or say no renewal is wanted
  | 'conventions:instruire' // dates, validation, refusal, payments
  | 'conventions:regimes'; // funding regimes

type Rule = (grant: RoleGrant, resource: Resource | undefined, user: Principal) => boolean;

const always: Rule = () => true;
const ofStructure: Rule = (g, r) => r === undefined || (r.kind === 'convention' && r.structureId === g.structureId);
const ofDepartement: Rule = (g, r) => r === undefined || (r.kind === 'convention' && r.departement === g.departement);

export const CONVENTIONS_POLICY: Record<ConventionsAction, Partial<Record<Role, Rule>>> = {
  'conventions:consulter': { admin: always, banque: always, prefecture: ofDepartement, structure: ofStructure },
  'conventions:lister': { admin: always, banque: always, prefecture: always },
  'conventions:signer': { structure: ofStructure },
  'conventions:renouveler': { structure: ofStructure },
  'conventions:instruire': { banque: always },
  'conventions:regimes': { admin: always },
};

/** What a user may list: everything, or some départements. */
export function conventionsScope(user: Principal | null | undefined): { all: boolean; departements: string[] } {
  const out = { all: false, departements: [] as string[] };
  for (const g of user?.roles ?? []) {
    const rule = CONVENTIONS_POLICY['conventions:consulter'][g.role];
    if (rule === always) out.all = true;
    else if (rule === ofDepartement && g.departement) out.departements.push(g.departement);
  }
  return out;
}
