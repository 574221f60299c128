import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../platform/testing.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('home page', () => {
  it('says what exists for each role, and every link leads somewhere (a page, or the sign-in then back)', async () => {
    const home = await t.app.inject({ url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("Ce que chacun fait ici aujourd'hui");
    for (const qui of ['Structure d’accueil', 'Candidat conseiller', 'Conseiller, coordinateur', 'Préfecture', 'ANCT, Banque des Territoires']) expect(home.body).toContain(qui);
    const links = [...home.body.matchAll(/<main[\s\S]*<\/main>/g)][0]![0].matchAll(/href="(\/[^"#]*)"/g);
    const paths = [...new Set([...links].map((m) => m[1]!))];
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      const res = await t.app.inject({ url: path });
      expect([200, 303], path).toContain(res.statusCode);
      if (res.statusCode === 303) expect(String(res.headers.location), path).toMatch(/^\/connexion\?retour=/);
    }
  });
});
