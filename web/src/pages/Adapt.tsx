/**
 * Adapt: a melody (pasted as text, a stored upload or a new file) made idiomatic for an
 * instrument or the best fit: the fit report and advice in the current language, the adapted
 * score on a staff (OpenSheetMusicDisplay) and in jianpu, an audio preview, and downloads.
 */
import { useEffect, useRef, useState } from 'react';
import { getBlob, getJson, postForBlob, postJson, runJob, type Job } from '../api';
import { ErrorBox, JobProgress, UploadPicker, useDefaultUpload } from '../components/common';
import { pick, useT } from '../i18n';

interface Adaptation {
  instrument: { id: string; names: { zh: string; pinyin: string; en: string } };
  facts: { mode: { name: { en: string; zh: string }; confidence: number }; notes: number };
  fit: { suitability: number; transposition: number };
  ranking: { id: string; names: { zh: string; en: string }; suitability: number }[];
  advice: { en: string; zh: string }[];
  ornaments: number;
  musicxml: string;
  jianpu: { svg: string; text: string };
}

const FILES = [
  ['musicxml', 'musicxml'],
  ['midi', 'mid'],
  ['wav', 'wav'],
  ['jianpu-svg', 'svg'],
] as const;

export function AdaptPage() {
  const { t, lang } = useT();
  const [text, setText] = useState('');
  const [upload, setUpload] = useState('');
  const [to, setTo] = useState('auto');
  const [pentatonic, setPentatonic] = useState(false);
  const [ornaments, setOrnaments] = useState(0.4);
  const [instruments, setInstruments] = useState<
    { id: string; names: { zh: string; en: string }; pitched: boolean }[]
  >([]);
  const [result, setResult] = useState<Adaptation>();
  const [audio, setAudio] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [recording, setRecording] = useState('');
  const [transcription, setTranscription] = useState<Job>();
  const [error, setError] = useState<unknown>();
  const staff = useRef<HTMLDivElement>(null);
  useDefaultUpload(/greensleeves/i, setUpload, upload);
  useEffect(() => {
    getJson<{ instruments: typeof instruments }>('/atlas/instruments?tradition=chinese')
      .then((l) => setInstruments(l.instruments.filter((i) => i.pitched)))
      .catch(setError);
  }, []);
  // The demo melody's text fills the box, so there is something to adapt at once.
  useEffect(() => {
    if (!upload || text) return;
    getBlob(`/uploads/${upload}/content`)
      .then((b) => b.text())
      .then((s) => setText(s.length < 100_000 ? s : ''))
      .catch(() => undefined);
  }, [upload]);
  const request = () => ({
    ...(text.trim() ? { score: text } : { upload }),
    to,
    pentatonic,
    ornaments,
  });
  // A recording: its melody is transcribed by a job, then stands in the box as MusicXML.
  const transcribe = async () => {
    setError(undefined);
    try {
      const job = await runJob('melody', { upload: recording }, setTranscription);
      if (job.state !== 'done') return;
      setText(await (await getBlob(`/jobs/${job.id}/files/melody.musicxml`)).text());
      setUpload('');
    } catch (e) {
      setError(e);
    }
  };
  const adapt = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const a = await postJson<Adaptation>('/adapt', request());
      setResult(a);
      setAudio(URL.createObjectURL(await postForBlob('/adapt', { ...request(), format: 'wav' })));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (!result || !staff.current) return;
    staff.current.innerHTML = '';
    const target = staff.current;
    // The engraver is large: it loads with the first adaptation, not with the studio.
    import('opensheetmusicdisplay')
      .then(async ({ OpenSheetMusicDisplay }) => {
        const osmd = new OpenSheetMusicDisplay(target, {
          autoResize: false,
          backend: 'svg',
          drawTitle: true,
        });
        await osmd.load(result.musicxml);
        osmd.render();
      })
      .catch(setError);
  }, [result]);
  const download = async (format: string, ext: string) => {
    try {
      const blob = await postForBlob('/adapt', { ...request(), format });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `adapted-${result?.instrument.id ?? 'melody'}.${ext}`;
      a.click();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="adapt">
      <label className="block">
        {t('melody')}
        <textarea
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={8}
          data-testid="adapt-text"
        />
      </label>
      <UploadPicker
        kind="score"
        label={t('chooseFile')}
        value={upload}
        onChange={(id) => {
          setUpload(id);
          setText('');
        }}
        testId="adapt-upload"
      />
      <div className="row">
        <UploadPicker
          kind="audio"
          label={t('fromRecording')}
          value={recording}
          onChange={setRecording}
          allowNone
          testId="adapt-recording"
        />
        <button
          className="secondary"
          onClick={() => void transcribe()}
          disabled={!recording}
          data-testid="adapt-transcribe"
        >
          {t('transcribe')}
        </button>
      </div>
      <JobProgress job={transcription} />
      <div className="row">
        <label>
          {t('instrument')}
          <select value={to} onChange={(e) => setTo(e.target.value)} data-testid="adapt-to">
            <option value="auto">{t('bestFit')}</option>
            {instruments.map((i) => (
              <option key={i.id} value={i.id}>
                {i.names.zh} {i.names.en}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={pentatonic}
            onChange={(e) => setPentatonic(e.target.checked)}
          />{' '}
          {t('pentatonic')}
        </label>
        <label>
          {t('ornaments')} {Math.round(ornaments * 100)}%
          <input
            type="range"
            min={0}
            max={1}
            step={0.1}
            value={ornaments}
            onChange={(e) => setOrnaments(Number(e.target.value))}
          />
        </label>
        <button
          onClick={() => void adapt()}
          disabled={busy || (!text.trim() && !upload)}
          data-testid="adapt-go"
        >
          {t('adapt')}
        </button>
      </div>
      <ErrorBox error={error} />
      {result && (
        <div className="adapt-result" data-testid="adapt-result">
          <h2>
            {result.instrument.names.zh} {result.instrument.names.en}
          </h2>
          <p>
            {pick(result.facts.mode.name, lang)} · {t('suitability')}{' '}
            {(100 * result.fit.suitability).toFixed(0)}% · {t('transposition')}{' '}
            {result.fit.transposition} {t('semitones')}
          </p>
          <h3>{t('advice')}</h3>
          <ul>
            {result.advice.map((a, i) => (
              <li key={i}>{pick(a, lang)}</li>
            ))}
          </ul>
          <h3>{t('staff')}</h3>
          <div ref={staff} className="staff" data-testid="staff" />
          <h3>{t('jianpu')}</h3>
          <img
            className="jianpu"
            alt={t('jianpu')}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(result.jianpu.svg)}`}
            data-testid="jianpu"
          />
          <h3>{t('audio')}</h3>
          {audio && <audio controls src={audio} />}
          <p>
            {FILES.map(([format, ext]) => (
              <button key={format} className="secondary" onClick={() => void download(format, ext)}>
                {t('download')} .{ext}
              </button>
            ))}
          </p>
        </div>
      )}
    </section>
  );
}
