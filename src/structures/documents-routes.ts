import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type AppDeps } from '../platform/deps.js';
import { notFound } from '../platform/http.js';
import { can } from '../platform/access.js';
import { isUuid } from '../platform/ids.js';
import { checkContent, databaseStorage, enableUploads, openFile, readUpload, sendFile, type FileStorage } from '../platform/uploads/index.js';
import { getStructure, type Structure } from './structures.js';
import { addDocument, DOCUMENT_MAX_BYTES, DOCUMENT_TYPES, getDocument, LIBELLE_MAX, libelleProblem, listDocuments, removeDocument } from './documents.js';
import { DocumentsPage } from './views/documents.js';
import type { FieldErrors, FormValues } from '../platform/views/components.js';

export interface DocumentsOptions {
  /** Where contents go; the database by default (shared by every instance). */
  storage?: FileStorage;
}

/** "Documents de la structure": list, upload (PDF, 5 Mo), download, delete. Multipart in its own scope. */
export async function registerStructureDocumentsRoutes(scope: FastifyInstance, deps: AppDeps, opts: DocumentsOptions = {}): Promise<void> {
  const { db } = deps;
  const storage = opts.storage ?? databaseStorage(db);
  await enableUploads(scope);

  /** The structure if the caller may perform `action` on it; otherwise a 404 (nothing said about others' structures). */
  async function loadFor(request: FastifyRequest, reply: FastifyReply, action: 'structures:consulter' | 'structures:modifier'): Promise<Structure | undefined> {
    const id = (request.params as { id: string }).id;
    const s = isUuid(id) ? await getStructure(db, id) : null;
    if (!s || !can(request.user, action, { kind: 'structure', id: s.id, departement: s.departement })) {
      notFound(request, reply);
      return undefined;
    }
    return s;
  }

  const canEdit = (request: FastifyRequest, s: Structure) => can(request.user, 'structures:modifier', { kind: 'structure', id: s.id, departement: s.departement });

  async function page(request: FastifyRequest, reply: FastifyReply, s: Structure, status = 200, form?: { values: FormValues; errors: FieldErrors }) {
    const docs = await listDocuments(db, s.id);
    return reply.html(DocumentsPage({ ctx: request.ctx(), s, docs, canEdit: canEdit(request, s), ...form }), status);
  }

  scope.get('/structures/:id/documents', { config: { access: 'structures:consulter' } }, async (request, reply) => {
    const s = await loadFor(request, reply, 'structures:consulter');
    if (!s) return reply;
    return page(request, reply, s);
  });

  scope.post('/structures/:id/documents', { config: { access: 'structures:modifier' } }, async (request, reply) => {
    const s = await loadFor(request, reply, 'structures:modifier');
    if (!s) return reply;
    const up = await readUpload(request, { fileField: 'fichier', fields: { libelle: LIBELLE_MAX }, maxBytes: DOCUMENT_MAX_BYTES });
    if (!up.ok) return page(request, reply, s, up.status, { values: up.fields, errors: { [up.field]: up.message } });
    const libelle = up.fields.libelle ?? '';
    const errors: FieldErrors = {};
    const lp = libelleProblem(libelle);
    if (lp) errors.libelle = lp;
    let mediaType: (typeof DOCUMENT_TYPES)[number] | null = null;
    if (!up.file) errors.fichier = 'Choisissez un fichier PDF.';
    else {
      const checked = await checkContent(up.file.content, DOCUMENT_TYPES);
      if (checked.ok) mediaType = checked.mediaType;
      else errors.fichier = checked.message;
    }
    if (!up.file || !mediaType || lp) return page(request, reply, s, 400, { values: up.fields, errors });
    const u = request.user!;
    await addDocument(db, storage, { ...actorOf(request), name: `${u.firstName} ${u.lastName}`.trim() || u.email }, s, {
      name: up.file.filename,
      mediaType,
      content: up.file.content,
      libelle,
    });
    return reply.flash(`Le document « ${libelle} » a été ajouté.`).redirect(`/structures/${s.id}/documents`, 303);
  });

  scope.get('/structures/:id/documents/:docId', { config: { access: 'structures:consulter' } }, async (request, reply) => {
    const s = await loadFor(request, reply, 'structures:consulter');
    if (!s) return reply;
    const doc = await getDocument(db, s.id, (request.params as { docId: string }).docId);
    const file = doc ? await openFile(storage, doc) : null;
    if (!file) {
      if (doc) request.log.warn({ fichier: doc.id }, 'file content missing');
      return notFound(request, reply);
    }
    return sendFile(reply, file);
  });

  scope.post('/structures/:id/documents/:docId/supprimer', { config: { access: 'structures:modifier' } }, async (request, reply) => {
    const s = await loadFor(request, reply, 'structures:modifier');
    if (!s) return reply;
    const doc = await getDocument(db, s.id, (request.params as { docId: string }).docId);
    if (!doc) return notFound(request, reply);
    await removeDocument(db, storage, actorOf(request), s, doc);
    return reply.flash(`Le document « ${doc.libelle ?? doc.nomOriginal} » a été supprimé.`).redirect(`/structures/${s.id}/documents`, 303);
  });
}
