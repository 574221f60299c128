import type { Notifier } from '../../notifications/notifications.js';
import type { Database } from '../db.js';
import type { JobRegistry } from './jobs.js';

/** The platform's notification: a job that failed for good tells the national administrators. */
export function registerJobsNotifications(notifier: Notifier, registry: JobRegistry, database: Database): void {
  notifier.define<{ id: number; tache: string; erreur: string }>({
    kind: 'taches.echec',
    label: 'Une tâche de fond a échoué après tous ses essais (administrateurs)',
    emailByDefault: true,
    render: (d) => ({
      title: `Tâche en échec : ${d.tache}`,
      body: `La tâche n° ${d.id} (${d.tache}) a échoué après tous ses essais.\n\nDernière erreur : ${d.erreur}\n\nVous pouvez la relancer depuis la page des tâches.`,
      link: '/admin/taches',
    }),
  });
  registry.onFailed(async (id, kind, error) => {
    if (kind === 'notifications.courriel') return; // no mail about a mail that cannot leave
    await notifier.notify(database.db, { role: 'admin' }, 'taches.echec', { id, tache: registry.label(kind), erreur: error.slice(0, 500) });
  });
}
