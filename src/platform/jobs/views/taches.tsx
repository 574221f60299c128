import { Layout, type PageContext } from '../../views/layout.js';
import { Csrf, formatDateTime, formatNumber } from '../../views/components.js';
import { JOB_STATUS_LABELS, type JobRegistry, type JobRow, type JobStatus, type ScheduleView } from '../jobs.js';

const EVERY_LABELS = { daily: 'chaque jour', hourly: 'chaque heure' } as const;

function JobTable(p: { caption: string; rows: JobRow[]; registry: JobRegistry; csrf: string; retry?: boolean }) {
  if (p.rows.length === 0) return <p>Aucune tâche.</p>;
  return (
    <div class="fr-table fr-table--no-caption">
      <table>
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">N°</th>
            <th scope="col">Tâche</th>
            <th scope="col">Prévue le</th>
            <th scope="col">Essais</th>
            <th scope="col">Dernière erreur</th>
            {p.retry ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((j) => (
            <tr>
              <td>{j.id}</td>
              <td>{p.registry.label(j.kind)}</td>
              <td>{formatDateTime(j.runAt)}</td>
              <td>
                {j.attempts} sur {j.maxAttempts}
              </td>
              <td class="cn-pre">{j.lastError ?? '—'}</td>
              {p.retry ? (
                <td>
                  <form method="post" action={`/admin/taches/${j.id}/relancer`}>
                    <Csrf token={p.csrf} />
                    <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit" title={`Relancer la tâche n° ${j.id}`}>
                      Relancer
                    </button>
                  </form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TachesPage(p: {
  ctx: PageContext;
  registry: JobRegistry;
  counts: Record<JobStatus, number>;
  lists: Record<'en_attente' | 'en_cours' | 'echec', JobRow[]>;
  schedules: ScheduleView[];
}) {
  return (
    <Layout ctx={p.ctx} title="Tâches de fond" wide>
      <h1>Tâches de fond</h1>
      <p>
        Les envois de courriels, purges et rappels s'exécutent ici, hors des pages, sur n'importe quelle instance du serveur.
        Une tâche qui échoue est relancée plus tard (30 s, puis 1 min, 2 min…) ; après son dernier essai, elle reste en échec
        avec son erreur jusqu'à ce que vous la relanciez.
      </p>
      <ul class="fr-tags-group">
        {(Object.keys(JOB_STATUS_LABELS) as JobStatus[]).map((s) => (
          <li>
            <p class="fr-tag">
              {JOB_STATUS_LABELS[s]} : {formatNumber(p.counts[s])}
            </p>
          </li>
        ))}
      </ul>
      <h2>En échec</h2>
      <JobTable caption="Tâches en échec" rows={p.lists.echec} registry={p.registry} csrf={p.ctx.csrf} retry />
      <h2>En cours</h2>
      <JobTable caption="Tâches en cours" rows={p.lists.en_cours} registry={p.registry} csrf={p.ctx.csrf} />
      <h2>En attente</h2>
      <JobTable caption="Tâches en attente" rows={p.lists.en_attente} registry={p.registry} csrf={p.ctx.csrf} />
      <h2>Planifications</h2>
      <div class="fr-table fr-table--no-caption">
        <table>
          <caption>Tâches planifiées</caption>
          <thead>
            <tr>
              <th scope="col">Planification</th>
              <th scope="col">Fréquence (heure de Paris)</th>
              <th scope="col">Prochaine exécution</th>
              <th scope="col">Dernière exécution</th>
            </tr>
          </thead>
          <tbody>
            {p.schedules.map((s) => (
              <tr>
                <td>{s.label}</td>
                <td>
                  {EVERY_LABELS[s.every]}, {s.every === 'daily' ? `à ${s.at.replace(':', ' h ')}` : `à la minute ${s.at.slice(-2)}`}
                </td>
                <td>{formatDateTime(s.next)}</td>
                <td>{s.last ? `${formatDateTime(s.last.runAt)} · ${JOB_STATUS_LABELS[s.last.status as JobStatus] ?? s.last.status}` : 'jamais'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
