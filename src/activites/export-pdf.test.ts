/**
 * The beneficiary's data as a PDF (right of access), read back with pdf.js: plain French labels and
 * dates, only for the beneficiary's own conseiller; and the API's refusal of non-string values where
 * strings are expected, and of ids that are not random or time-ordered UUIDs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractText } from 'unpdf';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { findStructureBySiret } from '../structures/structures.js';
import { DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';
import { parisDate } from './dates.js';
import { beneficiaireExportDescription, dateLongue, dureeLongue, exportFileName, type BeneficiaireExport } from './views/beneficiaire-pdf.js';
import { buildPdf } from '../platform/pdf/pdf.js';
import { isClientUuid, newActiviteIdError, wrongTypeErrors } from './validation.js';

let t: TestContext;
let conseiller: TestClient;
let autre: TestClient;
let token = '';
let helene = '';
const today = parisDate(new Date());

const api = (method: 'POST' | 'PATCH', url: string, body: unknown) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

const individuel = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'individuel',
  date: today,
  duree_minutes: 90,
  lieu: { type: 'domicile', commune_insee: '57463' },
  thematiques: ['securite_numerique', 'aide_aux_demarches_administratives'],
  thematiques_demarches: ['logement'],
  materiel: ['tablette'],
  autonomie: 'partiellement_autonome',
  notes: 'Première séance',
  ...over,
});

async function pdfText(bytes: Buffer): Promise<string[]> {
  return (await extractText(new Uint8Array(bytes), { mergePages: false })).text.map((p) => p.normalize('NFC'));
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const metz = (await findStructureBySiret(db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === 'metz'))))!;
  const me = (await findUserByEmail(db, 'conseiller@demo.test'))!;
  await createUser(db, SYSTEM_ACTOR, {
    email: 'autre.pdf@demo.test',
    firstName: 'Autre',
    lastName: 'Conseiller',
    passwordHash: me.passwordHash,
    roles: [{ role: 'conseiller', departement: null, structureId: metz.id }],
  });
  token = (await createApiToken(db, SYSTEM_ACTOR, me.id, 'test')).token;
  conseiller = new TestClient(t.app);
  await conseiller.login('conseiller@demo.test');
  autre = new TestClient(t.app);
  await autre.login('autre.pdf@demo.test');
  await conseiller.get('/beneficiaires/nouveau');
  const r = await conseiller.post('/beneficiaires/nouveau', { prenom: 'Hélène', nom: 'Lefèvre', annee_naissance: '1950', commune_insee: '57463', consentement: 'oui' });
  expect(r.statusCode).toBe(303);
  helene = (r.headers.location as string).split('/').pop()!;
  const a = await api('POST', '/api/v1/activites', individuel({ beneficiaire_id: helene }));
  expect(a.statusCode, a.body).toBe(201);
});
afterAll(async () => t.close());

describe('GET /beneficiaires/:id/export.pdf', () => {
  it('gives the owner a PDF in plain French: names, labels, long dates, no codes nor identifiers', async () => {
    const page = await conseiller.get(`/beneficiaires/${helene}`);
    expect(page.body).toContain(`href="/beneficiaires/${helene}/export.pdf"`);
    const r = await conseiller.get(`/beneficiaires/${helene}/export.pdf`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="donnees-helene-lefevre-${today}.pdf"`);
    expect(r.headers['cache-control']).toBe('no-store');
    const pages = await pdfText(r.rawPayload);
    const text = pages.join('\n');
    expect(text).toContain('Hélène Lefèvre');
    expect(text).toContain('Sécurité numérique'); // the theme's label
    expect(text).toContain('Aide aux démarches administratives');
    expect(text).toContain('Logement');
    expect(text).toContain('Accompagnement individuel');
    expect(text).toContain('Partiellement autonome');
    expect(text).toContain('Tablette');
    expect(text).toContain('1 h 30');
    expect(text).toContain('Metz');
    expect(text).toContain(`Accompagnement du ${dateLongue(today)}`);
    expect(text).toContain('Première séance');
    expect(text).toContain(`Page 1 sur ${pages.length}`);
    expect(text).toContain(`Empreinte SHA-256 du contenu : ${r.headers['x-content-sha256']}`);
    for (const code of ['securite_numerique', 'partiellement_autonome', 'aide_aux_demarches', '57463', helene])
      expect(text, code).not.toContain(code);
  });

  it('answers 404 to another conseiller and for a malformed id', async () => {
    expect((await autre.get(`/beneficiaires/${helene}/export.pdf`)).statusCode).toBe(404);
    expect((await conseiller.get(`/beneficiaires/${'-'.repeat(36)}/export.pdf`)).statusCode).toBe(404);
  });

  it('writes dates and durations in French', () => {
    expect(dateLongue('2026-03-12')).toBe('12 mars 2026');
    expect(dateLongue('2026-08-01')).toBe('1er août 2026');
    expect(dureeLongue(45)).toBe('45 min');
    expect(dureeLongue(60)).toBe('1 h');
    expect(dureeLongue(90)).toBe('1 h 30');
  });
});

describe('API: values of the wrong JSON type and unacceptable ids', () => {
  it('PATCH with an object or an array where a string is expected → 400 naming the field, never 500', async () => {
    const created = await api('POST', '/api/v1/activites', individuel());
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    for (const [field, value] of [
      ['id', { toString: 1 }],
      ['id', [id]],
      ['date', { toString: 1 }],
      ['notes', { toString: 1 }],
      ['nom_demarche', ['x']],
      ['type', { toString: 1 }],
      ['autonomie', { valueOf: 1, toString: 1 }],
      ['beneficiaire_id', { toString: 1 }],
    ] as const) {
      const r = await api('PATCH', `/api/v1/activites/${id}`, { [field]: value });
      expect(r.statusCode, `${field} ${r.body}`).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().invalid_params.map((p: { name: string }) => p.name), field).toContain(field);
    }
    const lieu = await api('PATCH', `/api/v1/activites/${id}`, { lieu: { type: 'domicile', commune_insee: { toString: 1 } } });
    expect(lieu.statusCode).toBe(400);
    expect(lieu.json().invalid_params[0].name).toBe('lieu.commune_insee');
  });

  it('forms posted as JSON with objects in their fields answer 400, never 500', async () => {
    const c = conseiller as unknown as { cookies: Map<string, string>; lastCsrf: string };
    const post = async (url: string, body: Record<string, unknown>) => {
      await conseiller.get(url);
      return t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/json' },
        payload: JSON.stringify({ _csrf: c.lastCsrf, ...body }),
      });
    };
    const b = await post('/beneficiaires/nouveau', { prenom: { toString: 1 }, nom: ['x'], consentement: 'oui' });
    expect(b.statusCode).toBe(400);
    expect(b.body).toContain('Indiquez le prénom.');
    const a = await post('/activites/nouvelle', { id: { toString: 1 }, type: 'individuel', duree: { toString: 1 }, notes: { toString: 1 } });
    expect(a.statusCode).toBe(400);
  });

  it('POST refuses the nil UUID and UUIDs of versions other than 4 and 7', async () => {
    for (const id of [
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '6ba7b810-9dad-11d1-80b4-00c04fd430c8', // version 1
      '3f703955-aaba-3e70-a3cb-baff6aa3b28f', // version 3
      '8f0c6a4e-2b1d-4c3e-1f10-1a2b3c4d5e6f', // version 4, NCS variant
      '8f0c6a4e-2b1d-4c3e-cf10-1a2b3c4d5e6f', // version 4, Microsoft variant
    ]) {
      const r = await api('POST', '/api/v1/activites', individuel({ id }));
      expect(r.statusCode, id).toBe(400);
      expect(r.json().invalid_params.map((p: { name: string }) => p.name), id).toEqual(['id']);
    }
    for (const id of [randomUUID(), '01890a5d-ac96-774b-bcce-b302099a8057', randomUUID().toUpperCase()]) {
      const r = await api('POST', '/api/v1/activites', individuel({ id }));
      expect(r.statusCode, `${id} ${r.body}`).toBe(201);
    }
  });
});

describe('shared rules', () => {
  it('names every text field holding an object or a list, lieu.* included', () => {
    expect(Object.keys(wrongTypeErrors({ id: {}, notes: [], type: 'individuel', date: null, lieu: { type: ['x'], commune_insee: '57463' } })).sort()).toEqual(['id', 'lieu.type', 'notes']);
    expect(wrongTypeErrors({ notes: { toString: 1 } }).notes).toBe('Le champ « notes » doit être un texte, pas un objet.');
  });

  it('accepts versions 4 and 7 of the RFC variant only', () => {
    expect(isClientUuid('8f0c6a4e-2b1d-4c3e-9f10-1a2b3c4d5e6f')).toBe(true);
    expect(isClientUuid('01890A5D-AC96-774B-BCCE-B302099A8057')).toBe(true);
    expect(isClientUuid('00000000-0000-0000-0000-000000000000')).toBe(false);
    expect(isClientUuid('8f0c6a4e-2b1d-5c3e-9f10-1a2b3c4d5e6f')).toBe(false);
    expect(newActiviteIdError('00000000-0000-0000-0000-000000000000')).toMatch(/version 4.*version 7/);
    expect(newActiviteIdError('pas-un-uuid')).toMatch(/doit être un UUID/);
    expect(newActiviteIdError({ toString: 1 })).toMatch(/doit être un texte/);
  });
});

describe('PDF of an anonymised beneficiary', () => {
  it('says so, without a name, and still builds', async () => {
    const data: BeneficiaireExport = {
      beneficiaire: {
        id: randomUUID(), prenom: null, nom: null, annee_naissance: null, tranche_age: 'non_communique', commune_insee: null, telephone: null,
        email: null, notes: null, consentement_le: null, cree_le: '2026-03-12T08:00:00.000Z', fiches_fusionnees: [],
      },
      activites: [],
    };
    const now = new Date('2026-04-01T22:30:00Z'); // 2 April in Paris
    const d = beneficiaireExportDescription(data, { lieuNom: () => undefined, conseiller: 'Camille Conseillère', now });
    expect(d.subtitle).toBe('Bénéficiaire anonymisé');
    expect(exportFileName(data, now)).toBe('donnees-beneficiaire-2026-04-02.pdf');
    const text = (await pdfText((await buildPdf(d, { creationDate: now })).bytes)).join('\n');
    expect(text).toContain('Aucun accompagnement enregistré.');
    expect(text).toContain('Fiche créée le 12 mars 2026');
    expect(text).toContain('Document établi le 2 avril 2026 par Camille Conseillère.');
  });
});
