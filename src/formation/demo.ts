/**
 * Training's demo, on top of recruitment's (the Ville de Metz contracts): a provider with its staff
 * account (organisme@demo.test) and sessions; the demo conseiller halfway through a 140-hour path
 * (Pix level 2, 70 h attended); Sarah Weber certified (70-hour path done, CCP1 obtained, Pix); this
 * year's catalogue with three modules and topics with votes.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { Actor } from '../audit/audit.js';
import { findUserByEmail } from '../comptes/users.js';
import { organismes, personnels, sessions, modules, choixModules, parcours, certifications, propositions, inscriptions, relances } from './schema.js';
import { creerOrganisme, creerSession, enregistrerCertification, enregistrerPositionnement, enregistrerPresence, inscrire } from './formation.js';
import { creerModule, proposerSujet, voter } from './catalogue.js';
import { addMonths } from './regles.js';

export const DEMO_ORGANISME_EMAIL = 'organisme@demo.test';

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function acteur(db: Db, email: string): Promise<{ actor: Actor; id: string } | undefined> {
  const u = await findUserByEmail(db, email);
  return u ? { id: u.id, actor: { userId: u.id, label: `${u.firstName} ${u.lastName} <${u.email}>` } } : undefined;
}

export async function seedDemoFormation(db: Db, today: string): Promise<void> {
  const staff = await acteur(db, DEMO_ORGANISME_EMAIL);
  const anct = await acteur(db, 'admin@demo.test');
  if (!staff || !anct) return;
  const o = await creerOrganisme(db, anct.actor, { nom: 'Institut de la médiation numérique du Grand Est', tauxHoraireCentimes: 2_500 }, { demo: true });
  await db.insert(personnels).values({ organismeId: o.id, userId: staff.id });
  const a = staff.actor;
  const s1 = await creerSession(db, a, o.id, { titre: 'Parcours initial · 1 : accueillir et accompagner les publics', debut: addMonths(today, -3), fin: addDays(addMonths(today, -3), 11), heures: 70, lieu: 'Metz, 1 place d’Armes', aDistance: false, capacite: 12, moduleId: null });
  const s2 = await creerSession(db, a, o.id, { titre: 'Parcours initial · 2 : animer des ateliers collectifs', debut: addDays(today, 7), fin: addDays(today, 18), heures: 70, lieu: null, aDistance: true, capacite: 15, moduleId: null });
  await creerSession(db, a, o.id, { titre: 'Parcours court : les démarches en ligne', debut: addDays(today, 21), fin: addDays(today, 25), heures: 35, lieu: 'Thionville, pôle numérique Thi’Pi', aDistance: false, capacite: 10, moduleId: null });

  const camille = await acteur(db, 'conseiller@demo.test');
  if (camille) {
    await enregistrerPositionnement(db, a, o.id, camille.id, { niveau: 2, competence1: 2, competence2: 2, competence3: 1, date: addDays(addMonths(today, -3), -7) });
    await inscrire(db, a, s1.id, camille.id);
    await inscrire(db, a, s2.id, camille.id);
    await enregistrerPresence(db, a, s1.id, camille.id, 70);
  }
  const sarah = await acteur(db, 'sarah.demo@demo.test');
  if (sarah) {
    await enregistrerPositionnement(db, a, o.id, sarah.id, { niveau: 3, competence1: 3, competence2: 3, competence3: 2, date: addDays(addMonths(today, -3), -7) });
    await inscrire(db, a, s1.id, sarah.id);
    await enregistrerPresence(db, a, s1.id, sarah.id, 70);
    await enregistrerCertification(db, a, o.id, sarah.id, { ccp1Resultat: 'obtenu', ccp1Date: addDays(today, -30), pixScore: 512, pixDate: addDays(today, -45), ccp2Resultat: null, ccp2Date: null, ccp3Resultat: null, ccp3Date: null });
  }

  const annee = Number(today.slice(0, 4));
  for (const m of [
    { titre: 'Intelligence artificielle : accompagner les usages du quotidien', heures: 14 as const, description: 'Comprendre les assistants conversationnels, leurs limites et les risques pour les données personnelles.' },
    { titre: 'Cybersécurité : repérer et déjouer les arnaques en ligne', heures: 7 as const, description: 'Hameçonnage, faux conseillers, sites frauduleux : les réflexes à transmettre.' },
    { titre: 'Accompagner les démarches de santé en ligne', heures: 7 as const, description: 'Mon espace santé, prise de rendez-vous, téléconsultation.' },
  ]) {
    const module = await creerModule(db, anct.actor, { annee, organismeId: o.id, ...m });
    // Each module has a session in the coming weeks (a day for 7 h, two for 14 h), remote.
    await creerSession(db, a, o.id, { titre: `Module : ${m.titre}`, debut: addDays(today, 14), fin: addDays(today, m.heures === 14 ? 15 : 14), heures: m.heures, lieu: null, aDistance: true, capacite: 30, moduleId: module.id });
  }
  const karim = await acteur(db, 'coordinateur@demo.test');
  if (camille && sarah) {
    await proposerSujet(db, camille.actor, camille.id, annee + 1, 'Accompagner les personnes en situation de handicap');
    await proposerSujet(db, sarah.actor, sarah.id, annee + 1, 'Le numérique et la parentalité');
    const [p] = await db.select().from(propositions).where(eq(propositions.sujet, 'Accompagner les personnes en situation de handicap'));
    if (p) await voter(db, sarah.actor, sarah.id, p.id);
    if (p && karim) await voter(db, karim.actor, karim.id, p.id);
  }
}

/** Removes the demo providers and everything attached to them, and the demo conseillers' training rows. */
export async function deleteDemoFormation(tx: Db, demoUserIds: string[]): Promise<void> {
  const ids = (await tx.select({ id: organismes.id }).from(organismes).where(eq(organismes.demo, true))).map((r) => r.id);
  if (demoUserIds.length) {
    await tx.delete(choixModules).where(inArray(choixModules.conseillerId, demoUserIds));
    await tx.delete(propositions).where(inArray(propositions.conseillerId, demoUserIds));
    await tx.delete(certifications).where(inArray(certifications.conseillerId, demoUserIds));
    await tx.delete(parcours).where(inArray(parcours.conseillerId, demoUserIds));
    await tx.delete(inscriptions).where(inArray(inscriptions.conseillerId, demoUserIds));
    await tx.delete(relances).where(inArray(relances.conseillerId, demoUserIds));
  }
  if (!ids.length) return;
  const mods = (await tx.select({ id: modules.id }).from(modules).where(inArray(modules.organismeId, ids))).map((r) => r.id);
  if (mods.length) await tx.delete(choixModules).where(inArray(choixModules.moduleId, mods));
  await tx.delete(modules).where(inArray(modules.organismeId, ids));
  await tx.delete(parcours).where(inArray(parcours.organismeId, ids));
  await tx.delete(sessions).where(inArray(sessions.organismeId, ids));
  await tx.delete(organismes).where(inArray(organismes.id, ids));
}
