/** Recruitment's API on pairs (bearer tokens): paths and fields as the issue fixed them. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/access.js';
import { actorOf, type AppDeps } from '../../platform/deps.js';
import { addApiPaths } from '../../platform/openapi.js';
import { parisCalendarDate } from '../../platform/paris.js';
import type { RecrutementContext } from '../context.js';
import { candidatsDeStructure, structureRecrutement, STATUTS_COORDONNEES, type LigneCandidat } from '../lecture.js';
import { declarerRupture, getMiseEnRelation, marquer, RecrutementError, saisirContrat, validerRecrutement, validerRupture, type Contrat, type MiseEnRelation } from '../recrutement.js';
import { DISTANCES_KM, MOTIFS_RUPTURE, SITUATIONS, STATUTS_MER, TYPES_CONTRAT, validateContrat, validateRupture } from '../regles.js';
import { ligneDe } from '../lecture.js';

type Body = Record<string, unknown>;
const bodyOf = (r: FastifyRequest): Body => (r.body && typeof r.body === 'object' && !Array.isArray(r.body) ? (r.body as Body) : {});

function invalid(reply: FastifyReply, errors: Record<string, string>, status = 400) {
  const params = Object.entries(errors).map(([name, reason]) => ({ name, reason }));
  return reply.problem(status, status === 409 ? 'Transition refusée' : 'Requête invalide', params.map((p) => p.reason).join(' '), { invalid_params: params });
}
const refused = (reply: FastifyReply, e: RecrutementError) =>
  reply.problem(e.status, e.status === 404 ? 'Ressource introuvable' : e.field === 'quota' ? 'Quota atteint' : 'Transition refusée', e.message, { invalid_params: [{ name: e.field, reason: e.message }] });

/** A pair as the API answers it: the candidate's contact details only once the structure is interested. */
export function paireApi(l: LigneCandidat) {
  const voit = STATUTS_COORDONNEES.includes(l.mer.statut);
  const c = l.candidat;
  return {
    mise_en_relation_id: l.mer.id,
    statut: l.mer.statut,
    distance_km: Math.round(l.mer.distanceM / 100) / 10,
    candidat: {
      id: c.id,
      prenom: c.prenom,
      nom: voit ? c.nom : `${c.nom.slice(0, 1)}.`,
      commune_insee: c.communeInsee,
      situations: c.situations,
      diplome: c.diplome,
      date_disponibilite: c.dateDisponibilite,
      distance_max_km: c.distanceMaxKm,
      pix_palier: c.pixPalier,
      motivation: c.motivation,
      ...(voit ? { email: c.email, telephone: c.telephone, cv: !!c.cvFichierId } : {}),
    },
  };
}

const contratApi = (c: Contrat) => ({
  id: c.id,
  type: c.type,
  date_debut: c.dateDebut,
  date_fin: c.dateFin,
  salaire_brut_mensuel_centimes: c.salaireCentimes,
  coordinateur: c.coordinateur,
  statut: c.statut,
  rupture: c.ruptureDate ? { date: c.ruptureDate, motif: c.ruptureMotif, documents: c.ruptureDocuments } : null,
});

export function registerRecrutementApi(app: FastifyInstance, deps: AppDeps, r: RecrutementContext): void {
  const { db } = deps;
  registerOpenApi();

  async function structureOf(request: FastifyRequest, reply: FastifyReply, structureId: string) {
    const s = await structureRecrutement(db, structureId);
    if (!s || !can(request.user, 'recrutement:structure', { kind: 'structure', id: s.structureId, departement: s.departement })) {
      reply.problem(404, 'Ressource introuvable', "Aucune structure qui recrute ne porte cet identifiant dans vos droits.");
      return undefined;
    }
    return s;
  }

  /** The pair, if the caller may act on it with `as` (a structure: its own pairs; ANCT: all). */
  async function pairFor(request: FastifyRequest, reply: FastifyReply, as: 'structure' | 'anct'): Promise<MiseEnRelation | undefined> {
    const m = await getMiseEnRelation(db, (request.params as { id: string }).id);
    const s = m ? await structureRecrutement(db, m.structureId) : undefined;
    const ok = m && s && (as === 'anct' ? can(request.user, 'recrutement:valider') : can(request.user, 'recrutement:structure', { kind: 'structure', id: m.structureId, departement: s.departement }));
    if (!ok) {
      reply.problem(404, 'Ressource introuvable', 'Aucune mise en relation ne porte cet identifiant dans vos droits.');
      return undefined;
    }
    return m;
  }

  async function answer(reply: FastifyReply, merId: string, status = 200) {
    const l = await ligneDe(db, merId);
    return reply.code(status).send({ ...paireApi(l!), contrats: l!.contrats.map(contratApi) });
  }

  app.get('/api/v1/structures/:id/candidats', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const s = await structureOf(request, reply, (request.params as { id: string }).id);
    if (!s) return reply;
    const rows = await candidatsDeStructure(db, s.structureId, {}, { limit: 1000, offset: 0 });
    return reply.send(rows.map(paireApi));
  });

  app.post('/api/v1/mises-en-relation/:id/statut', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await pairFor(request, reply, 'structure');
    if (!m) return reply;
    const statut = bodyOf(request).statut;
    if (statut !== 'interessee' && statut !== 'nonInteressee') return invalid(reply, { statut: 'Le statut est « interessee » ou « nonInteressee ».' });
    try {
      await marquer(db, actorOf(request), deps.notifier, m.id, statut);
      return answer(reply, m.id);
    } catch (e) {
      if (e instanceof RecrutementError) return refused(reply, e);
      throw e;
    }
  });

  app.post('/api/v1/mises-en-relation/:id/contrat', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await pairFor(request, reply, 'structure');
    if (!m) return reply;
    const b = bodyOf(request);
    const v = validateContrat({ type: b.type, date_debut: b.date_debut, date_fin: b.date_fin ?? undefined, salaire_brut_mensuel_centimes: b.salaire_brut_mensuel_centimes, coordinateur: b.coordinateur === true }, deps.config.smicCentimes);
    if (!v.ok) return invalid(reply, v.errors);
    try {
      await saisirContrat(db, actorOf(request), deps.notifier, m.id, v.value);
      return answer(reply, m.id, 201);
    } catch (e) {
      if (e instanceof RecrutementError) return refused(reply, e);
      throw e;
    }
  });

  app.post('/api/v1/mises-en-relation/:id/validation', { config: { access: 'recrutement:valider' } }, async (request, reply) => {
    const m = await pairFor(request, reply, 'anct');
    if (!m) return reply;
    try {
      await validerRecrutement(db, actorOf(request), deps.notifier, m.id);
      return answer(reply, m.id);
    } catch (e) {
      if (e instanceof RecrutementError) return refused(reply, e);
      throw e;
    }
  });

  app.post('/api/v1/mises-en-relation/:id/rupture', { config: { access: 'recrutement:structure' } }, async (request, reply) => {
    const m = await pairFor(request, reply, 'structure');
    if (!m) return reply;
    const l = await ligneDe(db, m.id);
    const courant = l?.contrats.find((c) => c.statut === 'valide');
    if (!courant) return refused(reply, new RecrutementError(`Aucun contrat en cours : la mise en relation est « ${STATUTS_MER[m.statut as keyof typeof STATUTS_MER] ?? m.statut} », il faut « ${STATUTS_MER.finalisee} ».`, 'statut'));
    const b = bodyOf(request);
    const v = validateRupture({ date: b.date, motif: b.motif, documents: b.documents }, courant);
    if (!v.ok) return invalid(reply, v.errors);
    try {
      await declarerRupture(db, actorOf(request), deps.notifier, m.id, v.value);
      return answer(reply, m.id);
    } catch (e) {
      if (e instanceof RecrutementError) return refused(reply, e);
      throw e;
    }
  });

  app.post('/api/v1/mises-en-relation/:id/rupture/validation', { config: { access: 'recrutement:valider' } }, async (request, reply) => {
    const m = await pairFor(request, reply, 'anct');
    if (!m) return reply;
    try {
      await validerRupture(db, actorOf(request), deps.notifier, r.appariement, m.id, parisCalendarDate());
      return answer(reply, m.id);
    } catch (e) {
      if (e instanceof RecrutementError) return refused(reply, e);
      throw e;
    }
  });
}

function registerOpenApi(): void {
  const ref = (n: string) => ({ $ref: `#/components/schemas/${n}` });
  const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
  const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
  const security = [{ jeton: [] }];
  const errors = { '400': problem('Champ invalide (invalid_params le nomme)'), '401': problem('Jeton manquant ou invalide'), '403': problem('Droits insuffisants'), '404': problem('Introuvable ou hors de vos droits') };
  const id = { name: 'id', in: 'path' as const, required: true, description: 'Identifiant de la mise en relation', schema: { type: 'string', format: 'uuid' } };
  const paire = { 200: { description: 'La mise en relation et ses contrats', content: json(ref('MiseEnRelationDetail')) } };
  const op = (o: Record<string, unknown>) => ({ tags: ['Recrutement'], security, ...o }) as never;
  addApiPaths(
    {
      '/api/v1/structures/{id}/candidats': {
        get: op({ operationId: 'candidatsDeStructure', summary: 'Les candidats mis en relation avec la structure, du plus proche au plus éloigné', parameters: [{ ...id, description: 'Identifiant de la structure' }], responses: { '200': { description: 'Les mises en relation', content: json({ type: 'array', items: ref('MiseEnRelation') }) }, ...errors } }),
      },
      '/api/v1/mises-en-relation/{id}/statut': {
        post: op({ operationId: 'marquerCandidat', summary: 'Présélectionner (interessee) ou écarter (nonInteressee) un candidat', parameters: [id], requestBody: { required: true, content: json({ type: 'object', required: ['statut'], properties: { statut: { type: 'string', enum: ['interessee', 'nonInteressee'] } } }) }, responses: { ...paire, ...errors, '409': problem('Transition refusée (le statut requis est indiqué)') } }),
      },
      '/api/v1/mises-en-relation/{id}/contrat': {
        post: op({
          operationId: 'saisirContrat',
          summary: 'Saisir le contrat (la mise en relation passe à recrutee)',
          parameters: [id],
          requestBody: { required: true, content: json(ref('ContratSaisi')) },
          responses: { '201': { description: 'Contrat saisi', content: json(ref('MiseEnRelationDetail')) }, ...errors, '409': problem('Quota atteint (recrutee + finalisee + 1 > postes) ou transition refusée') },
        }),
      },
      '/api/v1/mises-en-relation/{id}/validation': {
        post: op({ operationId: 'validerRecrutement', summary: 'Valider le recrutement (ANCT) : finalisee, le compte devient conseiller de la structure', parameters: [id], responses: { ...paire, ...errors, '409': problem('Transition refusée') } }),
      },
      '/api/v1/mises-en-relation/{id}/rupture': {
        post: op({
          operationId: 'declarerRupture',
          summary: 'Déclarer une rupture (nouvelle_rupture)',
          parameters: [id],
          requestBody: { required: true, content: json({ type: 'object', required: ['date', 'motif'], properties: { date: { type: 'string', format: 'date' }, motif: { type: 'string', enum: Object.keys(MOTIFS_RUPTURE) }, documents: { type: 'string', enum: ['complet', 'en_attente'] } } }) },
          responses: { ...paire, ...errors, '409': problem('Transition refusée') },
        }),
      },
      '/api/v1/mises-en-relation/{id}/rupture/validation': {
        post: op({ operationId: 'validerRupture', summary: 'Valider la rupture (ANCT) : finalisee_rupture, le poste redevient vacant', parameters: [id], responses: { ...paire, ...errors, '409': problem('Transition refusée') } }),
      },
    },
    {
      MiseEnRelation: {
        type: 'object',
        properties: {
          mise_en_relation_id: { type: 'string', format: 'uuid' },
          statut: { type: 'string', enum: Object.keys(STATUTS_MER) },
          distance_km: { type: 'number' },
          candidat: {
            type: 'object',
            description: 'Coordonnées (email, telephone) et présence d’un CV seulement une fois le candidat présélectionné.',
            properties: {
              id: { type: 'string', format: 'uuid' },
              prenom: { type: 'string' },
              nom: { type: 'string' },
              commune_insee: { type: 'string' },
              situations: { type: 'array', items: { type: 'string', enum: Object.keys(SITUATIONS) } },
              diplome: { type: ['string', 'null'] },
              date_disponibilite: { type: 'string', format: 'date' },
              distance_max_km: { type: 'integer', enum: [...DISTANCES_KM] },
              pix_palier: { type: ['integer', 'null'], enum: [1, 2, 3, null] },
              motivation: { type: 'string' },
              email: { type: 'string' },
              telephone: { type: 'string' },
              cv: { type: 'boolean' },
            },
          },
        },
      },
      ContratSaisi: {
        type: 'object',
        required: ['type', 'date_debut', 'salaire_brut_mensuel_centimes'],
        properties: {
          type: { type: 'string', enum: Object.keys(TYPES_CONTRAT) },
          date_debut: { type: 'string', format: 'date' },
          date_fin: { type: ['string', 'null'], format: 'date', description: 'Obligatoire sauf pour un CDI (interdite pour un CDI).' },
          salaire_brut_mensuel_centimes: { type: 'integer', description: 'Au moins le SMIC configuré (SMIC_BRUT_MENSUEL_CENTIMES).' },
          coordinateur: { type: 'boolean' },
        },
      },
      MiseEnRelationDetail: {
        allOf: [
          ref('MiseEnRelation'),
          {
            type: 'object',
            properties: {
              contrats: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string', format: 'uuid' },
                    type: { type: 'string', enum: Object.keys(TYPES_CONTRAT) },
                    date_debut: { type: 'string', format: 'date' },
                    date_fin: { type: ['string', 'null'], format: 'date' },
                    salaire_brut_mensuel_centimes: { type: 'integer' },
                    coordinateur: { type: 'boolean' },
                    statut: { type: 'string', enum: ['saisi', 'valide', 'rompu', 'termine', 'annule'] },
                    rupture: { type: ['object', 'null'], properties: { date: { type: 'string', format: 'date' }, motif: { type: 'string' }, documents: { type: 'string' } } },
                  },
                },
              },
            },
          },
        ],
      },
    },
    { Recrutement: 'Candidats, mises en relation, contrats, ruptures.' },
  );
}
