/** The programme context's routes, one file per resource (src/programme/routes/). */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';
import { AnnuaireRechercheEntreprises, SANS_ANNUAIRE, type AnnuaireEntreprises } from './entreprises.js';
import { registerCandidatureRoutes } from './routes/candidature.js';
import { registerDossiersRoutes } from './routes/dossiers.js';
import { registerDossierRoutes } from './routes/dossier.js';
import { registerAvenantsRoutes } from './routes/avenants.js';
import { registerCoselecRoutes } from './routes/coselec.js';
import { registerProgrammeApi } from './routes/api.js';

export interface ProgrammeOptions {
  /** Replaces the company directory client (tests: a stand-in). */
  annuaire?: AnnuaireEntreprises;
}

export function registerProgrammeRoutes(app: FastifyInstance, deps: AppDeps, opts: ProgrammeOptions = {}): void {
  const url = deps.config.entreprisesUrl;
  const annuaire = opts.annuaire ?? (url ? new AnnuaireRechercheEntreprises(url) : SANS_ANNUAIRE);
  registerCandidatureRoutes(app, deps, annuaire, !!opts.annuaire || !!url);
  registerDossiersRoutes(app, deps);
  registerDossierRoutes(app, deps);
  registerAvenantsRoutes(app, deps);
  registerCoselecRoutes(app, deps);
  registerProgrammeApi(app, deps);
}
