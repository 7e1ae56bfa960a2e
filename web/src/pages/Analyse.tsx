/**
 * Analyse: a recording's performance analysis as a job: the waveform and the pitch contour with
 * its notes, vibrato, slides and ornaments marked, played with a cursor in step with the audio;
 * optionally a second recording's contour drawn over it for comparison.
 */
import { useEffect, useRef, useState } from 'react';
import { getBlob, runJob, type Job } from '../api';
import { ErrorBox, JobProgress, UploadPicker, useDefaultUpload } from '../components/common';
import { PitchPlot, type AnalysisJson } from '../components/PitchPlot';
import { decodeAudio, mono, Waveform } from '../components/Waveform';
import { pick, useT, type Key } from '../i18n';

interface Comparison {
  pairs: {
    distributions: { measure: Key; cliffsDelta: number; magnitude: Key; p: number }[];
    proportions: { measure: Key; cohensH: number; magnitude: Key }[];
    summary: string[];
    summaryZh: string[];
  }[];
}

/** The pair's effect sizes (second recording against the first), labelled in either language. */
function ComparisonTable({ c }: { c: Comparison }) {
  const { t, lang } = useT();
  const pair = c.pairs[0];
  if (!pair) return null;
  return (
    <div data-testid="comparison">
      <h3>{t('comparison')}</h3>
      <table>
        <thead>
          <tr>
            <th>{t('measure')}</th>
            <th>{t('effect')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {pair.distributions.map((d) => (
            <tr key={d.measure}>
              <td>{t(d.measure)}</td>
              <td>
                Cliff δ {Number.isFinite(d.cliffsDelta) ? d.cliffsDelta.toFixed(2) : '—'}
                {Number.isFinite(d.p) ? ` (p = ${d.p.toFixed(3)})` : ''}
              </td>
              <td>{t(d.magnitude)}</td>
            </tr>
          ))}
          {pair.proportions.map((d) => (
            <tr key={d.measure}>
              <td>{t(d.measure)}</td>
              <td>Cohen h {Number.isFinite(d.cohensH) ? d.cohensH.toFixed(2) : '—'}</td>
              <td>{t(d.magnitude)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul>
        {(lang === 'zh' ? pair.summaryZh : pair.summary).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

async function analyse(upload: string, onJob: (j: Job) => void): Promise<AnalysisJson> {
  const job = await runJob('analyse', { upload }, onJob);
  if (job.state !== 'done') throw new Error(job.errorMessage ?? `the analysis ended ${job.state}`);
  return JSON.parse(
    await (await getBlob(`/jobs/${job.id}/files/analysis.json`)).text(),
  ) as AnalysisJson;
}

export function AnalysePage() {
  const { t, lang } = useT();
  const [upload, setUpload] = useState('');
  const [other, setOther] = useState('');
  const [job, setJob] = useState<Job>();
  const [analyses, setAnalyses] = useState<AnalysisJson[]>([]);
  const [comparison, setComparison] = useState<Comparison>();
  const [audioUrl, setAudioUrl] = useState<string>();
  const [samples, setSamples] = useState<Float32Array>();
  const [cursor, setCursor] = useState<number>();
  const [error, setError] = useState<unknown>();
  const player = useRef<HTMLAudioElement>(null);
  useDefaultUpload(/erhu-performance/, setUpload, upload);
  useEffect(() => {
    let frame = 0;
    const tick = () => {
      if (player.current && !player.current.paused) setCursor(player.current.currentTime);
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, []);
  const go = async () => {
    setError(undefined);
    setAnalyses([]);
    try {
      const blob = await getBlob(`/uploads/${upload}/content`);
      setAudioUrl(URL.createObjectURL(blob));
      decodeAudio(blob)
        .then((b) => setSamples(mono(b)))
        .catch(() => setSamples(undefined));
      setComparison(undefined);
      if (!other) {
        setAnalyses([await analyse(upload, setJob)]);
        return;
      }
      // Two recordings: one compare job analyses both and measures their differences.
      const job = await runJob('compare', { uploads: [upload, other] }, setJob);
      if (job.state !== 'done') return;
      const read = async (name: string) =>
        JSON.parse(await (await getBlob(`/jobs/${job.id}/files/${name}`)).text()) as AnalysisJson;
      setAnalyses([await read('analysis-1.json'), await read('analysis-2.json')]);
      setComparison(job.result!.summary as Comparison);
    } catch (e) {
      setError(e);
    }
  };
  const a = analyses[0];
  const counts = new Map<string, { label: { en: string; zh: string }; n: number }>();
  for (const e of a?.events ?? []) {
    const c = counts.get(e.kind) ?? { label: e.label, n: 0 };
    c.n++;
    counts.set(e.kind, c);
  }
  return (
    <section className="analyse">
      <div className="row">
        <UploadPicker
          kind="audio"
          label={t('recording')}
          value={upload}
          onChange={setUpload}
          testId="analyse-upload"
        />
        <UploadPicker
          kind="audio"
          label={t('compareWith')}
          value={other}
          onChange={setOther}
          allowNone
          testId="analyse-other"
        />
        <button onClick={() => void go()} disabled={!upload} data-testid="analyse-go">
          {t('analyse')}
        </button>
      </div>
      <JobProgress job={job} />
      <ErrorBox error={error} />
      {a && (
        <div className="analysis" data-testid="analysis">
          <p>
            {a.durationSeconds.toFixed(1)} s · {a.notes.length} {t('notes')}
          </p>
          <h3>{t('waveform')}</h3>
          <Waveform
            samples={samples}
            duration={a.durationSeconds}
            {...(cursor !== undefined && { cursor })}
          />
          {audioUrl && (
            <audio
              ref={player}
              controls
              src={audioUrl}
              onSeeked={(e) => setCursor(e.currentTarget.currentTime)}
            />
          )}
          <h3>{t('pitchContour')}</h3>
          <PitchPlot analyses={analyses} {...(cursor !== undefined && { cursor })} />
          {comparison && <ComparisonTable c={comparison} />}
          <h3>{t('events')}</h3>
          <ul className="events">
            {[...counts.values()].map((c) => (
              <li key={c.label.en}>
                {pick(c.label, lang)}: {c.n}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
