import type { JobRegistry } from '../jobs/jobs.js';
import type { FileStorage } from './storage.js';
import { purgeExpiredFiles } from './files.js';

/** Files past their retention date (`expire_le`) are removed once a day, across instances. */
export function registerUploadsJobs(registry: JobRegistry, storage: FileStorage): void {
  registry.define('fichiers.purge', {
    label: 'Suppression des fichiers arrivés à leur date de conservation',
    handler: async (_p, ctx) => {
      const n = await purgeExpiredFiles(ctx.db, storage, ctx.now);
      ctx.log.info({ purged: n }, 'expired files purged');
    },
  });
  registry.schedule({ name: 'fichiers-purge', label: 'Suppression des fichiers expirés', kind: 'fichiers.purge', every: 'daily', at: '03:45' });
}
