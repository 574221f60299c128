/** The agreements' background work: a structure's agreements after a change, and every agreement once a day. */
import type { JobRegistry } from '../platform/jobs/jobs.js';
import { parisCalendarDate } from '../platform/paris.js';
import { QUOTIDIEN_JOB, STRUCTURE_JOB, synchroniserStructure, synchroniserTout } from './conventions.js';

export function registerConventionsJobs(registry: JobRegistry): void {
  registry.define(STRUCTURE_JOB, {
    label: "Conventions d'une structure : postes, montants, justifié (après une décision, un avenant ou un contrat)",
    handler: async (p, ctx) => {
      await synchroniserStructure(ctx.db, String(p.structureId), parisCalendarDate(ctx.now));
    },
  });
  registry.define(QUOTIDIEN_JOB, {
    label: 'Conventions : état des postes, justifié et alertes du jour',
    handler: async (_p, ctx) => {
      await synchroniserTout(ctx.db, parisCalendarDate(ctx.now));
    },
  });
  registry.schedule({ name: 'conventions-quotidien', label: 'Conventions : calcul du jour', kind: QUOTIDIEN_JOB, every: 'daily', at: '03:10' });
}
