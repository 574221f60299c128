/**
 * Recruitment's demo: candidates around Metz, Thionville and Forbach; the demo conseiller's contract at
 * Ville de Metz (so their start date is real); one recruitment waiting for ANCT; one rupture in
 * progress; the demo coordinator leading a team of three. Runs after the programme's demo (validated
 * structures) and the demo accounts.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { addRole, createUser, DuplicateRoleError, findUserByEmail } from '../comptes/users.js';
import { commune } from '../territoires/territoires.js';
import type { Structure } from '../structures/structures.js';
import { candidats, contrats, equipeMembres, misesEnRelation, structuresRecrutement } from './schema.js';
import { Appariement, apparierCandidat } from './matching.js';
import { synchroniserStructures } from './recrutement.js';
import { addDays } from './regles.js';

interface Fiche {
  email: string;
  prenom: string;
  nom: string;
  insee: string;
  situations: string[];
  distance: number;
  pix: number | null;
  motivation: string;
}

const CANDIDATS: Fiche[] = [
  { email: 'candidat@demo.test', prenom: 'Chloé', nom: 'Candidate', insee: '57463', situations: ['demandeur_emploi', 'experience'], distance: 20, pix: 2, motivation: "J'ai animé des ateliers numériques bénévoles à la médiathèque : je veux en faire mon métier." },
  { email: 'lucas.demo@demo.test', prenom: 'Lucas', nom: 'Muller', insee: '57480', situations: ['en_formation'], distance: 40, pix: 1, motivation: 'En reconversion, je souhaite aider les personnes âgées de mon quartier.' },
  { email: 'amina.demo@demo.test', prenom: 'Amina', nom: 'Benali', insee: '57672', situations: ['diplome'], distance: 40, pix: 3, motivation: 'Titulaire du titre de médiatrice numérique, disponible immédiatement.' },
  { email: 'thomas.demo@demo.test', prenom: 'Thomas', nom: 'Schmitt', insee: '57227', situations: ['demandeur_emploi'], distance: 15, pix: null, motivation: 'Je connais bien le bassin de Forbach et ses associations.' },
  { email: 'julie.demo@demo.test', prenom: 'Julie', nom: 'Klein', insee: '57751', situations: ['en_emploi', 'experience'], distance: 20, pix: 2, motivation: "Animatrice d'un espace public numérique, je cherche un poste à temps plein." },
  { email: 'mehdi.demo@demo.test', prenom: 'Mehdi', nom: 'Haddad', insee: '57757', situations: ['demandeur_emploi'], distance: 100, pix: 1, motivation: "Passionné d'informatique, j'aime transmettre." },
];

/** Accounts the recruitment demo creates (the others exist already: candidat, conseiller, coordinateur). */
export const DEMO_RECRUTEMENT_COMPTES = 6;

/** People employed at Ville de Metz in the demo: the demo conseiller and coordinator, and two more. */
const EMPLOYES = [
  { email: 'conseiller@demo.test', prenom: 'Camille', nom: 'Conseillère', debut: '2021-06-01', type: 'CDI' as const, fin: null as string | null, coordinateur: false },
  { email: 'coordinateur@demo.test', prenom: 'Karim', nom: 'Coordinateur', debut: '2021-09-01', type: 'CDI' as const, fin: null, coordinateur: true },
  { email: 'sarah.demo@demo.test', prenom: 'Sarah', nom: 'Weber', debut: '2022-03-01', type: 'CDD' as const, fin: '2027-02-28', coordinateur: false },
];

export async function seedDemoRecrutement(db: Db, byKey: ReadonlyMap<string, Structure>, passwordHash: string, today: string): Promise<{ candidats: number; contrats: number }> {
  const metz = byKey.get('metz');
  if (!metz) return { candidats: 0, contrats: 0 };
  const appariement = new Appariement();
  await synchroniserStructures(db, appariement, today);
  return db.transaction(async (tx) => {
    const userOf = async (email: string, prenom: string, nom: string) =>
      (await findUserByEmail(tx, email)) ?? (await createUser(tx, SYSTEM_ACTOR, { email, firstName: prenom, lastName: nom, passwordHash, roles: [{ role: 'candidat', departement: null, structureId: null }] }));
    const row = (u: { id: string }, f: Pick<Fiche, 'email' | 'prenom' | 'nom' | 'insee' | 'situations' | 'distance' | 'pix' | 'motivation'>, statut: string) => {
      const c = commune(f.insee)!;
      return {
        userId: u.id,
        prenom: f.prenom,
        nom: f.nom,
        email: f.email,
        telephone: '0600000000',
        communeInsee: c.insee,
        departement: c.departement,
        lat: c.lat,
        lng: c.lng,
        situations: f.situations,
        dateDisponibilite: today,
        distanceMaxKm: f.distance,
        motivation: f.motivation,
        pixPalier: f.pix,
        statut,
        demo: true,
      };
    };
    // Candidates, paired at once.
    const ids: string[] = [];
    for (const f of CANDIDATS) {
      const u = await userOf(f.email, f.prenom, f.nom);
      const [c] = await tx.insert(candidats).values(row(u, f, 'disponible')).returning({ id: candidats.id });
      ids.push(c!.id);
      await apparierCandidat(tx, appariement, c!.id, today);
    }
    // Ville de Metz's conseillers: a candidate's history (recruited), a validated pair, a contract.
    let n = 0;
    const employes: { userId: string; merId: string }[] = [];
    for (const e of EMPLOYES) {
      const u = await userOf(e.email, e.prenom, e.nom);
      const [c] = await tx
        .insert(candidats)
        .values(row(u, { email: e.email, prenom: e.prenom, nom: e.nom, insee: '57463', situations: ['experience'], distance: 20, pix: 2, motivation: 'Recruté·e lors de la première vague.' }, 'recrute'))
        .returning({ id: candidats.id });
      const [m] = await tx.insert(misesEnRelation).values({ candidatId: c!.id, structureId: metz.id, statut: 'finalisee', distanceM: 0 }).returning({ id: misesEnRelation.id });
      await tx.insert(contrats).values({
        miseEnRelationId: m!.id,
        candidatId: c!.id,
        userId: u.id,
        structureId: metz.id,
        type: e.type,
        dateDebut: e.debut,
        dateFin: e.fin,
        salaireCentimes: 215_000,
        coordinateur: e.coordinateur,
        statut: 'valide',
        valideLe: new Date(`${e.debut}T09:00:00Z`),
        validePar: 'Alice Administratrice',
        demo: true,
      });
      try {
        await addRole(tx, SYSTEM_ACTOR, u.id, { role: e.coordinateur ? 'coordinateur' : 'conseiller', departement: null, structureId: metz.id });
      } catch (err) {
        if (!(err instanceof DuplicateRoleError)) throw err;
      }
      employes.push({ userId: u.id, merId: m!.id });
      n++;
    }
    // One rupture in progress: Sarah's CDD ends early (resignation), documents awaited.
    const sarah = employes[2]!;
    await tx
      .update(contrats)
      .set({ ruptureDate: addDays(today, 14), ruptureMotif: 'demission', ruptureDocuments: 'en_attente', ruptureDeclareeLe: new Date() })
      .where(sql`${contrats.miseEnRelationId} = ${sarah.merId}`);
    await tx.update(misesEnRelation).set({ statut: 'nouvelle_rupture' }).where(sql`${misesEnRelation.id} = ${sarah.merId}`);
    // One recruitment waiting for ANCT: Lucas, entered by Thionville (Metz's posts are all held).
    const thionville = byKey.get('thionville');
    const [lucas] = thionville ? await tx.select().from(misesEnRelation).where(sql`${misesEnRelation.candidatId} = ${ids[1]!} and ${misesEnRelation.structureId} = ${thionville.id}`) : [];
    if (lucas && thionville) {
      const [u] = await tx.select({ userId: candidats.userId }).from(candidats).where(sql`${candidats.id} = ${ids[1]!}`);
      await tx.update(misesEnRelation).set({ statut: 'recrutee' }).where(sql`${misesEnRelation.id} = ${lucas.id}`);
      await tx.insert(contrats).values({ miseEnRelationId: lucas.id, candidatId: ids[1]!, userId: u!.userId, structureId: thionville.id, type: 'CDD', dateDebut: addDays(today, 21), dateFin: addDays(today, 21 + 730), salaireCentimes: 190_000, demo: true });
      n++;
    }
    // Chloé is pre-selected by Metz.
    await tx.update(misesEnRelation).set({ statut: 'interessee' }).where(sql`${misesEnRelation.candidatId} = ${ids[0]!} and ${misesEnRelation.structureId} = ${metz.id}`);
    // The coordinator's team: Camille and Sarah by name, and every conseiller of Meurthe-et-Moselle.
    const karim = employes[1]!.userId;
    await tx.insert(equipeMembres).values([
      { coordinateurId: karim, conseillerId: employes[0]!.userId, debut: '2021-09-01' },
      { coordinateurId: karim, conseillerId: employes[2]!.userId, debut: '2022-03-01' },
      { coordinateurId: karim, departement: '54', debut: '2023-01-01' },
    ]);
    // The occupied posts follow the pairs.
    await tx.execute(sql`
      update recrutement_structures s set occupes = (
        select count(*)::int from recrutement_mises_en_relation m
        where m.structure_id = s.structure_id and m.statut in ('recrutee', 'finalisee', 'nouvelle_rupture', 'renouvellement_initiee')
      ), updated_at = now()`);
    return { candidats: CANDIDATS.length, contrats: n };
  });
}

/** Removes the demo's candidates, pairs, contracts, teams and recruiting structures (before the demo accounts and structures go). */
export async function deleteDemoRecrutement(tx: Db, demoStructureIds: string[] = []): Promise<void> {
  if (demoStructureIds.length) {
    await tx.delete(contrats).where(inArray(contrats.structureId, demoStructureIds));
    await tx.delete(misesEnRelation).where(inArray(misesEnRelation.structureId, demoStructureIds));
    await tx.delete(structuresRecrutement).where(inArray(structuresRecrutement.structureId, demoStructureIds));
  }
  const demo = await tx.select({ id: candidats.id, userId: candidats.userId }).from(candidats).where(sql`${candidats.demo}`);
  const ids = demo.map((d) => d.id);
  if (ids.length) {
    await tx.delete(contrats).where(inArray(contrats.candidatId, ids));
    await tx.delete(misesEnRelation).where(inArray(misesEnRelation.candidatId, ids));
    await tx.delete(equipeMembres).where(inArray(equipeMembres.coordinateurId, demo.map((d) => d.userId)));
    await tx.delete(candidats).where(inArray(candidats.id, ids));
  }
}
