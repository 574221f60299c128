/**
 * The programme's background work and notifications: the mails that follow an application (enqueued
 * in its transaction, so an acknowledged application always gets them) and the notifications of
 * committee and amendment decisions.
 */
import { eq } from 'drizzle-orm';
import type { JobRegistry } from '../platform/jobs/jobs.js';
import type { Mailer } from '../platform/mail.js';
import type { Notifier } from '../notifications/notifications.js';
import { findUserByEmail } from '../comptes/users.js';
import { sendInvitation } from '../comptes/password-links.js';
import { dossiers } from './schema.js';
import { AVIS_COSELEC, type AvisCoselec } from './regles.js';
import { DEPOT_JOB } from './dossiers.js';
import { NOTIFIER_CLOTURE_JOB, notifierCloture } from './coselec.js';

export function registerProgrammeJobs(registry: JobRegistry, mailer: Mailer, notifier: Notifier, publicUrl: string): void {
  registry.define(NOTIFIER_CLOTURE_JOB, {
    label: "Notifications d'un comité de sélection clos (structures, préfectures)",
    handler: async (payload, ctx) => {
      await notifierCloture(ctx.db, notifier, String(payload.coselecId));
    },
  });
  registry.define(DEPOT_JOB, {
    label: "Courriels d'une candidature de structure (accusé de réception, invitation)",
    handler: async (payload, ctx) => {
      const [d] = await ctx.db.select().from(dossiers).where(eq(dossiers.id, String(payload.dossierId)));
      if (!d) return;
      await mailer.send({
        to: d.contactEmail,
        subject: `Candidature n° ${d.numero} reçue — Conseiller numérique`,
        text: [
          `Bonjour ${d.contactPrenom} ${d.contactNom},`,
          '',
          `Nous avons bien reçu la candidature de « ${d.nom} » pour accueillir ${d.postesSouhaites} conseiller${d.postesSouhaites > 1 ? 's' : ''} numérique${d.postesSouhaites > 1 ? 's' : ''}. Son numéro de dossier est ${d.numero}.`,
          '',
          "Prochaine étape : le préfet de votre département donne son avis, puis l'ANCT examine le dossier en comité de sélection. Vous serez prévenu à chaque étape.",
          '',
          payload.invite
            ? 'Vous allez recevoir un second courriel pour choisir votre mot de passe : vous suivrez votre dossier sur la plateforme.'
            : `Suivez votre dossier sur la plateforme : ${publicUrl}/structures/${d.structureId}/dossier`,
        ].join('\n'),
      });
      if (payload.invite) {
        const user = await findUserByEmail(ctx.db, d.contactEmail);
        if (user && !user.passwordHash) await sendInvitation(ctx.db, mailer, publicUrl, user, "L'équipe Conseiller numérique");
      }
    },
  });
}

export function registerProgrammeNotifications(notifier: Notifier): void {
  notifier.define<{ numero: number; nom: string; avis: AvisCoselec; postes: number; coselec: number; structureId: string }>({
    kind: 'programme.decision',
    label: 'La décision du comité de sélection sur votre candidature (structures)',
    emailByDefault: true,
    render: (d) => ({
      title: `Candidature n° ${d.numero} : décision du comité de sélection`,
      body:
        d.avis === 'POSITIF'
          ? `Le comité de sélection n° ${d.coselec} a validé la candidature de « ${d.nom} » : ${d.postes} poste${d.postes > 1 ? 's' : ''} de conseiller numérique accordé${d.postes > 1 ? 's' : ''}.\n\nVous pouvez maintenant recruter dans la limite de ces postes.`
          : `Le comité de sélection n° ${d.coselec} a rendu sa décision sur la candidature de « ${d.nom} » : ${AVIS_COSELEC[d.avis].toLowerCase()}.`,
      link: `/structures/${d.structureId}/dossier`,
    }),
  });
  notifier.define<{ coselec: number; coselecId: string; dossiers: number; positifs: number; postes: number }>({
    kind: 'programme.coselec_prefecture',
    label: 'Les décisions d’un comité de sélection pour votre département (préfectures)',
    emailByDefault: true,
    render: (d) => ({
      title: `Comité de sélection n° ${d.coselec} : décisions pour votre département`,
      body: `Le comité de sélection n° ${d.coselec} a rendu ${d.dossiers} décision${d.dossiers > 1 ? 's' : ''} sur des dossiers de votre département, dont ${d.positifs} positive${d.positifs > 1 ? 's' : ''} pour ${d.postes} poste${d.postes > 1 ? 's' : ''}.`,
      link: '/programme/dossiers',
    }),
  });
  notifier.define<{ numero: number; libelle: string; accorde: boolean; postes: number; structureId: string }>({
    kind: 'programme.avenant',
    label: 'La décision sur une demande d’avenant (structures)',
    emailByDefault: true,
    render: (d) => ({
      title: `Dossier n° ${d.numero} : votre demande d'avenant est ${d.accorde ? 'validée' : 'refusée'}`,
      body: `Votre demande (${d.libelle.toLowerCase()}) est ${d.accorde ? 'validée' : 'refusée'}. Postes en vigueur : ${d.postes}.`,
      link: `/structures/${d.structureId}/dossier`,
    }),
  });
}
