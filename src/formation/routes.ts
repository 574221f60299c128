/** Training's routes: providers, the provider's work, conseillers' records, the dashboard, the catalogue, the API. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';
import { registerOrganismesRoutes } from './routes/organismes.js';
import { registerOrganismeRoutes } from './routes/organisme.js';
import { registerDossierRoutes } from './routes/dossier.js';
import { registerFormationApi } from './routes/api.js';
import { registerSuiviRoutes } from './routes/suivi.js';
import { registerCatalogueRoutes } from './routes/catalogue.js';
import { registerCoutsRoutes } from './routes/couts.js';

export function registerFormationRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerOrganismesRoutes(app, deps);
  registerOrganismeRoutes(app, deps);
  registerDossierRoutes(app, deps);
  registerSuiviRoutes(app, deps);
  registerCatalogueRoutes(app, deps);
  registerCoutsRoutes(app, deps);
  registerFormationApi(app, deps);
}
