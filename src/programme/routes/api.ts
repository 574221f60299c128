/** The programme's API (bearer tokens; the application is public): paths and fields as the issue fixed them. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.js';
import { registerCoselecApi } from './api-coselec.js';
import { registerDossiersApi } from './api-dossiers.js';
import { registerProgrammeOpenApi } from './openapi.js';

export function registerProgrammeApi(app: FastifyInstance, deps: AppDeps): void {
  registerProgrammeOpenApi();
  registerDossiersApi(app, deps);
  registerCoselecApi(app, deps);
}
