/** The statistics' API in the OpenAPI document: the real shape of each answer. */
import { addApiPaths, type ApiOperation } from '../../platform/openapi.js';
import { THEMATIQUES, TYPES } from '../../activites/codes.js';
import { DIMENSIONS, ECHELLES, MAX_CODES } from '../regles.js';

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

/** A narrowing filter: values separated by commas or the parameter repeated; each must lie in the scope. */
const filtre = (name: string, description: string) => ({
  name,
  in: 'query' as const,
  description: `${description} Plusieurs valeurs séparées par des virgules (ou le paramètre répété), ${MAX_CODES} au plus. Le filtre restreint le périmètre (intersection) : une valeur inconnue répond 400, une valeur hors du périmètre 403, le paramètre nommé dans invalid_params.`,
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
    filtre('conseillers', "Identifiants (UUID) des conseillers dont compter l'activité : ceux du périmètre (rattachés à l'une de ses structures, ou ayant saisi une activité dans le périmètre sur la période)."),
    filtre('structures', "Identifiants (UUID) des structures, telles qu'enregistrées sur l'activité : celles du périmètre."),
    filtre('communes', "Codes INSEE des communes de l'activité ; pour un périmètre régional ou départemental, dans ses départements. Calculé à partir des comptes rendus."),
    filtre('departements', "Codes des départements (INSEE, ex. 57, 2A) de l'activité ; pour un périmètre régional ou départemental, parmi les siens."),
    filtre('lieux', "Identifiants (UUID) des lieux d'activité ; pour un périmètre régional ou départemental, dans ses départements. Calculé à partir des comptes rendus."),
  ],
  responses: {
    '200': { description: 'Les indicateurs', content: { 'application/json': { schema: ref('Statistiques') } } },
    '400': problem('Paramètre invalide (nommé dans invalid_params)'),
    '401': problem('Jeton manquant ou invalide'),
    '403': problem('Périmètre hors de vos droits'),
  },
};

const cellule = { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', const: '< 5' }], description: 'Au niveau d’un département, un nombre de 1 à 4 est publié « < 5 ».' };
const territoire = (extra: Record<string, unknown> = {}, c: Record<string, unknown> = { type: 'integer' }) => ({
  type: 'object',
  required: ['code', 'nom', 'activites', 'accompagnements', 'personnes', 'conseillers_actifs'],
  properties: { code: { type: 'string' }, nom: { type: 'string' }, ...extra, activites: c, accompagnements: c, personnes: c, conseillers_actifs: c },
});
const publiques = {
  StatistiquesPubliques: {
    type: 'object',
    description: 'Licence Ouverte 2.0. Les 12 derniers mois ; conseillers actifs : une activité saisie ces 31 derniers jours.',
    required: ['licence', 'periode', 'perimetre', 'activites', 'accompagnements', 'personnes', 'conseillers_actifs', 'conseillers', 'mensuelle', 'thematiques', 'regions', 'departements'],
    properties: {
      licence: { type: 'string' },
      periode: { type: 'object', required: ['du', 'au'], properties: { du: { type: 'string', format: 'date' }, au: { type: 'string', format: 'date' } } },
      perimetre: { type: 'object', required: ['echelle', 'code', 'nom'], properties: { echelle: { type: 'string', enum: ['national', 'departement'] }, code: { type: ['string', 'null'] }, nom: { type: 'string' } } },
      activites: cellule,
      accompagnements: cellule,
      personnes: cellule,
      conseillers_actifs: cellule,
      conseillers: { type: 'integer', description: 'N de « x sur N » : conseillers en poste, ou ayant déjà saisi une activité si plus nombreux.' },
      mensuelle: { type: 'array', items: { type: 'object', required: ['mois', 'accompagnements', 'cumul'], properties: { mois: { type: 'string' }, accompagnements: cellule, cumul: cellule } } },
      thematiques: { type: 'array', items: { type: 'object', required: ['code', 'libelle', 'nombre', 'pourcentage'], properties: { code: { type: 'string' }, libelle: { type: 'string' }, nombre: cellule, pourcentage: { type: ['integer', 'null'] } } } },
      regions: { type: 'array', items: territoire() },
      departements: { type: 'array', items: territoire({ region: { type: 'string' } }, cellule) },
    },
  },
};
const depParam = { name: 'departement', in: 'query' as const, description: 'Un département (code INSEE, ex. 57) ; sans : la France entière.', schema: { type: 'string', maxLength: 3 } };

export function registerStatistiquesOpenApi(): void {
  addApiPaths(
    {
      '/api/v1/statistiques/publiques': {
        get: {
          tags: ['Statistiques'],
          operationId: 'statistiquesPubliques',
          summary: 'Statistiques publiques nationales (données ouvertes, sans jeton)',
          parameters: [depParam],
          responses: { '200': { description: 'Les chiffres publics', content: { 'application/json': { schema: ref('StatistiquesPubliques') } } }, '400': problem('Département inconnu') },
        },
      },
      '/api/v1/statistiques/publiques.csv': {
        get: {
          tags: ['Statistiques'],
          operationId: 'statistiquesPubliquesCsv',
          summary: 'Les mêmes chiffres en CSV (séparateur ;, UTF-8 avec BOM)',
          parameters: [depParam],
          responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, '400': problem('Département inconnu') },
        },
      },
    },
    publiques,
  );
  addApiPaths({ '/api/v1/statistiques': { get: op } }, schemas, { Statistiques: "Indicateurs d'activité (domain §11) par périmètre, données ouvertes nationales, couverture." });
}
