import type { JobRegistry } from '../platform/jobs/jobs.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { anonymiserInactifs, retentionMonths } from './beneficiaires.js';

/** The activities context's background jobs: retention of followed beneficiaries, once a day across instances. */
export function registerActivitesJobs(registry: JobRegistry): void {
  registry.define('beneficiaires.retention', {
    label: 'Anonymisation des bénéficiaires sans activité (durée de conservation)',
    handler: async (_p, ctx) => {
      const months = retentionMonths();
      const n = await anonymiserInactifs(ctx.db, SYSTEM_ACTOR, { now: ctx.now, months });
      ctx.log.info({ anonymised: n, months }, 'beneficiaires retention job');
    },
  });
  registry.schedule({
    name: 'beneficiaires-retention',
    label: 'Anonymisation des bénéficiaires sans activité',
    kind: 'beneficiaires.retention',
    every: 'daily',
    at: '03:30',
  });
}
