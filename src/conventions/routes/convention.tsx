/** One agreement's page and what its readers do on it: sign, upload the countersigned PDF, instruct, pay, renew. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, notFound } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { centimesDepuisEuros } from '../../platform/money.js';
import { enableUploads, getFile, readUpload, sendFile, type FileStorage } from '../../platform/uploads/index.js';
import { validateDates, validateVersement, LIMITES } from '../regles.js';
import {
  calculer,
  cloreSansValidation,
  conventionCourante,
  conventionsDeStructure,
  declarerNonInteresse,
  demarrerReconventionnement,
  enregistrerVersement,
  evenementsDe,
  modifierDates,
  valider,
  versementsDe,
  type Convention,
} from '../conventions.js';
import { ConventionsError, getRegime } from '../regimes.js';
import { deposerContresigne, documentCourant, documentsDe, ouvrirDocument, signer, validateSignature } from '../documents.js';
import { periodesDesStructures } from '../../recrutement/recrutement.js';
import { ConventionPage, type ConventionView } from '../views/convention.js';
import { loadConvention, resourceOf } from './shared.js';

/** Upper bound of a countersigned PDF. */
export const CONTRESIGNE_MAX_BYTES = 10 * 1024 * 1024;

export function registerConventionRoutes(app: FastifyInstance, deps: AppDeps, storage: FileStorage): void {
  const { db } = deps;

  async function page(request: FastifyRequest, reply: FastifyReply, c: Convention, extra: Partial<ConventionView> = {}, status = 200) {
    const u = request.user;
    const r = resourceOf(c);
    const today = parisCalendarDate();
    // The document the structure is shown is the current one: generated here when the agreement changed.
    if (c.etat === 'en_construction' || c.etat === 'accepte' || c.etat === 'en_instruction') await documentCourant(db, storage, actorOf(request), c.id);
    const [regime, calcul, docs, versements, evenements, toutes, contrats] = await Promise.all([
      getRegime(db, c.regimeId),
      calculer(db, c, today),
      documentsDe(db, c.id),
      versementsDe(db, c.id),
      evenementsDe(db, c.id),
      conventionsDeStructure(db, c.structureId),
      periodesDesStructures(db, [c.structureId]),
    ]);
    const tailles = new Map<string, number>();
    for (const d of docs) {
      const f = await getFile(db, 'conventions', c.id, d.fichierId);
      if (f) tailles.set(d.id, f.taille);
    }
    return reply.html(
      ConventionPage({
        ctx: request.ctx(),
        c,
        regime: regime!,
        calcul,
        documents: docs.map((d) => ({ ...d, ...(tailles.has(d.id) ? { taille: tailles.get(d.id)! } : {}) })),
        versements,
        evenements,
        autres: toutes.filter((o) => o.id !== c.id),
        contratsCourants: contrats.filter((k) => k.debut <= today && (k.fin === null || k.fin >= today)),
        peutSigner: can(u, 'conventions:signer', r),
        peutInstruire: can(u, 'conventions:instruire', r),
        peutRenouveler: can(u, 'conventions:renouveler', r),
        maConvention: can(u, 'conventions:signer', r),
        ...extra,
      }),
      status,
    );
  }

  /** Runs a change; a ConventionsError becomes the page again with the message next to its field. */
  async function act(request: FastifyRequest, reply: FastifyReply, c: Convention, form: string, run: () => Promise<string>, values: Record<string, string> = formBody(request)) {
    try {
      const message = await run();
      return reply.flash(message).redirect(`/conventions/${c.id}`, 303);
    } catch (e) {
      if (!(e instanceof ConventionsError)) throw e;
      const fresh = (await loadFresh(c)) ?? c;
      return page(request, reply, fresh, { form, values, errors: { [e.field]: e.message } }, e.status >= 400 && e.status < 500 ? e.status : 409);
    }
  }
  const loadFresh = async (c: Convention) => (await conventionsDeStructure(db, c.structureId)).find((x) => x.id === c.id);

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

  app.post('/conventions/:id/dates', { config: { access: 'conventions:instruire' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:instruire');
    if (!c) return reply;
    const f = formBody(request);
    const v = validateDates(f.date_debut, f.date_fin);
    if (!v.ok) return page(request, reply, c, { form: 'dates', values: f, errors: v.errors }, 400);
    return act(request, reply, c, 'dates', async () => {
      await modifierDates(db, actorOf(request), c.id, v.debut, v.fin);
      return 'Dates de la convention enregistrées.';
    });
  });

  app.post('/conventions/:id/validation', { config: { access: 'conventions:instruire' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:instruire');
    if (!c) return reply;
    return act(request, reply, c, 'validation', async () => {
      await valider(db, actorOf(request), c.id);
      return 'Convention validée : vous pouvez enregistrer les versements.';
    });
  });

  app.post('/conventions/:id/refus', { config: { access: 'conventions:instruire' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:instruire');
    if (!c) return reply;
    const f = formBody(request);
    const etat = f._action === 'sans_suite' ? 'sans_suite' : 'refuse';
    const motif = f.motif ?? '';
    if (!motif || motif.length > LIMITES.motif) {
      return page(request, reply, c, { form: 'refus', values: f, errors: { motif: motif ? `Le motif doit contenir au plus ${LIMITES.motif} caractères.` : 'Indiquez le motif, il est communiqué à la structure.' } }, 400);
    }
    return act(request, reply, c, 'refus', async () => {
      await cloreSansValidation(db, actorOf(request), c.id, etat, motif);
      return etat === 'refuse' ? 'Convention refusée.' : 'Convention classée sans suite.';
    });
  });

  app.post('/conventions/:id/versements', { config: { access: 'conventions:instruire' } }, async (request, reply) => {
    const c = await loadConvention(db, request, reply, 'conventions:instruire');
    if (!c) return reply;
    const f = formBody(request);
    const montant = centimesDepuisEuros(f.montant ?? '');
    const v = validateVersement({ date: f.date, montantCentimes: Number.isNaN(montant) ? 'x' : montant, reference: f.reference });
    if (!v.ok) {
      const { montant_centimes, ...rest } = v.errors;
      const errors = montant_centimes ? { ...rest, montant: 'Indiquez un montant positif en euros, par exemple 50 000,00.' } : rest;
      return page(request, reply, c, { form: 'versement', values: f, errors }, 400);
    }
    return act(request, reply, c, 'versement', async () => {
      try {
        await enregistrerVersement(db, actorOf(request), c.id, v.value);
      } catch (e) {
        if (e instanceof ConventionsError && e.field === 'montant_centimes') throw new ConventionsError(e.message, 'montant', e.status);
        throw e;
      }
      return 'Versement enregistré.';
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
      const up = await readUpload(request, { fileField: 'fichier', fields: { nom: LIMITES.signataire, fonction: LIMITES.fonction }, maxBytes: CONTRESIGNE_MAX_BYTES });
      if (!up.ok) return page(request, reply, c, { form: 'contresigne', values: up.fields, errors: { [up.field === '_form' ? 'fichier' : up.field]: up.message } }, up.status);
      const nom = (up.fields.nom ?? '').trim();
      const fonction = (up.fields.fonction ?? '').trim();
      const errors: Record<string, string> = {};
      if (!nom) errors.nom = 'Indiquez le nom du signataire.';
      if (!fonction) errors.fonction = 'Indiquez la fonction du signataire.';
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
