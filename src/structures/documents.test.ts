import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { listAudit } from '../audit/audit.js';
import { hashPassword } from '../comptes/passwords.js';
import { createUser } from '../comptes/users.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';
import { findStructureBySiret } from './structures.js';
import { listDocuments } from './documents.js';

type Part = { name: string; value: string } | { name: string; filename: string; type: string; content: Buffer };
const BOUNDARY = '----cn-test-boundary-7MA4YWxk';

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

async function pdf(text = 'Convention'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]).drawText(text, { x: 20, y: 100, size: 12 });
  return Buffer.from(await doc.save());
}

function cookieOf(c: TestClient): string {
  return [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

let t: TestContext;
let metzId = '';
let achenId = '';
let nancyId = '';
const admin = () => new TestClient(t.app);
let a: TestClient; // admin
let manager: TestClient; // structure Metz
let conseiller: TestClient; // conseiller Metz
let pref57: TestClient;
let pref54: TestClient;
let managerAchen: TestClient;

async function upload(c: TestClient, structureId: string, parts: Part[], opts: { csrf?: string | null } = {}) {
  await c.get(`/structures/${structureId}/documents`);
  const csrf = opts.csrf === undefined ? c.lastCsrf : opts.csrf;
  const qs = csrf === null ? '' : `?_csrf=${encodeURIComponent(csrf)}`;
  const res = await t.app.inject({
    method: 'POST',
    url: `/structures/${structureId}/documents${qs}`,
    headers: { cookie: cookieOf(c), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: multipart(parts),
  });
  return res;
}

async function contentRows(): Promise<number> {
  const [r] = await t.database.query<{ n: number }>('select count(*)::int as n from fichiers_contenus');
  return r!.n;
}

beforeAll(async () => {
  t = await createTestApp();
  const idOf = async (key: string) => (await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === key))))!.id;
  metzId = await idOf('metz');
  achenId = await idOf('achen');
  nancyId = await idOf('nancy');
  const passwordHash = await hashPassword('mot-de-passe-de-test-54');
  await createUser(t.database.db, SYSTEM_ACTOR, { email: 'prefecture54@test.test', firstName: 'Pia', lastName: 'Préfecture', passwordHash, roles: [{ role: 'prefecture', departement: '54', structureId: null }] });
  await createUser(t.database.db, SYSTEM_ACTOR, { email: 'achen@test.test', firstName: 'Anne', lastName: 'Achen', passwordHash, roles: [{ role: 'structure', departement: null, structureId: achenId }] });
  a = admin();
  await a.login('admin@demo.test');
  manager = new TestClient(t.app);
  await manager.login('structure@demo.test');
  conseiller = new TestClient(t.app);
  await conseiller.login('conseiller@demo.test');
  pref57 = new TestClient(t.app);
  await pref57.login('prefecture57@demo.test');
  pref54 = new TestClient(t.app);
  await pref54.login('prefecture54@test.test', 'mot-de-passe-de-test-54');
  managerAchen = new TestClient(t.app);
  await managerAchen.login('achen@test.test', 'mot-de-passe-de-test-54');
});
afterAll(async () => t.close());

describe('documents de la structure', () => {
  let docId = '';
  let content: Buffer;

  it('links the documents page from the structure page', async () => {
    const res = await conseiller.get(`/structures/${metzId}`);
    expect(res.body).toContain(`href="/structures/${metzId}/documents"`);
  });

  it('uploads a PDF, lists it with its size, uploader and Paris date', async () => {
    content = await pdf();
    const res = await upload(manager, metzId, [
      { name: '_csrf', value: manager.lastCsrf },
      { name: 'libelle', value: 'Convention 2025' },
      { name: 'fichier', filename: 'Convention été 2025.pdf', type: 'application/pdf', content },
    ]);
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/structures/${metzId}/documents`);
    const docs = await listDocuments(t.database.db, metzId);
    expect(docs).toHaveLength(1);
    docId = docs[0]!.id;
    expect(docs[0]!.nomOriginal).toBe('Convention été 2025.pdf');
    expect(docs[0]!.taille).toBe(content.length);
    const list = await manager.get(`/structures/${metzId}/documents`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Convention 2025');
    expect(list.body).toContain('Sophie Structure');
    expect(list.body).toMatch(/<td>\d+(,\d)? (octets|Ko)<\/td>/);
    expect(list.body).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(list.body).toContain('enctype="multipart/form-data"');
    expect(list.body).toContain('maxlength="150"');
    const audit = await listAudit(t.database.db, { action: 'structure.document_ajoute' });
    expect(audit.some((e) => e.objectId === metzId)).toBe(true);
  });

  it('serves the download as an attachment, unsniffed and uncached', async () => {
    const res = await conseiller.get(`/structures/${metzId}/documents/${docId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="Convention _t_ 2025.pdf"; filename*=UTF-8''Convention%20%C3%A9t%C3%A9%202025.pdf`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.rawPayload.equals(content)).toBe(true);
  });

  it('refuses a file named .pdf that is not a PDF, next to the field, typed values kept', async () => {
    const before = await contentRows();
    const res = await upload(manager, metzId, [
      { name: 'libelle', value: 'Faux document' },
      { name: 'fichier', filename: 'faux.pdf', type: 'application/pdf', content: Buffer.from('MZ\u0090 je ne suis pas un PDF') },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<p class="fr-error-text" id="champ-fichier-erreur">Ce fichier n&#39;est pas un PDF|<p class="fr-error-text" id="champ-fichier-erreur">Ce fichier n'est pas un PDF/);
    expect(res.body).toContain('value="Faux document"');
    const broken = await upload(manager, metzId, [
      { name: 'libelle', value: 'PDF cassé' },
      { name: 'fichier', filename: 'casse.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.7\n garbage garbage') },
    ]);
    expect(broken.statusCode).toBe(400);
    expect(broken.body).toContain('illisible');
    expect(await contentRows()).toBe(before);
  });

  it('asks for a purpose and a file, with the limits of each field', async () => {
    const res = await upload(manager, metzId, [{ name: 'libelle', value: 'x'.repeat(151) }, { name: 'fichier', filename: '', type: 'application/octet-stream', content: Buffer.alloc(0) }]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('au plus 150 caractères');
    const none = await upload(manager, metzId, [{ name: 'libelle', value: 'Sans fichier' }]);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Choisissez un fichier PDF.');
  });

  it('cuts a 50 MB upload at the 5 MB limit: 413, French message, nothing stored', async () => {
    const before = await contentRows();
    const docsBefore = (await listDocuments(t.database.db, metzId)).length;
    await manager.get(`/structures/${metzId}/documents`);
    const head = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="libelle"\r\n\r\nTrop gros\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="fichier"; filename="gros.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
    );
    const total = 50 * 1024 * 1024;
    let pulled = 0;
    let sentHead = false;
    const stream = new Readable({
      read() {
        if (!sentHead) {
          sentHead = true;
          this.push(head);
          return;
        }
        if (pulled >= total) {
          this.push(Buffer.from(`\r\n--${BOUNDARY}--\r\n`));
          this.push(null);
          return;
        }

        const c = Buffer.alloc(64 * 1024, 0x41);
        pulled += c.length;
        this.push(c);
      },
    });
    const res = await t.app.inject({
      method: 'POST',
      url: `/structures/${metzId}/documents?_csrf=${encodeURIComponent(manager.lastCsrf)}`,
      headers: { cookie: cookieOf(manager), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: stream,
    });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('dépasse la taille maximale de 5 Mo');
    expect(res.headers.connection).toBe('close');
    expect(pulled).toBeLessThan(20 * 1024 * 1024);
    expect(await contentRows()).toBe(before);
    expect(await listDocuments(t.database.db, metzId)).toHaveLength(docsBefore);
  });

  it('over a real connection, answers 413 and closes it long before 50 MB are sent', async () => {
    await manager.get(`/structures/${metzId}/documents`);
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const before = await contentRows();
    const { status, body, sent } = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let sent = 0;
      let done = false;
      const req = httpRequest(`${url}/structures/${metzId}/documents?_csrf=${encodeURIComponent(manager.lastCsrf)}`, {
        method: 'POST',
        headers: { cookie: cookieOf(manager), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          done = true;
          resolve({ status: res.statusCode ?? 0, body: text, sent });
        });
      });
      req.on('error', (e) => (done ? undefined : reject(e)));
      req.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="fichier"; filename="gros.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const pump = () => {
        while (!done && sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!done) req.end(`\r\n--${BOUNDARY}--\r\n`);
      };
      pump();
    });
    expect(status).toBe(413);
    expect(body).toContain('dépasse la taille maximale de 5 Mo');
    expect(sent).toBeLessThan(30 * 1024 * 1024);
    expect(await contentRows()).toBe(before);
  });

  it('answers too many parts, files or odd bodies with a 4xx, never a 500', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `champ${i}`, value: 'x' }));
    const r1 = await upload(manager, metzId, many);
    expect([400, 413]).toContain(r1.statusCode);
    const sameName = Array.from({ length: 40 }, () => ({ name: 'libelle', value: 'x' }));
    const r2 = await upload(manager, metzId, sameName);
    expect([400, 413]).toContain(r2.statusCode);
    const files = Array.from({ length: 5 }, (_, i) => ({ name: 'fichier', filename: `f${i}.pdf`, type: 'application/pdf', content: Buffer.from('%PDF-') }));
    const r3 = await upload(manager, metzId, [{ name: 'libelle', value: 'Plusieurs' }, ...files]);
    expect([400, 413]).toContain(r3.statusCode);
    const r4 = await t.app.inject({
      method: 'POST',
      url: `/structures/${metzId}/documents?_csrf=${encodeURIComponent(manager.lastCsrf)}`,
      headers: { cookie: cookieOf(manager), 'content-type': 'multipart/form-data' },
      payload: 'pas de frontière',
    });
    expect(r4.statusCode).toBeGreaterThanOrEqual(400);
    expect(r4.statusCode).toBeLessThan(500);
    const r5 = await t.app.inject({
      method: 'POST',
      url: `/structures/${metzId}/documents?_csrf=${encodeURIComponent(manager.lastCsrf)}`,
      headers: { cookie: cookieOf(manager), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="fichier"; filename="a.pdf"\r\n\r\n%PDF-tronqué`,
    });
    expect(r5.statusCode).toBeGreaterThanOrEqual(400);
    expect(r5.statusCode).toBeLessThan(500);
    const r6 = await upload(manager, metzId, [{ name: '__proto__', value: 'x' }]);
    expect(r6.statusCode).toBe(400);
    const r7 = await upload(manager, metzId, [{ name: 'libelle', value: 'a\u0000b' }, { name: 'fichier', filename: 'a\u0000.pdf', type: 'application/pdf', content: await pdf() }]);
    expect(r7.statusCode).toBe(400);
    expect(r7.body).toContain('U+0000');
  });

  it('needs the CSRF token (in the form action), and a matching one in the body when sent', async () => {
    const parts: Part[] = [{ name: 'libelle', value: 'Sans jeton' }, { name: 'fichier', filename: 'a.pdf', type: 'application/pdf', content: await pdf() }];
    expect((await upload(manager, metzId, parts, { csrf: null })).statusCode).toBe(403);
    expect((await upload(manager, metzId, parts, { csrf: 'faux' })).statusCode).toBe(403);
    expect((await upload(manager, metzId, [{ name: '_csrf', value: 'faux' }, ...parts])).statusCode).toBe(403);
    expect(await listDocuments(t.database.db, metzId)).toHaveLength(1);
  });

  it('isolates structures and territories: others get a 404', async () => {
    // A document of Achen, uploaded by the admin.
    const res = await upload(a, achenId, [{ name: 'libelle', value: 'Pièce Achen' }, { name: 'fichier', filename: 'achen.pdf', type: 'application/pdf', content: await pdf('Achen') }]);
    expect(res.statusCode).toBe(303);
    const achenDoc = (await listDocuments(t.database.db, achenId))[0]!.id;
    // Metz's people cannot see Achen's documents, nor reach them through Metz's address.
    for (const c of [manager, conseiller]) {
      expect((await c.get(`/structures/${achenId}/documents`)).statusCode).toBe(404);
      expect((await c.get(`/structures/${achenId}/documents/${achenDoc}`)).statusCode).toBe(404);
      expect((await c.get(`/structures/${metzId}/documents/${achenDoc}`)).statusCode).toBe(404);
    }
    expect((await upload(manager, achenId, [{ name: 'libelle', value: 'x' }])).statusCode).toBe(404);
    expect((await managerAchen.get(`/structures/${metzId}/documents`)).statusCode).toBe(404);
    expect((await managerAchen.get(`/structures/${metzId}/documents/${docId}`)).statusCode).toBe(404);
    expect((await managerAchen.post(`/structures/${metzId}/documents/${docId}/supprimer`)).statusCode).toBe(404);
    expect((await managerAchen.get(`/structures/${achenId}/documents/${achenDoc}`)).statusCode).toBe(200);
    // Préfecture of the 54: nothing of the Moselle; préfecture of the 57: reads, never writes.
    expect((await pref54.get(`/structures/${metzId}/documents`)).statusCode).toBe(404);
    expect((await pref54.get(`/structures/${metzId}/documents/${docId}`)).statusCode).toBe(404);
    expect((await pref54.get(`/structures/${nancyId}/documents`)).statusCode).toBe(200);
    expect((await pref57.get(`/structures/${nancyId}/documents`)).statusCode).toBe(404);
    const list57 = await pref57.get(`/structures/${metzId}/documents`);
    expect(list57.statusCode).toBe(200);
    expect(list57.body).not.toContain('Ajouter un document');
    expect(list57.body).not.toContain('/supprimer');
    expect((await pref57.get(`/structures/${metzId}/documents/${docId}`)).statusCode).toBe(200);
    expect((await pref57.post(`/structures/${metzId}/documents/${docId}/supprimer`)).statusCode).toBe(403);
    expect((await conseiller.post(`/structures/${metzId}/documents/${docId}/supprimer`)).statusCode).toBe(403);
  });

  it('deletes a document: audited, gone from the list, the download and the storage', async () => {
    const before = await contentRows();
    await a.get(`/structures/${metzId}/documents`);
    const res = await a.post(`/structures/${metzId}/documents/${docId}/supprimer`);
    expect(res.statusCode).toBe(303);
    expect((await a.get(`/structures/${metzId}/documents`)).body).not.toContain(`/documents/${docId}"`);
    expect((await a.get(`/structures/${metzId}/documents/${docId}`)).statusCode).toBe(404);
    expect(await contentRows()).toBe(before - 1);
    expect((await a.post(`/structures/${metzId}/documents/${docId}/supprimer`)).statusCode).toBe(404);
    const audit = await listAudit(t.database.db, { action: 'structure.document_supprime' });
    expect(audit.filter((e) => e.objectId === metzId)).toHaveLength(1);
  });

  it('answers odd ids with a 404', async () => {
    expect((await a.get(`/structures/pas-un-uuid/documents`)).statusCode).toBe(404);
    expect((await a.get(`/structures/${metzId}/documents/pas-un-uuid`)).statusCode).toBe(404);
  });
});
