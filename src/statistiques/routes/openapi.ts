/** The statistics' API in the OpenAPI document: the real shape of each answer. */
import { addApiPaths, type ApiOperation } from '../../platform/openapi.js';
import { THEMATIQUES, TYPES } from '../../activites/codes.js';
import { DIMENSIONS, ECHELLES } from '../regles.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const entier = (description: string) => ({ type: 'integer', minimum: 0, description });

const part = {
  type: 'object',
  required: ['code', 'libelle', 'nombre', 'pourcentage'],
  properties: {
    code: { type: 'string', description: "Code d'échange (domain §8)." },
    libelle: { type: 'string' },
    nombre: { type: 'integer', minimum: 0, description: 'Accompagnements (genres, tranches d’âge, statuts : personnes distinctes).' },
    pourcentage: { type: 'integer', minimum: 0, maximum: 100, description: 'Entier ; la somme des parts fait 100 (méthode du plus fort reste).' },
  },
};
const point = (cle: 'mois' | 'jour') => ({
  type: 'object',
  required: [cle, 'activites', 'accompagnements'],
  properties: { [cle]: { type: 'string', ...(cle === 'jour' ? { format: 'date' } : { pattern: '^\\d{4}-\\d{2}$' }) }, activites: { type: 'integer' }, accompagnements: { type: 'integer' } },
});

const schemas = {
  PartStatistique: part,
  Statistiques: {
    type: 'object',
    required: ['activites', 'accompagnements', 'participants_ateliers', 'beneficiaires', 'repartitions', 'series'],
    properties: {
      activites: entier("Nombre de comptes rendus d'activité."),
      accompagnements: entier('1 par accompagnement individuel ou aide ponctuelle, le nombre de participants pour un atelier.'),
      participants_ateliers: entier('Somme des participants aux ateliers collectifs.'),
      beneficiaires: {
        type: 'object',
        required: ['total', 'suivis', 'anonymes', 'nouveaux'],
        properties: {
          total: entier('Personnes distinctes : suivies + anonymes.'),
          suivis: entier('Bénéficiaires suivis distincts vus dans la période.'),
          anonymes: entier('Personnes anonymes (chaque personne d’un atelier ou d’un accompagnement sans bénéficiaire suivi).'),
          nouveaux: entier('Suivis dont le premier accompagnement est dans la période, plus les anonymes non « déjà accompagnés ».'),
        },
      },
      repartitions: {
        type: 'object',
        required: Object.values(DIMENSIONS),
        properties: Object.fromEntries(Object.values(DIMENSIONS).map((d) => [d, { type: 'array', items: ref('PartStatistique') }])),
        description: 'Pondérées par les accompagnements ; genres, tranches d’âge et statuts par personnes distinctes.',
      },
      series: {
        type: 'object',
        required: ['mensuelle', 'quotidienne'],
        properties: {
          mensuelle: { type: 'array', items: point('mois'), description: 'Les 12 mois finissant avec celui de `au`.' },
          quotidienne: { type: 'array', items: point('jour'), description: 'Les 30 jours finissant le jour `au`.' },
        },
      },
    },
  },
};

const liste = (name: string, description: string, values: readonly string[]) => ({
  name,
  in: 'query' as const,
  description: `${description} Codes séparés par des virgules : ${values.join(', ')}.`,
  schema: { type: 'string', maxLength: 2000 },
});

const op: ApiOperation = {
  tags: ['Statistiques'],
  operationId: 'statistiques',
  summary: "Les statistiques d'activité d'un périmètre",
  description:
    "Lues dans les agrégats tenus à jour dans la même transaction que chaque saisie, modification, suppression et fusion de bénéficiaires. Sans `code`, le périmètre de l'appelant (son activité, son équipe, sa structure, son département, ou la France pour l'ANCT et la Banque des Territoires). Un périmètre hors de ses droits : 403.",
  security: [{ jeton: [] }],
  parameters: [
    { name: 'du', in: 'query', description: 'Début de la période (inclus), AAAA-MM-JJ ; par défaut un an avant `au`.', schema: { type: 'string', format: 'date' } },
    { name: 'au', in: 'query', description: "Fin de la période (incluse), AAAA-MM-JJ ; par défaut aujourd'hui (heure de Paris). 10 ans au plus.", schema: { type: 'string', format: 'date' } },
    { name: 'echelle', in: 'query', description: 'Échelle du périmètre.', schema: { type: 'string', enum: [...ECHELLES] } },
    { name: 'code', in: 'query', description: 'Code de la région ou du département (INSEE), identifiant de la structure, du conseiller ou du coordinateur (équipe).', schema: { type: 'string', maxLength: 40 } },
    liste('types', "Types d'activité.", TYPES.values),
    liste('thematiques', 'Thématiques (une activité en ayant au moins une).', THEMATIQUES.values),
  ],
  responses: {
    '200': { description: 'Les indicateurs', content: { 'application/json': { schema: ref('Statistiques') } } },
    '400': problem('Paramètre invalide (nommé dans invalid_params)'),
    '401': problem('Jeton manquant ou invalide'),
    '403': problem('Périmètre hors de vos droits'),
  },
};

export function registerStatistiquesOpenApi(): void {
  addApiPaths({ '/api/v1/statistiques': { get: op } }, schemas, { Statistiques: "Indicateurs d'activité (domain §11) par périmètre, données ouvertes nationales, couverture." });
}
