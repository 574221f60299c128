/**
 * The administrators' import of places (CSV or JSON file, up to 20 MB): multipart in its own scope,
 * non-administrators refused before the body is read, the plugin's refusals answered in French.
 */
import type { FastifyInstance } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { actorOf, type AppDeps } from '../platform/deps.js';
import { forbidden } from '../platform/http.js';
import { can } from '../platform/access.js';
import { FichierIllisible, importerLieux } from './import.js';
import { ImportPage } from './views/gestion.js';
import { str } from './requete.js';

export function registerImportRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  void app.register(async (scope) => {
    // Fields come as plain strings (keyValues), so the platform's CSRF check reads body._csrf as for any form.
    await scope.register(fastifyMultipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: 20 * 1024 * 1024, files: 1, fields: 10 } });
    // The platform checks access in preHandler, after the body is read: here up to 20 MB. Refuse
    // non-admins first, in onRequest (after the platform's own onRequest hook has set request.user).
    scope.addHook('onRequest', async (request, reply) => {
      const access = request.routeOptions.config?.access;
      if (!access || access === 'public' || access === 'authentifie') return;
      if (!request.user) return reply.redirect(`/connexion?retour=${encodeURIComponent(request.url)}`, 303);
      if (!can(request.user, access)) return forbidden(request, reply);
    });

    // A multipart body the plugin refuses (too many fields or files, file too large, a stream cut
    // short by such a refusal) is the sender's fault: a French 413/400, never a 500.
    scope.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
      const motif = multipartRefus(error);
      if (!motif) throw error; // the platform's handler
      request.log.info({ err: error.message, code: error.code }, 'multipart refused');
      return reply.html(ImportPage({ ctx: request.ctx(), erreur: motif.message }), motif.status);
    });

    scope.get('/admin/lieux/import', { config: { access: 'lieux:importer' } }, async (request, reply) => {
      return reply.html(ImportPage({ ctx: request.ctx() }));
    });

    scope.post('/admin/lieux/import', { config: { access: 'lieux:importer' }, bodyLimit: 21 * 1024 * 1024 }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const file = body.fichier;
      const content = Buffer.isBuffer(file) ? file : typeof file === 'string' ? Buffer.from(file) : null;
      if (!content || content.length === 0) return reply.html(ImportPage({ ctx: request.ctx(), erreur: 'Choisissez un fichier CSV ou JSON.' }), 400);
      try {
        const rapport = await importerLieux(db, actorOf(request), content, { source: str(body.source) || undefined, fichier: 'envoi' });
        return reply.html(ImportPage({ ctx: request.ctx(), rapport }));
      } catch (e) {
        if (!(e instanceof FichierIllisible)) throw e;
        return reply.html(ImportPage({ ctx: request.ctx(), erreur: e.message }), 400);
      }
    });
  });
}

/** The French answer to a multipart body the upload plugin refused, or null for any other error. */
export function multipartRefus(error: { code?: string; statusCode?: number; message?: string }): { status: 400 | 413; message: string } | null {
  // busboy's own errors carry neither code nor status: a body that is not well-formed multipart
  if (!error.code && /^(Multipart: |Unexpected end of (form|multipart data)|Malformed part header|Malformed urlencoded form)/.test(error.message ?? ''))
    return { status: 400, message: "Le fichier envoyé est mal formé (formulaire multipart invalide) : renvoyez-le depuis cette page." };
  switch (error.code) {
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return { status: 413, message: "Le formulaire envoyé contient trop de champs (10 au plus) ou a été interrompu : renvoyez-le depuis cette page, avec un seul fichier." };
    case 'FST_FILES_LIMIT':
      return { status: 413, message: 'Envoyez un seul fichier à la fois.' };
    case 'FST_REQ_FILE_TOO_LARGE':
      return { status: 413, message: 'Le fichier est trop volumineux : 20 Mo au plus. Découpez-le en plusieurs fichiers.' };
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return { status: 400, message: "Le formulaire envoyé est mal formé : renvoyez-le depuis cette page." };
    default:
      return error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413
        ? { status: 413, message: 'Le fichier est trop volumineux : 20 Mo au plus. Découpez-le en plusieurs fichiers.' }
        : null;
  }
}
