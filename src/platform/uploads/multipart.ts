/**
 * Multipart uploads on top of @fastify/multipart, registered per scope. The body is read in the
 * handler only (after the platform's access check in preHandler), streamed, and cut at the limit.
 *
 * CSRF without JavaScript: the platform checks the token before the handler, when the multipart
 * body has not been read yet. So upload forms carry it in their action (`?_csrf=…`, see
 * `uploadAction`); a hook of the upload scope hands it to the platform's check as the
 * x-csrf-token header. A `_csrf` field inside the body, when present, must match as well.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { safeEqual } from '../crypto.js';

export const DEFAULT_LIMITS = { fields: 10, fieldSize: 10_000 };

/** Registers multipart parsing (no buffering, no body attached) and the CSRF hand-over in a scope. */
export async function enableUploads(scope: FastifyInstance): Promise<void> {
  await scope.register(fastifyMultipart, {
    throwFileSizeLimit: false,
    limits: { fieldNameSize: 100, fieldSize: DEFAULT_LIMITS.fieldSize, fields: DEFAULT_LIMITS.fields, files: 1, parts: DEFAULT_LIMITS.fields + 1, headerPairs: 20 },
  });
  scope.addHook('onRequest', async (request) => {
    if (!isMultipartRequest(request) || request.headers['x-csrf-token'] !== undefined) return;
    const q = (request.query as Record<string, unknown> | undefined)?._csrf;
    if (typeof q === 'string' && q.length <= 200) request.headers['x-csrf-token'] = q;
  });
  // A body left unread (refused, not found, cut at the limit) is not drained: the connection closes.
  scope.addHook('onSend', async (request, reply, payload) => {
    if (isMultipartRequest(request) && !request.raw.complete) reply.header('connection', 'close');
    return payload;
  });
}

function isMultipartRequest(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
}

/** The action of an upload form: the path with the CSRF token as a query parameter. */
export function uploadAction(path: string, csrf: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrf)}`;
}

export interface UploadOptions {
  /** Name of the file input. */
  fileField: string;
  /** The text fields expected, with their maximum length; any other field is refused. */
  fields: Record<string, number>;
  /** Maximum file size in bytes, checked while streaming. */
  maxBytes: number;
  /** Maximum number of text fields (default 10). */
  maxFields?: number;
}

export interface UploadedFile {
  filename: string;
  /** As sent by the browser: informative only, the content decides. */
  declaredType: string;
  content: Buffer;
}

export type UploadResult =
  | { ok: true; fields: Record<string, string>; file: UploadedFile | null }
  /** `field`: the form field the message belongs next to. */
  | { ok: false; status: 400 | 403 | 413 | 415; message: string; field: string; fields: Record<string, string> };

/**
 * Reads a multipart body: the expected text fields and at most one file. Reading stops as soon as the
 * body passes the limit (the file's `maxBytes` plus the fields): the parser skips the rest of a file
 * cut at its size limit, so the request stream itself is watched and unpiped, and the reply closes
 * the connection. Limits and malformed bodies give 4xx results with a French message, never an exception.
 */
export async function readUpload(request: FastifyRequest, opts: UploadOptions): Promise<UploadResult> {
  const fields: Record<string, string> = {};
  const raw = request.raw;
  const fail = (status: 400 | 403 | 413 | 415, message: string, field = opts.fileField): UploadResult => {
    // Read nothing more: the rest of the body is abandoned and the reply closes the connection.
    raw.unpipe();
    raw.pause();
    return { ok: false, status, message, field, fields };
  };
  const tooLarge = () => fail(413, `Le fichier dépasse la taille maximale de ${formatLimit(opts.maxBytes)}.`);
  if (!request.isMultipart()) return fail(415, 'Le formulaire doit être envoyé avec un fichier (multipart/form-data).');
  const maxFields = opts.maxFields ?? DEFAULT_LIMITS.fields;
  const maxFieldSize = Math.min(DEFAULT_LIMITS.fieldSize, Math.max(200, ...Object.values(opts.fields)));
  // The whole body may hold the file, the fields (4 bytes a character at most) and the parts' headers.
  const maxBody = opts.maxBytes + (maxFields + 1) * (maxFieldSize * 4 + 1024) + 16 * 1024;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBody) return tooLarge();

  const LIMIT = Symbol('limit');
  let onLimit: () => void = () => undefined;
  const limitReached = new Promise<typeof LIMIT>((resolve) => (onLimit = () => resolve(LIMIT)));
  const race = <T>(p: Promise<T>) => Promise.race([p, limitReached]);
  let received = 0;
  const watch = (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBody) {
      raw.off('data', watch);
      raw.unpipe();
      raw.pause();
      onLimit();
    }
  };

  let file: UploadedFile | null = null;
  try {
    const iterable = request.parts({
      // One byte over the limit is enough to know, and stop.
      limits: { fileSize: opts.maxBytes + 1, files: 1, fields: maxFields, parts: maxFields + 1, fieldSize: maxFieldSize, fieldNameSize: 100, headerPairs: 20 },
    });
    const parts = iterable[Symbol.asyncIterator]();
    let next = parts.next(); // starts the parser, which pipes the request into itself
    raw.on('data', watch);
    for (;;) {
      const r = await race(next);
      if (r === LIMIT) return tooLarge();
      if (r.done) break;
      const part = r.value;
      if (part.type === 'field') {
        if (part.fieldname === '_csrf') {
          if (typeof part.value !== 'string' || !request.csrfToken || !safeEqual(part.value, request.csrfToken)) return fail(403, 'Ce formulaire a expiré : rechargez la page et envoyez-le de nouveau.');
        } else {
          const max = opts.fields[part.fieldname];
          if (max === undefined) return fail(400, `Le champ « ${part.fieldname.slice(0, 50)} » n'est pas attendu.`, '_form');
          const value = typeof part.value === 'string' ? part.value.trim() : '';
          if (part.valueTruncated || [...value].length > max) return fail(400, `Saisissez au plus ${max} caractères.`, part.fieldname);
          if (value.includes('\u0000')) return fail(400, 'Ce champ contient un caractère invalide (U+0000) : retirez-le et réessayez.', part.fieldname);
          fields[part.fieldname] = value;
        }
      } else {
        if (part.fieldname !== opts.fileField || file) {
          part.file.destroy();
          return fail(400, 'Envoyez un seul fichier, dans le champ prévu.');
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const reader = (part.file as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        for (;;) {
          const c = await race(reader.next());
          if (c === LIMIT || (!c.done && size + c.value.length > opts.maxBytes)) {
            part.file.destroy();
            return tooLarge();
          }
          if (c.done) break;
          size += c.value.length;
          chunks.push(c.value);
        }
        if (part.file.truncated) return tooLarge();
        // An empty file input is sent as a part without a name nor content: no file.
        if (size > 0 || part.filename) file = { filename: part.filename ?? '', declaredType: part.mimetype ?? '', content: Buffer.concat(chunks, size) };
      }
      next = parts.next();
    }
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    if (status === 413) return fail(413, 'Le formulaire contient trop de champs ou de fichiers.', '_form');
    request.log.info({ err: (e as Error).message }, 'multipart body refused');
    return fail(400, 'Le formulaire envoyé est mal formé : rechargez la page et réessayez.', '_form');
  } finally {
    raw.off('data', watch);
  }
  return { ok: true, fields, file };
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} Mo`.replace('.', ',') : `${Math.round(bytes / 1024)} Ko`;
}
