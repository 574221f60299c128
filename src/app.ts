import type { Logger } from 'pino';
import type { Config } from './platform/config.js';
import type { Database } from './platform/db.js';
import { createHttpServer } from './platform/http.js';
import { dbFlashStore } from './platform/flash.js';
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
import { lieuxDuConseiller, onLieuxChanged } from './lieux/lieux.js';
import { setContratsPort, setEquipesPort, setLieuxPort } from './activites/ports.js';
import { registerOpenApiRoutes } from './platform/openapi.js';
import { JobRegistry } from './platform/jobs/jobs.js';
import { registerJobsRoutes } from './platform/jobs/routes.js';
import { registerActivitesJobs } from './activites/jobs.js';
import { registerComptesJobs } from './comptes/jobs.js';
import { databaseStorage } from './platform/uploads/storage.js';
import { registerUploadsJobs } from './platform/uploads/jobs.js';
import { countUnread, Notifier } from './notifications/notifications.js';
import { registerNotificationsRoutes } from './notifications/routes.js';
import { registerJobsNotifications } from './platform/jobs/notifications.js';
import { registerProgrammeJobs, registerProgrammeNotifications } from './programme/jobs.js';
import { registerProgrammeRoutes, type ProgrammeOptions } from './programme/routes.js';
import { onPostesChanged, setEnPostePort } from './programme/ports.js';
import { postesOccupes } from './recrutement/lecture.js';
import { Appariement } from './recrutement/matching.js';
import { periodesDeTravail, structuresModifiees } from './recrutement/recrutement.js';
import { membresPendant } from './recrutement/equipes.js';
import { registerRecrutementJobs, registerRecrutementNotifications } from './recrutement/jobs.js';
import { registerRecrutementRoutes } from './recrutement/routes.js';
import { registerCandidatsJobs } from './recrutement/candidats.js';
import { onContratsChanged } from './recrutement/ports.js';
import { structuresModifiees as conventionsModifiees } from './conventions/conventions.js';
import { registerConventionsJobs, registerConventionsNotifications } from './conventions/jobs.js';
import { registerConventionsRoutes } from './conventions/routes.js';
import { registerStatistiquesRoutes } from './statistiques/routes.js';
import { registerFormationRoutes } from './formation/routes.js';
import { registerFormationJobs } from './formation/jobs.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The job kinds and schedules every context defined; main.ts runs a worker on them. */
    jobs: JobRegistry;
    /** The notification kinds every context defined (tests notify through it). */
    notifier: Notifier;
    /** Recruitment's matching indexes (tests and benchmarks pair through it). */
    appariement: Appariement;
  }
}

export interface BuildOptions {
  config: Config;
  database: Database;
  logger?: Logger | boolean;
  mailer?: Mailer;
  /** Places: a geocoder stand-in, the poll interval (tests, benchmarks). */
  lieux?: LieuxOptions;
  /** Programme: a company directory stand-in (tests). */
  programme?: ProgrammeOptions;
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
    jobs: new JobRegistry(),
    notifier: new Notifier(config.publicUrl),
  };
  const app = await createHttpServer({
    config,
    logger: opts.logger,
    proconnect: !!config.proconnect,
    unreadNotifications: (userId) => countUnread(db, userId),
    flash: dbFlashStore(db), // one-time messages in the database: any instance shows them
    auth: {
      fromSession: (cookie) => resolveSession(db, cookie),
      fromBearer: (token) => resolveBearer(db, token),
    },
  });
  app.decorate('jobs', deps.jobs);
  app.decorate('notifier', deps.notifier);
  registerJobsRoutes(app, deps);
  deps.notifier.registerJobs(deps.jobs, deps.mailer);
  registerJobsNotifications(deps.notifier, deps.jobs, database);
  registerNotificationsRoutes(app, deps);
  registerAccueilRoutes(app, deps);
  registerComptesRoutes(app, deps);
  registerComptesJobs(deps.jobs);
  registerProConnectRoutes(app, deps);
  // Uploaded files live in the database by default (shared by every instance); the seam takes object storage.
  const storage = databaseStorage(db);
  registerUploadsJobs(deps.jobs, storage);
  registerStructuresRoutes(app, deps, { documents: { storage } });
  registerAuditRoutes(app, deps);
  registerTerritoiresRoutes(app);
  // A conseiller's lieux d'activité (activities context) come from the places context.
  setLieuxPort({ lieuxOfConseiller: lieuxDuConseiller, onChange: (listener) => onLieuxChanged(() => listener()) });
  // Their working periods come from recruitment's contracts, a coordinator's team from its memberships.
  setContratsPort({ periodesDeTravail });
  setEquipesPort({ membresPendant });
  registerActivitesRoutes(app, deps);
  registerActivitesJobs(deps.jobs);
  registerLieuxRoutes(app, deps, opts.lieux);
  registerProgrammeJobs(deps.jobs, deps.mailer, deps.notifier, config.publicUrl);
  registerProgrammeNotifications(deps.notifier);
  registerProgrammeRoutes(app, deps, opts.programme);
  // Recruitment follows the programme's posts: a job per structure whose posts changed.
  const appariement = new Appariement();
  app.decorate('appariement', appariement);
  onPostesChanged(structuresModifiees);
  // The programme's « in post » (amendments that return posts, the posts table) is recruitment's.
  setEnPostePort(postesOccupes);
  registerRecrutementJobs(deps.jobs, deps.notifier, appariement);
  registerRecrutementNotifications(deps.notifier);
  registerRecrutementRoutes(app, deps, { appariement, storage });
  registerCandidatsJobs(deps.jobs, deps.mailer, config.publicUrl, storage);
  // Agreements follow the programme's posts and recruitment's contracts: a job per structure touched.
  onPostesChanged(conventionsModifiees);
  onContratsChanged(conventionsModifiees);
  registerConventionsJobs(deps.jobs, deps.notifier);
  registerConventionsNotifications(deps.notifier);
  registerConventionsRoutes(app, deps, { storage });
  // Statistics read their own aggregates, kept by triggers on the activities' table (migration 0016).
  registerStatistiquesRoutes(app, deps);
  // Training reads recruited conseillers and their contracts through recruitment's exported functions.
  registerFormationJobs(deps.jobs, deps.mailer, config.publicUrl);
  registerFormationRoutes(app, deps);
  registerOpenApiRoutes(app, config); // last: every context has added its paths
  await app.ready();
  return app;
}
