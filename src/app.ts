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

export interface BuildOptions {
  config: Config;
  database: Database;
  logger?: Logger | boolean;
  mailer?: Mailer;
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
  await app.ready();
  return app;
}
