/**
 * The agreements' pages as people use them, without JavaScript: the structure signs from « Ma
 * convention » (or uploads the countersigned PDF), Banque validates and records payments typed in
 * euros, every bad input comes back with a French message next to its field, ANCT manages regimes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createUser } from '../comptes/users.js';
import { hashPassword } from '../comptes/passwords.js';
import { conventions, regimes } from './schema.js';
import type { Convention } from './conventions.js';

let t: TestContext;
const PASSWORD = 'Une phrase de passe solide pour 2027';
let seq = 0;

/** An agreement of the demo still waiting for its signature, and a manager account of its structure. */
async function aSigner(): Promise<{ c: Convention; client: TestClient }> {
  const rows = await t.database.db.select().from(conventions).where(eq(conventions.etat, 'en_construction'));
  const c = rows[seq++]!;
  const email = `gestion-${seq}@structure.test`;
  await createUser(t.database.db, SYSTEM_ACTOR, { email, firstName: 'Gérard', lastName: 'Gestion', passwordHash: await hashPassword(PASSWORD), roles: [{ role: 'structure', departement: null, structureId: c.structureId }] });
  const client = new TestClient(t.app);
  await client.login(email, PASSWORD);
  return { c, client };
}

const BOUNDARY = '----cn-test-boundary-conv';
function multipart(parts: ({ name: string; value: string } | { name: string; filename: string; type: string; content: Buffer })[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ('value' in p) chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    else chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`), p.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

async function upload(client: TestClient, id: string, parts: Parameters<typeof multipart>[0]) {
  await client.get(`/conventions/${id}`);
  return t.app.inject({
    method: 'POST',
    url: `/conventions/${id}/contresigne?_csrf=${encodeURIComponent(client.lastCsrf)}`,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: multipart(parts),
  });
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replace(/\u202f|\u00a0/g, ' ');

beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t.close());

describe('the structure signs', () => {
  it('from « Ma convention »: the exact PDF, errors next to the fields, once only', async () => {
    const { c, client } = await aSigner();
    const ma = await client.get('/ma-convention');
    expect([ma.statusCode, ma.headers.location]).toEqual([303, `/conventions/${c.id}`]);
    const page = await client.get(`/conventions/${c.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Signer la convention');
    expect(text(page.body)).toContain('En construction');
    const docId = /name="document" value="([0-9a-f-]{36})"/.exec(page.body)![1]!;
    const sha = /name="sha256" value="([0-9a-f]{64})"/.exec(page.body)![1]!;
    const pdf = await client.get(`/conventions/${c.id}/documents/${docId}`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect(pdf.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(pdf.rawPayload).digest('hex')).toBe(sha);

    const empty = await client.post(`/conventions/${c.id}/signature`, { document: docId, sha256: sha });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('id="champ-nom-erreur"');
    expect(empty.body).toContain('id="champ-certifie-erreur"');
    const tampered = await client.post(`/conventions/${c.id}/signature`, { document: docId, sha256: 'a'.repeat(64), nom: 'Jeanne Maire', fonction: 'Maire', certifie: 'oui' });
    expect(tampered.statusCode).toBe(409);
    expect(text(tampered.body)).toContain('empreinte différente');
    const ok = await client.post(`/conventions/${c.id}/signature`, { document: docId, sha256: sha, nom: 'Jeanne Maire', fonction: 'Maire', certifie: 'oui' });
    expect(ok.statusCode).toBe(303);
    const after = text((await client.get(`/conventions/${c.id}`)).body);
    expect(after).toContain('En instruction');
    expect(after).toContain('Signé par Jeanne Maire (Maire)');
    const again = await client.post(`/conventions/${c.id}/signature`, { document: docId, sha256: sha, nom: 'Jeanne Maire', fonction: 'Maire', certifie: 'oui' });
    expect(again.statusCode).toBe(409);
  });

  it('or uploads the countersigned PDF; a file that is not a PDF is refused with a message', async () => {
    const { c, client } = await aSigner();
    const bad = await upload(client, c.id, [
      { name: 'signataire_nom', value: 'Jeanne Maire' },
      { name: 'signataire_fonction', value: 'Maire' },
      { name: 'fichier', filename: 'convention.pdf', type: 'application/pdf', content: Buffer.from('pas un PDF du tout') },
    ]);
    expect(bad.statusCode).toBe(415);
    expect(bad.body).toContain('id="champ-fichier-erreur"');
    const doc = await PDFDocument.create();
    doc.addPage([200, 200]).drawText('Convention signee', { x: 20, y: 100, size: 12 });
    const good = await upload(client, c.id, [
      { name: 'signataire_nom', value: 'Jeanne Maire' },
      { name: 'signataire_fonction', value: 'Maire' },
      { name: 'fichier', filename: 'convention-signee.pdf', type: 'application/pdf', content: Buffer.from(await doc.save()) },
    ]);
    expect(good.statusCode).toBe(303);
    expect(text((await client.get(`/conventions/${c.id}`)).body)).toContain('Convention contresignée (déposée), version 2');
  });
});

describe('Banque des Territoires instructs and pays', () => {
  it('validates, records a payment typed in euros, refuses one over the committed amount next to the field', async () => {
    const { c, client } = await aSigner();
    const page = await client.get(`/conventions/${c.id}`);
    const docId = /name="document" value="([0-9a-f-]{36})"/.exec(page.body)![1]!;
    const sha = /name="sha256" value="([0-9a-f]{64})"/.exec(page.body)![1]!;
    expect((await client.post(`/conventions/${c.id}/signature`, { document: docId, sha256: sha, nom: 'Jeanne Maire', fonction: 'Maire', certifie: 'oui' })).statusCode).toBe(303);

    const banque = new TestClient(t.app);
    await banque.login('banque@demo.test');
    const long = await banque.post(`/conventions/${c.id}/dates`, { date_debut: c.dateDebut, date_fin: c.dateFin });
    expect(long.statusCode).toBe(409); // signed: the dates no longer change
    expect((await banque.post(`/conventions/${c.id}/validation`)).statusCode).toBe(303);
    const montant = (await t.database.db.select().from(conventions).where(eq(conventions.id, c.id)))[0]!.montantCentimes;
    const invalid = await banque.post(`/conventions/${c.id}/versements`, { date: '2026-02-30', montant: '-3', reference: '' });
    expect(invalid.statusCode).toBe(400);
    for (const f of ['date', 'montant', 'reference']) expect(invalid.body).toContain(`id="champ-${f}-erreur"`);
    const half = ((montant / 2) / 100).toFixed(2).replace('.', ',');
    expect((await banque.post(`/conventions/${c.id}/versements`, { date: '2026-11-15', montant: half, reference: 'VIR-PAGE-1' })).statusCode).toBe(303);
    const over = await banque.post(`/conventions/${c.id}/versements`, { date: '2026-11-16', montant: (montant / 100).toFixed(2).replace('.', ','), reference: 'VIR-PAGE-2' });
    expect(over.statusCode).toBe(409);
    expect(over.body).toContain('id="champ-montant-erreur"');
    expect(text(over.body)).toContain('dépasserait le montant conventionné');
    // The structure sees the payment.
    const seen = text((await client.get(`/conventions/${c.id}`)).body);
    expect(seen).toContain('VIR-PAGE-1');
    expect(seen).toContain('15/11/2026');
  });

  it('ANCT reads an agreement but neither validates nor pays; a dates change beyond 36 months is refused', async () => {
    const { c } = await aSigner();
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    expect((await admin.get(`/conventions/${c.id}`)).statusCode).toBe(200);
    expect((await admin.post(`/conventions/${c.id}/validation`)).statusCode).toBe(403);
    const banque = new TestClient(t.app);
    await banque.login('banque@demo.test');
    const r = await banque.post(`/conventions/${c.id}/dates`, { date_debut: '2026-01-01', date_fin: '2029-01-01' });
    expect(r.statusCode).toBe(400);
    expect(text(r.body)).toContain('au plus 36 mois');
    expect(r.body).toContain('id="champ-date_fin-erreur"');
  });
});

describe('regimes', () => {
  it('ANCT creates one (amounts in euros), and cannot change the amounts of one in use', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    const bad = await admin.post('/conventions/regimes', { nom: '', entree_du: '2027-01-01', montant_poste: 'beaucoup', mois_finances: '0', nature: 'reconventionnement' });
    expect(bad.statusCode).toBe(400);
    for (const f of ['nom', 'montant_poste', 'mois_finances']) expect(bad.body).toContain(`id="champ-${f}-erreur"`);
    const ok = await admin.post('/conventions/regimes', { nom: 'Reconventionnement 2027', entree_du: '2027-01-01', entree_au: '', montant_poste: '40 000,00', mois_finances: '36', bonification: '', nature: 'reconventionnement' });
    expect(ok.statusCode).toBe(303);
    const [r] = await t.database.db.select().from(regimes).where(eq(regimes.nom, 'Reconventionnement 2027'));
    expect(r).toMatchObject({ montantPosteCentimes: 4_000_000, moisFinances: 36, bonificationCentimes: 0, entreeAu: null });
    const [premier] = await t.database.db.select().from(regimes).where(eq(regimes.nom, 'Première enveloppe (France Relance)'));
    const change = await admin.post(`/conventions/regimes/${premier!.id}`, { nom: premier!.nom, entree_du: premier!.entreeDu, entree_au: '', montant_poste: '60 000,00', mois_finances: '24', bonification: '7 500,00', nature: 'conventionnement' });
    expect(change.statusCode).toBe(409);
    const close = await admin.post(`/conventions/regimes/${premier!.id}`, { nom: premier!.nom, entree_du: premier!.entreeDu, entree_au: '2030-12-31', montant_poste: '50 000,00', mois_finances: '24', bonification: '7 500,00', nature: 'conventionnement' });
    expect(close.statusCode).toBe(303);
  });
});
