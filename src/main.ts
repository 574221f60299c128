import { buildApp } from './app.js';
import { ConfigError } from './platform/config.js';
import { LockError } from './platform/lock.js';
import { openRuntime } from './platform/runtime.js';
import { seedDemoIfEmpty } from './demo/seed.js';
import { createJobWorker, type JobWorker } from './platform/jobs/jobs.js';
import { installDiagnostics } from './platform/diagnostics.js';
import { prechargerTerritoires } from './territoires/territoires.js';
import { demarrerRepliage, type Replieur } from './statistiques/repliage.js';

async function main(): Promise<void> {
  const t0 = performance.now();
  const rt = await openRuntime('serveur');
  const { config, database, logger } = rt;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let worker: JobWorker | undefined = undefined;
  let replieur: Replieur | undefined = undefined;

  // Installed before anything long (demo seed, listen): a signal at any point closes the database.
  let stopping = false;
  const stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      // Stop accepting requests and claiming jobs at once. Jobs in progress get a few seconds: one
      // still running after that is left to its lease and retried by another (or the next) instance.
      const jobsDone = worker?.stop() ?? Promise.resolve();
      await app?.close(); // waits for in-flight requests
      await replieur?.stop();
      const finished = await Promise.race([jobsDone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
      if (!finished) logger.warn('jobs still running at shutdown: left to be retried');
      await rt.shutdown();
      logger.info('stopped');
      process.exit(code);
    } catch (e) {
      logger.error({ err: e }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  try {
    if (config.demo && (await seedDemoIfEmpty(database.db))) logger.info('demo data seeded (Moselle)');
    app = await buildApp({ config, database, logger });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    logger.error({ err: e }, 'start failed');
    await stop('start failed', 1);
    return;
  }
  // Background jobs (mails, retention, purges): claimed from the database, so several instances share them.
  worker = createJobWorker({ database, registry: app.jobs, log: logger.child({ component: 'jobs' }) });
  worker.start();
  // The statistics' territory journal, folded every few seconds (src/statistiques/repliage.ts).
  replieur = demarrerRepliage(database.db, logger.child({ component: 'statistiques' }));
  // The communes and their search index (≈ 0.6 s), built now in slices rather than on the first person's search.
  prechargerTerritoires().catch((e: unknown) => logger.error({ err: e }, 'communes preload failed'));
  if (installDiagnostics()) logger.info('memory diagnostics on the IPC channel (soak benchmark)');
  logger.info(
    { url: `http://localhost:${config.port}`, db: database.kind, demo: config.demo, startMs: Math.round(performance.now() - t0) },
    'conseiller-numerique ready',
  );
}

main().catch((e: unknown) => {
  if (e instanceof LockError || e instanceof ConfigError) {
    console.error(`\n${e.message}\n`);
  } else {
    console.error(e);
  }
  process.exit(1);
});
