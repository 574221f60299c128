import { createHash, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, isNull, lte } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import type { Db } from '../db.js';
import { isUuid } from '../ids.js';
import { fichiers } from './schema.js';
import type { FileStorage } from './storage.js';

export type FileRecord = typeof fichiers.$inferSelect;
export type FileWithContent = FileRecord & { content: Buffer };

export const MAX_FILE_NAME = 200;
export const MAX_LIBELLE = 200;

/** Media types the platform recognises by content. */
export type AcceptedType = 'application/pdf';
const EXTENSIONS: Record<AcceptedType, string> = { 'application/pdf': '.pdf' };

/** Control, zero-width and bidirectional formatting characters. */
function isInvisible(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0xfeff;
}

/**
 * A file name safe to store and show: no directory part, no control or bidirectional characters,
 * none of <>:"/\|?*, NFC, at most MAX_FILE_NAME characters (the extension kept), never empty.
 */
export function sanitiseFileName(raw: string, fallback = 'document'): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[/\\]/).pop() ?? '';
  name = [...name].filter((c) => !isInvisible(c.codePointAt(0)!)).join('');
  name = name
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (!name) name = fallback;
  const chars = [...name];
  if (chars.length > MAX_FILE_NAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = chars.slice(0, MAX_FILE_NAME - [...ext].length).join('').trimEnd() + ext;
  }
  return name;
}

/** Gives the name the extension of its real type (`rapport` → `rapport.pdf`, `x.exe` → `x.exe.pdf`). */
export function withExtension(name: string, type: AcceptedType): string {
  const ext = EXTENSIONS[type];
  if (name.toLowerCase().endsWith(ext)) return name;
  return sanitiseFileName([...name].slice(0, MAX_FILE_NAME - ext.length).join('') + ext);
}

/**
 * Checks a file by its content, never by its name or the type the browser sent: a PDF starts with
 * `%PDF-` and must parse, with at least one page. Returns the media type, or a French message.
 */
export async function checkContent(content: Buffer, accepted: readonly AcceptedType[]): Promise<{ ok: true; mediaType: AcceptedType } | { ok: false; message: string }> {
  if (content.length === 0) return { ok: false, message: 'Le fichier est vide.' };
  if (accepted.includes('application/pdf')) {
    if (content.subarray(0, 5).toString('latin1') === '%PDF-') {
      try {
        // Loaded at the first upload (~0.3 s of start-up otherwise).
        const { PDFDocument } = await import('pdf-lib');
        const doc = await PDFDocument.load(content, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: true });
        if (doc.getPageCount() >= 1) return { ok: true, mediaType: 'application/pdf' };
      } catch {
        // falls through: unreadable
      }
      return { ok: false, message: "Ce fichier PDF est illisible ou endommagé : enregistrez-le de nouveau en PDF et réessayez." };
    }
    return { ok: false, message: "Ce fichier n'est pas un PDF, même si son nom se termine par .pdf. Seuls les documents PDF sont acceptés." };
  }
  return { ok: false, message: "Ce type de fichier n'est pas accepté." };
}

export interface NewFile {
  ownerContext: string;
  ownerId: string;
  name: string;
  mediaType: AcceptedType;
  content: Buffer;
  libelle?: string | null;
  uploadedBy: { userId: string | null; label: string };
  expireLe?: Date | null;
}

/**
 * Stores the content, then its metadata. `inTransaction` runs in the metadata's transaction (the
 * caller's audit entry); if that transaction fails, the content is removed again.
 */
export async function storeFile(db: Db, storage: FileStorage, input: NewFile, inTransaction?: (tx: Db, file: FileRecord) => Promise<void>): Promise<FileRecord> {
  const id = randomUUID();
  const key = `${input.ownerContext.replace(/[^a-z0-9-]/g, '-')}/${id}`;
  await storage.put(key, input.content, { mediaType: input.mediaType });
  try {
    return await db.transaction(async (tx) => {
      const [file] = await tx
        .insert(fichiers)
        .values({
          id,
          ownerContext: input.ownerContext,
          ownerId: input.ownerId,
          libelle: input.libelle ? input.libelle.slice(0, MAX_LIBELLE) : null,
          nomOriginal: withExtension(sanitiseFileName(input.name), input.mediaType),
          mediaType: input.mediaType,
          taille: input.content.length,
          sha256: createHash('sha256').update(input.content).digest('hex'),
          storageKey: key,
          uploadedBy: input.uploadedBy.userId,
          uploadedByLabel: input.uploadedBy.label.slice(0, 300),
          expireLe: input.expireLe ?? null,
        })
        .returning();
      if (inTransaction) await inTransaction(tx, file!);
      return file!;
    });
  } catch (e) {
    await storage.delete(key).catch(() => undefined);
    throw e;
  }
}

/** The files of one owner that are not deleted, newest first. */
export async function listFiles(db: Db, ownerContext: string, ownerId: string, limit = 200): Promise<FileRecord[]> {
  return db
    .select()
    .from(fichiers)
    .where(and(eq(fichiers.ownerContext, ownerContext), eq(fichiers.ownerId, ownerId), isNull(fichiers.deletedAt)))
    .orderBy(desc(fichiers.createdAt), asc(fichiers.id))
    .limit(limit);
}

/** One file of this owner (never another owner's, never a deleted one). */
export async function getFile(db: Db, ownerContext: string, ownerId: string, id: string): Promise<FileRecord | null> {
  if (!isUuid(id)) return null;
  const [file] = await db
    .select()
    .from(fichiers)
    .where(and(eq(fichiers.id, id), eq(fichiers.ownerContext, ownerContext), eq(fichiers.ownerId, ownerId), isNull(fichiers.deletedAt)));
  return file ?? null;
}

/** The file with its content, or null when the content is missing. */
export async function openFile(storage: FileStorage, file: FileRecord): Promise<FileWithContent | null> {
  const content = await storage.get(file.storageKey);
  return content ? { ...file, content } : null;
}

/**
 * Marks a file deleted (with `inTransaction`, the caller's audit entry, in the same transaction),
 * then removes its content. False when it was already deleted.
 */
export async function deleteFile(db: Db, storage: FileStorage, file: FileRecord, inTransaction?: (tx: Db) => Promise<void>, now = new Date()): Promise<boolean> {
  const done = await db.transaction(async (tx) => {
    const rows = await tx
      .update(fichiers)
      .set({ deletedAt: now })
      .where(and(eq(fichiers.id, file.id), isNull(fichiers.deletedAt)))
      .returning({ id: fichiers.id });
    if (rows.length === 0) return false;
    if (inTransaction) await inTransaction(tx);
    return true;
  });
  if (done) await storage.delete(file.storageKey);
  return done;
}

/**
 * Retention: removes the content of every file whose `expire_le` is past and marks it deleted.
 * Safe to run from several instances at once (each file is claimed by one update). Returns the count.
 */
export async function purgeExpiredFiles(db: Db, storage: FileStorage, now: Date): Promise<number> {
  let count = 0;
  for (;;) {
    const due = await db
      .select({ id: fichiers.id })
      .from(fichiers)
      .where(and(lte(fichiers.expireLe, now), isNull(fichiers.deletedAt)))
      .orderBy(asc(fichiers.expireLe))
      .limit(200);
    if (due.length === 0) return count;
    for (const { id } of due) {
      const [claimed] = await db
        .update(fichiers)
        .set({ deletedAt: now })
        .where(and(eq(fichiers.id, id), isNull(fichiers.deletedAt)))
        .returning({ key: fichiers.storageKey });
      if (!claimed) continue;
      await storage.delete(claimed.key);
      count++;
    }
  }
}

/** `filename*` per RFC 5987 / 6266, with a plain ASCII fallback for old clients. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Sends a file as a download: never rendered inline, never sniffed, never cached by a shared cache. */
export function sendFile(reply: FastifyReply, file: FileWithContent): FastifyReply {
  return reply
    .code(200)
    .header('content-type', file.mediaType)
    .header('content-length', String(file.content.length))
    .header('content-disposition', contentDisposition(file.nomOriginal))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(file.content);
}

/** "12 Ko", "1,5 Mo": sizes for people (1 Ko = 1 024 octets). */
const TAILLE = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

export function formatSize(bytes: number): string {
  const nf = (n: number) => TAILLE.format(n);
  if (bytes < 1024) return `${bytes} octet${bytes > 1 ? 's' : ''}`;
  if (bytes < 1024 * 1024) return `${nf(Math.max(1, Math.round((bytes / 1024) * 10) / 10))} Ko`;
  return `${nf(Math.round((bytes / 1024 / 1024) * 10) / 10)} Mo`;
}
