import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '../platform/testing.js';
import type { Database, Db } from '../platform/db.js';
import type { Principal } from '../platform/access.js';
import { parisCalendarDate } from '../platform/paris.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { structures } from '../structures/schema.js';
import { findStructureBySiret } from '../structures/structures.js';
import { withLuhnKey } from '../structures/siret.js';
import { DEMO_STRUCTURES, demoSiret, resetDemo, seedDemo } from '../demo/seed.js';
import { coselecs, decisions, dossiers } from './schema.js';
import { countDossiers, deposerCandidature, donnerAvisPrefet, getDossierOfStructure, historique, listDossiers } from './dossiers.js';
import { cloturerCoselec, creerCoselec, decisionsDe, enregistrerDecision, listCoselecs } from './coselec.js';
import { avenantsEnCours } from './avenants.js';
import { definirEnveloppe, postesDuTerritoire, vaguesDe } from './postes.js';
import { dossierScope } from './policy.js';
import { validateCandidature } from './regles.js';
import { DEMO_PROGRAMME_STRUCTURES } from './demo.js';

let database: Database;
let db: Db;

const TOUT = { all: true, departements: [], structureIds: [], validesNational: false };
const prefecture57: Principal = { id: '00000000-0000-4000-8000-000000000057', email: 'p57@test.test', firstName: 'P', lastName: '57', roles: [{ role: 'prefecture', departement: '57', structureId: null }] };

async function structureId(key: string): Promise<string> {
  const s = await findStructureBySiret(db, demoSiret(DEMO_STRUCTURES.findIndex((x) => x.key === key)));
  if (!s) throw new Error(`structure ${key} absente`);
  return s.id;
}
async function fileOf(key: string) {
  const d = await getDossierOfStructure(db, await structureId(key));
  if (!d) throw new Error(`dossier ${key} absent`);
  return d;
}

/** Every count the story is made of, independent of generated ids and numbers. */
async function snapshot() {
  const q = (s: string) => database.query(s);
  return {
    dossiers: await q('select departement, statut, demo, count(*)::int n, sum(postes_valides)::int postes, count(avis_prefet)::int avis from programme_dossiers group by 1, 2, 3 order by 1, 2, 3'),
    evenements: await q('select type, count(*)::int n from programme_evenements group by 1 order by 1'),
    coselecs: await q('select date::text, statut, demo, (select count(*)::int from programme_decisions d where d.coselec_id = c.id) decisions from programme_coselec c order by date'),
    vagues: await q('select code, date::text, postes, demo from programme_vagues order by code, date'),
    territoires: await q('select code, enveloppe, postes_valides from programme_territoires order by code'),
    avenants: await q('select type, statut, postes_demandes, avis_prefet from programme_avenants order by 1, 2'),
    structures: await q('select demo, count(*)::int n from structures group by 1 order by 1'),
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await seedDemo(db);
});
afterAll(async () => database.close());

describe('programme demo: the Moselle story', () => {
  it('Moselle: a first wave of 19 posts in May 2021, then an envelope of 53; Meurthe-et-Moselle and a national envelope too', async () => {
    const waves = await vaguesDe(db, '57');
    expect(waves.map((w) => [w.date, w.postes, w.demo])).toEqual([
      ['2022-01-15', 53, true],
      ['2021-05-01', 19, true],
    ]);
    const moselle = (await postesDuTerritoire(db, '57'))!;
    expect(moselle.enveloppe).toBe(53);
    expect(moselle.postesValides).toBe(22);
    expect(moselle.postesValides).toBeLessThanOrEqual(moselle.enveloppe);
    expect(moselle.dossiersEnAttente).toBe(2); // awaiting the opinion, and in complementary examination
    expect((await postesDuTerritoire(db, '54'))!.enveloppe).toBeGreaterThan(0);
    const national = (await postesDuTerritoire(db, 'FR'))!;
    expect(national.enveloppe).toBeGreaterThanOrEqual(4000);
    expect(national.postesValides).toBe(22);
  });

  it('the committee of May 2021 validated 19 posts in 12 Moselle structures, Achen, Metz, Thionville and the Mission locale (2) among them', async () => {
    const all = await listCoselecs(db);
    expect(all).toHaveLength(3);
    expect(all.every((c) => c.demo && c.statut === 'cloture')).toBe(true);
    const mai = all.filter((c) => c.date.startsWith('2021-05'));
    expect(mai).toHaveLength(1);
    expect(mai[0]!.clotureLe!.toISOString().slice(0, 7)).toBe('2021-05');
    const lignes = await decisionsDe(db, mai[0]!.id);
    expect(lignes.every((l) => l.decision.avis === 'POSITIF' && l.dossier.departement === '57' && l.dossier.statut === 'VALIDATION_COSELEC')).toBe(true);
    expect(lignes.reduce((a, l) => a + l.decision.postes, 0)).toBe(19);
    expect(new Set(lignes.map((l) => l.dossier.structureId)).size).toBe(12);
    const postes = new Map(lignes.map((l) => [l.dossier.structureId, l.decision.postes]));
    expect(postes.get(await structureId('achen'))).toBe(1);
    expect(postes.get(await structureId('mission-locale'))).toBe(2);
    expect(postes.has(await structureId('metz'))).toBe(true);
    expect(postes.has(await structureId('thionville'))).toBe(true);
    expect((await fileOf('mission-locale')).postesValides).toBe(2);
  });

  it('files carry a real history, dated when it happened', async () => {
    const achen = await fileOf('achen');
    const events = await historique(db, achen.id);
    expect(events.map((e) => e.type)).toEqual(['depot', 'avis_prefet', 'decision']);
    expect(events.every((e) => e.le.getUTCFullYear() === 2021)).toBe(true);
    expect(events.find((e) => e.type === 'avis_prefet')!.acteur).toBe('Paul Préfecture');
    expect(achen.contactEmail.endsWith('@demo.test')).toBe(true);
    expect(achen.motivation.length).toBeGreaterThan(50);
    expect(achen.avisPrefet).toBe('favorable');
  });

  it('CA Forbach Porte de France and CCAS de Behren-lès-Forbach were validated by a later committee, within the 53', async () => {
    for (const key of ['forbach', 'behren']) {
      const d = await fileOf(key);
      expect(d.statut).toBe('VALIDATION_COSELEC');
      expect(d.postesValides).toBeGreaterThan(0);
      const [row] = await db.select({ date: coselecs.date }).from(decisions).innerJoin(coselecs, eq(coselecs.id, decisions.coselecId)).where(eq(decisions.dossierId, d.id));
      expect(row!.date > '2021-05-31' && row!.date < '2023-01-01').toBe(true);
    }
  });

  it('one recent Moselle file awaits the préfet, one is in complementary examination, one amendment is in progress', async () => {
    const scope = dossierScope(prefecture57);
    const attente = await listDossiers(db, scope, { statut: 'CREEE', avis: 'non' }, { limit: 50, offset: 0 });
    expect(attente).toHaveLength(1);
    expect(attente[0]!.departement).toBe('57');
    expect(Date.now() - attente[0]!.createdAt.getTime()).toBeLessThan(31 * 86_400_000);
    expect((await countDossiers(db, scope)).attenteAvis).toBe(1);

    const examen = await listDossiers(db, TOUT, { statut: 'EXAMEN_COMPLEMENTAIRE_COSELEC' }, { limit: 50, offset: 0 });
    expect(examen).toHaveLength(1);
    const [dec] = await db.select({ avis: decisions.avis, date: coselecs.date }).from(decisions).innerJoin(coselecs, eq(coselecs.id, decisions.coselecId)).where(eq(decisions.dossierId, examen[0]!.id));
    expect(dec).toMatchObject({ avis: 'EXAMEN_COMPLEMENTAIRE' });

    const enCours = await avenantsEnCours(db, scope);
    expect(enCours).toHaveLength(1);
    expect(enCours[0]!.dossier.structureId).toBe(await structureId('metz'));
    expect(enCours[0]!.avenant).toMatchObject({ type: 'ajout', postesDemandes: 1, avisPrefet: null, statut: 'en_cours' });
    expect(await avenantsEnCours(db, TOUT)).toHaveLength(1);
  });

  it('the Nancy (54) file exists, and the Moselle préfecture does not see it', async () => {
    const nancy = await fileOf('nancy');
    expect(nancy).toMatchObject({ departement: '54', statut: 'CREEE' });
    const vus = await listDossiers(db, dossierScope(prefecture57), {}, { limit: 500, offset: 0 });
    expect(vus.length).toBeGreaterThan(10);
    expect(vus.every((d) => d.departement === '57')).toBe(true);
    expect(vus.some((d) => d.id === nancy.id)).toBe(false);
  });

  it('every demo structure has its file, every file is flagged demo', async () => {
    const demo = await db.select({ id: structures.id }).from(structures).where(eq(structures.demo, true));
    expect(demo).toHaveLength(DEMO_STRUCTURES.length + DEMO_PROGRAMME_STRUCTURES.length);
    for (const s of demo) expect(await getDossierOfStructure(db, s.id)).toBeDefined();
    const files = await db.select({ demo: dossiers.demo, email: dossiers.contactEmail }).from(dossiers);
    expect(files).toHaveLength(demo.length);
    expect(files.every((f) => f.demo && f.email.endsWith('@demo.test'))).toBe(true);
  });

  it('resetDemo rebuilds the same story, twice', async () => {
    const before = await snapshot();
    await resetDemo(db);
    expect(await snapshot()).toEqual(before);
    await resetDemo(db);
    expect(await snapshot()).toEqual(before);
  });

  it('a reset leaves real files, committees and envelopes alone', async () => {
    // A real Moselle structure validated for 2 posts by a real committee, and a real wave of 60 posts.
    const today = parisCalendarDate();
    const c = validateCandidature(
      {
        siret: withLuhnKey('2157060600001'),
        type: 'commune',
        nom: 'Commune réelle',
        adresse: '1 rue de la Mairie',
        communeInsee: '57606',
        contactPrenom: 'Rémi',
        contactNom: 'Réel',
        contactFonction: 'Maire',
        contactEmail: 'remi@exemple.fr',
        contactTelephone: '0387000000',
        postesSouhaites: 2,
        dateDebut: today,
        candidatIdentifie: false,
        motivation: 'Une vraie candidature.',
        labelFranceServices: false,
        zrr: false,
        qpv: false,
        engagement: true,
      },
      today,
    );
    if (!c.ok) throw new Error(JSON.stringify(c.errors));
    const real = await deposerCandidature(db, SYSTEM_ACTOR, c.value, { sansCompte: true });
    await donnerAvisPrefet(db, SYSTEM_ACTOR, real.id, 'favorable', 'Avis réel et motivé.');
    const comite = await creerCoselec(db, SYSTEM_ACTOR, today);
    await enregistrerDecision(db, SYSTEM_ACTOR, comite.id, real.id, { avis: 'POSITIF', postes: 2, observation: null });
    await cloturerCoselec(db, SYSTEM_ACTOR, comite.id);
    await definirEnveloppe(db, SYSTEM_ACTOR, '57', 60, { date: today, libelle: 'Vague réelle' });
    expect((await postesDuTerritoire(db, '57'))).toMatchObject({ enveloppe: 60, postesValides: 24 });

    await resetDemo(db);

    expect(await getDossierOfStructure(db, real.structureId)).toMatchObject({ statut: 'VALIDATION_COSELEC', postesValides: 2, demo: false });
    expect((await decisionsDe(db, comite.id)).map((l) => l.dossier.id)).toEqual([real.id]);
    // The real wave stays the Moselle envelope (the demo adds none where real waves exist).
    expect((await vaguesDe(db, '57')).map((w) => [w.postes, w.demo])).toEqual([[60, false]]);
    expect(await postesDuTerritoire(db, '57')).toMatchObject({ enveloppe: 60, postesValides: 24 });
    expect((await postesDuTerritoire(db, 'FR'))!.postesValides).toBe(24);
    // The demo story is whole again.
    expect(await listCoselecs(db)).toHaveLength(4);
    expect((await fileOf('mission-locale')).postesValides).toBe(2);
  });
});
