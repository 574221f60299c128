/** The agreements' background work: a structure's agreements after a change, and every agreement once a day. */
import type { JobRegistry } from '../platform/jobs/jobs.js';
import type { Notifier } from '../notifications/notifications.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { formatEuros } from '../platform/money.js';
import { frDate } from './regles.js';
import { parisCalendarDate } from '../platform/paris.js';
import { QUOTIDIEN_JOB, STRUCTURE_JOB, synchroniserStructure, synchroniserTout } from './conventions.js';

export function registerConventionsJobs(registry: JobRegistry, notifier: Notifier): void {
  registry.define(STRUCTURE_JOB, {
    label: "Conventions d'une structure : postes, montants, justifié (après une décision, un avenant ou un contrat)",
    handler: async (p, ctx) => {
      await synchroniserStructure(ctx.db, String(p.structureId), parisCalendarDate(ctx.now), SYSTEM_ACTOR, notifier);
    },
  });
  registry.define(QUOTIDIEN_JOB, {
    label: 'Conventions : état des postes, justifié et alertes du jour',
    handler: async (_p, ctx) => {
      await synchroniserTout(ctx.db, parisCalendarDate(ctx.now), notifier);
    },
  });
  registry.schedule({ name: 'conventions-quotidien', label: 'Conventions : calcul du jour', kind: QUOTIDIEN_JOB, every: 'daily', at: '03:10' });
}

export function registerConventionsNotifications(notifier: Notifier): void {
  notifier.define<{ numero: number; id: string; postes: number }>({
    kind: 'conventions.ouverte',
    label: 'Votre convention de financement est prête à signer (structures)',
    emailByDefault: true,
    render: (d) => ({
      title: `Convention n° ${d.numero} : à relire et signer`,
      body: `Votre convention de financement (${d.postes} poste${d.postes > 1 ? 's' : ''}) est prête. Relisez-la et signez-la dans la plateforme, ou déposez-la contresignée : la Banque des Territoires l'instruit ensuite.`,
      link: `/conventions/${d.id}`,
    }),
  });
  notifier.define<{ numero: number; id: string }>({
    kind: 'conventions.validee',
    label: 'Votre convention est validée par la Banque des Territoires (structures)',
    emailByDefault: true,
    render: (d) => ({ title: `Convention n° ${d.numero} validée`, body: 'La Banque des Territoires a validé votre convention : les versements suivront.', link: `/conventions/${d.id}` }),
  });
  notifier.define<{ numero: number; id: string; montant: number; date: string; verse: number }>({
    kind: 'conventions.versement',
    label: 'Un versement de la Banque des Territoires (structures)',
    emailByDefault: true,
    render: (d) => ({
      title: `Convention n° ${d.numero} : versement de ${formatEuros(d.montant)}`,
      body: `La Banque des Territoires a enregistré un versement de ${formatEuros(d.montant)} le ${frDate(d.date)}. Total versé : ${formatEuros(d.verse)}.`,
      link: `/conventions/${d.id}`,
    }),
  });
  notifier.define<{ numero: number; id: string; messages: string[] }>({
    kind: 'conventions.alerte',
    label: 'Une alerte sur votre convention : poste vacant, fin proche (structures)',
    emailByDefault: true,
    render: (d) => ({ title: `Convention n° ${d.numero} : à surveiller`, body: d.messages.join('\n'), link: `/conventions/${d.id}` }),
  });
}
