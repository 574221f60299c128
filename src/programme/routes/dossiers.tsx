/** Pages of the instruction: the work list and its exports, one file, the préfet's opinion, statuses, amendments. */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { forbidden, formBody, notFound } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { formatDateTime } from '../../platform/views/components.js';
import { csvCell } from '../../activites/export.js';
import { xlsxFromRows } from '../../activites/xlsx.js';
import { listDocuments } from '../../structures/documents.js';
import { departement as departementOf, departements as allDepartements } from '../../territoires/territoires.js';
import { AVIS_PREFET, isStatut, STATUTS, validateAvis } from '../regles.js';
import { changerStatut, countDossiers, eachDossier, historique, listDossiers, marquerPrioritaire, ProgrammeError, donnerAvisPrefet, type Dossier, type DossierFilter } from '../dossiers.js';
import { avenantsDe, avisAvenant, deciderAvenant, demanderAvenant, getAvenant } from '../avenants.js';
import { conseillersEnPoste, EnveloppeDepasseeError } from '../postes.js';
import { dossierScope } from '../policy.js';
import { DossierPage, DossiersPage, communeLabel, formatDate, statutLabel, typeLabel, type DossierView } from '../views/dossiers.js';
import { loadDossier, q, resoudreCommune, resourceOf } from './shared.js';
import { getDossier } from '../dossiers.js';
import { STRUCTURE_TYPES } from '../../structures/structures.js';

const PAGE_SIZE = 50;

/** The list's filters from the query string; unknown values are dropped, never an error. */
function filtresOf(request: FastifyRequest) {
  const raw = { q: q(request, 'q'), statut: q(request, 'statut', 40), type: q(request, 'type', 40), commune: q(request, 'commune'), departement: q(request, 'departement', 3), avis: q(request, 'avis', 3) };
  const c = raw.commune ? resoudreCommune(raw.commune) : null;
  const filter: DossierFilter = {
    q: raw.q || undefined,
    statut: isStatut(raw.statut) ? raw.statut : undefined,
    type: Object.hasOwn(STRUCTURE_TYPES, raw.type) ? raw.type : undefined,
    communeInsee: c && 'insee' in c ? c.insee : c ? '—' : undefined,
    departement: departementOf(raw.departement) ? raw.departement.toUpperCase() : undefined,
    avis: raw.avis === 'oui' || raw.avis === 'non' ? raw.avis : undefined,
  };
  const params = new URLSearchParams(Object.entries(raw).filter(([, v]) => v));
  const s = params.toString();
  return { filter, raw, query: s ? `?${s}` : '' };
}

const EXPORT_HEADER = ['Numéro', 'Structure', 'SIRET', 'Type', 'Commune', 'Code INSEE', 'Département', 'Statut', 'Avis du préfet', 'Commentaire du préfet', 'Prioritaire', 'Postes souhaités', 'Postes validés', 'Début souhaité', 'Contact', 'Fonction', 'Courriel', 'Téléphone', 'France Services', 'ZRR', 'QPV', 'Déposé le'];

function exportCells(d: Dossier): (string | number)[] {
  return [
    d.numero,
    d.nom,
    d.siret,
    typeLabel(d.type),
    communeLabel(d.communeInsee),
    d.communeInsee,
    `${departementOf(d.departement)?.nom ?? d.departement} (${d.departement})`,
    statutLabel(d.statut),
    d.avisPrefet ? AVIS_PREFET[d.avisPrefet as keyof typeof AVIS_PREFET] : '',
    d.avisCommentaire ?? '',
    d.prioritaire ? 'Oui' : 'Non',
    d.postesSouhaites,
    d.postesValides,
    formatDate(d.dateDebut),
    `${d.contactPrenom} ${d.contactNom}`,
    d.contactFonction,
    d.contactEmail,
    d.contactTelephone,
    d.labelFranceServices ? 'Oui' : 'Non',
    d.zrr ? 'Oui' : 'Non',
    d.qpv ? 'Oui' : 'Non',
    formatDateTime(d.createdAt),
  ];
}

export function registerDossiersRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/programme/dossiers', { config: { access: 'programme:lister' } }, async (request, reply) => {
    const { filter, raw, query } = filtresOf(request);
    const n = Number(q(request, 'page', 6));
    const page = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const scope = dossierScope(request.user);
    const [rows, counts] = await Promise.all([listDossiers(db, scope, filter, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }), countDossiers(db, scope, filter)]);
    return reply.html(
      DossiersPage({
        ctx: request.ctx(),
        rows: rows.slice(0, PAGE_SIZE),
        counts,
        filtres: { statut: raw.statut, type: raw.type, commune: raw.commune, departement: raw.departement, avis: raw.avis, q: raw.q },
        page,
        hasNext: rows.length > PAGE_SIZE,
        departements: scope.all || scope.validesNational ? allDepartements().map((x) => x.code) : null,
        query,
      }),
    );
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/programme/dossiers/export.${format}`, { config: { access: 'programme:lister' } }, async (request, reply) => {
      const { filter } = filtresOf(request);
      const rows = eachDossier(db, dossierScope(request.user), filter);
      async function* cells(): AsyncGenerator<(string | number)[]> {
        yield EXPORT_HEADER;
        for await (const d of rows) yield exportCells(d);
      }
      const name = `candidatures-structures-${parisCalendarDate()}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
      if (format === 'xlsx') return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(xlsxFromRows('Candidatures', cells()));
      async function* lines(): AsyncGenerator<string> {
        let first = true;
        for await (const c of cells()) {
          yield (first ? '\uFEFF' : '') + c.map(csvCell).join(';') + '\r\n';
          first = false;
        }
      }
      return reply.type('text/csv; charset=utf-8').send(Readable.from(lines(), { objectMode: false }));
    });
  }

  async function dossierPage(request: FastifyRequest, reply: FastifyReply, d: Dossier, extra: Partial<DossierView> = {}, status = 200) {
    const u = request.user;
    const r = resourceOf(d);
    const [evenements, documents, avenants, enPoste] = await Promise.all([
      historique(db, d.id),
      listDocuments(db, d.structureId),
      avenantsDe(db, d.id),
      conseillersEnPoste(db, [d.structureId]),
    ]);
    return reply.html(
      DossierPage({
        ctx: request.ctx(),
        d,
        evenements,
        documents,
        avenants,
        peutAvis: can(u, 'programme:avis', r),
        peutStatut: can(u, 'programme:statut', r),
        peutAbandonner: can(u, 'programme:abandonner', r) && d.postesValides === 0 && !['ABANDON', 'ANNULEE', 'DOUBLON'].includes(d.statut),
        peutAvenant: can(u, 'programme:avenant', r),
        peutDeciderAvenant: can(u, 'programme:coselec', r),
        peutDocuments: can(u, 'structures:modifier', { kind: 'structure', id: d.structureId, departement: d.departement }),
        conseillersEnPoste: enPoste.get(d.structureId) ?? 0,
        ...extra,
      }),
      status,
    );
  }

  app.get('/structures/:id/dossier', { config: { access: 'programme:consulter' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:consulter');
    if (!d) return reply;
    return dossierPage(request, reply, d);
  });

  /** Runs a change; a ProgrammeError becomes the page again with the message next to its field. */
  async function act(request: FastifyRequest, reply: FastifyReply, d: Dossier, form: string, run: () => Promise<string>) {
    try {
      const message = await run();
      return reply.flash(message).redirect(`/structures/${d.structureId}/dossier`, 303);
    } catch (e) {
      if (e instanceof EnveloppeDepasseeError) return dossierPage(request, reply, d, { form, values: formBody(request), errors: { derogation: e.message } }, 409);
      if (!(e instanceof ProgrammeError)) throw e;
      const fresh = (await getDossier(db, d.id)) ?? d;
      return dossierPage(request, reply, fresh, { form, values: formBody(request), errors: { [e.field]: e.message } }, e.status === 404 ? 404 : e.status >= 400 && e.status < 500 ? e.status : 409);
    }
  }

  app.post('/structures/:id/avis-prefet', { config: { access: 'programme:avis' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:avis');
    if (!d) return reply;
    const f = formBody(request);
    const v = validateAvis(f.avis, f.commentaire);
    if (!v.ok) return dossierPage(request, reply, d, { form: 'avis', values: f, errors: v.errors }, 400);
    return act(request, reply, d, 'avis', async () => {
      await donnerAvisPrefet(db, actorOf(request), d.id, v.avis, v.commentaire);
      return "L'avis du préfet est enregistré.";
    });
  });

  app.post('/structures/:id/priorite', { config: { access: 'programme:avis' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:avis');
    if (!d) return reply;
    const oui = formBody(request).prioritaire === 'oui';
    return act(request, reply, d, 'priorite', async () => {
      await marquerPrioritaire(db, actorOf(request), d.id, oui);
      return oui ? 'Le dossier est signalé comme prioritaire.' : "Le dossier n'est plus prioritaire.";
    });
  });

  app.post('/structures/:id/statut', { config: { access: 'programme:abandonner' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:abandonner');
    if (!d) return reply;
    const f = formBody(request);
    const statut = f.statut;
    if (statut !== 'ABANDON' && statut !== 'ANNULEE' && statut !== 'DOUBLON') return dossierPage(request, reply, d, { form: 'statut', values: f, errors: { statut: 'Choisissez le nouveau statut.' } }, 400);
    if (statut !== 'ABANDON' && !can(request.user, 'programme:statut', resourceOf(d))) {
      return dossierPage(request, reply, d, { form: 'statut', values: f, errors: { statut: "Seule l'ANCT annule un dossier ou le rattache à un autre." } }, 403);
    }
    const motif = (f.motif ?? '').trim();
    if (motif.length > 1000) return dossierPage(request, reply, d, { form: 'statut', values: f, errors: { motif: 'Le motif doit contenir au plus 1000 caractères.' } }, 400);
    return act(request, reply, d, 'statut', async () => {
      await changerStatut(db, actorOf(request), d.id, statut, { motif, ...(f.doublon_de ? { doublonDeNumero: Number(f.doublon_de) } : {}) });
      return `Le dossier est maintenant « ${STATUTS[statut]} ».`;
    });
  });

  app.post('/structures/:id/avenants', { config: { access: 'programme:avenant' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:avenant');
    if (!d) return reply;
    const f = formBody(request);
    return act(request, reply, d, 'avenant', async () => {
      await demanderAvenant(db, actorOf(request), d.id, { type: f.type, postes: f.postes, motif: f.motif, temps: f.temps });
      return "Votre demande d'avenant est envoyée : le préfet donne son avis, puis l'ANCT décide.";
    });
  });

  /** An amendment and its file, checked for `action`: 404 when the caller may not read the file, 403 when they may not act. */
  async function loadAvenant(request: FastifyRequest, reply: FastifyReply, action: 'programme:avis' | 'programme:coselec') {
    const a = await getAvenant(db, (request.params as { id: string }).id);
    const d = a ? await getDossier(db, a.dossierId) : undefined;
    if (!a || !d || !can(request.user, 'programme:consulter', resourceOf(d))) {
      notFound(request, reply);
      return undefined;
    }
    if (!can(request.user, action, resourceOf(d))) {
      forbidden(request, reply);
      return undefined;
    }
    return { a, d };
  }

  app.post('/programme/avenants/:id/avis-prefet', { config: { access: 'programme:avis' } }, async (request, reply) => {
    const found = await loadAvenant(request, reply, 'programme:avis');
    if (!found) return reply;
    const f = formBody(request);
    const v = validateAvis(f.avis, f.commentaire);
    if (!v.ok) return dossierPage(request, reply, found.d, { form: 'avenant-avis', values: f, errors: v.errors }, 400);
    return act(request, reply, found.d, 'avenant-avis', async () => {
      await avisAvenant(db, actorOf(request), found.a.id, v.avis, v.commentaire);
      return "L'avis du préfet sur la demande d'avenant est enregistré.";
    });
  });

  app.post('/programme/avenants/:id/decision', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const found = await loadAvenant(request, reply, 'programme:coselec');
    if (!found) return reply;
    const f = formBody(request);
    const decision = f._action === 'refuser' ? { refus: f.refus ?? '' } : { postesAccordes: f.postes_accordes ?? '' };
    return act(request, reply, found.d, 'avenant-decision', async () => {
      await deciderAvenant(db, actorOf(request), deps.notifier, found.a.id, decision, { derogation: f.derogation?.trim() || null });
      return 'refus' in decision ? "La demande d'avenant est refusée." : "L'avenant est validé : les postes en vigueur sont à jour.";
    });
  });
}
