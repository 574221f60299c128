import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { createTestDatabase } from '../testing.js';
import type { Database } from '../db.js';
import {
  checkContent,
  contentDisposition,
  databaseStorage,
  deleteFile,
  directoryStorage,
  formatSize,
  getFile,
  listFiles,
  openFile,
  purgeExpiredFiles,
  sanitiseFileName,
  storeFile,
  type FileStorage,
  type NewFile,
} from './index.js';

async function pdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([100, 100]);
  return Buffer.from(await doc.save());
}

describe('sanitiseFileName', () => {
  it('keeps a plain name, drops directories, control, bidi and reserved characters', () => {
    expect(sanitiseFileName('Convention été 2025.pdf')).toBe('Convention été 2025.pdf');
    expect(sanitiseFileName('C:\\Users\\x\\..\\rapport.pdf')).toBe('rapport.pdf');
    expect(sanitiseFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFileName('a\u0000b\u202ec\r\n.pdf')).toBe('abc.pdf');
    expect(sanitiseFileName('<script>"x"|?*.pdf')).toBe('_script__x____.pdf');
    expect(sanitiseFileName('   ...  ')).toBe('document');
    expect(sanitiseFileName('.htaccess')).toBe('htaccess');
  });

  it('bounds the length and keeps the extension', () => {
    const n = sanitiseFileName('é'.repeat(500) + '.pdf');
    expect([...n].length).toBe(200);
    expect(n.endsWith('.pdf')).toBe(true);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and an RFC 5987 filename*', () => {
    expect(contentDisposition('Relevé "final" (1).pdf')).toBe(`attachment; filename="Relev_ _final_ (1).pdf"; filename*=UTF-8''Relev%C3%A9%20%22final%22%20%281%29.pdf`);
  });
});

describe('checkContent', () => {
  it('accepts a real PDF, refuses a renamed file and a broken PDF, in French', async () => {
    expect(await checkContent(await pdf(), ['application/pdf'])).toEqual({ ok: true, mediaType: 'application/pdf' });
    const fake = await checkContent(Buffer.from('PK\u0003\u0004 une archive'), ['application/pdf']);
    expect(fake.ok).toBe(false);
    if (!fake.ok) expect(fake.message).toContain("n'est pas un PDF");
    const broken = await checkContent(Buffer.from('%PDF-1.4\n%%EOF'), ['application/pdf']);
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.message).toContain('illisible');
    expect((await checkContent(Buffer.alloc(0), ['application/pdf'])).ok).toBe(false);
  });
});

describe('formatSize', () => {
  it('speaks in octets, Ko and Mo', () => {
    expect(formatSize(1)).toBe('1 octet');
    expect(formatSize(900)).toBe('900 octets');
    expect(formatSize(1536)).toBe('1,5 Ko');
    expect(formatSize(5 * 1024 * 1024)).toBe('5 Mo');
    expect(formatSize(2.25 * 1024 * 1024)).toBe('2,3 Mo');
  });
});

let database: Database;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'cn-fichiers-'));
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

const storages: [string, () => FileStorage][] = [
  ['database', () => databaseStorage(database.db)],
  ['directory', () => directoryStorage(dir)],
];

describe.each(storages)('%s storage', (_name, make) => {
  it('puts, gets, overwrites and deletes by key; refuses odd keys', async () => {
    const s = make();
    await s.put('essai/a1', Buffer.from('un'), { mediaType: 'application/pdf' });
    expect((await s.get('essai/a1'))?.toString()).toBe('un');
    await s.put('essai/a1', Buffer.from('deux'), { mediaType: 'application/pdf' });
    expect((await s.get('essai/a1'))?.toString()).toBe('deux');
    await s.delete('essai/a1');
    expect(await s.get('essai/a1')).toBeNull();
    await s.delete('essai/a1'); // twice is fine
    await expect(s.put('../x', Buffer.from('x'), { mediaType: 'x' })).rejects.toThrow();
    await expect(s.get('/etc/passwd')).rejects.toThrow();
  });

  it('stores, lists, opens and deletes files of one owner only', async () => {
    const s = make();
    const content = await pdf();
    const input: NewFile = { ownerContext: 'essai', ownerId: `o-${_name}`, name: 'Pièce.pdf', mediaType: 'application/pdf', content, libelle: 'Pièce', uploadedBy: { userId: null, label: 'Test' } };
    const f = await storeFile(database.db, s, input);
    expect(f.taille).toBe(content.length);
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await listFiles(database.db, 'essai', `o-${_name}`)).map((x) => x.id)).toEqual([f.id]);
    expect(await getFile(database.db, 'essai', 'autre', f.id)).toBeNull();
    expect(await getFile(database.db, 'autre', `o-${_name}`, f.id)).toBeNull();
    expect(await getFile(database.db, 'essai', `o-${_name}`, 'pas-un-uuid')).toBeNull();
    const opened = await openFile(s, f);
    expect(opened?.content.equals(content)).toBe(true);
    expect(await deleteFile(database.db, s, f)).toBe(true);
    expect(await deleteFile(database.db, s, f)).toBe(false);
    expect(await s.get(f.storageKey)).toBeNull();
    expect(await getFile(database.db, 'essai', `o-${_name}`, f.id)).toBeNull();
  });

  it('removes the content again when the metadata transaction fails', async () => {
    const s = make();
    const input: NewFile = { ownerContext: 'essai', ownerId: 'rollback', name: 'x.pdf', mediaType: 'application/pdf', content: await pdf(), uploadedBy: { userId: null, label: 'Test' } };
    let key = '';
    await expect(
      storeFile(database.db, s, input, async (_tx, f) => {
        key = f.storageKey;
        throw new Error('audit en échec');
      }),
    ).rejects.toThrow('audit en échec');
    expect(await s.get(key)).toBeNull();
    expect(await listFiles(database.db, 'essai', 'rollback')).toEqual([]);
  });

  it('purges files past their retention date, with a moved clock', async () => {
    const s = make();
    const owner = `purge-${_name}`;
    const content = await pdf();
    const base: NewFile = { ownerContext: 'essai', ownerId: owner, name: 'x.pdf', mediaType: 'application/pdf', content, uploadedBy: { userId: null, label: 'Test' } };
    const early = await storeFile(database.db, s, { ...base, expireLe: new Date('2030-01-10T00:00:00Z') });
    const late = await storeFile(database.db, s, { ...base, expireLe: new Date('2030-06-01T00:00:00Z') });
    const forever = await storeFile(database.db, s, { ...base, expireLe: null });
    expect(await purgeExpiredFiles(database.db, s, new Date('2030-01-09T23:59:59Z'))).toBe(0);
    expect(await purgeExpiredFiles(database.db, s, new Date('2030-01-10T00:00:00Z'))).toBe(1);
    expect(await s.get(early.storageKey)).toBeNull();
    expect((await listFiles(database.db, 'essai', owner)).map((f) => f.id).sort()).toEqual([late.id, forever.id].sort());
    const [row] = await database.query<{ deleted_at: Date | string | null }>('select deleted_at from fichiers where id = $1', [early.id]);
    expect(new Date(row!.deleted_at!).toISOString()).toBe('2030-01-10T00:00:00.000Z');
    expect(await purgeExpiredFiles(database.db, s, new Date('2030-01-10T00:00:00Z'))).toBe(0); // idempotent
    expect(await purgeExpiredFiles(database.db, s, new Date('2099-01-01T00:00:00Z'))).toBe(1);
    expect(await s.get(late.storageKey)).toBeNull();
    expect((await s.get(forever.storageKey))?.equals(content)).toBe(true);
    expect((await listFiles(database.db, 'essai', owner)).map((f) => f.id)).toEqual([forever.id]);
  });
});
