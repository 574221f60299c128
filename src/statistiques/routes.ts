/** The statistics context's routes: the API, the signed-in pages, the public page and open data. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';
import { registerStatistiquesApi } from './routes/api.js';
import { registerStatistiquesPages } from './routes/pages.js';
import { registerStatistiquesPubliques } from './routes/publique.js';
import { registerCouverture } from './routes/couverture.js';
import { MoteurLieux } from '../lieux/recherche.js';

export function registerStatistiquesRoutes(app: FastifyInstance, deps: AppDeps): void {
  registerStatistiquesApi(app, deps);
  registerStatistiquesPages(app, deps);
  // The places' spatial index, rebuilt by the places context on every change: coverage reads it.
  const moteur = new MoteurLieux(deps.db, { pollMs: 5_000 });
  app.addHook('onClose', async () => moteur.close());
  registerStatistiquesPubliques(app, deps, moteur);
  registerCouverture(app, deps, moteur);
}
