/**
 * The programme's demo data: the Moselle story of domain §1 told as real data through the real use
 * cases (waves, the préfet's opinions, three committees, an amendment), every row flagged demo.
 *
 * - Waves: national 4,000 posts (2021-01-15); Moselle 19 (2021-05-01) then 53 (2022-01-15);
 *   Meurthe-et-Moselle 14 then 38.
 * - Committee of 2021-05-20: 19 posts in 12 Moselle structures (Achen 1, Metz 3, Thionville 2,
 *   Mission locale du Pays Messin 2, and 8 structures created here).
 * - Committee of 2022-02-24: CA Forbach Porte de France (2) and CCAS de Behren-lès-Forbach (1).
 * - Committee of 2022-05-19: one association put in complementary examination.
 * - Open today: a Moselle application awaiting the préfet's opinion, Metz's amendment (+1 post,
 *   no opinion yet), and the Nancy (54) application the Moselle préfecture does not see.
 *
 * Historical decisions notify no one: the committees close silently.
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { parisCalendarDate } from '../platform/paris.js';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit.js';
import { findUserByEmail } from '../comptes/users.js';
import { createStructure, validateStructure, type Structure } from '../structures/structures.js';
import { avenants, coselecs, decisions, dossiers, evenements, territoiresPostes, vagues } from './schema.js';
import { validateCandidature, type AvisCoselec, type AvisPrefet } from './regles.js';
import { addEvenement, deposerCandidature, donnerAvisPrefet, type Dossier } from './dossiers.js';
import { cloturerCoselec, creerCoselec, enregistrerDecision } from './coselec.js';
import { definirEnveloppe, EnveloppeDepasseeError, NATIONAL } from './postes.js';
import { demanderAvenant } from './avenants.js';
// Only a function, called at seeding time: the import cycle with the seed (which calls this file) is harmless.
import { demoSiret } from '../demo/seed.js';

interface Fiche {
  contact: [prenom: string, nom: string, fonction: string, email: string, telephone: string];
  postesSouhaites: number;
  dateDebut: string;
  candidatIdentifie?: boolean;
  motivation: string;
  labelFranceServices?: boolean;
  zrr?: boolean;
  qpv?: boolean;
  /** Filed on (ISO date-time with offset). */
  depot: string;
  avis?: { avis: AvisPrefet; commentaire: string; le: string };
}

interface NouvelleStructure {
  key: string;
  nom: string;
  type: 'commune' | 'epci' | 'association';
  adresse: string;
  codePostal: string;
  communeInsee: string;
}

/** Moselle structures of the first wave that the platform's demo did not have yet. */
export const DEMO_PROGRAMME_STRUCTURES: readonly NouvelleStructure[] = [
  { key: 'sarreguemines', nom: 'Ville de Sarreguemines', type: 'commune', adresse: 'Hôtel de ville, rue du Maire Massing', codePostal: '57200', communeInsee: '57631' },
  { key: 'saint-avold', nom: 'CCAS de Saint-Avold', type: 'commune', adresse: '14 rue Hirschauer', codePostal: '57500', communeInsee: '57606' },
  { key: 'hayange', nom: 'Ville de Hayange – espace public numérique', type: 'commune', adresse: '1 place de la Résistance', codePostal: '57700', communeInsee: '57306' },
  { key: 'yutz', nom: 'Centre social et culturel de Yutz', type: 'association', adresse: '5 rue de la Paix', codePostal: '57970', communeInsee: '57757' },
  { key: 'bitche', nom: 'Communauté de communes du Pays de Bitche', type: 'epci', adresse: '4 rue du Général Stuhl', codePostal: '57230', communeInsee: '57089' },
  { key: 'sarrebourg', nom: 'Communauté de communes Sarrebourg Moselle Sud', type: 'epci', adresse: '3 rue du Musée', codePostal: '57400', communeInsee: '57630' },
  { key: 'montigny', nom: 'Ville de Montigny-lès-Metz', type: 'commune', adresse: '198 rue de Pont-à-Mousson', codePostal: '57950', communeInsee: '57480' },
  { key: 'woippy', nom: 'Association Woippy Solidarités numériques', type: 'association', adresse: '2 rue du Général de Gaulle', codePostal: '57140', communeInsee: '57751' },
  // Put in complementary examination by the third committee.
  { key: 'creutzwald', nom: 'Association Creutzwald Solidarités', type: 'association', adresse: '8 rue de la Gare', codePostal: '57150', communeInsee: '57160' },
  // Filed a few days ago, awaiting the préfet's opinion (filed through the public application).
  { key: 'freyming', nom: 'Centre socioculturel de Freyming-Merlebach', type: 'association', adresse: '12 rue de la Gare', codePostal: '57800', communeInsee: '57240' },
];

/** SIRETs of the structures created here: far from src/demo/seed.ts's own (demoSiret(0…6)). */
export const demoProgrammeSiret = (i: number) => demoSiret(100 + i);

const favorable = (le: string, commentaire: string) => ({ avis: 'favorable' as const, commentaire, le });

const FICHES: Record<string, Fiche> = {
  achen: {
    contact: ['Gérard', 'Klein', 'Maire', 'gerard.klein@demo.test', '0387000101'],
    postesSouhaites: 1,
    dateDebut: '2021-06-01',
    motivation:
      "Commune rurale d'un millier d'habitants, Achen veut accompagner ses aînés à la mairie : démarches administratives en ligne, courriel, prise de rendez-vous médicaux, appels en visio avec la famille. Le conseiller tiendra une permanence hebdomadaire et des ateliers collectifs pour les seniors.",
    zrr: true,
    depot: '2021-03-18T10:15:00+01:00',
    avis: favorable('2021-04-22T15:00:00+02:00', "Commune rurale sans offre de médiation numérique de proximité : besoin avéré auprès des seniors, soutien de l'intercommunalité."),
  },
  metz: {
    contact: ['Sophie', 'Structure', 'Directrice de la citoyenneté', 'structure@demo.test', '0387555000'],
    postesSouhaites: 4,
    dateDebut: '2021-06-01',
    candidatIdentifie: true,
    motivation:
      "La Ville de Metz souhaite ouvrir des permanences d'accompagnement numérique dans ses mairies de quartier et à la médiathèque Jean-Macé de Borny, au plus près des habitants des quartiers prioritaires : démarches en ligne, usage du smartphone, sécurité des données, suivi de la scolarité des enfants.",
    qpv: true,
    depot: '2021-03-02T09:30:00+01:00',
    avis: favorable('2021-04-19T11:00:00+02:00', 'Projet structurant pour la ville-centre, bien articulé avec les quartiers prioritaires ; trois postes paraissent un premier volume adapté.'),
  },
  thionville: {
    contact: ['Nadia', 'Benali', "Responsable du pôle numérique Thi'Pi", 'nadia.benali@demo.test', '0382000202'],
    postesSouhaites: 2,
    dateDebut: '2021-06-15',
    motivation:
      "Le pôle numérique Thi'Pi accueille déjà un public nombreux. Deux conseillers numériques animeront des ateliers collectifs (prise en main des outils, courriel, réseaux sociaux) et des rendez-vous individuels pour les démarches administratives.",
    labelFranceServices: true,
    qpv: true,
    depot: '2021-03-10T14:20:00+01:00',
    avis: favorable('2021-04-20T10:00:00+02:00', "Lieu repéré et équipé (Thi'Pi), forte demande des habitants du nord mosellan : avis très favorable."),
  },
  'mission-locale': {
    contact: ['Julien', 'Muller', 'Directeur', 'julien.muller@demo.test', '0387000303'],
    postesSouhaites: 2,
    dateDebut: '2021-06-01',
    candidatIdentifie: true,
    motivation:
      "La Mission locale accompagne des jeunes de 16 à 25 ans en recherche d'emploi ou de formation. Beaucoup maîtrisent les réseaux sociaux mais pas les démarches : CV en ligne, candidatures, espace personnel Pôle emploi et CAF, protection des données. Deux conseillers interviendront à Metz et dans les antennes du Pays Messin.",
    qpv: true,
    depot: '2021-03-25T16:45:00+01:00',
    avis: favorable('2021-04-23T09:30:00+02:00', 'Public jeune éloigné des démarches en ligne, partenaire reconnu du service public de l’emploi : deux postes justifiés.'),
  },
  forbach: {
    contact: ['Laurent', 'Weber', 'Directeur général des services', 'laurent.weber@demo.test', '0387000404'],
    postesSouhaites: 2,
    dateDebut: '2022-03-01',
    motivation:
      "La Communauté d'agglomération Forbach Porte de France regroupe 21 communes et 78 293 habitants. Un conseiller accueillera le public à l'espace de coworking « La Turbine », un second sera itinérant dans les mairies des communes rurales de l'agglomération.",
    labelFranceServices: true,
    qpv: true,
    depot: '2021-09-14T11:00:00+02:00',
    avis: favorable('2021-11-08T14:30:00+01:00', "Maillage intercommunal cohérent (La Turbine et permanences itinérantes) ; couvre des communes aujourd'hui sans offre."),
  },
  behren: {
    contact: ['Fatima', 'Haddad', 'Directrice du CCAS', 'fatima.haddad@demo.test', '0387000505'],
    postesSouhaites: 1,
    dateDebut: '2022-03-01',
    motivation:
      "Le CCAS accueille à la Maison des Services des habitants du quartier prioritaire qui n'arrivent plus à faire seuls leurs démarches (CAF, retraite, impôts). Le conseiller numérique les aidera à devenir autonomes, en individuel et en ateliers.",
    qpv: true,
    depot: '2021-10-05T10:00:00+02:00',
    avis: favorable('2022-01-13T16:00:00+01:00', 'Quartier prioritaire de la politique de la ville, besoin important et lieu d’accueil identifié (Maison des Services).'),
  },
  // nancy: filed recently, see seedDemoProgramme.
  sarreguemines: {
    contact: ['Isabelle', 'Hoffmann', 'Directrice générale adjointe des services', 'isabelle.hoffmann@demo.test', '0387000111'],
    postesSouhaites: 2,
    dateDebut: '2021-06-01',
    motivation: 'La ville souhaite proposer un accompagnement numérique au centre-ville et dans les quartiers de Beausoleil et de la Cité, en lien avec le centre communal d’action sociale et la médiathèque.',
    qpv: true,
    depot: '2021-03-05T09:00:00+01:00',
    avis: favorable('2021-04-19T15:30:00+02:00', 'Sous-préfecture sans offre de médiation numérique publique suffisante : deux postes adaptés.'),
  },
  'saint-avold': {
    contact: ['Marc', 'Becker', 'Directeur du CCAS', 'marc.becker@demo.test', '0387000112'],
    postesSouhaites: 1,
    dateDebut: '2021-06-01',
    motivation: 'Le CCAS reçoit chaque semaine des personnes âgées et des familles démunies face aux démarches dématérialisées. Un conseiller numérique tiendra des permanences au CCAS et dans les résidences autonomie.',
    qpv: true,
    depot: '2021-03-12T10:30:00+01:00',
    avis: favorable('2021-04-21T10:00:00+02:00', 'Besoin avéré auprès des publics fragiles, bonne articulation avec les services sociaux.'),
  },
  hayange: {
    contact: ['Sandrine', 'Lorenz', "Responsable de l'espace public numérique", 'sandrine.lorenz@demo.test', '0382000113'],
    postesSouhaites: 1,
    dateDebut: '2021-06-01',
    motivation: "L'espace public numérique de la ville ouvrira des ateliers collectifs (smartphone, courriel, achats en ligne en sécurité) et des rendez-vous individuels pour les démarches administratives.",
    depot: '2021-03-16T14:00:00+01:00',
    avis: favorable('2021-04-21T11:30:00+02:00', 'Espace public numérique existant, à renforcer : avis favorable.'),
  },
  yutz: {
    contact: ['Kevin', 'Roth', 'Coordinateur du centre social', 'kevin.roth@demo.test', '0382000114'],
    postesSouhaites: 1,
    dateDebut: '2021-06-15',
    motivation: 'Le centre social accompagne des familles et des parents isolés : suivi de la scolarité en ligne, démarches CAF, recherche d’emploi. Le conseiller animera aussi un atelier hebdomadaire pour les seniors.',
    depot: '2021-03-22T09:45:00+01:00',
    avis: favorable('2021-04-22T10:30:00+02:00', 'Structure associative bien implantée, projet orienté familles : avis favorable.'),
  },
  bitche: {
    contact: ['Anne', 'Meyer', 'Chargée de mission services au public', 'anne.meyer@demo.test', '0387000115'],
    postesSouhaites: 1,
    dateDebut: '2021-06-01',
    motivation: "Territoire rural de 37 communes : le conseiller sera itinérant, avec des permanences dans les mairies et à l'espace France Services de Bitche, pour aller vers les personnes isolées.",
    labelFranceServices: true,
    zrr: true,
    depot: '2021-03-08T11:15:00+01:00',
    avis: favorable('2021-04-20T14:00:00+02:00', 'Zone de revitalisation rurale, France Services labellisée : itinérance pertinente.'),
  },
  sarrebourg: {
    contact: ['Pierre', 'Schmitt', 'Directeur des services à la population', 'pierre.schmitt@demo.test', '0387000116'],
    postesSouhaites: 3,
    dateDebut: '2021-06-01',
    motivation: 'La communauté de communes couvre 76 communes rurales. Trois conseillers permettraient de couvrir les bassins de Sarrebourg, Fénétrange et Lorquin par des permanences itinérantes.',
    zrr: true,
    depot: '2021-03-19T15:00:00+01:00',
    avis: favorable('2021-04-22T16:30:00+02:00', 'Territoire très rural et étendu ; deux postes dans un premier temps paraissent suffisants.'),
  },
  montigny: {
    contact: ['Hélène', 'Fischer', "Directrice de l'action sociale", 'helene.fischer@demo.test', '0387000117'],
    postesSouhaites: 2,
    dateDebut: '2021-06-01',
    motivation: "Deux conseillers accueilleront les habitants au centre social et à la médiathèque, avec une attention particulière aux personnes âgées vivant seules et aux demandeurs d'emploi.",
    depot: '2021-03-11T10:00:00+01:00',
    avis: favorable('2021-04-20T11:00:00+02:00', "Projet complémentaire de celui de Metz, à l'échelle de la deuxième ville de l'agglomération."),
  },
  woippy: {
    contact: ['Mehdi', 'Bouzid', 'Président', 'mehdi.bouzid@demo.test', '0387000118'],
    postesSouhaites: 1,
    dateDebut: '2021-06-15',
    candidatIdentifie: true,
    motivation: "L'association anime déjà un atelier informatique bénévole au quartier Saint-Éloy. Un conseiller numérique salarié permettra d'ouvrir des rendez-vous individuels tous les jours de la semaine.",
    qpv: true,
    depot: '2021-03-29T18:00:00+02:00',
    avis: favorable('2021-04-23T11:00:00+02:00', 'Association de proximité en quartier prioritaire, candidat déjà identifié.'),
  },
  creutzwald: {
    contact: ['Christophe', 'Lang', 'Directeur', 'christophe.lang@demo.test', '0387000119'],
    postesSouhaites: 2,
    dateDebut: '2022-09-01',
    motivation: "L'association souhaite créer un point d'accompagnement numérique au centre-ville de Creutzwald et intervenir dans les foyers-logements pour les personnes âgées.",
    depot: '2022-03-14T10:00:00+01:00',
    avis: favorable('2022-04-11T15:00:00+02:00', 'Besoin réel sur le bassin houiller ; le plan de financement au-delà de la subvention reste à préciser.'),
  },
};

/** Wave 1 (committee of 2021-05-20): posts granted per structure, 19 in 12 structures. */
export const VAGUE_1: Readonly<Record<string, number>> = {
  achen: 1,
  metz: 3,
  thionville: 2,
  'mission-locale': 2,
  sarreguemines: 2,
  'saint-avold': 1,
  hayange: 1,
  yutz: 1,
  bitche: 1,
  sarrebourg: 2,
  montigny: 2,
  woippy: 1,
};

const WAVES: { code: string; date: string; postes: number; libelle: string }[] = [
  { code: NATIONAL, date: '2021-01-15', postes: 4000, libelle: 'France Relance : 4 000 conseillers numériques' },
  { code: '57', date: '2021-05-01', postes: 19, libelle: 'Première vague' },
  { code: '54', date: '2021-05-01', postes: 14, libelle: 'Première vague' },
  { code: '57', date: '2022-01-15', postes: 53, libelle: 'Deuxième vague' },
  { code: '54', date: '2022-01-15', postes: 38, libelle: 'Deuxième vague' },
];

const d = (iso: string) => new Date(iso);
const DAY = 86_400_000;

async function acteur(db: Db, email: string): Promise<Actor> {
  const u = await findUserByEmail(db, email);
  return u ? { userId: u.id, label: `${u.firstName} ${u.lastName} <${u.email}>` } : SYSTEM_ACTOR;
}

/** A file for a structure that already exists (the demo's own): the row and its filing event. */
async function insererDossier(tx: Db, s: Structure, f: Fiche, depot: Date): Promise<Dossier> {
  const [prenom, nom, fonction, email, telephone] = f.contact;
  const [row] = await tx
    .insert(dossiers)
    .values({
      structureId: s.id,
      statut: 'CREEE',
      nom: s.nom,
      type: s.type,
      siret: s.siret,
      communeInsee: s.communeInsee,
      departement: s.departement,
      region: s.region,
      contactPrenom: prenom,
      contactNom: nom,
      contactFonction: fonction,
      contactEmail: email,
      contactTelephone: telephone,
      postesSouhaites: f.postesSouhaites,
      dateDebut: f.dateDebut,
      candidatIdentifie: f.candidatIdentifie ?? false,
      motivation: f.motivation,
      labelFranceServices: f.labelFranceServices ?? false,
      zrr: f.zrr ?? false,
      qpv: f.qpv ?? false,
      engagementLe: depot,
      statutLe: depot,
      demo: true,
      createdAt: depot,
      updatedAt: depot,
    })
    .returning();
  const p = f.postesSouhaites > 1 ? 's' : '';
  await addEvenement(tx, row!.id, SYSTEM_ACTOR, 'depot', `Candidature déposée : ${f.postesSouhaites} poste${p} souhaité${p}`, null, depot);
  return row!;
}

/** A committee held on `date`, its decisions recorded the week before, closed on the day. */
async function comite(
  tx: Db,
  anct: Actor,
  date: string,
  lignes: { dossier: Dossier; avis: AvisCoselec; postes: number; observation?: string; prioritaire?: boolean }[],
): Promise<void> {
  const c = await creerCoselec(tx, anct, date, { demo: true });
  const jour = d(`${date}T10:00:00Z`);
  await tx.update(coselecs).set({ createdAt: new Date(jour.getTime() - 14 * DAY) }).where(eq(coselecs.id, c.id));
  for (const l of lignes) {
    await enregistrerDecision(tx, anct, c.id, l.dossier.id, { avis: l.avis, postes: l.postes, observation: l.observation ?? null, ...(l.prioritaire ? { prioritaire: true } : {}) });
  }
  const prepare = new Date(jour.getTime() - 3 * DAY);
  await tx.update(decisions).set({ createdAt: prepare, updatedAt: prepare }).where(eq(decisions.coselecId, c.id));
  const now = d(`${date}T16:00:00Z`);
  try {
    await cloturerCoselec(tx, anct, c.id, { now, silencieux: true });
  } catch (e) {
    // On a database with real envelopes the demo keeps them (no demo wave there): closing may need a derogation.
    if (!(e instanceof EnveloppeDepasseeError)) throw e;
    await cloturerCoselec(tx, anct, c.id, { now, silencieux: true, derogation: "Données de démonstration : l'enveloppe réelle du territoire est conservée." });
  }
}

/**
 * Seeds the programme's demo on top of the demo structures and accounts (`byKey`: the structures of
 * src/demo/seed.ts by key). Creates the missing Moselle structures, every file, waves, committees and
 * the amendment, in one transaction.
 */
export async function seedDemoProgramme(db: Db, byKey: ReadonlyMap<string, Structure>, now = new Date()): Promise<{ dossiers: number; structures: number }> {
  return db.transaction(async (tx) => {
    const anct = await acteur(tx, 'admin@demo.test');
    const prefet57 = await acteur(tx, 'prefecture57@demo.test');
    const gestionnaireMetz = await acteur(tx, 'structure@demo.test');

    // Waves, oldest first (the last one sets the envelope). A territory that already has real waves keeps them.
    const reels = new Set(
      (await tx.selectDistinct({ code: vagues.code }).from(vagues).where(and(eq(vagues.demo, false), inArray(vagues.code, [...new Set(WAVES.map((w) => w.code))])))).map((r) => r.code),
    );
    for (const w of WAVES) {
      if (reels.has(w.code)) continue;
      const avant = new Set((await tx.select({ id: vagues.id }).from(vagues).where(eq(vagues.code, w.code))).map((r) => r.id));
      await definirEnveloppe(tx, anct, w.code, w.postes, { date: w.date, libelle: w.libelle });
      const ids = (await tx.select({ id: vagues.id }).from(vagues).where(eq(vagues.code, w.code))).map((r) => r.id).filter((id) => !avant.has(id));
      if (ids.length) await tx.update(vagues).set({ demo: true, createdAt: d(`${w.date}T09:00:00Z`) }).where(inArray(vagues.id, ids));
    }

    // The structures the story needs beyond the demo's own (one uses the public application instead).
    const structures = new Map(byKey);
    for (const [i, s] of DEMO_PROGRAMME_STRUCTURES.entries()) {
      if (s.key === 'freyming') continue;
      const v = validateStructure({ ...s, siret: demoProgrammeSiret(i) });
      if (!v.ok) throw new Error(`structure de démonstration invalide ${s.key} : ${JSON.stringify(v.errors)}`);
      structures.set(s.key, await createStructure(tx, SYSTEM_ACTOR, v.value, { demo: true }));
    }
    const structure = (key: string) => {
      const s = structures.get(key);
      if (!s) throw new Error(`structure de démonstration manquante : ${key}`);
      return s;
    };

    // Files and the préfet's opinions, in the order they were filed.
    const files = new Map<string, Dossier>();
    const historiques = Object.entries(FICHES).sort((a, b) => d(a[1].depot).getTime() - d(b[1].depot).getTime());
    for (const [key, f] of historiques) files.set(key, await insererDossier(tx, structure(key), f, d(f.depot)));
    for (const [key, f] of historiques) {
      if (f.avis) files.set(key, await donnerAvisPrefet(tx, prefet57, files.get(key)!.id, f.avis.avis, f.avis.commentaire, d(f.avis.le)));
    }
    const file = (key: string) => files.get(key)!;

    // Committee 1 (May 2021): the first wave, 19 posts in 12 Moselle structures.
    await comite(
      tx,
      anct,
      '2021-05-20',
      Object.entries(VAGUE_1).map(([key, postes]) => ({
        dossier: file(key),
        avis: 'POSITIF' as const,
        postes,
        ...(FICHES[key]!.postesSouhaites > postes ? { observation: `Accord partiel (${FICHES[key]!.postesSouhaites} postes demandés), dans la limite de la première vague.` } : {}),
      })),
    );
    // Committee 2 (February 2022), within the second wave.
    await comite(tx, anct, '2022-02-24', [
      { dossier: file('forbach'), avis: 'POSITIF', postes: 2 },
      { dossier: file('behren'), avis: 'POSITIF', postes: 1, prioritaire: true, observation: 'Quartier prioritaire : recrutement à engager sans délai.' },
    ]);
    // Committee 3 (May 2022): complementary examination.
    await comite(tx, anct, '2022-05-19', [
      { dossier: file('creutzwald'), avis: 'EXAMEN_COMPLEMENTAIRE', postes: 0, observation: 'Préciser le cofinancement du poste au-delà de la subvention de l’État et les lieux des permanences.' },
    ]);

    // Today: a Moselle association filed a few days ago (the public application), no opinion yet.
    const idx = DEMO_PROGRAMME_STRUCTURES.findIndex((s) => s.key === 'freyming');
    const fr = DEMO_PROGRAMME_STRUCTURES[idx]!;
    const depotFreyming = new Date(now.getTime() - 6 * DAY);
    const debut = new Date(now.getTime() + 60 * DAY);
    const candidature = validateCandidature(
      {
        siret: demoProgrammeSiret(idx),
        type: fr.type,
        nom: fr.nom,
        adresse: fr.adresse,
        communeInsee: fr.communeInsee,
        codePostal: fr.codePostal,
        contactPrenom: 'Élodie',
        contactNom: 'Kieffer',
        contactFonction: 'Directrice',
        contactEmail: 'elodie.kieffer@demo.test',
        contactTelephone: '03 87 00 01 20',
        postesSouhaites: 1,
        dateDebut: `${parisCalendarDate(debut).slice(0, 8)}01`,
        candidatIdentifie: false,
        motivation:
          "Le centre socioculturel reçoit chaque jour des habitants qui n'arrivent plus à faire seuls leurs démarches en ligne. Un conseiller numérique animera des ateliers (smartphone, courriel, démarches administratives) et des rendez-vous individuels, aussi en langue turque et arabe avec nos bénévoles.",
        labelFranceServices: false,
        zrr: false,
        qpv: true,
        engagement: true,
      },
      parisCalendarDate(depotFreyming),
    );
    if (!candidature.ok) throw new Error(`candidature de démonstration invalide : ${JSON.stringify(candidature.errors)}`);
    files.set('freyming', await deposerCandidature(tx, SYSTEM_ACTOR, candidature.value, { demo: true, sansCompte: true, now: depotFreyming }));

    // Today: Nancy (Meurthe-et-Moselle) filed three weeks ago; the Moselle préfecture does not see it.
    const depotNancy = new Date(now.getTime() - 20 * DAY);
    files.set(
      'nancy',
      await insererDossier(
        tx,
        structure('nancy'),
        {
          contact: ['Claire', 'Thomas', 'Responsable de la médiathèque', 'claire.thomas@demo.test', '0383000606'],
          postesSouhaites: 2,
          dateDebut: `${parisCalendarDate(new Date(now.getTime() + 45 * DAY)).slice(0, 8)}01`,
          motivation: 'La médiathèque propose déjà des ateliers numériques animés par des bénévoles. Deux conseillers permettraient d’ouvrir des permanences d’aide aux démarches en ligne dans les quartiers du Haut-du-Lièvre et de Beauregard.',
          qpv: true,
          depot: depotNancy.toISOString(),
        },
        depotNancy,
      ),
    );

    // Today: Metz asks for one more post; the préfet has not given an opinion yet.
    const avenant = await demanderAvenant(tx, gestionnaireMetz, file('metz').id, {
      type: 'ajout',
      postes: 1,
      motif: 'La fréquentation des permanences de Borny dépasse nos capacités : un quatrième conseiller ouvrirait une permanence à la mairie de quartier de la Patrotte.',
    });
    const demandeLe = new Date(now.getTime() - 9 * DAY);
    await tx.update(avenants).set({ createdAt: demandeLe }).where(eq(avenants.id, avenant.id));
    await tx
      .update(evenements)
      .set({ le: demandeLe })
      .where(and(eq(evenements.dossierId, avenant.dossierId), eq(evenements.type, 'avenant_demande'), sql`${evenements.donnees}->>'avenant' = ${avenant.id}`));

    return { dossiers: files.size, structures: DEMO_PROGRAMME_STRUCTURES.length };
  });
}

/**
 * Removes the programme's demo rows (files, their events, decisions and amendments, demo committees
 * and waves), then recomputes the touched territories: granted posts from the remaining files, the
 * envelope from the latest remaining wave. Real files, committees and waves are untouched.
 */
export async function deleteDemoProgramme(tx: Db): Promise<void> {
  const demoFiles = await tx.select({ id: dossiers.id, departement: dossiers.departement }).from(dossiers).where(eq(dossiers.demo, true));
  const demoCoselecs = (await tx.select({ id: coselecs.id }).from(coselecs).where(eq(coselecs.demo, true))).map((r) => r.id);
  const demoWaves = await tx.select({ id: vagues.id, code: vagues.code }).from(vagues).where(eq(vagues.demo, true));
  const ids = demoFiles.map((f) => f.id);
  if (ids.length) {
    await tx.delete(evenements).where(inArray(evenements.dossierId, ids));
    await tx.delete(avenants).where(inArray(avenants.dossierId, ids));
  }
  if (ids.length || demoCoselecs.length) {
    const conds = [...(ids.length ? [inArray(decisions.dossierId, ids)] : []), ...(demoCoselecs.length ? [inArray(decisions.coselecId, demoCoselecs)] : [])];
    await tx.delete(decisions).where(or(...conds));
  }
  if (demoCoselecs.length) await tx.delete(coselecs).where(inArray(coselecs.id, demoCoselecs));
  if (ids.length) await tx.delete(dossiers).where(inArray(dossiers.id, ids));
  if (demoWaves.length) await tx.delete(vagues).where(inArray(vagues.id, demoWaves.map((w) => w.id)));

  // Granted posts: the sum of the posts in force of the remaining files (every change of a file's posts
  // changes its territory's count by the same amount), nationally for FR.
  const postesTouches = [...new Set([...demoFiles.map((f) => f.departement), ...demoWaves.map((w) => w.code)])];
  if (postesTouches.length) {
    await tx
      .update(territoiresPostes)
      .set({
        postesValides: sql`case when ${territoiresPostes.code} = ${NATIONAL}
          then (select coalesce(sum(d.postes_valides), 0) from ${dossiers} d)
          else (select coalesce(sum(d.postes_valides), 0) from ${dossiers} d where d.departement = ${territoiresPostes.code}) end`,
        updatedAt: new Date(),
      })
      .where(inArray(territoiresPostes.code, [...postesTouches, NATIONAL]));
  }
  const envTouches = [...new Set(demoWaves.map((w) => w.code))];
  if (envTouches.length) {
    await tx
      .update(territoiresPostes)
      .set({
        enveloppe: sql`coalesce((select v.postes from ${vagues} v where v.code = ${territoiresPostes.code} order by v.date desc, v.created_at desc limit 1), 0)`,
        updatedAt: new Date(),
      })
      .where(inArray(territoiresPostes.code, envTouches));
  }
}
