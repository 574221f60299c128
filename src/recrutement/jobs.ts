/** Recruitment's background work (re-pairing, the daily end of contracts) and its notifications. */
import type { JobRegistry } from '../platform/jobs/jobs.js';
import { parisCalendarDate } from '../platform/paris.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import type { Notifier } from '../notifications/notifications.js';
import type { Appariement } from './matching.js';
import { apparierCandidat } from './matching.js';
import { CANDIDAT_JOB, echeancesDuJour, STRUCTURE_JOB, SYNCHRONISATION_JOB, synchroniserStructure, synchroniserStructures } from './recrutement.js';

export function registerRecrutementJobs(registry: JobRegistry, notifier: Notifier, appariement: Appariement): void {
  registry.define(STRUCTURE_JOB, {
    label: "Mise à jour d'une structure qui recrute et de ses mises en relation",
    handler: async (p, ctx) => synchroniserStructure(ctx.db, appariement, String(p.structureId), parisCalendarDate(ctx.now)),
  });
  registry.define(CANDIDAT_JOB, {
    label: "Mises en relation d'un candidat",
    handler: async (p, ctx) => {
      await ctx.db.transaction((tx) => apparierCandidat(tx, appariement, String(p.candidatId), parisCalendarDate(ctx.now)));
    },
  });
  registry.define(SYNCHRONISATION_JOB, {
    label: 'Rapprochement des structures qui recrutent avec les décisions du programme',
    handler: async (_p, ctx) => {
      await synchroniserStructures(ctx.db, appariement, parisCalendarDate(ctx.now));
    },
  });
  registry.schedule({ name: 'recrutement-synchronisation', label: 'Rapprochement des structures qui recrutent', kind: SYNCHRONISATION_JOB, every: 'hourly', at: '07' });
  registry.define('recrutement.echeances', {
    label: 'Contrats arrivés à leur terme, ruptures effectives, fins de contrat dans 30 jours',
    handler: async (_p, ctx) => {
      await echeancesDuJour(ctx.db, SYSTEM_ACTOR, notifier, appariement, parisCalendarDate(ctx.now));
    },
  });
  registry.schedule({ name: 'recrutement-echeances', label: 'Échéances des contrats', kind: 'recrutement.echeances', every: 'daily', at: '02:30' });
}

export function registerRecrutementNotifications(notifier: Notifier): void {
  notifier.define<{ n: number }>({
    kind: 'recrutement.apparie',
    label: 'Des structures correspondent à votre candidature (candidats)',
    emailByDefault: true,
    render: (d) => ({
      title: `${d.n} structure${d.n > 1 ? 's' : ''} correspond${d.n > 1 ? 'ent' : ''} à votre candidature`,
      body: `${d.n} structure${d.n > 1 ? 's' : ''} d'accueil dans votre rayon de déplacement recrute${d.n > 1 ? 'nt' : ''} des conseillers numériques. Elles peuvent maintenant voir votre profil (sans vos coordonnées) et vous présélectionner.`,
      link: '/candidature/profil',
    }),
  });
  notifier.define<{ structure: string }>({
    kind: 'recrutement.interessee',
    label: 'Une structure vous a présélectionné (candidats)',
    emailByDefault: true,
    render: (d) => ({ title: `${d.structure} vous a présélectionné`, body: `${d.structure} s'intéresse à votre candidature et a désormais accès à vos coordonnées et à votre CV. Elle va vous contacter.`, link: '/candidature/profil' }),
  });
  notifier.define<{ structure: string; candidat: string; merId: string }>({
    kind: 'recrutement.contrat_a_valider',
    label: 'Un contrat attend la validation de l’ANCT (administrateurs)',
    emailByDefault: true,
    render: (d) => ({ title: `Contrat à valider : ${d.candidat} ${d.structure ? `chez ${d.structure}` : ''}`.trim(), body: 'Un contrat de conseiller numérique a été saisi et attend votre validation (quota, dates, structure validée).', link: '/admin/recrutements' }),
  });
  notifier.define<{ structure: string; debut: string }>({
    kind: 'recrutement.valide',
    label: 'Votre recrutement est validé (conseillers)',
    emailByDefault: true,
    render: (d) => ({
      title: `Votre recrutement chez ${d.structure} est validé`,
      body: `Bienvenue ! Votre contrat commence le ${d.debut.split('-').reverse().join('/')}. Votre compte est désormais celui d'un conseiller numérique : vous pouvez enregistrer vos activités à partir de cette date.`,
      link: '/tableau-de-bord',
    }),
  });
  notifier.define<{ candidat: string; debut: string; structureId: string }>({
    kind: 'recrutement.valide_structure',
    label: 'Un recrutement de votre structure est validé (structures)',
    emailByDefault: true,
    render: (d) => ({ title: `Recrutement validé : ${d.candidat}`, body: `L'ANCT a validé le recrutement de ${d.candidat} à partir du ${d.debut.split('-').reverse().join('/')}.`, link: '/recrutement' }),
  });
  notifier.define<{ merId: string; date: string; motif: string }>({
    kind: 'recrutement.rupture_a_valider',
    label: 'Une rupture de contrat attend la validation de l’ANCT (administrateurs)',
    emailByDefault: true,
    render: (d) => ({ title: `Rupture à valider au ${d.date.split('-').reverse().join('/')}`, body: `Une structure a déclaré une rupture de contrat (${d.motif.toLowerCase()}).`, link: '/admin/recrutements' }),
  });
  notifier.define<{ date: string; structureId: string }>({
    kind: 'recrutement.rupture_validee',
    label: 'Une rupture de contrat est validée (structures)',
    emailByDefault: true,
    render: (d) => ({ title: 'Rupture de contrat validée', body: `La rupture au ${d.date.split('-').reverse().join('/')} est validée : le poste redevient vacant, vous pouvez recruter de nouveau.`, link: '/recrutement' }),
  });
  notifier.define<{ fin: string; structureId: string }>({
    kind: 'recrutement.fin_contrat',
    label: 'Un contrat arrive à son terme dans 30 jours (structures)',
    emailByDefault: true,
    render: (d) => ({ title: `Un contrat se termine le ${d.fin.split('-').reverse().join('/')}`, body: 'Un contrat de conseiller numérique de votre structure arrive à son terme dans 30 jours : renouvelez-le ou prolongez-le si vous souhaitez le poursuivre.', link: '/recrutement' }),
  });
}
