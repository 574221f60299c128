/** Recruitment's routes, one file per resource (src/recrutement/routes/). */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';
import type { RecrutementContext } from './context.js';
import { registerCandidatsRoutes } from './routes/candidats.js';
import { registerCandidatsApi } from './routes/api-candidats.js';
import { registerEquipesRoutes } from './routes/equipes.js';
import { registerStructureRoutes } from './routes/structure.js';
import { registerAnctRoutes } from './routes/anct.js';
import { registerConseillersRoutes } from './routes/conseillers.js';
import { registerRecrutementApi } from './routes/api.js';
import { registerCoordinationRoutes } from './routes/coordination.js';

export function registerRecrutementRoutes(app: FastifyInstance, deps: AppDeps, r: RecrutementContext): void {
  registerCandidatsRoutes(app, deps, r);
  registerCandidatsApi(app, deps, r);
  registerEquipesRoutes(app, deps, r);
  registerStructureRoutes(app, deps, r);
  registerAnctRoutes(app, deps, r);
  registerConseillersRoutes(app, deps);
  registerRecrutementApi(app, deps, r);
  registerCoordinationRoutes(app, deps);
}
