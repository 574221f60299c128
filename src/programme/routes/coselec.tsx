/** Pages of the selection committees and of the envelopes (ANCT), and the table of posts. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, isCalendarDate, notFound } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { buildPdf } from '../../platform/pdf/pdf.js';
import { formatDateTime } from '../../platform/views/components.js';
import { departement as departementOf } from '../../territoires/territoires.js';
import { AVIS_COSELEC, validateDecision, type AvisCoselec } from '../regles.js';
import { agendaPossible, cloturerCoselec, creerCoselec, decisionsDe, enregistrerDecision, getCoselec, listCoselecs, retirerDecision, type Coselec, type LigneDecision } from '../coselec.js';
import { ProgrammeError } from '../dossiers.js';
import { definirEnveloppe, EnveloppeDepasseeError, tableauPostes } from '../postes.js';
import { territoiresVisibles } from '../policy.js';
import { CoselecListePage, CoselecPage, PostesPage, RelevePage, type CoselecView } from '../views/coselec.js';
import { communeLabel, formatDate, typeLabel } from '../views/dossiers.js';
import { q } from './shared.js';

/** The record of decisions as a PDF (the same rows as the printable page). */
export async function relevePdf(c: Coselec, lignes: LigneDecision[]): Promise<Uint8Array> {
  const { bytes } = await buildPdf(
    {
      title: `Relevé de décisions — comité de sélection n° ${c.numero}`,
      subtitle: `Comité du ${formatDate(c.date)}${c.statut === 'cloture' ? `, décisions en vigueur depuis le ${formatDateTime(c.clotureLe)}` : ' (non clos : projet)'}`,
      sections: [
        ...(c.derogation ? [{ heading: "Dérogation à l'enveloppe", blocks: [{ type: 'paragraph' as const, text: c.derogation }] }] : []),
        {
          heading: `${lignes.length} décision${lignes.length > 1 ? 's' : ''}`,
          blocks: [
            {
              type: 'table',
              columns: ['N°', 'Structure', 'Type', 'Commune', 'Décision', 'Postes', 'Observation'],
              widths: [1, 4, 2, 3, 2, 1, 4],
              rows: lignes.map(({ decision, dossier }) => [
                String(dossier.numero),
                dossier.nom,
                typeLabel(dossier.type),
                `${communeLabel(dossier.communeInsee)} (${dossier.departement})`,
                AVIS_COSELEC[decision.avis as AvisCoselec],
                String(decision.postes),
                decision.observation ?? '',
              ]),
            },
          ],
        },
      ],
    },
    { subject: 'Relevé de décisions du comité de sélection', service: 'Agence nationale de la cohésion des territoires', ...(c.clotureLe ? { creationDate: c.clotureLe } : {}) },
  );
  return bytes;
}

export function registerCoselecRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  async function load(request: FastifyRequest, reply: FastifyReply): Promise<Coselec | undefined> {
    const c = await getCoselec(db, (request.params as { id: string }).id);
    if (!c) notFound(request, reply);
    return c;
  }

  async function page(request: FastifyRequest, reply: FastifyReply, c: Coselec, extra: Partial<CoselecView> = {}, status = 200) {
    const dep = q(request, 'departement', 3).toUpperCase();
    const filtre = { departement: departementOf(dep) ? dep : '', prioritaire: q(request, 'prioritaire', 3) === 'oui' };
    const [lignes, agenda] = await Promise.all([decisionsDe(db, c.id), c.statut === 'ouvert' ? agendaPossible(db, c.id, { departement: filtre.departement || undefined, prioritaire: filtre.prioritaire }) : Promise.resolve([])]);
    return reply.html(CoselecPage({ ctx: request.ctx(), c, lignes, agenda, filtre, ...extra }), status);
  }

  app.get('/programme/coselec', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    return reply.html(CoselecListePage({ ctx: request.ctx(), rows: await listCoselecs(db) }));
  });

  app.post('/programme/coselec', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const date = (formBody(request).date ?? '').trim();
    if (!isCalendarDate(date)) {
      return reply.html(CoselecListePage({ ctx: request.ctx(), rows: await listCoselecs(db), values: { date }, errors: { date: 'Saisissez la date du comité, par exemple 2027-01-15.' } }), 400);
    }
    const c = await creerCoselec(db, actorOf(request), date);
    return reply.flash(`Le comité n° ${c.numero} est créé : ajoutez les dossiers de son ordre du jour.`).redirect(`/programme/coselec/${c.id}`, 303);
  });

  app.get('/programme/coselec/:id', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const c = await load(request, reply);
    if (!c) return reply;
    return page(request, reply, c);
  });

  app.post('/programme/coselec/:id/decisions', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const c = await load(request, reply);
    if (!c) return reply;
    const f = formBody(request);
    const v = validateDecision(f.avis, f.avis === 'POSITIF' ? f.postes : f.postes || '0', f.observation);
    if (!v.ok) return page(request, reply, c, { values: f, errors: v.errors }, 400);
    try {
      await enregistrerDecision(db, actorOf(request), c.id, f.dossier_id ?? '', { avis: v.avis, postes: v.postes, observation: v.observation });
      return reply.flash('La décision est enregistrée ; elle prendra effet à la clôture du comité.').redirect(`/programme/coselec/${c.id}`, 303);
    } catch (e) {
      if (!(e instanceof ProgrammeError)) throw e;
      return page(request, reply, (await getCoselec(db, c.id)) ?? c, { values: f, errors: { [e.field === 'structure_id' ? 'dossier_id' : e.field]: e.message } }, e.status);
    }
  });

  app.post('/programme/coselec/:id/decisions/:dossierId/retirer', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const c = await load(request, reply);
    if (!c) return reply;
    try {
      const gone = await retirerDecision(db, actorOf(request), c.id, (request.params as { dossierId: string }).dossierId);
      return reply.flash(gone ? "Le dossier est retiré de l'ordre du jour." : "Ce dossier n'était pas à l'ordre du jour.", gone ? 'succes' : 'info').redirect(`/programme/coselec/${c.id}`, 303);
    } catch (e) {
      if (!(e instanceof ProgrammeError)) throw e;
      return page(request, reply, c, { errors: { [e.field]: e.message } }, e.status);
    }
  });

  app.post('/programme/coselec/:id/cloture', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const c = await load(request, reply);
    if (!c) return reply;
    const f = formBody(request);
    try {
      const r = await cloturerCoselec(db, actorOf(request), c.id, { derogation: f.derogation });
      return reply.flash(`Le comité n° ${c.numero} est clos : ${r.decisions} décision${r.decisions > 1 ? 's sont' : ' est'} en vigueur.`).redirect(`/programme/coselec/${c.id}`, 303);
    } catch (e) {
      if (e instanceof EnveloppeDepasseeError) {
        const lignes = e.depassements.map((d) => `${d.libelle} : ${d.apres} postes pour une enveloppe de ${d.enveloppe} (${d.avant} déjà accordés) — dossiers ${d.dossiers.map((x) => `n° ${x.numero} ${x.nom} (${x.postes})`).join(', ')}`);
        return page(request, reply, c, { values: f, depassement: lignes, errors: { derogation: 'Enveloppe dépassée : indiquez une dérogation motivée ou modifiez les décisions.' } }, 409);
      }
      if (!(e instanceof ProgrammeError)) throw e;
      return page(request, reply, c, { values: f, errors: { [e.field === 'coselec' ? 'derogation' : e.field]: e.message } }, e.status);
    }
  });

  app.get('/programme/coselec/:id/releve', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const c = await load(request, reply);
    if (!c) return reply;
    return reply.html(RelevePage({ ctx: request.ctx(), c, lignes: await decisionsDe(db, c.id) }));
  });

  app.get('/programme/coselec/:id/releve.pdf', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const c = await load(request, reply);
    if (!c) return reply;
    const bytes = await relevePdf(c, await decisionsDe(db, c.id));
    return reply
      .header('content-disposition', `attachment; filename="releve-coselec-${c.numero}.pdf"`)
      .header('cache-control', 'no-store')
      .type('application/pdf')
      .send(Buffer.from(bytes));
  });

  // ——— Posts and envelopes ———

  async function postesPage(request: FastifyRequest, reply: FastifyReply, extra: { values?: Record<string, string>; errors?: Record<string, string> } = {}, status = 200) {
    const { lignes, national } = await tableauPostes(db, territoiresVisibles(request.user));
    return reply.html(PostesPage({ ctx: request.ctx(), lignes, national, peutDefinir: can(request.user, 'programme:enveloppes'), today: parisCalendarDate(), ...extra }), status);
  }

  app.get('/programme/postes', { config: { access: 'programme:postes' } }, async (request, reply) => postesPage(request, reply));

  app.post('/programme/postes/enveloppe', { config: { access: 'programme:enveloppes' } }, async (request, reply) => {
    const f = formBody(request);
    const errors: Record<string, string> = {};
    const code = (f.code ?? '').toUpperCase();
    if (code !== 'FR' && !departementOf(code)) errors.code = 'Choisissez le territoire.';
    const postes = /^\d{1,6}$/.test((f.postes ?? '').trim()) ? Number(f.postes) : NaN;
    if (!Number.isInteger(postes)) errors.postes = "Indiquez l'enveloppe en nombre entier de postes.";
    const date = (f.date ?? '').trim();
    if (!isCalendarDate(date)) errors.date = 'Saisissez la date de la vague, par exemple 2027-01-15.';
    if (Object.keys(errors).length) return postesPage(request, reply, { values: f, errors }, 400);
    try {
      const r = await definirEnveloppe(db, actorOf(request), code, postes, { date, libelle: f.libelle ?? null });
      return reply.flash(`Enveloppe enregistrée : ${r.enveloppe} postes (${r.postesValides} déjà accordés).`).redirect('/programme/postes', 303);
    } catch (e) {
      if (!(e instanceof ProgrammeError)) throw e;
      return postesPage(request, reply, { values: f, errors: { [e.field]: e.message } }, e.status === 404 ? 400 : e.status);
    }
  });
}
