/** Training's API (bearer tokens, problem+json): the paths and fields the issue fixed. */
import type { FastifyInstance } from 'fastify';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { parisCalendarDate } from '../../platform/paris.js';
import { validatePresence } from '../regles.js';
import { conseillerRecrute, dossierFormation, enregistrerPresence, FormationError, type DossierFormation } from '../formation.js';
import { body, loadConseiller, loadSessionDuPersonnel } from './shared.js';
import { registerFormationOpenApi } from './openapi.js';

export function formationPayload(d: DossierFormation) {
  const c = d.certification;
  return {
    heures_requises: d.heuresRequises,
    heures_realisees: d.heuresRealisees,
    statut_parcours: d.statut,
    ccp1: c?.ccp1Resultat ? { resultat: c.ccp1Resultat, date: c.ccp1Date } : null,
    pix: {
      niveau_positionnement: d.parcours?.niveauPix ?? null,
      score_certification: c?.pixScore ?? null,
      date_certification: c?.pixDate ?? null,
    },
    certifie: d.certifie,
    module_annuel: { annee: d.module.annee, statut: d.module.statut },
  };
}

export function registerFormationApi(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;
  registerFormationOpenApi();

  app.get('/api/v1/conseillers/:id/formation', { config: { access: 'formation:consulter' } }, async (request, reply) => {
    const c = await loadConseiller(db, request, reply);
    if (!c) return reply;
    return reply.send(formationPayload(await dossierFormation(db, c, parisCalendarDate())));
  });

  app.post('/api/v1/sessions-formation/:id/presences', { config: { access: 'formation:organisme' } }, async (request, reply) => {
    const s = await loadSessionDuPersonnel(db, request, reply);
    if (!s) return reply;
    const b = body(request);
    const invalid: { name: string; reason: string }[] = [];
    const conseillerId = typeof b.conseiller_id === 'string' ? b.conseiller_id : '';
    if (!conseillerId) invalid.push({ name: 'conseiller_id', reason: 'Indiquez l’identifiant du conseiller inscrit.' });
    const v = validatePresence({ heures: typeof b.heures === 'number' ? b.heures : b.heures === undefined ? undefined : NaN }, s.heures);
    if (!v.ok) invalid.push({ name: 'heures', reason: v.errors.heures! });
    if (invalid.length || !v.ok) return reply.problem(400, 'Présence invalide', invalid.map((i) => i.reason).join(' '), { invalid_params: invalid });
    try {
      await enregistrerPresence(db, actorOf(request), s.id, conseillerId, v.value.heures);
    } catch (e) {
      if (!(e instanceof FormationError)) throw e;
      return reply.problem(e.status, e.status === 404 ? 'Introuvable' : 'Présence invalide', e.message, { invalid_params: [{ name: e.field, reason: e.message }] });
    }
    const d = await dossierFormation(db, (await conseillerRecrute(db, conseillerId))!, parisCalendarDate());
    return reply.send({ session_id: s.id, conseiller_id: conseillerId, heures: v.value.heures, formation: formationPayload(d) });
  });
}
