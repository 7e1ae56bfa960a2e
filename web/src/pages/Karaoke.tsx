/**
 * Karaoke: a vocal take and a backing track, one button, and the one-click vocal mix (automix)
 * as a job: before and after players, the report's main figures, and the download.
 */
import { useState } from 'react';
import { jobFileUrl, runJob, uploadUrl, type Job } from '../api';
import { ErrorBox, JobProgress, UploadPicker, useDefaultUpload } from '../components/common';
import { useT } from '../i18n';

interface AutomixSummary {
  offset: { seconds: number; confidence: number; applied: boolean; appliedSeconds: number };
  vocal: { bleed: { applied: boolean; quietFramesReductionDb: number } | null };
  mix: {
    master: { integratedLufs: number; truePeakDbtp: number; targetLufs: number };
    leadVocal: { measuredLu: number | null; targetLu: number };
  };
  warnings: string[];
}

export function KaraokePage() {
  const { t } = useT();
  const [vocal, setVocal] = useState('');
  const [backing, setBacking] = useState('');
  const [profile, setProfile] = useState('zh-pop-mobile');
  const [job, setJob] = useState<Job>();
  const [urls, setUrls] = useState<{ before: string; after: string }>();
  const [error, setError] = useState<unknown>();
  useDefaultUpload(/phone-take/, setVocal, vocal);
  useDefaultUpload(/jasmine-flower/, setBacking, backing);
  const go = async () => {
    setError(undefined);
    setUrls(undefined);
    try {
      const done = await runJob('automix', { vocal, backing, profile }, setJob);
      if (done.state === 'done')
        setUrls({ before: await uploadUrl(vocal), after: await jobFileUrl(done, 'mix.wav') });
    } catch (e) {
      setError(e);
    }
  };
  const r = job?.state === 'done' ? (job.result?.summary as AutomixSummary) : undefined;
  return (
    <section className="karaoke">
      <UploadPicker
        kind="audio"
        label={t('vocalTake')}
        value={vocal}
        onChange={setVocal}
        testId="karaoke-vocal"
      />
      <UploadPicker
        kind="audio"
        label={t('backing')}
        value={backing}
        onChange={setBacking}
        testId="karaoke-backing"
      />
      <label>
        {t('profile')}
        <select value={profile} onChange={(e) => setProfile(e.target.value)}>
          {[
            'zh-pop-mobile',
            'uk-pop-hifi',
            'earbuds',
            'phone-speaker',
            'living-room-hifi',
            'car',
            'hearing-support',
          ].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <p>
        <button
          className="big"
          onClick={() => void go()}
          disabled={!vocal || !backing}
          data-testid="karaoke-go"
        >
          {t('mixIt')}
        </button>
      </p>
      <JobProgress job={job} />
      <ErrorBox error={error} />
      {urls && r && (
        <div className="karaoke-result" data-testid="karaoke-result">
          <div className="row">
            <figure>
              <figcaption>{t('before')}</figcaption>
              <audio controls src={urls.before} />
            </figure>
            <figure>
              <figcaption>{t('after')}</figcaption>
              <audio controls src={urls.after} />
            </figure>
          </div>
          <a href={urls.after} download="mix.wav" data-testid="karaoke-download">
            {t('download')} mix.wav
          </a>
          <h3>{t('report')}</h3>
          <table>
            <tbody>
              <tr>
                <th>{t('offset')}</th>
                <td>
                  {(1000 * r.offset.appliedSeconds).toFixed(1)} ms ({t('confidence')}{' '}
                  {r.offset.confidence.toFixed(2)})
                </td>
              </tr>
              {r.vocal.bleed?.applied && (
                <tr>
                  <th>{t('bleed')}</th>
                  <td>{r.vocal.bleed.quietFramesReductionDb.toFixed(1)} dB</td>
                </tr>
              )}
              <tr>
                <th>{t('loudness')}</th>
                <td>
                  {r.mix.master.integratedLufs.toFixed(1)} LUFS ({r.mix.master.targetLufs})
                </td>
              </tr>
              <tr>
                <th>{t('truePeak')}</th>
                <td>{r.mix.master.truePeakDbtp.toFixed(2)} dBTP</td>
              </tr>
              <tr>
                <th>{t('leadLevel')}</th>
                <td>
                  {r.mix.leadVocal.measuredLu?.toFixed(1) ?? '—'} LU ({r.mix.leadVocal.targetLu})
                </td>
              </tr>
              {r.warnings.length > 0 && (
                <tr>
                  <th>{t('warnings')}</th>
                  <td>{r.warnings.join('; ')}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
