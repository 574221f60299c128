import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type AppDeps } from '../platform/deps.js';
import { forbidden, formBody, notFound, queryParam } from '../platform/http.js';
import { can, structureScope } from '../platform/access.js';
import {
  DuplicateSiretError,
  createStructure,
  getStructure,
  listStructures,
  updateStructure,
  validateStructure,
  type Structure,
  type StructureInput,
} from './structures.js';
import { StructureDetailPage, StructureFormPage, StructuresPage } from './views/pages.js';
import { registerStructureDocumentsRoutes, type DocumentsOptions } from './documents-routes.js';
import { getDossierOfStructure } from '../programme/dossiers.js';

const PAGE_SIZE = 50;

function inputOf(request: FastifyRequest): StructureInput {
  const f = formBody(request);
  return {
    siret: f.siret ?? '',
    nom: f.nom ?? '',
    type: f.type ?? '',
    adresse: f.adresse ?? '',
    codePostal: f.codePostal ?? '',
    communeInsee: f.communeInsee ?? '',
    contactEmail: f.contactEmail ?? '',
    contactTelephone: f.contactTelephone ?? '',
  };
}

function valuesOf(s: Structure): Record<string, string> {
  return {
    siret: s.siret,
    nom: s.nom,
    type: s.type,
    adresse: s.adresse,
    codePostal: s.codePostal,
    communeInsee: s.communeInsee,
    contactEmail: s.contactEmail ?? '',
    contactTelephone: s.contactTelephone ?? '',
  };
}

export function registerStructuresRoutes(app: FastifyInstance, deps: AppDeps, opts: { documents?: DocumentsOptions } = {}): void {
  const { db } = deps;

  // Documents: multipart uploads in their own scope.
  void app.register(async (scope) => registerStructureDocumentsRoutes(scope, deps, opts.documents));

  /** Loads a structure and checks the caller may perform `action` on it; answers 404/403 otherwise. */
  async function loadFor(request: FastifyRequest, reply: FastifyReply, action: 'structures:consulter' | 'structures:modifier') {
    const s = await getStructure(db, (request.params as { id: string }).id);
    if (!s) {
      notFound(request, reply);
      return undefined;
    }
    if (!can(request.user, action, { kind: 'structure', id: s.id, departement: s.departement })) {
      forbidden(request, reply);
      return undefined;
    }
    return s;
  }

  app.get('/structures', { config: { access: 'structures:consulter' } }, async (request, reply) => {
    const q = queryParam(request, 'q', 100);
    const n = Number(queryParam(request, 'page'));
    const page = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const { rows, total } = await listStructures(db, structureScope(request.user), { q, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
    return reply.html(
      StructuresPage({
        ctx: request.ctx(),
        rows: rows.slice(0, PAGE_SIZE),
        total,
        q,
        page,
        hasNext: rows.length > PAGE_SIZE,
        canCreate: can(request.user, 'structures:creer'),
      }),
    );
  });

  app.get('/structures/nouvelle', { config: { access: 'structures:creer' } }, async (request, reply) => {
    return reply.html(StructureFormPage({ ctx: request.ctx() }));
  });

  app.post('/structures/nouvelle', { config: { access: 'structures:creer' } }, async (request, reply) => {
    const input = inputOf(request);
    const v = validateStructure(input);
    if (!v.ok) return reply.html(StructureFormPage({ ctx: request.ctx(), values: { ...input }, errors: v.errors }), 400);
    try {
      const s = await createStructure(db, actorOf(request), v.value);
      return reply.flash(`La structure « ${s.nom} » a été créée.`).redirect(`/structures/${s.id}`, 303);
    } catch (e) {
      if (!(e instanceof DuplicateSiretError)) throw e;
      return reply.html(StructureFormPage({ ctx: request.ctx(), values: { ...input }, errors: { siret: e.message } }), 409);
    }
  });

  app.get('/structures/:id', { config: { access: 'structures:consulter' } }, async (request, reply) => {
    const s = await loadFor(request, reply, 'structures:consulter');
    if (!s) return reply;
    const canEdit = can(request.user, 'structures:modifier', { kind: 'structure', id: s.id, departement: s.departement });
    // The application file (src/programme), linked for those who may read it.
    const d = await getDossierOfStructure(db, s.id);
    const dossier = d && can(request.user, 'programme:consulter', { kind: 'dossier', structureId: s.id, departement: d.departement, statut: d.statut }) ? { numero: d.numero } : null;
    return reply.html(StructureDetailPage({ ctx: request.ctx(), s, canEdit, dossier }));
  });

  app.get('/structures/:id/modifier', { config: { access: 'structures:modifier' } }, async (request, reply) => {
    const s = await loadFor(request, reply, 'structures:modifier');
    if (!s) return reply;
    return reply.html(StructureFormPage({ ctx: request.ctx(), values: valuesOf(s), id: s.id, locked: !can(request.user, 'structures:creer') }));
  });

  app.post('/structures/:id/modifier', { config: { access: 'structures:modifier' } }, async (request, reply) => {
    const s = await loadFor(request, reply, 'structures:modifier');
    if (!s) return reply;
    const locked = !can(request.user, 'structures:creer');
    // A structure's manager cannot move it to another département nor take another SIRET.
    const input = locked ? { ...inputOf(request), siret: s.siret, communeInsee: s.communeInsee } : inputOf(request);
    const v = validateStructure(input);
    if (!v.ok) return reply.html(StructureFormPage({ ctx: request.ctx(), values: { ...input }, errors: v.errors, id: s.id, locked }), 400);
    try {
      await updateStructure(db, actorOf(request), s.id, v.value);
      return reply.flash('Les modifications sont enregistrées.').redirect(`/structures/${s.id}`, 303);
    } catch (e) {
      if (!(e instanceof DuplicateSiretError)) throw e;
      return reply.html(StructureFormPage({ ctx: request.ctx(), values: { ...input }, errors: { siret: e.message }, id: s.id, locked }), 409);
    }
  });
}
