/** The agreements' routes: the table and its exports, one agreement's page and actions, regimes, the API. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';
import type { FileStorage } from '../platform/uploads/index.js';
import { registerTableauRoutes } from './routes/tableau.js';
import { registerConventionRoutes } from './routes/convention.js';
import { registerInstructionRoutes } from './routes/instruction.js';
import { registerRegimesRoutes } from './routes/regimes.js';
import { registerConventionsApi } from './routes/api.js';

export function registerConventionsRoutes(app: FastifyInstance, deps: AppDeps, opts: { storage: FileStorage }): void {
  registerTableauRoutes(app, deps);
  registerRegimesRoutes(app, deps);
  registerConventionRoutes(app, deps, opts.storage);
  registerInstructionRoutes(app, deps, opts.storage);
  registerConventionsApi(app, deps);
}
