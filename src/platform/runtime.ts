import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db.js';
import { acquireDataDirLock } from './lock.js';
import { migrate } from './migrate.js';
import { loadCentres } from '../territoires/centres.js';

export interface Runtime {
  config: Config;
  database: Database;
  logger: Logger;
  /** Closes the database and releases the embedded database lock. */
  shutdown(): Promise<void>;
}

/** Opens what the server and the CLI share: configuration, the lock, the migrated database, reference data. */
export async function openRuntime(what: string, opts: { logger?: Logger } = {}): Promise<Runtime> {
  const config = loadConfig();
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { service: 'conseiller-numerique' } });
  const release = config.databaseUrl ? () => undefined : acquireDataDirLock(config.dataDir, what);
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    const applied = await migrate(database);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const centres = await loadCentres(database.db);
    logger.debug({ centres }, 'commune centres loaded');
  } catch (e) {
    release();
    throw e;
  }
  return {
    config,
    database,
    logger,
    async shutdown() {
      try {
        await database.close();
      } finally {
        release();
      }
    },
  };
}
