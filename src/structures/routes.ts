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
import { commune, lireCommune } from '../territoires/territoires.js';
import { communeSaisie } from '../territoires/views/commune-field.js';

const PAGE_SIZE = 50;

/** The structure form's fields, the commune typed (a name, a postcode…) resolved to its code, or why not. */
function inputOf(request: FastifyRequest): StructureInput & { communeErreur?: string; commune?: string; communeInsee_pour?: string } {
  const f = formBody(request);
  const texte = (f.commune ?? '').trim();
  let communeInsee = f.communeInsee ?? '';
  let communeErreur: string | undefined;
  if (texte) {
    const r = lireCommune(texte, communeInsee, f.communeInsee_pour ?? '', (f.codePostal ?? '').replace(/\s/g, ''));
    if (r.ok) communeInsee = r.commune.insee;
    else [communeInsee, communeErreur] = ['', r.error];
  } else if (f.commune !== undefined && f.communeInsee_pour) communeInsee = ''; // the text was erased
  return {
    ...(communeErreur ? { communeErreur } : {}),
    ...(f.commune !== undefined ? { commune: texte, communeInsee_pour: f.communeInsee_pour ?? '' } : {}),
    siret: f.siret ?? '',
    nom: f.nom ?? '',
    type: f.type ?? '',
    adresse: f.adresse ?? '',
    codePostal: f.codePostal ?? '',
    communeInsee,
    contactEmail: f.contactEmail ?? '',
    contactTelephone: f.contactTelephone ?? '',
  };
}

/** The structure's rules, the commune's message next to the commune field (named `commune` on the form). */
function validerFormulaire(input: ReturnType<typeof inputOf>): ReturnType<typeof validateStructure> | { ok: false; errors: Record<string, string> } {
  const v = validateStructure(input);
  if (!input.communeErreur && v.ok) return v;
  const errors: Record<string, string | undefined> = v.ok ? {} : { ...v.errors };
  const message = input.communeErreur ?? errors.communeInsee;
  delete errors.communeInsee;
  if (message) errors.commune = message;
  return { ok: false, errors: Object.fromEntries(Object.entries(errors).filter((e): e is [string, string] => !!e[1])) };
}

function valuesOfCommune(insee: string): { commune?: string; communeInsee_pour?: string } {
  const c = commune(insee);
  return c ? { commune: communeSaisie(c), communeInsee_pour: communeSaisie(c) } : {};
}

function valuesOf(s: Structure): Record<string, string> {
  return {
    siret: s.siret,
    nom: s.nom,
    type: s.type,
    adresse: s.adresse,
    codePostal: s.codePostal,
    communeInsee: s.communeInsee,
    ...valuesOfCommune(s.communeInsee),
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
    const v = validerFormulaire(input);
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
    const typed = inputOf(request);
    const { communeErreur: _ignored, ...kept } = typed;
    const input = locked ? { ...kept, siret: s.siret, communeInsee: s.communeInsee, ...valuesOfCommune(s.communeInsee) } : typed;
    const v = validerFormulaire(input);
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
