/** The agreements' API in the OpenAPI document (src/platform/openapi.ts): the real shape of each answer. */
import { addApiPaths, type ApiOperation } from '../../platform/openapi.js';
import { ETATS_DOSSIER, ETATS_POSTE, LIMITES, STATUTS_CONVENTION } from '../regles.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const security = [{ jeton: [] }];
const idParam = (description: string) => ({ name: 'id', in: 'path' as const, required: true, description, schema: { type: 'string', format: 'uuid' } });
const errors = { '401': problem('Jeton manquant ou invalide'), '403': problem('Droits insuffisants'), '404': problem('Introuvable ou hors de vos droits') };
const centimes = (description: string) => ({ type: 'integer', minimum: 0, description: `${description} (centimes d'euro)` });

const poste = {
  type: 'object',
  required: ['numero', 'etat', 'depuis'],
  properties: {
    numero: { type: 'integer', minimum: 1 },
    etat: { type: 'string', enum: Object.keys(ETATS_POSTE), description: "Calculé à partir des contrats : occupé exactement pendant qu'un contrat en cours le tient." },
    depuis: { type: 'string', format: 'date' },
    titulaire: { type: ['string', 'null'], description: 'Le conseiller qui occupe le poste.' },
    justifie_centimes: centimes('Justifié par ce poste à ce jour'),
  },
};

const schemas = {
  Convention: {
    type: 'object',
    required: ['id', 'regime', 'statut', 'postes', 'montant_centimes', 'date_debut', 'date_fin', 'verse_centimes', 'justifie_centimes', 'a_reverser_centimes'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      numero: { type: 'integer' },
      regime: { type: 'string', description: 'Nom du régime de financement.' },
      regime_id: { type: 'string', format: 'uuid' },
      statut: { type: 'string', enum: Object.keys(STATUTS_CONVENTION) },
      etat: { type: 'string', enum: Object.keys(ETATS_DOSSIER), description: 'Le dossier de convention : en_construction → en_instruction → accepte / refuse / sans_suite.' },
      postes: { type: 'integer', description: 'Postes couverts (non rendus).' },
      montant_centimes: centimes('Montant conventionné : postes × montant par poste (+ bonification en ZRR/QPV), postes rendus au prorata'),
      date_debut: { type: 'string', format: 'date' },
      date_fin: { type: 'string', format: 'date', description: '36 mois au plus après le début.' },
      verse_centimes: centimes('Somme des versements'),
      justifie_centimes: centimes('Montant par poste × mois effectivement occupés ÷ mois financés, par poste, plafonné'),
      a_reverser_centimes: centimes('Versé − (justifié + encore justifiable d’ici la fin), si positif ; à l’échéance : versé − justifié'),
      prioritaire: { type: 'boolean', description: 'Territoire prioritaire (ZRR ou QPV) : bonification.' },
      alertes: { type: 'array', items: { type: 'string', enum: ['poste_vacant', 'fin_sans_renouvellement', 'contrat_sans_poste'] } },
      calcule_au: { type: ['string', 'null'], format: 'date' },
      precedente_id: { type: ['string', 'null'], format: 'uuid', description: 'Un reconventionnement : la convention précédente.' },
    },
  },
  PosteConvention: poste,
  ConventionDetail: {
    allOf: [ref('Convention'), { type: 'object', properties: { structure_id: { type: 'string', format: 'uuid' }, nom: { type: 'string' }, postes_detail: { type: 'array', items: ref('PosteConvention') } } }],
  },
};

const op = (o: Omit<ApiOperation, 'tags'>): ApiOperation => ({ tags: ['Conventions'], security, ...o });

export function registerConventionsOpenApi(): void {
  addApiPaths(
    {
      '/api/v1/structures/{id}/conventions': {
        get: op({ operationId: 'conventionsStructure', summary: "Les conventions d'une structure (la première, puis les reconventionnements)", parameters: [idParam('Identifiant de la structure')], responses: { '200': { description: 'Les conventions', content: json({ type: 'array', items: ref('Convention') }) }, ...errors } }),
      },
      '/api/v1/structures/{id}/postes': {
        get: op({ operationId: 'postesStructure', summary: 'Les postes de la convention en vigueur, un par un', parameters: [idParam('Identifiant de la structure')], responses: { '200': { description: 'Les postes', content: json({ type: 'array', items: ref('PosteConvention') }) }, ...errors } }),
      },
      '/api/v1/conventions/{id}': {
        get: op({ operationId: 'convention', summary: 'Une convention et ses postes', parameters: [idParam('Identifiant de la convention')], responses: { '200': { description: 'La convention', content: json(ref('ConventionDetail')) }, ...errors } }),
      },
      '/api/v1/conventions/{id}/validation': {
        post: op({
          operationId: 'validerConvention',
          summary: 'Valider une convention signée — Banque des Territoires',
          parameters: [idParam('Identifiant de la convention')],
          responses: { '200': { description: 'La convention validée', content: json(ref('Convention')) }, ...errors, '409': problem('Pas encore signée, déjà validée, refusée ou classée sans suite') },
        }),
      },
      '/api/v1/conventions/{id}/versements': {
        post: op({
          operationId: 'enregistrerVersement',
          summary: 'Enregistrer un versement — Banque des Territoires',
          parameters: [idParam('Identifiant de la convention')],
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['date', 'montant_centimes', 'reference'],
              properties: { date: { type: 'string', format: 'date' }, montant_centimes: { type: 'integer', minimum: 1, description: "Centimes d'euro (entier)." }, reference: { type: 'string', maxLength: LIMITES.reference } },
            }),
          },
          responses: {
            '201': {
              description: 'Versement enregistré',
              content: json({ type: 'object', required: ['id', 'date', 'montant_centimes', 'reference', 'convention'], properties: { id: { type: 'string', format: 'uuid' }, date: { type: 'string', format: 'date' }, montant_centimes: { type: 'integer' }, reference: { type: 'string' }, convention: ref('Convention') } }),
            },
            '400': problem('Champ invalide (invalid_params le nomme)'),
            ...errors,
            '409': problem('Au-delà du montant conventionné, convention non validée ou refusée, référence déjà enregistrée'),
          },
        }),
      },
    },
    schemas,
    { Conventions: 'Conventions de financement (Banque des Territoires) : postes un par un, versements, justifié et à reverser. Montants en centimes d’euro.' },
  );
}
