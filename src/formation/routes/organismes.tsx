/** Training providers (ANCT, Banque des Territoires): list, create, invite staff. */
import type { FastifyInstance } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, notFound } from '../../platform/http.js';
import { centimesDepuisEuros } from '../../platform/money.js';
import { validateOrganisme, LIMITES } from '../regles.js';
import { creerOrganisme, getOrganisme, inviterPersonnel, listerOrganismes, personnelsDe } from '../formation.js';
import { OrganismePage, OrganismesPage } from '../views/organismes.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function registerOrganismesRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/formation/organismes', { config: { access: 'formation:organismes' } }, async (request, reply) => reply.html(OrganismesPage({ ctx: request.ctx(), organismes: await listerOrganismes(db) })));

  app.post('/formation/organismes', { config: { access: 'formation:organismes' } }, async (request, reply) => {
    const f = formBody(request);
    const c = centimesDepuisEuros(f.taux ?? '');
    const v = validateOrganisme({ nom: f.nom, tauxHoraireCentimes: Number.isNaN(c) ? undefined : c });
    if (!v.ok) return reply.html(OrganismesPage({ ctx: request.ctx(), organismes: await listerOrganismes(db), values: f, errors: v.errors }), 400);
    const o = await creerOrganisme(db, actorOf(request), v.value);
    return reply.flash(`Organisme « ${o.nom} » créé : invitez son personnel.`).redirect(`/formation/organismes/${o.id}`, 303);
  });

  app.get('/formation/organismes/:id', { config: { access: 'formation:organismes' } }, async (request, reply) => {
    const o = await getOrganisme(db, (request.params as { id: string }).id);
    if (!o) return notFound(request, reply);
    return reply.html(OrganismePage({ ctx: request.ctx(), organisme: o, personnels: await personnelsDe(db, o.id) }));
  });

  app.post('/formation/organismes/:id/personnels', { config: { access: 'formation:organismes' } }, async (request, reply) => {
    const o = await getOrganisme(db, (request.params as { id: string }).id);
    if (!o) return notFound(request, reply);
    const f = formBody(request);
    const errors: Record<string, string> = {};
    if (!EMAIL.test(f.email ?? '') || (f.email ?? '').length > LIMITES.email) errors.email = 'Indiquez une adresse électronique valide, par exemple nom@organisme.fr.';
    if (!f.prenom || f.prenom.length > 100) errors.prenom = 'Indiquez le prénom (100 caractères au plus).';
    if (!f.nom || f.nom.length > 100) errors.nom = 'Indiquez le nom (100 caractères au plus).';
    if (Object.keys(errors).length) return reply.html(OrganismePage({ ctx: request.ctx(), organisme: o, personnels: await personnelsDe(db, o.id), values: f, errors }), 400);
    const { cree } = await inviterPersonnel(db, deps.mailer, deps.config.publicUrl, actorOf(request), o.id, { email: f.email!, prenom: f.prenom!, nom: f.nom! });
    return reply.flash(cree ? `Invitation envoyée à ${f.email}.` : `${f.email} est rattaché·e à l'organisme.`).redirect(`/formation/organismes/${o.id}`, 303);
  });
}
