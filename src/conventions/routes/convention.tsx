/** One agreement's page and what the structure does on it: read, download, sign, upload the countersigned PDF, renew. */
import type { FastifyInstance } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, notFound } from '../../platform/http.js';
import { enableUploads, readUpload, sendFile, type FileStorage } from '../../platform/uploads/index.js';
import { LIMITES } from '../regles.js';
import { conventionCourante, conventionsDeStructure, declarerNonInteresse, demarrerReconventionnement, type Convention } from '../conventions.js';
import { ConventionsError } from '../regimes.js';
import { deposerContresigne, ouvrirDocument, signer, validateSignature } from '../documents.js';
import { conventionPage } from './convention-page.js';
import { loadConvention } from './shared.js';

/** Upper bound of a countersigned PDF. */
export const CONTRESIGNE_MAX_BYTES = 10 * 1024 * 1024;

export function registerConventionRoutes(app: FastifyInstance, deps: AppDeps, storage: FileStorage): void {
  const { db } = deps;
  const { page, act } = conventionPage(db, storage);

  app.get('/conventions/:id', { config: { access: 'conventions:consulter' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:consulter');
    if (!c) return reply;
    return page(request, reply, c);
  });

  /** « Ma convention »: the structure's agreement in force (or the explanation of when it comes). */
  app.get('/ma-convention', { config: { access: 'conventions:signer' } }, async (request, reply) => {
    const ids = request.user!.roles.filter((g) => g.role === 'structure' && g.structureId).map((g) => g.structureId!);
    for (const id of ids) {
      const c = conventionCourante(await conventionsDeStructure(db, id)) ?? (await conventionsDeStructure(db, id)).at(-1);
      if (c) return reply.redirect(`/conventions/${c.id}`, 303);
    }
    return reply.flash("Votre structure n'a pas encore de convention : elle s'ouvre dès que le comité de sélection vous accorde des postes.", 'info').redirect('/tableau-de-bord/structure', 303);
  });

  app.get('/conventions/:id/documents/:doc', { config: { access: 'conventions:consulter' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:consulter');
    if (!c) return reply;
    const file = await ouvrirDocument(db, storage, c.id, (request.params as { doc: string }).doc);
    if (!file) return notFound(request, reply);
    return sendFile(reply, file);
  });

  app.post('/conventions/:id/signature', { config: { access: 'conventions:signer' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:signer');
    if (!c) return reply;
    const f = formBody(request);
    const v = validateSignature({ nom: f.nom, fonction: f.fonction, sha256: f.sha256, certifie: f.certifie });
    if (!v.ok) return page(request, reply, c, { form: 'signature', values: f, errors: v.errors }, 400);
    return act(request, reply, c, 'signature', async () => {
      await signer(db, actorOf(request), c.id, f.document ?? '', v.value);
      return 'Document signé : la Banque des Territoires instruit maintenant votre convention.';
    });
  });

  app.post('/conventions/:id/reconventionnement', { config: { access: 'conventions:renouveler' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:renouveler');
    if (!c) return reply;
    const raw = (request.body as Record<string, unknown> | undefined)?.contrats;
    const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((x): x is string => typeof x === 'string').slice(0, 200);
    let nouvelle: Convention | undefined;
    try {
      nouvelle = await demarrerReconventionnement(db, actorOf(request), c.id, ids);
    } catch (e) {
      if (!(e instanceof ConventionsError)) throw e;
      return page(request, reply, c, { form: 'reconventionnement', values: {}, errors: { [e.field === 'regime' || e.field === 'convention' ? 'contrats' : e.field]: e.message } }, e.status);
    }
    return reply.flash('Reconventionnement demandé : relisez et signez la nouvelle convention.').redirect(`/conventions/${nouvelle.id}`, 303);
  });

  app.post('/conventions/:id/non-interesse', { config: { access: 'conventions:renouveler' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:renouveler');
    if (!c) return reply;
    return act(request, reply, c, 'reconventionnement', async () => {
      await declarerNonInteresse(db, actorOf(request), c.id);
      return 'C’est noté : pas de reconventionnement. La convention va jusqu’à son terme.';
    });
  });

  // The countersigned PDF: multipart in its own scope (src/platform/uploads).
  void app.register(async (scope) => {
    await enableUploads(scope);
    scope.post('/conventions/:id/contresigne', { config: { access: 'conventions:signer' } }, async (request, reply) => {
      const c = await loadConvention(db, request, reply, 'conventions:signer');
      if (!c) return reply;
      const up = await readUpload(request, { fileField: 'fichier', fields: { signataire_nom: LIMITES.signataire, signataire_fonction: LIMITES.fonction }, maxBytes: CONTRESIGNE_MAX_BYTES });
      if (!up.ok) return page(request, reply, c, { form: 'contresigne', values: up.fields, errors: { [up.field === '_form' ? 'fichier' : up.field]: up.message } }, up.status);
      const nom = (up.fields.signataire_nom ?? '').trim();
      const fonction = (up.fields.signataire_fonction ?? '').trim();
      const errors: Record<string, string> = {};
      if (!nom) errors.signataire_nom = 'Indiquez le nom du signataire.';
      if (!fonction) errors.signataire_fonction = 'Indiquez la fonction du signataire.';
      if (!up.file) errors.fichier = 'Choisissez la convention signée, au format PDF.';
      if (Object.keys(errors).length) return page(request, reply, c, { form: 'contresigne', values: up.fields, errors }, 400);
      return act(
        request,
        reply,
        c,
        'contresigne',
        async () => {
          await deposerContresigne(db, storage, actorOf(request), c.id, { name: up.file!.filename, content: up.file!.content }, { nom, fonction });
          return 'Convention contresignée déposée : la Banque des Territoires l’instruit.';
        },
        up.fields,
      );
    });
  });
}
