/** The places API in the OpenAPI document (src/platform/openapi.ts). */
import { addApiPaths } from '../platform/openapi.js';
import { ENUMS, FIELDS, FIELD_LABELS, MULTI_FIELDS, PATTERNS, REQUIRED, SERVICES, STANDARD_VERSION } from './standard.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

function lieuSchema(multiAsArray: boolean): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const enumValues = (ENUMS as Record<string, readonly string[]>)[f];
    const isMulti = (MULTI_FIELDS as readonly string[]).includes(f);
    let s: Record<string, unknown>;
    if (f === 'latitude' || f === 'longitude') s = { type: ['number', 'null'] };
    else if (isMulti && multiAsArray) s = { type: 'array', items: enumValues ? { type: 'string', enum: enumValues } : { type: 'string' } };
    else if (isMulti) s = { type: 'string', description: `${FIELD_LABELS[f]} : valeurs séparées par « | »${enumValues ? ` parmi ${enumValues.join(' ; ')}` : ''}` };
    else s = { type: REQUIRED.includes(f) ? 'string' : ['string', 'null'], ...(f in PATTERNS ? { pattern: PATTERNS[f as keyof typeof PATTERNS] } : {}) };
    properties[f] = { description: FIELD_LABELS[f], ...s };
  }
  if (multiAsArray) properties.distance_km = { type: ['number', 'null'], description: 'Distance au point de recherche, en kilomètres' };
  return { type: 'object', required: [...REQUIRED], properties };
}

export function registerLieuxOpenApi(): void {
  addApiPaths(
    {
      '/api/v1/lieux': {
        get: {
          operationId: 'rechercherLieux',
          tags: ['lieux'],
          summary: 'Lieux publics les plus proches',
          description:
            "Recherche par position (lat, lon, rayon_km) ou par commune (code INSEE), triés par distance. Les champs suivent le standard national des lieux de médiation numérique ; les valeurs multiples sont des tableaux.",
          parameters: [
            { name: 'lat', in: 'query', description: 'Latitude (WGS84), avec lon.', schema: { type: 'number', minimum: -90, maximum: 90 }, example: 49.1193 },
            { name: 'lon', in: 'query', description: 'Longitude (WGS84), avec lat.', schema: { type: 'number', minimum: -180, maximum: 180 }, example: 6.1757 },
            { name: 'rayon_km', in: 'query', description: 'Distance maximale en kilomètres (50 par défaut).', schema: { type: 'number', minimum: 0, maximum: 1000 }, example: 20 },
            { name: 'commune', in: 'query', description: "Code INSEE : les lieux de cette commune (à la place de lat et lon).", schema: { type: 'string', pattern: PATTERNS.code_insee }, example: '57463' },
            { name: 'services', in: 'query', description: 'Services du standard (au moins un), séparés par « | » ou répétés.', schema: { type: 'string', enum: [...SERVICES] } },
            { name: 'limit', in: 'query', description: 'Nombre de lieux (20 par défaut, 100 au plus).', schema: { type: 'integer', minimum: 1, maximum: 100 }, example: 20 },
          ],
          responses: {
            '200': {
              description: 'Les lieux, du plus proche au plus éloigné',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      origine: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
                      total: { type: 'integer' },
                      lieux: { type: 'array', items: { $ref: '#/components/schemas/Lieu' } },
                    },
                  },
                },
              },
            },
            '400': problem('Paramètre invalide (nommé dans invalid_params)'),
          },
        },
      },
      '/api/v1/lieux.csv': {
        get: {
          operationId: 'exporterLieuxCsv',
          tags: ['lieux'],
          summary: `Tous les lieux publics, CSV du standard v${STANDARD_VERSION}`,
          description:
            'Colonnes et valeurs du schéma « Lieux de médiation numérique » (valeurs multiples séparées par « | »). Les valeurs commençant par =, +, -, @, une tabulation ou un retour chariot sont refusées à la saisie et à l’import ; une valeur plus ancienne de ce type est précédée d’une apostrophe dans ce CSV (pas dans le JSON), pour qu’un tableur ne la prenne pas pour une formule (sauf téléphone, latitude et longitude, vérifiés par leur format).',
          responses: { '200': { description: 'Fichier CSV (UTF-8)', content: { 'text/csv': {} } } },
        },
      },
      '/api/v1/lieux.json': {
        get: {
          operationId: 'exporterLieuxJson',
          tags: ['lieux'],
          summary: `Tous les lieux publics, JSON du standard v${STANDARD_VERSION}`,
          description: 'Un tableau d’objets aux champs du standard ; les champs vides sont omis ; valeurs multiples séparées par « | ».',
          responses: { '200': { description: 'Tableau JSON', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/LieuStandard' } } } } } },
        },
      },
    },
    { Lieu: lieuSchema(true), LieuStandard: lieuSchema(false) },
    { lieux: 'Lieux de médiation numérique (standard national)' },
  );
}
