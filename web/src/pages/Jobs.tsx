/** Jobs: every job with its state and progress (refreshed each second), cancel and delete. */
import { useEffect, useState } from 'react';
import { del, getJson, postJson, type Job } from '../api';
import { ErrorBox } from '../components/common';
import { useT } from '../i18n';

export function JobsPage() {
  const { t } = useT();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>();
  const refresh = () =>
    getJson<{ jobs: Job[] }>('/jobs?limit=50')
      .then((j) => {
        setJobs(j.jobs);
        setError(undefined);
      })
      .catch(setError);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 1000);
    return () => clearInterval(timer);
  }, []);
  const act = (p: Promise<unknown>) => p.then(refresh).catch(setError);
  return (
    <section className="jobs" data-testid="jobs">
      <ErrorBox error={error} />
      {jobs.length === 0 ? (
        <p>{t('noJobs')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('kind')}</th>
              <th>{t('state')}</th>
              <th>{t('progress')}</th>
              <th>{t('created')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-state={j.state}>
                <td>{j.kind}</td>
                <td>
                  {t(j.state)}
                  {j.errorMessage && <div className="error">{j.errorMessage}</div>}
                </td>
                <td>
                  <progress
                    max={100}
                    value={Math.round(100 * (j.state === 'done' ? 1 : j.progress))}
                  />{' '}
                  {j.state === 'running' ? j.stage : ''}
                </td>
                <td>{new Date(j.createdAt).toLocaleString()}</td>
                <td>
                  {(j.state === 'queued' || j.state === 'running') && (
                    <button
                      className="secondary"
                      onClick={() => act(postJson(`/jobs/${j.id}/cancel`, {}))}
                    >
                      {t('cancel')}
                    </button>
                  )}
                  <button className="secondary" onClick={() => act(del(`/jobs/${j.id}`))}>
                    {t('delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
