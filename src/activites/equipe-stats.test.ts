/**
 * A coordinator's figures are their team's (domain §11): their own activities, plus each member's
 * dated within the member's periods in the team (teams port). A structure keeps its structure's.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { countsForEquipe, countsForStructures, equipeScope, themesForEquipe } from './activites.js';
import { setEquipesPort } from './ports.js';

let t: TestContext;
let coordId = '';
let membreId = '';
let autreId = '';
let structureId = '';
const ids: Record<string, string> = {};

function stat(html: string, label: string): number {
  const m = new RegExp(`<p class="cn-stat">([^<]+)</p><p class="fr-tile__detail">(?:<a[^>]*>)?${label}<`).exec(html);
  if (!m) throw new Error(`no stat « ${label} »`);
  return Number(m[1]!.replace(/\D/g, ''));
}

async function activite(key: string, conseillerId: string, date: string, thematique = 'email'): Promise<void> {
  const id = randomUUID();
  ids[key] = id;
  await t.database.query(
    `insert into activites (id, conseiller_id, structure_id, departement, type, date, duree_minutes, tranche_duree, lieu_type, commune_insee, thematiques, accompagnements, participants)
     values ($1, $2, $3, '57', 'ponctuel', $4, 30, '30_60', 'a_distance', '57463', $5, 1, '{"total":1}')`,
    [id, conseillerId, structureId, date, `{${thematique}}`],
  );
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const demo = (await findUserByEmail(db, 'conseiller@demo.test'))!;
  coordId = (await findUserByEmail(db, 'coordinateur@demo.test'))!.id;
  structureId = (await t.database.query<{ structure_id: string }>(`select structure_id from role_assignments where user_id = $1 and role = 'conseiller'`, [demo.id]))[0]!.structure_id;
  const mk = async (email: string, firstName: string) =>
    (await createUser(db, SYSTEM_ACTOR, { email, firstName, lastName: 'Test', passwordHash: demo.passwordHash, roles: [{ role: 'conseiller', departement: null, structureId }] })).id;
  membreId = await mk('membre.equipe@demo.test', 'Mina');
  autreId = await mk('hors.equipe@demo.test', 'Hugo');
  // The member joined on 10 March, left on 20 March (both days included), came back on 1 April.
  setEquipesPort({
    async membresPendant(_db, id) {
      return id === coordId
        ? [
            { userId: membreId, debut: '2025-03-10', fin: '2025-03-20' },
            { userId: membreId, debut: '2025-04-01', fin: null },
          ]
        : [];
    },
  });
  await activite('coordinateur', coordId, '2025-03-01', 'sante');
  await activite('avant', membreId, '2025-03-05');
  await activite('premier_jour', membreId, '2025-03-10');
  await activite('pendant', membreId, '2025-03-15', 'bureautique');
  await activite('dernier_jour', membreId, '2025-03-20');
  await activite('apres', membreId, '2025-03-21');
  await activite('entre_deux', membreId, '2025-03-25');
  await activite('retour', membreId, '2025-04-02');
  await activite('hors_equipe', autreId, '2025-03-15');
});
afterAll(async () => t.close());

describe("a coordinator's figures: their team's, during each membership only", () => {
  it('counts a member only between the first and the last day of each period, plus the coordinator’s own', async () => {
    const scope = await equipeScope(t.database.db, coordId);
    const c = await countsForEquipe(t.database.db, scope);
    // own (1 March) + 10, 15, 20 March + 2 April; not the 5th (before joining), nor the 21st or 25th (after leaving), nor a non-member's
    expect(c.activites).toBe(5);
    expect(c.accompagnements).toBe(5);
    const themes = await themesForEquipe(t.database.db, scope);
    expect(themes).toEqual([
      { thematique: 'email', n: 3 },
      { thematique: 'bureautique', n: 1 },
      { thematique: 'sante', n: 1 },
    ]);
    // The structure keeps every activity of its conseillers
    expect((await countsForStructures(t.database.db, [structureId])).activites).toBe(9);
  });

  it('shows the team figures on the coordinator’s dashboard and statistics page, the structure’s on the structure’s', async () => {
    const coord = new TestClient(t.app);
    await coord.login('coordinateur@demo.test');
    const dash = await coord.get('/tableau-de-bord/coordinateur');
    expect(stat(dash.body, "Activités de l'équipe")).toBe(5);
    expect(() => stat(dash.body, 'Activités de la structure')).toThrow(); // no structure tile
    const page = await coord.get('/activites/structure');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<h1>Activités de l'équipe</h1>");
    expect(page.body).toContain('5 activités');
    expect(page.body).toContain('celles des 1 conseiller de votre équipe');
    expect(page.body).toContain('perimetre=equipe');

    const structure = new TestClient(t.app);
    await structure.login('structure@demo.test');
    const sdash = await structure.get('/tableau-de-bord/structure');
    expect(stat(sdash.body, 'Activités de la structure')).toBe(9);
    const spage = await structure.get('/activites/structure');
    expect(spage.body).toContain('<h1>Activités de la structure</h1>');
    expect(spage.body).toContain('9 activités');
  });

  it('exports only the activities counted, without personal data', async () => {
    const coord = new TestClient(t.app);
    await coord.login('coordinateur@demo.test');
    const csv = await coord.get('/activites/structure/export.csv?perimetre=equipe&forme=codes');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain("Activités de l'équipe de Karim Coordinateur");
    for (const k of ['coordinateur', 'premier_jour', 'pendant', 'dernier_jour', 'retour']) expect(csv.body, k).toContain(ids[k]);
    for (const k of ['avant', 'apres', 'entre_deux', 'hors_equipe']) expect(csv.body, k).not.toContain(ids[k]);
    // The default perimeter of a coordinator is their team; a structure's perimeter is not theirs
    expect((await coord.get('/activites/structure/export.csv?forme=codes')).body).toContain(ids.pendant);
    expect((await coord.get('/activites/structure/export.csv?perimetre=structure')).statusCode).toBe(403);
    expect((await coord.get('/activites/structure/export.csv?perimetre=autre')).statusCode).toBe(400);
    // A period filter still applies within the team
    const mars = await coord.get('/activites/structure/export.csv?perimetre=equipe&forme=codes&du=2025-03-11&au=2025-03-31');
    expect(mars.body).toContain(ids.pendant);
    expect(mars.body).not.toContain(ids.premier_jour);
    expect(mars.body).not.toContain(ids.retour);
  });

  it('without a team (the default port), a coordinator sees their own activities only', async () => {
    setEquipesPort({ async membresPendant() { return []; } });
    const c = await countsForEquipe(t.database.db, await equipeScope(t.database.db, coordId));
    expect(c.activites).toBe(1);
  });
});
