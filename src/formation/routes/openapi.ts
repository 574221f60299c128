/** Training's API in the OpenAPI document (src/platform/openapi.ts): the real shape of each answer. */
import { addApiPaths, type ApiOperation } from '../../platform/openapi.js';
import { HEURES_MAX, HEURES_MIN, RESULTATS_CCP, STATUTS_MODULE, STATUTS_PARCOURS } from '../regles.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const security = [{ jeton: [] }];
const errors = { '401': problem('Jeton manquant ou invalide'), '403': problem('Droits insuffisants'), '404': problem('Introuvable ou hors de vos droits') };

const schemas = {
  Formation: {
    type: 'object',
    required: ['heures_requises', 'heures_realisees', 'ccp1', 'pix', 'module_annuel'],
    properties: {
      heures_requises: { type: ['integer', 'null'], minimum: HEURES_MIN, maximum: HEURES_MAX, description: `Durée du parcours initial (${HEURES_MIN} à ${HEURES_MAX} h) selon le positionnement, éventuellement ajustée ; null avant le positionnement.` },
      heures_realisees: { type: 'integer', minimum: 0, description: 'Somme des présences enregistrées par les organismes aux sessions du parcours initial (jamais saisie comme un total).' },
      statut_parcours: { type: 'string', enum: Object.keys(STATUTS_PARCOURS), description: 'en_retard : contrat commencé il y a plus de 4 mois et parcours incomplet.' },
      ccp1: {
        type: ['object', 'null'],
        required: ['resultat', 'date'],
        properties: { resultat: { type: 'string', enum: Object.keys(RESULTATS_CCP) }, date: { type: ['string', 'null'], format: 'date' } },
      },
      pix: {
        type: 'object',
        required: ['niveau_positionnement', 'score_certification', 'date_certification'],
        properties: {
          niveau_positionnement: { type: ['integer', 'null'], minimum: 1, maximum: 3 },
          score_certification: { type: ['integer', 'null'], minimum: 0 },
          date_certification: { type: ['string', 'null'], format: 'date' },
        },
      },
      certifie: { type: 'boolean', description: 'CCP1 obtenu et certification Pix enregistrée.' },
      module_annuel: {
        type: 'object',
        required: ['annee', 'statut'],
        properties: { annee: { type: 'integer' }, statut: { type: 'string', enum: Object.keys(STATUTS_MODULE), description: 'du : recruté avant le 1er janvier de l’année, module à choisir.' } },
      },
    },
  },
};

const op = (o: Omit<ApiOperation, 'tags'>): ApiOperation => ({ tags: ['Formation'], security, ...o });

export function registerFormationOpenApi(): void {
  addApiPaths(
    {
      '/api/v1/conseillers/{id}/formation': {
        get: op({
          operationId: 'formationConseiller',
          summary: "La formation d'un conseiller : parcours, heures, certification, module de l'année",
          parameters: [{ name: 'id', in: 'path', required: true, description: "Identifiant du conseiller (son compte), ou « moi »", schema: { type: 'string' } }],
          responses: { '200': { description: 'La formation', content: json(ref('Formation')) }, ...errors },
        }),
      },
      '/api/v1/sessions-formation/{id}/presences': {
        post: op({
          operationId: 'enregistrerPresence',
          summary: "Enregistrer les heures de présence d'un conseiller inscrit — l'organisme de formation de la session",
          parameters: [{ name: 'id', in: 'path', required: true, description: 'Identifiant de la session', schema: { type: 'string', format: 'uuid' } }],
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['conseiller_id', 'heures'],
              properties: { conseiller_id: { type: 'string', format: 'uuid' }, heures: { type: 'integer', minimum: 0, description: 'Heures de présence, au plus la durée de la session ; remplace une saisie précédente.' } },
            }),
          },
          responses: {
            '200': {
              description: 'Présence enregistrée',
              content: json({ type: 'object', required: ['session_id', 'conseiller_id', 'heures', 'formation'], properties: { session_id: { type: 'string', format: 'uuid' }, conseiller_id: { type: 'string', format: 'uuid' }, heures: { type: 'integer' }, formation: ref('Formation') } }),
            },
            '400': problem('Heures au-delà de la durée de la session, conseiller non inscrit (invalid_params nomme le champ)'),
            ...errors,
          },
        }),
      },
    },
    schemas,
    { Formation: 'Formation des conseillers : parcours initial (70 à 315 h), présences, certification, module thématique annuel.' },
  );
}
