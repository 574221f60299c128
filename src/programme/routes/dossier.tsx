/** One instruction file: its page, the préfet's opinion and priority, the statuses a person sets. */
import type { FastifyInstance } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { formBody } from '../../platform/http.js';
import { STATUTS, validateAvis } from '../regles.js';
import { changerStatut, donnerAvisPrefet, marquerPrioritaire } from '../dossiers.js';
import { act, dossierPage } from './dossier-page.js';
import { loadDossier, resourceOf } from './shared.js';

export function registerDossierRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/structures/:id/dossier', { config: { access: 'programme:consulter' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:consulter');
    if (!d) return reply;
    return dossierPage(db, request, reply, d);
  });

  app.post('/structures/:id/avis-prefet', { config: { access: 'programme:avis' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:avis');
    if (!d) return reply;
    const f = formBody(request);
    const v = validateAvis(f.avis, f.commentaire);
    if (!v.ok) return dossierPage(db, request, reply, d, { form: 'avis', values: f, errors: v.errors }, 400);
    return act(db, request, reply, d, 'avis', async () => {
      await donnerAvisPrefet(db, actorOf(request), d.id, v.avis, v.commentaire);
      return "L'avis du préfet est enregistré.";
    });
  });

  app.post('/structures/:id/priorite', { config: { access: 'programme:avis' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:avis');
    if (!d) return reply;
    const oui = formBody(request).prioritaire === 'oui';
    return act(db, request, reply, d, 'priorite', async () => {
      await marquerPrioritaire(db, actorOf(request), d.id, oui);
      return oui ? 'Le dossier est signalé comme prioritaire.' : "Le dossier n'est plus prioritaire.";
    });
  });

  app.post('/structures/:id/statut', { config: { access: 'programme:abandonner' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:abandonner');
    if (!d) return reply;
    const f = formBody(request);
    const statut = f.statut;
    if (statut !== 'ABANDON' && statut !== 'ANNULEE' && statut !== 'DOUBLON') return dossierPage(db, request, reply, d, { form: 'statut', values: f, errors: { statut: 'Choisissez le nouveau statut.' } }, 400);
    if (statut !== 'ABANDON' && !can(request.user, 'programme:statut', resourceOf(d))) {
      return dossierPage(db, request, reply, d, { form: 'statut', values: f, errors: { statut: "Seule l'ANCT annule un dossier ou le rattache à un autre." } }, 403);
    }
    const motif = (f.motif ?? '').trim();
    if (motif.length > 1000) return dossierPage(db, request, reply, d, { form: 'statut', values: f, errors: { motif: 'Le motif doit contenir au plus 1000 caractères.' } }, 400);
    return act(db, request, reply, d, 'statut', async () => {
      await changerStatut(db, actorOf(request), d.id, statut, { motif, ...(f.doublon_de ? { doublonDeNumero: Number(f.doublon_de) } : {}) });
      return `Le dossier est maintenant « ${STATUTS[statut]} ».`;
    });
  });
}
