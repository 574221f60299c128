import type { JobRegistry } from '../platform/jobs/jobs.js';
import { purgeRateLimits } from '../platform/rate-limit/rate-limit.js';
import { purgeOldAttempts } from './login.js';
import { purgeExpiredSessions } from './sessions.js';

/** Accounts' housekeeping, once an hour across instances: expired sessions, old sign-in attempts, rate-limit counters. */
export function registerComptesJobs(registry: JobRegistry): void {
  registry.define('comptes.nettoyage', {
    label: 'Purge des sessions expirées, des tentatives de connexion et des compteurs anciens',
    handler: async (_p, ctx) => {
      await purgeExpiredSessions(ctx.db);
      await purgeOldAttempts(ctx.db, ctx.now);
      await purgeRateLimits(ctx.db, ctx.now);
    },
  });
  registry.schedule({ name: 'comptes-nettoyage', label: 'Purge des sessions et compteurs anciens', kind: 'comptes.nettoyage', every: 'hourly', at: '17' });
}
