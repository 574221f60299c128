/**
 * The public API's OpenAPI 3.1 document, assembled from the contexts: each one adds its paths
 * (and component schemas) with `addApiPaths`, then `registerOpenApiRoutes` serves
 * GET /api/openapi.json and a readable page, GET /api/docs (server-rendered, no JavaScript).
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { ApiDocsPage } from './views/api-docs.js';

export interface ApiParameter {
  name: string;
  in: 'query' | 'path' | 'header';
  description: string;
  required?: boolean;
  schema: Record<string, unknown>;
  example?: unknown;
}

export interface ApiOperation {
  summary: string;
  description?: string;
  tags?: string[];
  operationId: string;
  parameters?: ApiParameter[];
  requestBody?: { required?: boolean; description?: string; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Record<string, unknown> }> }>;
  security?: Record<string, string[]>[];
}

export type ApiPaths = Record<string, Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', ApiOperation>>>;

const paths: ApiPaths = {};
const schemas: Record<string, Record<string, unknown>> = {
  Problem: {
    type: 'object',
    description: 'Erreur au format RFC 9457 (application/problem+json).',
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      invalid_params: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, reason: { type: 'string' } } } },
    },
  },
};
const tags = new Map<string, string>();

/** Adds (or replaces) paths, component schemas and tag descriptions. Idempotent. */
export function addApiPaths(p: ApiPaths, s: Record<string, Record<string, unknown>> = {}, t: Record<string, string> = {}): void {
  for (const [path, ops] of Object.entries(p)) paths[path] = { ...paths[path], ...ops };
  Object.assign(schemas, s);
  for (const [k, v] of Object.entries(t)) tags.set(k, v);
}

export function openApiDocument(config: Pick<Config, 'publicUrl' | 'version'>): Record<string, unknown> {
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'API Conseiller numérique',
      version: config.version,
      description:
        "API publique de la plateforme Conseiller numérique France Services. Les erreurs suivent application/problem+json. Les routes non publiques demandent un jeton personnel : Authorization: Bearer …",
      license: { name: 'Licence Ouverte 2.0 (données)', identifier: 'etalab-2.0' },
    },
    servers: [{ url: config.publicUrl }],
    tags: [...tags].map(([name, description]) => ({ name, description })),
    paths: sorted,
    components: {
      schemas,
      securitySchemes: { jeton: { type: 'http', scheme: 'bearer', description: 'Jeton personnel (page Mon compte, ou npm run cli -- tokens:create)' } },
    },
  };
}

export function registerOpenApiRoutes(app: FastifyInstance, config: Config): void {
  app.get('/api/openapi.json', { config: { access: 'public' } }, async (_request, reply) => {
    return reply.header('cache-control', 'public, max-age=300').send(openApiDocument(config));
  });
  app.get('/api/docs', { config: { access: 'public' } }, async (request, reply) => {
    return reply.html(ApiDocsPage({ ctx: request.ctx(), doc: openApiDocument(config) as never }));
  });
}
