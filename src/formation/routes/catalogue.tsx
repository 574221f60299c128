/** The annual catalogue: read it, choose one's module, propose and vote for topics; ANCT publishes modules; the provider records completions. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, isCalendarDate, notFound } from '../../platform/http.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { validateModule, validateSujet } from '../regles.js';
import { conseillerRecrute, dossierFormation, FormationError, listerOrganismes, listerSessions, ressourceOrganisme } from '../formation.js';
import { choisirModule, choisisseursDe, creerModule, getModule, marquerRealise, modulesDeAnnee, proposerSujet, propositionsDeAnnee, voter } from '../catalogue.js';
import { CataloguePage, ModulePage, type CatalogueProps } from '../views/catalogue.js';

export function registerCatalogueRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  async function page(request: FastifyRequest, reply: FastifyReply, extra: Pick<CatalogueProps, 'values' | 'errors' | 'form'> = {}, status = 200) {
    const today = parisCalendarDate();
    const annee = Number(today.slice(0, 4));
    const user = request.user!;
    let conseiller: CatalogueProps['conseiller'];
    const inscrites = new Set<string>();
    if (can(user, 'formation:conseiller')) {
      const c = await conseillerRecrute(db, user.id);
      const d = c ? await dossierFormation(db, c, today) : undefined;
      const m = d?.module;
      for (const s of d?.sessions ?? []) inscrites.add(s.sessionId);
      conseiller = { statut: m?.statut ?? 'non_du', moduleId: m?.moduleId ?? null, realiseLe: m?.realiseLe ?? null };
    }
    const modules = await modulesDeAnnee(db, annee);
    const ids = new Set(modules.map((m) => m.id));
    const sessions = (await listerSessions(db, null, { aVenirDepuis: today, modules: true })).filter((s) => s.moduleId !== null && ids.has(s.moduleId));
    const gerer = can(user, 'formation:catalogue-gerer') ? { organismes: (await listerOrganismes(db)).map((o) => ({ id: o.id, nom: o.nom })) } : undefined;
    return reply.html(
      CataloguePage({ ctx: request.ctx(), annee, modules, sessions, inscrites, propositions: await propositionsDeAnnee(db, annee + 1, conseiller ? user.id : null), conseiller, gerer, ...extra }),
      status,
    );
  }

  app.get('/formation/catalogue', { config: { access: 'formation:catalogue' } }, async (request, reply) => page(request, reply));

  app.post('/formation/catalogue/modules', { config: { access: 'formation:catalogue-gerer' } }, async (request, reply) => {
    const f = formBody(request);
    const v = validateModule(f, Number(parisCalendarDate().slice(0, 4)));
    if (!v.ok) return page(request, reply, { form: 'module', values: f, errors: v.errors }, 400);
    try {
      const m = await creerModule(db, actorOf(request), v.value);
      return reply.flash(`Module « ${m.titre} » publié au catalogue ${m.annee}.`).redirect('/formation/catalogue', 303);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return page(request, reply, { form: 'module', values: f, errors: { [e.field]: e.message } }, e.status);
    }
  });

  app.post('/formation/catalogue/choix', { config: { access: 'formation:conseiller' } }, async (request, reply) => {
    const f = formBody(request);
    const annee = Number(parisCalendarDate().slice(0, 4));
    if (!f.module_id) return page(request, reply, { form: 'choix', values: f, errors: { module_id: 'Choisissez un module de la liste.' } }, 400);
    try {
      const m = await choisirModule(db, actorOf(request), request.user!.id, f.module_id, annee);
      return reply.flash(`Vous avez choisi « ${m.titre} » pour ${annee}.`).redirect('/formation/catalogue', 303);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return page(request, reply, { form: 'choix', values: f, errors: { module_id: e.message } }, e.status);
    }
  });

  app.post('/formation/catalogue/propositions', { config: { access: 'formation:conseiller' } }, async (request, reply) => {
    const f = formBody(request);
    const v = validateSujet(f);
    if (!v.ok) return page(request, reply, { form: 'proposition', values: f, errors: v.errors }, 400);
    const annee = Number(parisCalendarDate().slice(0, 4)) + 1;
    await proposerSujet(db, actorOf(request), request.user!.id, annee, v.value.sujet);
    return reply.flash(`Thème « ${v.value.sujet} » proposé pour ${annee} : votre vote est compté.`).redirect('/formation/catalogue', 303);
  });

  app.post('/formation/catalogue/propositions/:id/vote', { config: { access: 'formation:conseiller' } }, async (request, reply) => {
    try {
      const r = await voter(db, actorOf(request), request.user!.id, (request.params as { id: string }).id);
      return reply.flash(r === 'ajoute' ? 'Votre vote est enregistré.' : 'Votre vote est retiré.').redirect('/formation/catalogue', 303);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return notFound(request, reply);
    }
  });

  async function moduleDuPersonnel(request: FastifyRequest, reply: FastifyReply) {
    const m = await getModule(db, (request.params as { id: string }).id);
    if (!m || !can(request.user, 'formation:organisme', await ressourceOrganisme(db, { id: m.organismeId }))) {
      notFound(request, reply);
      return undefined;
    }
    return m;
  }

  app.get('/formation/modules/:id', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const m = await moduleDuPersonnel(request, reply);
    if (!m) return reply;
    const ligne = (await modulesDeAnnee(db, m.annee, m.organismeId)).find((x) => x.id === m.id)!;
    return reply.html(ModulePage({ ctx: request.ctx(), module: ligne, choisisseurs: await choisisseursDe(db, m.id), today: parisCalendarDate() }));
  });

  app.post('/formation/modules/:id/realisations', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const m = await moduleDuPersonnel(request, reply);
    if (!m) return reply;
    const f = formBody(request);
    const today = parisCalendarDate();
    const date = f.date && isCalendarDate(f.date) && f.date <= today ? f.date : today;
    try {
      await marquerRealise(db, actorOf(request), m, f.conseiller_id ?? '', date);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return reply.flash(e.message, 'erreur').redirect(`/formation/modules/${m.id}`, 303);
    }
    return reply.flash('Module enregistré comme réalisé.').redirect(`/formation/modules/${m.id}`, 303);
  });
}
