/** Amendments: the structure asks, the préfet gives an opinion, ANCT decides (pages). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { forbidden, formBody, notFound } from '../../platform/http.js';
import { validateAvis } from '../regles.js';
import { getDossier } from '../dossiers.js';
import { avisAvenant, deciderAvenant, demanderAvenant, getAvenant } from '../avenants.js';
import { act, dossierPage } from './dossier-page.js';
import { loadDossier, resourceOf } from './shared.js';

export function registerAvenantsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.post('/structures/:id/avenants', { config: { access: 'programme:avenant' } }, async (request, reply) => {
    const d = await loadDossier(db, request, reply, 'programme:avenant');
    if (!d) return reply;
    const f = formBody(request);
    return act(db, request, reply, d, 'avenant', async () => {
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
    if (!v.ok) return dossierPage(db, request, reply, found.d, { form: 'avenant-avis', values: f, errors: v.errors }, 400);
    return act(db, request, reply, found.d, 'avenant-avis', async () => {
      await avisAvenant(db, actorOf(request), found.a.id, v.avis, v.commentaire);
      return "L'avis du préfet sur la demande d'avenant est enregistré.";
    });
  });

  app.post('/programme/avenants/:id/decision', { config: { access: 'programme:coselec' } }, async (request, reply) => {
    const found = await loadAvenant(request, reply, 'programme:coselec');
    if (!found) return reply;
    const f = formBody(request);
    const decision = f._action === 'refuser' ? { refus: f.refus ?? '' } : { postesAccordes: f.postes_accordes ?? '' };
    return act(db, request, reply, found.d, 'avenant-decision', async () => {
      await deciderAvenant(db, actorOf(request), deps.notifier, found.a.id, decision, { derogation: f.derogation?.trim() || null });
      return 'refus' in decision ? "La demande d'avenant est refusée." : "L'avenant est validé : les postes en vigueur sont à jour.";
    });
  });
}
