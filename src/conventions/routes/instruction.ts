/** Banque des Territoires instructs an agreement: its dates, validation or refusal, payments (pages). */
import type { FastifyInstance } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody } from '../../platform/http.js';
import { centimesDepuisEuros } from '../../platform/money.js';
import type { FileStorage } from '../../platform/uploads/index.js';
import { LIMITES, validateDates, validateVersement } from '../regles.js';
import { cloreSansValidation, enregistrerVersement, modifierDates, valider } from '../conventions.js';
import { ConventionsError } from '../regimes.js';
import { conventionPage } from './convention-page.js';
import { loadConvention } from './shared.js';

export function registerInstructionRoutes(app: FastifyInstance, deps: AppDeps, storage: FileStorage): void {
  const { db } = deps;
  const { page, act } = conventionPage(db, storage);

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
      await valider(db, actorOf(request), c.id, deps.notifier);
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
        await enregistrerVersement(db, actorOf(request), c.id, v.value, deps.notifier);
      } catch (e) {
        if (e instanceof ConventionsError && e.field === 'montant_centimes') throw new ConventionsError(e.message, 'montant', e.status);
        throw e;
      }
      return 'Versement enregistré.';
    });
  });

}
