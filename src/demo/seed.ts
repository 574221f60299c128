import { inArray, like, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { Role } from '../platform/access.js';
import { SYSTEM_ACTOR, recordAudit } from '../audit/audit.js';
import { users } from '../comptes/schema.js';
import { countUsers, createUser, findUserByEmail } from '../comptes/users.js';
import { hashPassword } from '../comptes/passwords.js';
import { structures } from '../structures/schema.js';
import { createStructure, validateStructure, type Structure } from '../structures/structures.js';
import { withLuhnKey } from '../structures/siret.js';
import { deleteDemoLieux } from '../lieux/lieux.js';
import { seedDemoLieux } from '../lieux/demo.js';
import { parisCalendarDate } from '../platform/paris.js';
import { deleteDemoRecrutement, seedDemoRecrutement } from '../recrutement/demo.js';
import { DEMO_PROGRAMME_STRUCTURES, deleteDemoProgramme, seedDemoProgramme } from '../programme/demo.js';
import { deleteDemoConventions, seedDemoConventions } from '../conventions/demo.js';
import { deleteDemoFormation, seedDemoFormation } from '../formation/demo.js';

export const DEMO_PASSWORD = 'demo-conseiller-numerique';
export const DEMO_DOMAIN = 'demo.test';

/**
 * The Moselle structures named in the programme's public documents, with invented SIRETs
 * (prefix 999, Luhn-valid) so that no real organisation is impersonated; plus one structure in
 * Meurthe-et-Moselle to show that a préfecture sees only its own département.
 */
export const DEMO_STRUCTURES = [
  { key: 'achen', nom: "Commune d'Achen", type: 'commune', adresse: '1 rue de la Mairie', codePostal: '57412', communeInsee: '57006' },
  { key: 'metz', nom: 'Ville de Metz', type: 'commune', adresse: '1 place d’Armes', codePostal: '57000', communeInsee: '57463' },
  { key: 'thionville', nom: "Ville de Thionville – pôle numérique Thi'Pi", type: 'commune', adresse: '2 rue du Vieux Collège', codePostal: '57100', communeInsee: '57672' },
  { key: 'mission-locale', nom: 'Mission locale du Pays Messin', type: 'association', adresse: '1 avenue de Blida', codePostal: '57000', communeInsee: '57463' },
  { key: 'forbach', nom: "Communauté d'agglomération Forbach Porte de France", type: 'epci', adresse: '110 rue du Bruch', codePostal: '57600', communeInsee: '57227' },
  { key: 'behren', nom: 'CCAS de Behren-lès-Forbach', type: 'commune', adresse: 'Maison des Services, rue de Champagne', codePostal: '57460', communeInsee: '57058' },
  { key: 'nancy', nom: 'Médiathèque de Nancy (hors Moselle)', type: 'commune', adresse: '43 rue Stanislas', codePostal: '54000', communeInsee: '54395' },
] as const;

export function demoSiret(index: number): string {
  return withLuhnKey('999' + String(index + 1).padStart(10, '0'));
}

type DemoKey = (typeof DEMO_STRUCTURES)[number]['key'];

export const DEMO_ACCOUNTS: { email: string; firstName: string; lastName: string; role: Role; departement?: string; structure?: DemoKey }[] = [
  { email: 'admin@demo.test', firstName: 'Alice', lastName: 'Administratrice', role: 'admin' },
  { email: 'prefecture57@demo.test', firstName: 'Paul', lastName: 'Préfecture', role: 'prefecture', departement: '57' },
  { email: 'banque@demo.test', firstName: 'Béatrice', lastName: 'Banque', role: 'banque' },
  { email: 'structure@demo.test', firstName: 'Sophie', lastName: 'Structure', role: 'structure', structure: 'metz' },
  { email: 'conseiller@demo.test', firstName: 'Camille', lastName: 'Conseillère', role: 'conseiller', structure: 'metz' },
  { email: 'coordinateur@demo.test', firstName: 'Karim', lastName: 'Coordinateur', role: 'coordinateur', structure: 'metz' },
  { email: 'candidat@demo.test', firstName: 'Chloé', lastName: 'Candidate', role: 'candidat' },
  { email: 'organisme@demo.test', firstName: 'Olivier', lastName: 'Formateur', role: 'organisme_formation' },
];

/** Creates the demo structures and accounts (assumes none exist). */
export async function seedDemo(db: Db): Promise<{ structures: number; accounts: number }> {
  const byKey = new Map<string, Structure>();
  for (const [i, s] of DEMO_STRUCTURES.entries()) {
    const v = validateStructure({ ...s, siret: demoSiret(i) });
    if (!v.ok) throw new Error(`structure de démonstration invalide ${s.key} : ${JSON.stringify(v.errors)}`);
    byKey.set(s.key, await createStructure(db, SYSTEM_ACTOR, v.value, { demo: true }));
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const a of DEMO_ACCOUNTS) {
    await createUser(db, SYSTEM_ACTOR, {
      email: a.email,
      firstName: a.firstName,
      lastName: a.lastName,
      passwordHash,
      roles: [{ role: a.role, departement: a.departement ?? null, structureId: a.structure ? byKey.get(a.structure)!.id : null }],
    });
  }
  const conseiller = await findUserByEmail(db, DEMO_ACCOUNTS.find((a) => a.role === 'conseiller')!.email);
  await seedDemoLieux(db, byKey, conseiller?.id ?? null);
  // The programme's story (files, waves, committees): it creates the other Moselle structures it needs.
  await seedDemoProgramme(db, byKey);
  await seedDemoRecrutement(db, byKey, passwordHash, parisCalendarDate());
  // The agreements of the validated structures, computed from the decisions and the contracts above.
  await seedDemoConventions(db, byKey, parisCalendarDate());
  // Training: a provider, the demo conseiller halfway through a 140-hour path, this year's catalogue.
  await seedDemoFormation(db, parisCalendarDate());
  return { structures: DEMO_STRUCTURES.length + DEMO_PROGRAMME_STRUCTURES.length, accounts: DEMO_ACCOUNTS.length };
}

/** Seeds the demo on an empty database only (first start of the embedded database, or DEMO=1). */
export async function seedDemoIfEmpty(db: Db): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  await seedDemo(db);
  return true;
}

/** Removes every demo account and demo structure, then seeds them again. Real data is untouched. */
export async function resetDemo(db: Db): Promise<{ structures: number; accounts: number }> {
  await db.transaction(async (tx) => {
    const demoIds = (await tx.select({ id: structures.id }).from(structures).where(sql`${structures.demo}`)).map((r) => r.id);
    await deleteDemoLieux(tx);
    const demoUsers = (await tx.select({ id: users.id }).from(users).where(like(sql`lower(${users.email})`, `%@${DEMO_DOMAIN}`))).map((r) => r.id);
    await deleteDemoFormation(tx, demoUsers);
    await deleteDemoConventions(tx);
    await deleteDemoRecrutement(tx, demoIds);
    await deleteDemoProgramme(tx);
    await tx.delete(users).where(like(sql`lower(${users.email})`, `%@${DEMO_DOMAIN}`));
    if (demoIds.length) await tx.delete(structures).where(inArray(structures.id, demoIds));
    await recordAudit(tx, SYSTEM_ACTOR, { action: 'demo.reinitialisee', objectType: 'demo', summary: 'Données de démonstration effacées' });
  });
  return seedDemo(db);
}
