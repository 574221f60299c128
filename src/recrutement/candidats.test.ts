/**
 * The candidate's side of recruitment through HTTP: the public application (form and API), the
 * mails that follow, « Mon profil » (changes, pause, withdrawal), the CV (upload, download, purge after
 * 6 months) and the pairs written at once with the structures around the candidate.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { createJobWorker, enqueue } from '../platform/jobs/jobs.js';
import { createMailer, listOutbox } from '../platform/mail.js';
import { parisCalendarDate } from '../platform/paris.js';
import { fichiers } from '../platform/uploads/schema.js';
import { databaseStorage } from '../platform/uploads/storage.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { hashPassword } from '../comptes/passwords.js';
import { createUser, findUserByEmail, listGrants, setPassword } from '../comptes/users.js';
import { notifications } from '../notifications/schema.js';
import { setCommuneCentres } from '../territoires/territoires.js';
import { candidats, misesEnRelation, structuresRecrutement } from './schema.js';
import { CANDIDATURE_CONSEILLER_JOB, CV_PURGE_JOB, ajouterMois, registerCandidatsJobs } from './candidats.js';

let t: TestContext;
const db = () => t.database.db;
const PASSWORD = 'mot-de-passe-candidat-2025';
const inDays = (n: number) => parisCalendarDate(new Date(Date.now() + n * 86400_000));

function form(over: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    prenom: 'Camille',
    nom: 'Durand',
    email: 'camille.durand@exemple.fr',
    telephone: '06 12 34 56 78',
    commune: 'Bordeaux',
    situations: ['demandeur_emploi', 'experience'],
    diplome: '',
    date_disponibilite: inDays(10),
    distance_max_km: '10',
    motivation: "J'anime depuis deux ans des ateliers numériques à la médiathèque de mon quartier.",
    pix_palier: '2',
    ...over,
  };
}

function apiBody(over: Record<string, unknown> = {}) {
  return {
    prenom: 'Yanis',
    nom: 'Benali',
    email: 'yanis.benali@exemple.fr',
    telephone: '+33 6 98 76 54 32',
    commune_insee: '33063',
    situations: ['en_formation'],
    date_disponibilite: inDays(5),
    distance_max_km: 20,
    motivation: 'Accompagner les personnes éloignées du numérique dans leurs démarches.',
    ...over,
  };
}

async function api(payload: unknown, remoteAddress?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/candidatures-conseillers',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

async function apply(over: Record<string, string | string[]> = {}) {
  const c = new TestClient(t.app);
  await c.get('/candidature/conseiller');
  return { client: c, res: await c.post('/candidature/conseiller', form(over)) };
}

async function signIn(email: string): Promise<TestClient> {
  const u = (await findUserByEmail(db(), email))!;
  await setPassword(db(), SYSTEM_ACTOR, u.id, await hashPassword(PASSWORD));
  const c = new TestClient(t.app);
  await c.login(email, PASSWORD);
  return c;
}

async function candidatOf(email: string) {
  const [c] = await db().select().from(candidats).where(eq(candidats.email, email));
  return c;
}

async function pairsOf(candidatId: string) {
  return db().select().from(misesEnRelation).where(eq(misesEnRelation.candidatId, candidatId));
}

// ——— Multipart, as a browser sends it ———

type Part = { name: string; value: string } | { name: string; filename: string; type: string; content: Buffer };
const BOUNDARY = '----cn-test-boundary-cv9Q2x';

function multipart(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ('value' in p) chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    else {
      chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`));
      chunks.push(p.content, Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

async function pdf(text = 'CV de Camille Durand'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]).drawText(text, { x: 20, y: 100, size: 12 });
  return Buffer.from(await doc.save());
}

const cookieOf = (c: TestClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

async function uploadCv(c: TestClient, file: { filename: string; type: string; content: Buffer }) {
  await c.get('/candidature/profil');
  return t.app.inject({
    method: 'POST',
    url: `/candidature/profil/cv?_csrf=${encodeURIComponent(c.lastCsrf)}`,
    headers: { cookie: cookieOf(c), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: multipart([{ name: '_csrf', value: c.lastCsrf }, { name: 'cv', ...file }]),
  });
}

beforeAll(async () => {
  t = await createTestApp();
  // src/app.ts registers them: registerCandidatsJobs(deps.jobs, deps.mailer, config.publicUrl, storage). Until it does, the test does.
  if (!t.app.jobs.definitions.has(CANDIDATURE_CONSEILLER_JOB)) {
    registerCandidatsJobs(t.app.jobs, createMailer({ from: t.config.mailFrom, db: db() }), t.config.publicUrl, databaseStorage(db()));
  }
}, 120_000);
afterAll(async () => t.close());

describe('the public application form', () => {
  it('is a plain, accessible form: fieldsets with legends, distances in km, the counter, a honeypot', async () => {
    const res = await new TestClient(t.app).get('/candidature/conseiller');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Devenir conseiller numérique</h1>');
    expect(res.body).toContain('action="/candidature/conseiller"');
    expect(res.body).not.toContain('multipart/form-data');
    expect(res.body).toMatch(/<legend[^>]*id="legende-situations"/);
    expect(res.body).toMatch(/<legend[^>]*id="legende-distance"/);
    for (const label of ['5 km', '10 km', '100 km', '2000 km (toute la France)']) expect(res.body).toContain(`>${label}</label>`);
    expect(res.body).toContain('data-compteur="compteur-motivation"');
    expect(res.body).toContain('maxLength="2500"'.toLowerCase());
    expect(res.body).toContain('src="/static/programme.js"');
    expect(res.body).toContain('name="site_web"');
    expect(res.body).toContain('for="champ-pix_palier"');
  });

  it('reports each bad field next to it, in French, and keeps what was typed', async () => {
    const { res } = await apply({ commune: 'Zzzvillesansnom', situations: [], distance_max_km: '7', date_disponibilite: '2020-01-01', motivation: 'x'.repeat(2501), telephone: '12' });
    expect(res.statusCode).toBe(400);
    for (const m of [
      'Aucune commune ne s',
      'Cochez au moins une situation',
      'Choisissez une distance parmi 5, 10, 15, 20, 40, 100, 2000 km.',
      'ne peut pas être passée',
      'Au plus 2500 caractères (vous en avez saisi 2501)',
      'Saisissez un numéro à 10 chiffres',
      'Le formulaire contient 6 erreurs',
    ]) {
      expect(res.body).toContain(m);
    }
    expect(res.body).toContain('aria-describedby="champ-telephone-aide champ-telephone-erreur"');
    expect(res.body).toContain('id="champ-commune-erreur"');
    expect(res.body).toContain('href="#champ-situations"');
    expect(res.body).toContain('fr-fieldset--error');
    expect(res.body).toContain('value="Camille"');
    expect(res.body).toContain('value="Zzzvillesansnom"');
    expect(await candidatOf('camille.durand@exemple.fr')).toBeUndefined();

    const diplome = (await apply({ situations: ['diplome'], diplome: '' })).res;
    expect(diplome.statusCode).toBe(400);
    expect(diplome.body).toContain('Indiquez le nom de votre diplôme');
    expect(diplome.body).toMatch(/id="situation-diplome"[^>]*checked/);
  });

  it('records the candidate, invites them (no password), and mails the confirmation and the invitation', async () => {
    const { client, res } = await apply();
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/candidature/conseiller/envoyee');
    const done = await client.get(res.headers.location!);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('mot de passe');
    expect(done.body).toContain('Mon profil');

    const user = await findUserByEmail(db(), 'camille.durand@exemple.fr');
    expect(user).toBeDefined();
    expect(user!.passwordHash).toBeNull();
    expect((await listGrants(db(), user!.id)).map((g) => g.role)).toEqual(['candidat']);
    const c = (await candidatOf('camille.durand@exemple.fr'))!;
    expect(c).toMatchObject({ userId: user!.id, communeInsee: '33063', departement: '33', statut: 'disponible', distanceMaxKm: 10, pixPalier: 2, telephone: '0612345678' });
    expect(c.situations).toEqual(['demandeur_emploi', 'experience']);
    expect(typeof c.lat).toBe('number');

    expect(await listOutbox(db(), 10, 'camille.durand@exemple.fr')).toHaveLength(0); // mails leave from the job
    await createJobWorker({ database: t.database, registry: t.app.jobs }).runDue();
    const mails = await listOutbox(db(), 10, 'camille.durand@exemple.fr');
    const subjects = mails.map((m) => m.subject);
    expect(subjects).toContain('Candidature de conseiller numérique reçue');
    expect(subjects).toContain('Votre compte Conseiller numérique');
    const confirmation = mails.find((m) => m.subject === 'Candidature de conseiller numérique reçue')!;
    expect(confirmation.text).toContain('/candidature/profil');
    expect(confirmation.text).toContain('CV');
    expect(mails.find((m) => m.subject === 'Votre compte Conseiller numérique')!.text).toContain('/mot-de-passe/nouveau?jeton=');
  });

  it('refuses a known e-mail (a candidate, or any account) with 409, on the page and in the API', async () => {
    const again = (await apply({ prenom: 'Autre' })).res;
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('existe déjà avec cette adresse');
    expect(again.body).toContain('href="/connexion"');
    const account = (await apply({ email: 'ADMIN@demo.test' })).res;
    expect(account.statusCode).toBe(409);
    expect(await candidatOf('admin@demo.test')).toBeUndefined();

    const viaApi = await api(apiBody({ email: 'camille.durand@exemple.fr' }));
    expect(viaApi.statusCode).toBe(409);
    expect(viaApi.headers['content-type']).toContain('application/problem+json');
    expect(viaApi.json().invalid_params).toEqual([{ name: 'email', reason: expect.stringContaining('existe déjà') }]);
  });

  it('answers a filled honeypot like a success, and records nothing', async () => {
    const { res } = await apply({ email: 'robot@exemple.fr', site_web: 'https://spam.example' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/candidature/conseiller/envoyee');
    expect(await candidatOf('robot@exemple.fr')).toBeUndefined();
    expect(await findUserByEmail(db(), 'robot@exemple.fr')).toBeUndefined();
  });
});

describe('the API contract', () => {
  it('POST /api/v1/candidatures-conseillers: 201 {id}, the account invited', async () => {
    const res = await api(apiBody());
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['id']);
    const c = (await candidatOf('yanis.benali@exemple.fr'))!;
    expect(body.id).toBe(c.id);
    expect(c).toMatchObject({ distanceMaxKm: 20, pixPalier: null, diplome: null, telephone: '+33698765432' });
    expect((await findUserByEmail(db(), 'yanis.benali@exemple.fr'))!.passwordHash).toBeNull();
  });

  it('400 names the body fields in invalid_params', async () => {
    const res = await api(apiBody({ email: 'autre@exemple.fr', commune_insee: '00000', situations: 'en_formation', distance_max_km: 7, pix_palier: 4, date_disponibilite: '2020-01-01', prenom: '' }));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const names = (res.json().invalid_params as { name: string; reason: string }[]).map((p) => p.name).sort();
    expect(names).toEqual(['commune_insee', 'date_disponibilite', 'distance_max_km', 'pix_palier', 'prenom', 'situations']);
    const diplome = await api(apiBody({ email: 'autre@exemple.fr', situations: ['diplome', 'inconnue'] }));
    expect(diplome.json().invalid_params.map((p: { name: string }) => p.name)).toEqual(['situations', 'diplome']);
    expect(await candidatOf('autre@exemple.fr')).toBeUndefined();
  });

  it('is documented in the OpenAPI document with its request and answers', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const op = doc.paths['/api/v1/candidatures-conseillers'].post;
    expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CandidatureConseiller' });
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '429']));
    const schema = doc.components.schemas.CandidatureConseiller;
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['commune_insee', 'date_disponibilite', 'diplome', 'distance_max_km', 'email', 'motivation', 'nom', 'pix_palier', 'prenom', 'situations', 'telephone'].sort(),
    );
    expect(schema.properties.distance_max_km.enum).toEqual([5, 10, 15, 20, 40, 100, 2000]);
  });

  it('is rate-limited per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await api({}, '203.0.113.77')).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect((await api({}, '203.0.113.78')).statusCode).toBe(400);
  });
});

describe('Mon profil', () => {
  let camille: TestClient;

  beforeAll(async () => {
    camille = await signIn('camille.durand@exemple.fr');
  });

  it('shows the signed-in candidate their profile, status in plain French, and only to candidates', async () => {
    const res = await camille.get('/candidature/profil');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Ma candidature : disponible');
    expect(res.body).toMatch(/Aucune structure ne voit votre profil|\d+ structures? voi/);
    expect(res.body).toContain('value="Camille"');
    expect(res.body).toMatch(/id="champ-email"[^>]*readonly/i);
    expect(res.body).toContain('action="/candidature/profil/pause"');
    expect(res.body).toContain('action="/candidature/profil/retirer"');
    expect(res.body).not.toContain('action="/candidature/profil/reprendre"');
    expect(res.body).toContain('enctype="multipart/form-data"');

    expect((await new TestClient(t.app).get('/candidature/profil')).statusCode).toBe(303); // to sign in
    const manager = new TestClient(t.app);
    await manager.login('structure@demo.test');
    expect((await manager.get('/candidature/profil')).statusCode).toBe(403);
  });

  it('edits the profile with the same rules; the e-mail does not change here', async () => {
    const before = (await candidatOf('camille.durand@exemple.fr'))!;
    await camille.get('/candidature/profil');
    const bad = await camille.post('/candidature/profil', form({ distance_max_km: '7', telephone: 'abc' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choisissez une distance parmi');
    expect(bad.body).toContain('Saisissez un numéro à 10 chiffres');
    const ok = await camille.post('/candidature/profil', form({ email: 'pirate@exemple.fr', commune: 'Mérignac (33281)', distance_max_km: '40', situations: ['diplome'], diplome: 'Titre professionnel REMN', pix_palier: '' }));
    expect(ok.statusCode, ok.body).toBe(303);
    expect(ok.headers.location).toBe('/candidature/profil');
    const after = (await candidatOf('camille.durand@exemple.fr'))!;
    expect(after).toMatchObject({ communeInsee: '33281', distanceMaxKm: 40, diplome: 'Titre professionnel REMN', pixPalier: null, email: 'camille.durand@exemple.fr' });
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    const page = await camille.get('/candidature/profil');
    expect(page.body).toContain('Votre candidature est mise à jour.');
    expect(page.body).toContain('value="Mérignac (33281)"');
  });

  it('pauses, resumes and withdraws the application', async () => {
    await camille.get('/candidature/profil');
    expect((await camille.post('/candidature/profil/pause')).statusCode).toBe(303);
    expect((await candidatOf('camille.durand@exemple.fr'))!.statut).toBe('en_pause');
    let page = await camille.get('/candidature/profil');
    expect(page.body).toContain('Ma candidature : en pause');
    expect(page.body).toContain('action="/candidature/profil/reprendre"');
    expect(page.body).not.toContain('action="/candidature/profil/pause"');

    const twice = await camille.post('/candidature/profil/pause');
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('Impossible de mettre en pause votre candidature');

    expect((await camille.post('/candidature/profil/retirer')).statusCode).toBe(303);
    expect((await candidatOf('camille.durand@exemple.fr'))!.statut).toBe('retire');
    page = await camille.get('/candidature/profil');
    expect(page.body).toContain('Vous avez retiré votre candidature');

    expect((await camille.post('/candidature/profil/reprendre')).statusCode).toBe(303);
    expect((await candidatOf('camille.durand@exemple.fr'))!.statut).toBe('disponible');
  });

  it('lets a signed-in candidate without a profile apply with their own account', async () => {
    await createUser(db(), SYSTEM_ACTOR, { email: 'sacha.sansprofil@exemple.fr', firstName: 'Sacha', lastName: 'Sansprofil', roles: [{ role: 'candidat', departement: null, structureId: null }] });
    const sacha = await signIn('sacha.sansprofil@exemple.fr');
    const empty = await sacha.get('/candidature/profil');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('href="/candidature/conseiller"');
    const formPage = await sacha.get('/candidature/conseiller');
    expect(formPage.body).toContain('value="sacha.sansprofil@exemple.fr"');
    expect(formPage.body).toMatch(/id="champ-email"[^>]*readonly/i);
    const res = await sacha.post('/candidature/conseiller', form({ prenom: 'Sacha', nom: 'Sansprofil', email: 'ignore@exemple.fr' }));
    expect(res.statusCode, res.body).toBe(303);
    const user = (await findUserByEmail(db(), 'sacha.sansprofil@exemple.fr'))!;
    const c = (await candidatOf('sacha.sansprofil@exemple.fr'))!;
    expect(c.userId).toBe(user.id);
    expect(await findUserByEmail(db(), 'ignore@exemple.fr')).toBeUndefined();
    expect((await sacha.get('/candidature/profil')).body).toContain('Ma candidature : disponible');
    expect((await sacha.get('/candidature/conseiller')).body).toContain('Vous avez déjà déposé votre candidature');
    const second = await sacha.post('/candidature/conseiller', form({ email: 'deuxieme@exemple.fr' }));
    expect(second.statusCode).toBe(409);
    expect(await findUserByEmail(db(), 'deuxieme@exemple.fr')).toBeUndefined();
  });
});

describe('the CV', () => {
  let camille: TestClient;
  let content: Buffer;

  beforeAll(async () => {
    camille = new TestClient(t.app);
    await camille.login('camille.durand@exemple.fr', PASSWORD);
  });

  it('accepts a PDF, shows it on the profile with its deletion date, kept 6 months', async () => {
    content = await pdf();
    const res = await uploadCv(camille, { filename: 'CV Camille été.pdf', type: 'application/pdf', content });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/candidature/profil');
    const c = (await candidatOf('camille.durand@exemple.fr'))!;
    expect(c.cvFichierId).not.toBeNull();
    expect(c.cvDeposeLe).not.toBeNull();
    const [f] = await db().select().from(fichiers).where(eq(fichiers.id, c.cvFichierId!));
    expect(f!.ownerContext).toBe('recrutement-cv');
    expect(f!.ownerId).toBe(c.id);
    expect(Math.abs(f!.expireLe!.getTime() - ajouterMois(c.cvDeposeLe!, 6).getTime())).toBeLessThan(1000);
    const page = await camille.get('/candidature/profil');
    expect(page.body).toContain('CV Camille été.pdf');
    expect(page.body).toContain('supprimé automatiquement le');
    expect(page.body).toContain('action="/candidature/profil/cv/supprimer"');
  });

  it('refuses a file that is not a PDF, and one too big, with a French message next to the field', async () => {
    const before = (await candidatOf('camille.durand@exemple.fr'))!.cvFichierId;
    const fake = await uploadCv(camille, { filename: 'cv.pdf', type: 'application/pdf', content: Buffer.from('Ceci est un texte, pas un PDF.') });
    expect(fake.statusCode).toBe(415);
    expect(fake.body).toContain("pas un PDF, même si son nom se termine par .pdf");
    expect(fake.body).toContain('id="champ-cv-erreur"');
    const big = Buffer.concat([await pdf(), Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await uploadCv(camille, { filename: 'gros.pdf', type: 'application/pdf', content: big });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.body).toContain('dépasse la taille maximale de 5 Mo');
    expect((await candidatOf('camille.durand@exemple.fr'))!.cvFichierId).toBe(before);
  });

  it('downloads the CV for its owner only', async () => {
    const res = await camille.get('/candidature/profil/cv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('attachment;');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.rawPayload.equals(content)).toBe(true);

    const sacha = new TestClient(t.app);
    await sacha.login('sacha.sansprofil@exemple.fr', PASSWORD);
    expect((await sacha.get('/candidature/profil/cv')).statusCode).toBe(404); // their own: none
    const manager = new TestClient(t.app);
    await manager.login('structure@demo.test');
    expect((await manager.get('/candidature/profil/cv')).statusCode).toBe(403);
    expect((await new TestClient(t.app).get('/candidature/profil/cv')).statusCode).toBe(303);
  });

  it('replaces the CV (the old file deleted), then deletes it on request', async () => {
    const first = (await candidatOf('camille.durand@exemple.fr'))!.cvFichierId!;
    expect((await uploadCv(camille, { filename: 'cv-2.pdf', type: 'application/pdf', content: await pdf('Version 2') })).statusCode).toBe(303);
    const second = (await candidatOf('camille.durand@exemple.fr'))!.cvFichierId!;
    expect(second).not.toBe(first);
    const [old] = await db().select().from(fichiers).where(eq(fichiers.id, first));
    expect(old!.deletedAt).not.toBeNull();

    await camille.get('/candidature/profil');
    const del = await camille.post('/candidature/profil/cv/supprimer');
    expect(del.statusCode).toBe(303);
    const c = (await candidatOf('camille.durand@exemple.fr'))!;
    expect(c.cvFichierId).toBeNull();
    expect(c.cvDeposeLe).toBeNull();
    const [gone] = await db().select().from(fichiers).where(eq(fichiers.id, second));
    expect(gone!.deletedAt).not.toBeNull();
    expect((await camille.get('/candidature/profil/cv')).statusCode).toBe(404);
  });

  it('the daily purge deletes a CV 6 months after its upload, and clears the profile', async () => {
    expect((await uploadCv(camille, { filename: 'cv-3.pdf', type: 'application/pdf', content: await pdf('Version 3') })).statusCode).toBe(303);
    const id = (await candidatOf('camille.durand@exemple.fr'))!.cvFichierId!;
    expect(t.app.jobs.schedules.some((s) => s.kind === CV_PURGE_JOB && s.every === 'daily')).toBe(true);

    const run = async (months: number) => {
      await enqueue(db(), CV_PURGE_JOB, {});
      const at = ajouterMois(new Date(), months);
      await createJobWorker({ database: t.database, registry: t.app.jobs, clock: () => at }).runDue();
    };
    await run(5);
    expect((await candidatOf('camille.durand@exemple.fr'))!.cvFichierId).toBe(id);
    await run(7);
    const c = (await candidatOf('camille.durand@exemple.fr'))!;
    expect(c.cvFichierId).toBeNull();
    const [f] = await db().select().from(fichiers).where(eq(fichiers.id, id));
    expect(f!.deletedAt).not.toBeNull();
    const [r] = await t.database.query<{ n: number }>('select count(*)::int as n from fichiers_contenus where key = $1', [f!.storageKey]);
    expect(r!.n).toBe(0);
  });
});

describe('matching, at once', () => {
  const structureId = randomUUID();
  const KM_LAT = 1 / 111.195; // degrees of latitude per kilometre on the mean Earth sphere

  beforeAll(async () => {
    // Quimper (the structure), Ergué-Gabéric 8 km north, Concarneau 30 km south.
    setCommuneCentres([
      { insee: '29232', lat: 48.0, lng: -4.1 },
      { insee: '29051', lat: 48.0 + 8 * KM_LAT, lng: -4.1 },
      { insee: '29039', lat: 48.0 - 30 * KM_LAT, lng: -4.1 },
    ]);
    await db().insert(structuresRecrutement).values({ structureId, nom: 'Mairie de Quimper', communeInsee: '29232', departement: '29', lat: 48.0, lng: -4.1, postes: 2, dateDebut: parisCalendarDate() });
  });

  it('pairs a candidate 8 km away (max 10) as soon as the form is sent, and tells them', async () => {
    const { res } = await apply({ email: 'erwan@exemple.fr', prenom: 'Erwan', commune: '29051', distance_max_km: '10', date_disponibilite: parisCalendarDate() });
    expect(res.statusCode, res.body).toBe(303);
    const c = (await candidatOf('erwan@exemple.fr'))!;
    const pairs = await pairsOf(c.id);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ structureId, statut: 'nouvelle' });
    expect(pairs[0]!.distanceM).toBeGreaterThan(7900);
    expect(pairs[0]!.distanceM).toBeLessThan(8100);
    const notes = await db().select().from(notifications).where(and(eq(notifications.userId, c.userId), eq(notifications.kind, 'recrutement.apparie')));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.data).toEqual({ n: 1 });
  });

  it('does not pair a candidate 30 km away (max 10)', async () => {
    const res = await api(apiBody({ email: 'nolwenn@exemple.fr', commune_insee: '29039', distance_max_km: 10, date_disponibilite: parisCalendarDate() }));
    expect(res.statusCode).toBe(201);
    expect(await pairsOf(res.json().id)).toHaveLength(0);
  });

  it('pausing removes a pair still « nouvelle », resuming brings it back; a pair acted upon stays', async () => {
    const erwan = await signIn('erwan@exemple.fr');
    const c = (await candidatOf('erwan@exemple.fr'))!;
    const page = await erwan.get('/candidature/profil');
    expect(page.body).toContain('1 structure voit votre profil.');
    expect((await erwan.post('/candidature/profil/pause')).statusCode).toBe(303);
    expect(await pairsOf(c.id)).toHaveLength(0);
    expect((await erwan.get('/candidature/profil')).body).toContain('Aucune structure ne voit votre profil');

    expect((await erwan.post('/candidature/profil/reprendre')).statusCode).toBe(303);
    const back = await pairsOf(c.id);
    expect(back).toHaveLength(1);
    expect(back[0]!.statut).toBe('nouvelle');

    await db().update(misesEnRelation).set({ statut: 'interessee' }).where(eq(misesEnRelation.id, back[0]!.id));
    await erwan.get('/candidature/profil');
    expect((await erwan.post('/candidature/profil/retirer')).statusCode).toBe(303);
    const kept = await pairsOf(c.id);
    expect(kept.map((p) => p.statut)).toEqual(['interessee']);
  });
});
