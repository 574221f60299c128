/**
 * Training's background work: a daily job mails each late conseiller (contract started more than four
 * months ago, initial path incomplete) and their structure's managers — at most once every 30 days per
 * conseiller (formation_relances keeps the days).
 */
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { JobRegistry } from '../platform/jobs/jobs.js';
import type { Mailer } from '../platform/mail.js';
import { parisCalendarDate } from '../platform/paris.js';
import { findUserById, usersWithRoleInStructures } from '../comptes/users.js';
import { conseillerRecrute } from './formation.js';
import { lignesSuivi } from './lecture.js';
import { relances } from './schema.js';
import { addMonths } from './regles.js';

export const RELANCES_JOB = 'formation.relances';
export const RELANCE_JOURS = 30;

const LONG = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateLongue = (d: string) => LONG.format(new Date(`${d}T00:00:00Z`));
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export async function relancerRetards(db: Db, mailer: Mailer, publicUrl: string, today: string): Promise<number> {
  const late = (await lignesSuivi(db, { all: true, departements: [], structureIds: [], coordinateurId: null }, { statut: 'en_retard' }, today));
  let n = 0;
  for (const l of late) {
    const [recente] = await db.select().from(relances).where(and(eq(relances.conseillerId, l.conseillerId), gt(relances.jour, addDays(today, -RELANCE_JOURS))));
    if (recente) continue;
    const inserted = await db.insert(relances).values({ conseillerId: l.conseillerId, jour: today }).onConflictDoNothing().returning();
    if (!inserted.length) continue;
    const u = await findUserById(db, l.conseillerId);
    const c = await conseillerRecrute(db, l.conseillerId);
    const reste = l.heuresRequises === null ? 'Votre positionnement n’est pas encore enregistré.' : `Vous avez réalisé ${l.heuresRealisees} h sur ${l.heuresRequises} h.`;
    const fin = addMonths(l.debutContrat, 4);
    if (u) {
      await mailer.send({
        to: u.email,
        subject: 'Votre formation initiale est en retard',
        text: [`Bonjour ${u.firstName},`, '', `Votre contrat a commencé il y a plus de quatre mois (la formation devait s'achever avant le ${dateLongue(fin)}). ${reste}`, 'Inscrivez-vous aux prochaines sessions :', `${publicUrl}/formation/moi`].join('\n'),
      });
    }
    for (const m of c ? await usersWithRoleInStructures(db, 'structure', c.structureIds) : []) {
      const gestionnaire = await findUserById(db, m.id);
      if (!gestionnaire) continue;
      await mailer.send({
        to: gestionnaire.email,
        subject: `Formation en retard : ${l.nom}`,
        text: [`Bonjour ${gestionnaire.firstName},`, '', `La formation initiale de ${l.nom} (${l.structure}) est en retard : ${l.heuresRequises === null ? 'positionnement à faire' : `${l.heuresRealisees} h sur ${l.heuresRequises} h`}.`, `${publicUrl}/formation/conseillers/${l.conseillerId}`].join('\n'),
      });
    }
    n++;
  }
  return n;
}

export function registerFormationJobs(registry: JobRegistry, mailer: Mailer, publicUrl: string): void {
  registry.define(RELANCES_JOB, {
    label: 'Formation : relance des conseillers en retard et de leur structure (une fois par mois au plus)',
    handler: async (_p, ctx) => {
      const n = await relancerRetards(ctx.db, mailer, publicUrl, parisCalendarDate(ctx.now));
      ctx.log.info({ relances: n }, 'formation : relances envoyées');
    },
  });
  registry.schedule({ name: 'formation-relances', label: 'Formation : relances des retards', kind: RELANCES_JOB, every: 'daily', at: '08:30' });
}
