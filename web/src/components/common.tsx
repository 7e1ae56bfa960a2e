/**
 * Small shared pieces of the studio: the error box, the job progress bar, and the picker that
 * chooses a stored upload or uploads a new file.
 */
import { useEffect, useState } from 'react';
import { describeError, listUploads, uploadFile, type Job, type Upload } from '../api';
import { useT } from '../i18n';

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useT();
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {t('error')}: {describeError(error)}
    </p>
  );
}

export function JobProgress({ job }: { job: Job | undefined }) {
  const { t } = useT();
  if (!job) return null;
  const pct = Math.round(100 * (job.state === 'done' ? 1 : job.progress));
  return (
    <div className="job-progress" data-state={job.state}>
      <progress value={pct} max={100} aria-label={t('progress')} />
      <span>
        {t(job.state)} {job.state === 'running' ? `${pct}% · ${job.stage}` : ''}
      </span>
      {job.state === 'failed' && (
        <p className="error" role="alert">
          {job.errorMessage} ({job.errorCode})
        </p>
      )}
    </div>
  );
}

/** Chooses an upload of one kind, or uploads a new file (which is then chosen). */
export function UploadPicker(props: {
  kind: 'audio' | 'score' | 'project';
  label: string;
  value: string;
  onChange: (id: string) => void;
  allowNone?: boolean;
  testId?: string;
}) {
  const { t } = useT();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const refresh = () =>
    listUploads()
      .then((list) => setUploads(list.filter((u) => u.kind === props.kind)))
      .catch(setError);
  useEffect(() => {
    void refresh();
  }, []);
  return (
    <div className="picker">
      <label>
        {props.label}
        <select
          value={props.value}
          data-testid={props.testId}
          onChange={(e) => props.onChange(e.target.value)}
        >
          {(props.allowNone || !props.value) && <option value="">{t('none')}</option>}
          {uploads.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.format}
              {u.seconds ? `, ${u.seconds.toFixed(1)} s` : ''})
            </option>
          ))}
        </select>
      </label>
      <label className="file">
        {busy ? t('uploading') : t('chooseFile')}
        <input
          type="file"
          data-testid={props.testId ? `${props.testId}-file` : undefined}
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            setBusy(true);
            setError(undefined);
            try {
              const u = await uploadFile(file);
              await refresh();
              props.onChange(u.id);
            } catch (err) {
              setError(err);
            } finally {
              setBusy(false);
              e.target.value = '';
            }
          }}
        />
      </label>
      <ErrorBox error={error} />
    </div>
  );
}

/** Picks the first upload whose name matches, once the list is known (demo defaults). */
export function useDefaultUpload(name: RegExp, set: (id: string) => void, current: string) {
  useEffect(() => {
    if (current) return;
    listUploads()
      .then((list) => {
        const u = list.find((x) => name.test(x.name));
        if (u) set(u.id);
      })
      .catch(() => undefined);
  }, []);
}

export function Download({ href, name, label }: { href: string; name: string; label: string }) {
  return (
    <a className="download" href={href} download={name}>
      {label}
    </a>
  );
}
