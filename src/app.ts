import type { Logger } from 'pino';
import type { Config } from './platform/config.js';
import type { Database } from './platform/db.js';
import { createHttpServer } from './platform/http.js';
import { createMailer, type Mailer } from './platform/mail.js';
import type { AppDeps } from './platform/deps.js';
import { resolveBearer } from './comptes/tokens.js';
import { resolveSession } from './comptes/sessions.js';
import { registerComptesRoutes } from './comptes/routes.js';
import { registerProConnectRoutes } from './comptes/proconnect.js';
import { registerStructuresRoutes } from './structures/routes.js';
import { registerAuditRoutes } from './audit/routes.js';
import { registerAccueilRoutes } from './accueil/routes.js';
import { registerTerritoiresRoutes } from './territoires/routes.js';
import { registerActivitesRoutes } from './activites/routes.js';
import { registerLieuxRoutes, type LieuxOptions } from './lieux/routes.js';
import { lieuxDuConseiller } from './lieux/lieux.js';
import { setLieuxPort } from './activites/ports.js';
import { registerOpenApiRoutes } from './platform/openapi.js';

export interface BuildOptions {
  config: Config;
  database: Database;
  logger?: Logger | boolean;
  mailer?: Mailer;
  /** Places: a geocoder stand-in, the poll interval (tests, benchmarks). */
  lieux?: LieuxOptions;
}

/** Assembles the HTTP application from the bounded contexts. */
export async function buildApp(opts: BuildOptions) {
  const { config, database } = opts;
  const db = database.db;
  const deps: AppDeps = {
    config,
    database,
    db,
    mailer: opts.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, db }),
  };
  const app = await createHttpServer({
    config,
    logger: opts.logger,
    proconnect: !!config.proconnect,
    auth: {
      fromSession: (cookie) => resolveSession(db, cookie),
      fromBearer: (token) => resolveBearer(db, token),
    },
  });
  registerAccueilRoutes(app, deps);
  registerComptesRoutes(app, deps);
  registerProConnectRoutes(app, deps);
  registerStructuresRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerTerritoiresRoutes(app);
  // A conseiller's lieux d'activité (activities context) come from the places context.
  setLieuxPort({ lieuxOfConseiller: lieuxDuConseiller });
  registerActivitesRoutes(app, deps);
  registerLieuxRoutes(app, deps, opts.lieux);
  registerOpenApiRoutes(app, config); // last: every context has added its paths
  await app.ready();
  return app;
}
