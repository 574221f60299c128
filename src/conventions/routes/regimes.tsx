/** Funding regimes (ANCT): list, create, change. */
import type { FastifyInstance } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody, notFound } from '../../platform/http.js';
import { centimesDepuisEuros } from '../../platform/money.js';
import { validateRegime } from '../regles.js';
import { ConventionsError, creerRegime, getRegime, listRegimes, modifierRegime } from '../regimes.js';
import { regimeEnUsage } from '../conventions.js';
import { RegimePage, RegimesPage } from '../views/regimes.js';

/** The form's fields (euros typed by a person) → the rule's input (cents). */
function depuisFormulaire(f: Record<string, string>) {
  const euros = (v: string | undefined) => {
    const c = centimesDepuisEuros(v ?? '');
    return Number.isNaN(c) ? 'x' : c;
  };
  return {
    nom: f.nom,
    entreeDu: f.entree_du,
    entreeAu: f.entree_au ?? '',
    montantPosteCentimes: euros(f.montant_poste),
    moisFinances: f.mois_finances,
    bonificationCentimes: f.bonification ? euros(f.bonification) : '',
    nature: f.nature,
  };
}

/** The rule names amounts in cents; the form shows euros. */
const versFormulaire = (e: Record<string, string>) => {
  const { montant_poste_centimes, bonification_centimes, ...rest } = e;
  return { ...rest, ...(montant_poste_centimes ? { montant_poste: 'Indiquez un montant positif en euros, par exemple 50 000,00.' } : {}), ...(bonification_centimes ? { bonification: 'Indiquez un montant en euros (0 sans bonification).' } : {}) };
};

export function registerRegimesRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/conventions/regimes', { config: { access: 'conventions:regimes' } }, async (request, reply) => reply.html(RegimesPage({ ctx: request.ctx(), regimes: await listRegimes(db) })));

  app.post('/conventions/regimes', { config: { access: 'conventions:regimes' } }, async (request, reply) => {
    const f = formBody(request);
    const v = validateRegime(depuisFormulaire(f));
    if (!v.ok) return reply.html(RegimesPage({ ctx: request.ctx(), regimes: await listRegimes(db), values: f, errors: versFormulaire(v.errors) }), 400);
    await creerRegime(db, actorOf(request), v.value);
    return reply.flash(`Régime « ${v.value.nom} » créé.`).redirect('/conventions/regimes', 303);
  });

  app.get('/conventions/regimes/:id', { config: { access: 'conventions:regimes' } }, async (request, reply) => {
    const r = await getRegime(db, (request.params as { id: string }).id);
    if (!r) return notFound(request, reply);
    return reply.html(RegimePage({ ctx: request.ctx(), regime: r }));
  });

  app.post('/conventions/regimes/:id', { config: { access: 'conventions:regimes' } }, async (request, reply) => {
    const r = await getRegime(db, (request.params as { id: string }).id);
    if (!r) return notFound(request, reply);
    const f = formBody(request);
    const v = validateRegime(depuisFormulaire(f));
    if (!v.ok) return reply.html(RegimePage({ ctx: request.ctx(), regime: r, values: f, errors: versFormulaire(v.errors) }), 400);
    try {
      await modifierRegime(db, actorOf(request), r.id, v.value, regimeEnUsage);
    } catch (e) {
      if (!(e instanceof ConventionsError)) throw e;
      return reply.html(RegimePage({ ctx: request.ctx(), regime: r, values: f, errors: versFormulaire({ [e.field]: e.message }) }), e.status);
    }
    return reply.flash(`Régime « ${v.value.nom} » enregistré.`).redirect('/conventions/regimes', 303);
  });
}
