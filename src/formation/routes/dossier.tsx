/** One conseiller's training record (every role in scope), the conseiller's own page, the provider's adjustments and certification. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, notFound } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { Layout } from '../../platform/views/layout.js';
import { EmptyState } from '../../platform/views/components.js';
import { validateAjustement, validateCertification } from '../regles.js';
import { ajusterParcours, conseillerRecrute, dossierFormation, enregistrerCertification, FormationError, getSession, inscrire, listerSessions, organismesDe, type ConseillerRecrute } from '../formation.js';
import { DossierPage } from '../views/dossier.js';
import { TableSessions } from '../views/sessions.js';
import { loadConseiller } from './shared.js';

export function registerDossierRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  async function page(request: FastifyRequest, reply: FastifyReply, c: ConseillerRecrute, extra: { errors?: Record<string, string>; values?: Record<string, string>; form?: 'ajustement' | 'certification' } = {}, status = 200) {
    const today = parisCalendarDate();
    const d = await dossierFormation(db, c, today);
    const saisir = (await organismesDe(db, request.user!)).length > 0 && can(request.user, 'formation:organisme');
    const retour = can(request.user, 'formation:suivi')
      ? { href: '/formation/suivi', label: 'Suivi de la formation' }
      : can(request.user, 'tableau-de-bord:organisme_formation')
        ? { href: '/tableau-de-bord/organisme_formation', label: 'Tableau de bord' }
        : { href: '/formation/moi', label: 'Ma formation' };
    return reply.html(DossierPage({ ctx: request.ctx(), d, droits: { saisir, couts: can(request.user, 'formation:couts') }, retour, ...extra }), status);
  }

  app.get('/formation/moi', { config: { access: 'formation:conseiller' } }, async (request, reply) => {
    const c = await conseillerRecrute(db, request.user!.id);
    if (!c) {
      return reply.html(
        <Layout ctx={request.ctx()} title="Ma formation">
          <h1>Ma formation</h1>
          <EmptyState title="Aucun contrat enregistré">Votre formation apparaîtra ici dès que votre structure aura enregistré votre contrat.</EmptyState>
        </Layout>,
      );
    }
    const today = parisCalendarDate();
    const d = await dossierFormation(db, c, today);
    const aVenir = await listerSessions(db, null, { aVenirDepuis: today, initiales: true });
    const inscrites = new Set(d.sessions.map((s) => s.sessionId));
    return reply.html(
      <DossierPage ctx={request.ctx()} d={d} droits={{ saisir: false, couts: false }} moi>
        <h2>Sessions à venir</h2>
        {aVenir.length ? <TableSessions sessions={aVenir} lien={false} caption="Sessions de formation initiale ouvertes" inscription={{ csrf: request.ctx().csrf, inscrites }} /> : <p>Aucune session à venir pour le moment.</p>}
        <p>
          <a class="fr-link" href="/formation/catalogue">
            Choisir mon module thématique {d.module.annee} et voter pour les thèmes
          </a>
        </p>
      </DossierPage>,
    );
  });

  app.post('/formation/sessions/:id/inscription', { config: { access: 'formation:conseiller' } }, async (request, reply) => {
    const s = await getSession(db, (request.params as { id: string }).id);
    if (!s) return notFound(request, reply);
    if (s.fin < parisCalendarDate()) return reply.flash(`La session « ${s.titre} » est terminée : choisissez une session à venir.`, 'erreur').redirect('/formation/moi', 303);
    try {
      await inscrire(db, actorOf(request), s.id, request.user!.id);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return reply.flash(e.message, 'erreur').redirect('/formation/moi', 303);
    }
    return reply.flash(`Vous êtes inscrit·e à « ${s.titre} ».`).redirect('/formation/moi', 303);
  });

  app.get('/formation/conseillers/:userId', { config: { access: 'formation:consulter' } }, async (request, reply) => {
    const c = await loadConseiller(db, request, reply);
    if (!c) return reply;
    return page(request, reply, c);
  });

  app.post('/formation/conseillers/:userId/ajustement', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const c = await loadConseiller(db, request, reply, 'formation:organisme');
    if (!c) return reply;
    const f = formBody(request);
    const v = validateAjustement(f);
    if (!v.ok) return page(request, reply, c, { form: 'ajustement', values: f, errors: v.errors }, 400);
    try {
      await ajusterParcours(db, actorOf(request), c.userId, v.value);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return page(request, reply, c, { form: 'ajustement', values: f, errors: { [e.field]: e.message } }, e.status);
    }
    return reply.flash(`Parcours ajusté à ${v.value.heures} h.`).redirect(`/formation/conseillers/${c.userId}`, 303);
  });

  app.post('/formation/conseillers/:userId/certification', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const c = await loadConseiller(db, request, reply, 'formation:organisme');
    if (!c) return reply;
    const f = formBody(request);
    const v = validateCertification(f, parisCalendarDate());
    if (!v.ok) return page(request, reply, c, { form: 'certification', values: f, errors: v.errors }, 400);
    const [o] = await organismesDe(db, request.user!);
    await enregistrerCertification(db, actorOf(request), o!.id, c.userId, v.value);
    return reply.flash('Certification enregistrée.').redirect(`/formation/conseillers/${c.userId}`, 303);
  });
}
