/** A structure recruits: its matched candidates, one candidate, the contract, ruptures, renewals. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Principal } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, isCalendarDate, notFound } from '../../platform/http.js';
import { sendFile } from '../../platform/uploads/files.js';
import { ouvrirCv } from '../candidats.js';
import { structureNames } from '../../structures/structures.js';
import type { RecrutementContext } from '../context.js';
import { candidatsDeStructure, compterParStatut, ligneDe, structureRecrutement, STATUTS_COORDONNEES, type FiltresCandidats } from '../lecture.js';
import { annulerContrat, completerDocumentsRupture, declarerRupture, getMiseEnRelation, marquer, prolonger, RecrutementError, renouveler, saisirContrat, type MiseEnRelation } from '../recrutement.js';
import { centimesDepuisEuros, DISTANCES_KM, SITUATIONS, STATUTS_MER, validateContrat, validateRupture } from '../regles.js';
import { CandidatPage, RecrutementPage, type CandidatView } from '../views/structure.js';

const PAGE_SIZE = 50;

const structuresOf = (u: Principal | null) => (u?.roles ?? []).filter((g) => g.role === 'structure' && g.structureId).map((g) => g.structureId!);

/** The API's errors keyed by the form's fields (the salary is typed in euros, in « salaire »). */
function formErrors(errors: Record<string, string>): Record<string, string> {
  const { salaire_brut_mensuel_centimes: salaire, ...rest } = errors;
  return salaire ? { ...rest, salaire } : rest;
}

/** The salary typed in euros, as the API's field in cents. */
export function contratDepuisFormulaire(f: Record<string, string>) {
  const c = centimesDepuisEuros(f.salaire ?? '');
  return { type: f.type, date_debut: f.date_debut, date_fin: f.date_fin, salaire_brut_mensuel_centimes: Number.isNaN(c) ? 'x' : c, coordinateur: f.coordinateur };
}

export function registerStructureRoutes(app: FastifyInstance, deps: AppDeps, r: RecrutementContext): void {
  const { db } = deps;

  app.get('/recrutement', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const mine = structuresOf(request.user);
    const query = request.query as Record<string, string | undefined>;
    const id = typeof query.structure === 'string' && mine.includes(query.structure) ? query.structure : mine[0];
    const s = id ? await structureRecrutement(db, id) : undefined;
    const names = await structureNames(db, mine);
    const get = (k: string, max = 20) => (typeof query[k] === 'string' ? query[k]!.slice(0, max) : '');
    const filtres: FiltresCandidats = {
      situation: Object.hasOwn(SITUATIONS, get('situation')) ? get('situation') : undefined,
      pix: ['1', '2', '3'].includes(get('pix')) ? Number(get('pix')) : undefined,
      disponibleAvant: isCalendarDate(get('disponible')) ? get('disponible') : undefined,
      distanceMaxKm: (DISTANCES_KM as readonly number[]).includes(Number(get('distance'))) ? Number(get('distance')) : undefined,
      statut: Object.hasOwn(STATUTS_MER, get('statut', 40)) ? get('statut', 40) : undefined,
    };
    const n = Number(get('page', 6));
    const page = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const [rows, counts] = s ? await Promise.all([candidatsDeStructure(db, s.structureId, filtres, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }), compterParStatut(db, s.structureId)]) : [[], {}];
    const params = new URLSearchParams(Object.entries({ structure: s?.structureId ?? '', situation: get('situation'), pix: get('pix'), disponible: get('disponible'), distance: get('distance'), statut: get('statut', 40) }).filter(([, v]) => v));
    return reply.html(
      RecrutementPage({
        ctx: request.ctx(),
        structure: s ? { id: s.structureId, nom: s.nom, postes: s.postes, occupes: s.occupes } : null,
        structures: mine.map((x) => ({ id: x, nom: names.get(x) ?? x })),
        rows: rows.slice(0, PAGE_SIZE),
        counts,
        filtres: { situation: get('situation'), pix: get('pix'), disponible: get('disponible'), distance: get('distance'), statut: get('statut', 40) },
        query: params.toString() ? `?${params}` : '',
        page,
        hasNext: rows.length > PAGE_SIZE,
      }),
    );
  });

  /** The pair named in the URL, if the caller's structure holds it (404 otherwise: nothing about others' pairs). */
  async function load(request: FastifyRequest, reply: FastifyReply): Promise<MiseEnRelation | undefined> {
    const m = await getMiseEnRelation(db, (request.params as { id: string }).id);
    const s = m ? await structureRecrutement(db, m.structureId) : undefined;
    if (!m || !s || !can(request.user, 'recrutement:structure', { kind: 'structure', id: m.structureId, departement: s.departement })) {
      notFound(request, reply);
      return undefined;
    }
    return m;
  }

  async function page(request: FastifyRequest, reply: FastifyReply, m: MiseEnRelation, extra: Partial<CandidatView> = {}, status = 200) {
    const ligne = await ligneDe(db, m.id);
    const s = await structureRecrutement(db, m.structureId);
    return reply.html(CandidatPage({ ctx: request.ctx(), ligne: ligne!, structureNom: s?.nom ?? '', smicCentimes: deps.config.smicCentimes, ...extra }), status);
  }

  /** Runs a transition; a refusal shows the page again with the message next to its field. */
  async function act(request: FastifyRequest, reply: FastifyReply, m: MiseEnRelation, form: string, run: () => Promise<string>) {
    try {
      const message = await run();
      return reply.flash(message).redirect(`/recrutement/${m.id}`, 303);
    } catch (e) {
      if (!(e instanceof RecrutementError)) throw e;
      const fresh = (await getMiseEnRelation(db, m.id)) ?? m;
      return page(request, reply, fresh, { form, values: formBody(request), errors: { [e.field]: e.message } }, e.status);
    }
  }

  app.get('/recrutement/:id', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await load(request, reply);
    if (!m) return reply;
    return page(request, reply, m);
  });

  app.get('/recrutement/:id/cv', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await load(request, reply);
    if (!m) return reply;
    const ligne = await ligneDe(db, m.id);
    const c = ligne?.candidat;
    if (!c || !STATUTS_COORDONNEES.includes(m.statut) || !c.cvFichierId) return notFound(request, reply);
    const content = await ouvrirCv(db, r.storage, c);
    if (!content) return notFound(request, reply);
    return sendFile(reply, content);
  });

  app.post('/recrutement/:id/statut', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await load(request, reply);
    if (!m) return reply;
    const statut = formBody(request).statut;
    if (statut !== 'interessee' && statut !== 'nonInteressee') return page(request, reply, m, { errors: { statut: 'Choisissez : présélectionner ou écarter.' } }, 400);
    return act(request, reply, m, 'statut', async () => {
      await marquer(db, actorOf(request), deps.notifier, m.id, statut);
      return statut === 'interessee' ? 'Candidat présélectionné : ses coordonnées et son CV sont visibles.' : 'Candidat écarté : il n’apparaît plus dans votre liste.';
    });
  });

  app.post('/recrutement/:id/contrat', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await load(request, reply);
    if (!m) return reply;
    const f = formBody(request);
    const v = validateContrat(contratDepuisFormulaire(f), deps.config.smicCentimes);
    if (!v.ok) return page(request, reply, m, { form: 'contrat', values: f, errors: formErrors(v.errors) }, 400);
    return act(request, reply, m, 'contrat', async () => {
      await saisirContrat(db, actorOf(request), deps.notifier, m.id, v.value);
      return "Contrat enregistré : l'ANCT va valider le recrutement.";
    });
  });

  app.post('/recrutement/:id/contrat/annuler', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await load(request, reply);
    if (!m) return reply;
    return act(request, reply, m, 'annuler', async () => {
      await annulerContrat(db, actorOf(request), m.id);
      return 'Contrat annulé : le candidat reste présélectionné.';
    });
  });

  app.post('/recrutement/:id/rupture', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await load(request, reply);
    if (!m) return reply;
    const f = formBody(request);
    const ligne = await ligneDe(db, m.id);
    const courant = ligne?.contrats.find((c) => c.statut === 'valide');
    if (!courant) return page(request, reply, m, { errors: { statut: 'Aucun contrat en cours.' } }, 409);
    const v = validateRupture({ date: f.date, motif: f.motif, documents: f.documents }, courant);
    if (!v.ok) return page(request, reply, m, { form: 'rupture', values: f, errors: v.errors }, 400);
    return act(request, reply, m, 'rupture', async () => {
      await declarerRupture(db, actorOf(request), deps.notifier, m.id, v.value);
      return "Rupture déclarée : l'ANCT va la valider.";
    });
  });

  app.post('/recrutement/:id/rupture/documents', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await load(request, reply);
    if (!m) return reply;
    return act(request, reply, m, 'rupture', async () => {
      await completerDocumentsRupture(db, actorOf(request), m.id);
      return 'Le dossier de rupture est complet.';
    });
  });

  app.post('/recrutement/:id/renouvellement', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await load(request, reply);
    if (!m) return reply;
    const f = formBody(request);
    const v = validateContrat(contratDepuisFormulaire(f), deps.config.smicCentimes);
    if (!v.ok) return page(request, reply, m, { form: 'renouvellement', values: f, errors: formErrors(v.errors) }, 400);
    return act(request, reply, m, 'renouvellement', async () => {
      await renouveler(db, actorOf(request), deps.notifier, m.id, v.value);
      return "Renouvellement enregistré : l'ANCT va le valider.";
    });
  });

  app.post('/recrutement/:id/prolongation', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await load(request, reply);
    if (!m) return reply;
    const fin = (formBody(request).date_fin ?? '').trim();
    if (!isCalendarDate(fin)) return page(request, reply, m, { form: 'prolongation', values: formBody(request), errors: { date_fin: 'Saisissez la nouvelle date de fin, par exemple 2028-06-30.' } }, 400);
    return act(request, reply, m, 'prolongation', async () => {
      await prolonger(db, actorOf(request), m.id, fin);
      return `Contrat prolongé jusqu'au ${fin.split('-').reverse().join('/')}.`;
    });
  });

}
