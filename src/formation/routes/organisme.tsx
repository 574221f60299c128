/** The provider's staff: its dashboard, entry assessments, sessions, enrolment and attendance. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, notFound } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { validatePositionnement, validatePresence, validateSession } from '../regles.js';
import {
  conseillerParEmail,
  conseillersDeOrganisme,
  creerSession,
  enregistrerPositionnement,
  enregistrerPresence,
  FormationError,
  getOrganisme,
  inscritsDe,
  inscrire,
  lireBareme,
  listerSessions,
  organismesDe,
  type Session,
} from '../formation.js';
import { modulesDeAnnee } from '../catalogue.js';
import { OrganismeDashboard, SessionPage } from '../views/sessions.js';
import { loadSessionDuPersonnel } from './shared.js';

export function registerOrganismeRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  async function dashboard(request: FastifyRequest, reply: FastifyReply, extra: { positionnement?: { values: Record<string, string>; errors: Record<string, string> }; session?: { values: Record<string, string>; errors: Record<string, string> } } = {}, status = 200) {
    const orgs = await organismesDe(db, request.user!);
    const annee = Number(parisCalendarDate().slice(0, 4));
    const mods = orgs[0] ? await modulesDeAnnee(db, annee, orgs[0].id) : [];
    return reply.html(
      OrganismeDashboard({ ctx: request.ctx(), organismes: orgs, sessions: await listerSessions(db, orgs.map((o) => o.id)), bareme: await lireBareme(db), modules: mods, conseillers: orgs[0] ? await conseillersDeOrganisme(db, orgs[0].id, parisCalendarDate()) : [], ...extra }),
      status,
    );
  }

  app.get('/tableau-de-bord/organisme_formation', { config: { access: 'tableau-de-bord:organisme_formation' } }, async (request, reply) => dashboard(request, reply));

  app.post('/formation/positionnements', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const [o] = await organismesDe(db, request.user!);
    if (!o) return notFound(request, reply);
    const f = formBody(request);
    const today = parisCalendarDate();
    const v = validatePositionnement(f, today);
    const c = await conseillerParEmail(db, f.email ?? '');
    const errors: Record<string, string> = v.ok ? {} : { ...v.errors };
    if (!c) errors.email = "Aucun conseiller recruté n'a cette adresse électronique.";
    if (!v.ok || !c) return dashboard(request, reply, { positionnement: { values: f, errors } }, 400);
    const p = await enregistrerPositionnement(db, actorOf(request), o.id, c.userId, v.value);
    return reply.flash(`Positionnement de ${c.nom} enregistré : parcours de ${p.heuresRequises} h.`).redirect(`/formation/conseillers/${c.userId}`, 303);
  });

  app.post('/formation/sessions', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const [o] = await organismesDe(db, request.user!);
    if (!o) return notFound(request, reply);
    const f = formBody(request);
    const v = validateSession(f);
    if (!v.ok) return dashboard(request, reply, { session: { values: f, errors: v.errors } }, 400);
    try {
      const s = await creerSession(db, actorOf(request), o.id, v.value);
      return reply.flash(`Session « ${s.titre} » publiée.`).redirect(`/formation/sessions/${s.id}`, 303);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return dashboard(request, reply, { session: { values: f, errors: { [e.field]: e.message } } }, e.status);
    }
  });

  async function sessionPage(request: FastifyRequest, reply: FastifyReply, s: Session, extra: { errors?: Record<string, string>; values?: Record<string, string>; form?: 'inscription' | 'presence' } = {}, status = 200) {
    return reply.html(SessionPage({ ctx: request.ctx(), session: s, organisme: (await getOrganisme(db, s.organismeId))?.nom ?? '', inscrits: await inscritsDe(db, s.id), ...extra }), status);
  }

  app.get('/formation/sessions/:id', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const s = await loadSessionDuPersonnel(db, request, reply);
    if (!s) return reply;
    return sessionPage(request, reply, s);
  });

  app.post('/formation/sessions/:id/inscriptions', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const s = await loadSessionDuPersonnel(db, request, reply);
    if (!s) return reply;
    const f = formBody(request);
    const c = await conseillerParEmail(db, f.email ?? '');
    if (!c) return sessionPage(request, reply, s, { form: 'inscription', values: f, errors: { email: "Aucun conseiller recruté n'a cette adresse électronique." } }, 400);
    try {
      await inscrire(db, actorOf(request), s.id, c.userId);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return sessionPage(request, reply, s, { form: 'inscription', values: f, errors: { email: e.message } }, e.status);
    }
    return reply.flash(`${c.nom} est inscrit·e à la session.`).redirect(`/formation/sessions/${s.id}`, 303);
  });

  app.post('/formation/sessions/:id/presences', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const s = await loadSessionDuPersonnel(db, request, reply);
    if (!s) return reply;
    const f = formBody(request);
    const v = validatePresence({ heures: f.heures }, s.heures);
    if (!v.ok) return sessionPage(request, reply, s, { form: 'presence', values: f, errors: v.errors }, 400);
    try {
      await enregistrerPresence(db, actorOf(request), s.id, f.conseiller_id ?? '', v.value.heures);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return sessionPage(request, reply, s, { form: 'presence', values: f, errors: { [e.field]: e.message } }, e.status);
    }
    return reply.flash(`Présence de ${v.value.heures} h enregistrée.`).redirect(`/formation/sessions/${s.id}`, 303);
  });
}
