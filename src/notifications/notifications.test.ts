import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { createJobWorker, enqueue, findJob, type JobWorker } from '../platform/jobs/jobs.js';
import { jobs } from '../platform/jobs/schema.js';
import { mailOutbox } from '../platform/mail-schema.js';
import { findUserByEmail } from '../comptes/users.js';
import { notifications } from './schema.js';
import { renderMail } from './notifications.js';

let t: TestContext;
let worker: JobWorker;
let conseillerId = '';
const outbox = async (to: string) => (await t.database.db.select().from(mailOutbox)).filter((m) => m.to === to);

beforeAll(async () => {
  t = await createTestApp();
  worker = createJobWorker({ database: t.database, registry: t.app.jobs });
  t.app.notifier.define<{ nom: string }>({
    kind: 'test.bonjour',
    label: 'Un message de test',
    emailByDefault: true,
    render: (d) => ({ title: `Bonjour ${d.nom}`, body: `Un message pour ${d.nom}.\n\nDeuxième paragraphe <b>échappé</b>.`, link: '/activites' }),
  });
  conseillerId = (await findUserByEmail(t.database.db, 'conseiller@demo.test'))!.id;
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.database.db.delete(mailOutbox);
  await t.database.db.delete(notifications);
  await t.database.db.delete(jobs);
});

describe('notifications', () => {
  it('reach the in-app list at once, and the mail box through a job', async () => {
    const n = await t.database.db.transaction((tx) => t.app.notifier.notify(tx, { userId: conseillerId }, 'test.bonjour', { nom: 'Camille' }));
    expect(n).toBe(1);
    const c = new TestClient(t.app);
    await c.login('conseiller@demo.test');
    const home = await c.get('/tableau-de-bord/conseiller');
    expect(home.body).toContain('Notifications (1 non lue)');
    const list = await c.get('/notifications');
    expect(list.body).toContain('Bonjour Camille');
    expect(list.body).toContain('1 notification non lue.');
    expect(await outbox('conseiller@demo.test')).toHaveLength(0); // never inside the request
    expect(await worker.runDue()).toBe(1);
    const [mail] = await outbox('conseiller@demo.test');
    expect(mail!.subject).toBe('Bonjour Camille');
    expect(mail!.text).toContain('Un message pour Camille.');
    expect(mail!.text).toContain('http://localhost:3000/activites');
  });

  it('are not written, nor mailed, when the business transaction rolls back', async () => {
    await t.database.db
      .transaction(async (tx) => {
        await t.app.notifier.notify(tx, { userId: conseillerId }, 'test.bonjour', { nom: 'Personne' });
        throw new Error('annulé');
      })
      .catch(() => undefined);
    expect(await t.database.db.select().from(notifications)).toHaveLength(0);
    expect(await worker.runDue()).toBe(0);
  });

  it('send no mail to a user who turned that kind off', async () => {
    const c = new TestClient(t.app);
    await c.login('conseiller@demo.test');
    const page = await c.get('/compte/notifications');
    expect(page.body).toContain('Un message de test');
    expect(page.body).toMatch(/value="test\.bonjour" checked/);
    // keep only the job failures kind (not held by a conseiller, but any subset is valid)
    const saved = await c.post('/compte/notifications', { courriel: ['taches.echec', 'inconnu'] });
    expect(saved.statusCode).toBe(303);
    expect((await c.get('/compte/notifications')).body).not.toMatch(/value="test\.bonjour" checked/);
    await t.app.notifier.notify(t.database.db, { userId: conseillerId }, 'test.bonjour', { nom: 'Camille' });
    await worker.runDue();
    expect(await outbox('conseiller@demo.test')).toHaveLength(0);
    expect((await c.get('/notifications')).body).toContain('Bonjour Camille'); // still in the app
    await c.post('/compte/notifications', { courriel: ['test.bonjour'] });
  });

  it('reach every holder of a role within its scope', async () => {
    const n = await t.app.notifier.notify(t.database.db, { role: 'prefecture', departement: '57' }, 'test.bonjour', { nom: 'Moselle' });
    expect(n).toBe(1);
    expect(await t.app.notifier.notify(t.database.db, { role: 'prefecture', departement: '54' }, 'test.bonjour', { nom: 'Personne' })).toBe(0);
    await worker.runDue();
    expect(await outbox('prefecture57@demo.test')).toHaveLength(1);
  });

  it('are marked read by their owner only', async () => {
    await t.app.notifier.notify(t.database.db, { userId: conseillerId }, 'test.bonjour', { nom: 'Camille' });
    const [row] = await t.database.db.select().from(notifications);
    const other = new TestClient(t.app);
    await other.login('structure@demo.test');
    expect((await other.post(`/notifications/${row!.id}/lue`)).statusCode).toBe(404);
    const c = new TestClient(t.app);
    await c.login('conseiller@demo.test');
    await c.get('/notifications');
    const open = await c.post(`/notifications/${row!.id}/lue`, { ouvrir: '1' });
    expect(open.statusCode).toBe(303);
    expect(open.headers.location).toBe('/activites');
    const [after] = await t.database.db.select().from(notifications).where(eq(notifications.id, row!.id));
    expect(after!.readAt).not.toBeNull();
    expect((await c.get('/tableau-de-bord/conseiller')).body).not.toContain('non lue)');
    await t.app.notifier.notify(t.database.db, { userId: conseillerId }, 'test.bonjour', { nom: 'Encore' });
    await c.get('/notifications');
    await c.post('/notifications/tout-lire');
    expect((await c.get('/notifications')).body).toContain('Aucune notification non lue.');
    // cursors PostgreSQL cannot read are ignored, never a 500
    for (const avant of ['0000-01-01', '-000001-01-01T00:00:00Z', '0000-01-01T00:00:00Z', 'x']) {
      expect((await c.get(`/notifications?avant=${encodeURIComponent(avant)}`)).statusCode, avant).toBe(200);
    }
  });

  it('tell the administrators when a job fails for good; they see it and retry it', async () => {
    const id = (await enqueue(t.database.db, 'test.sans-gestionnaire', {}))!;
    await worker.runDue();
    expect((await findJob(t.database.db, id))!.status).toBe('echec');
    await worker.runDue(); // the notification's mail
    const [mail] = await outbox('admin@demo.test');
    expect(mail!.subject).toBe('Tâche en échec : test.sans-gestionnaire');
    expect(mail!.text).toContain('Aucun gestionnaire');
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    const page = await admin.get('/admin/taches');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Aucun gestionnaire pour la tâche');
    expect(page.body).toContain('Anonymisation des bénéficiaires sans activité');
    const retried = await admin.post(`/admin/taches/${id}/relancer`);
    expect(retried.statusCode).toBe(303);
    expect((await findJob(t.database.db, id))!.status).toBe('en_attente');
    expect((await admin.post('/admin/taches/999999/relancer')).statusCode).toBe(404);
    const courriels = await admin.get('/admin/courriels?destinataire=ADMIN@demo');
    expect(courriels.body).toContain('Tâche en échec');
    expect((await admin.get('/admin/courriels?destinataire=personne%25')).body).toContain('Aucun courriel pour');
  });

  it('renders mails as text and escaped HTML', () => {
    const m = renderMail({ title: 'Titre', body: 'Un <script>\n\nDeux', link: '/x?a=1&b=2' }, 'https://cn.example.fr');
    expect(m.text).toContain('Pour y accéder : https://cn.example.fr/x?a=1&b=2');
    expect(m.html).toContain('<p>Un &lt;script&gt;</p><p>Deux</p>');
    expect(m.html).toContain('href="https://cn.example.fr/x?a=1&amp;b=2"');
  });
});
