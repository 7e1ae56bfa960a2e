/**
 * Mix: stems (uploads) as objects with roles, a listener profile, the lexicon's words for the
 * lead in either language; the render runs as a job. Then A/B: the stems simply summed against
 * the mix for the profile, switched at the same moment, with a live momentary-loudness meter
 * (our BS.1770 meter over the decoded audio) and the report.
 */
import { useEffect, useRef, useState } from 'react';
import { getBlob, getJson, listUploads, runJob, type Job } from '../api';
import { ErrorBox, JobProgress, UploadPicker, useDefaultUpload } from '../components/common';
import { channelsOf, decodeAudio } from '../components/Waveform';
import { at, momentarySeries } from '../components/meter';
import { pick, useT } from '../i18n';

interface Stem {
  upload: string;
  role: string;
}
interface Profile {
  id: string;
  name: { en: string; zh: string };
}
interface Word {
  id: string;
  en: string[];
  zh: string[];
}
interface Track {
  buffer: AudioBuffer;
  loudness: Float32Array;
}

export function MixPage() {
  const { t, lang } = useT();
  const [stems, setStems] = useState<Stem[]>([
    { upload: '', role: 'chinese-instrument' },
    { upload: '', role: 'strings' },
  ]);
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [profile, setProfile] = useState('earbuds');
  const [words, setWords] = useState<Word[]>([]);
  const [roles, setRoles] = useState<string[]>([]);
  const [chosenWords, setChosenWords] = useState<string[]>([]);
  const [project, setProject] = useState('');
  const [fileMap, setFileMap] = useState<Record<string, string>>({});
  const [job, setJob] = useState<Job>();
  const [tracks, setTracks] = useState<{ a: Track; b: Track }>();
  const [side, setSide] = useState<'a' | 'b'>('b');
  const [mixUrl, setMixUrl] = useState<string>();
  const [now, setNow] = useState(0);
  const [error, setError] = useState<unknown>();
  const audio = useRef<
    | {
        ctx: AudioContext;
        gains: { a: GainNode; b: GainNode };
        started: number;
        sources: AudioBufferSourceNode[];
      }
    | undefined
  >(undefined);
  useDefaultUpload(
    /erhu-performance/,
    (id) => setStems((s) => [{ ...s[0]!, upload: id }, ...s.slice(1)]),
    '',
  );
  useDefaultUpload(
    /jasmine-flower/,
    (id) => setStems((s) => [s[0]!, { ...s[1]!, upload: id }, ...s.slice(2)]),
    '',
  );
  useEffect(() => {
    getJson<{ profiles: Profile[] }>('/mix/profiles')
      .then((p) => setProfiles(p.profiles))
      .catch(setError);
    getJson<{ roles: string[] }>('/mix/roles')
      .then((r) => setRoles(r.roles))
      .catch(setError);
    getJson<{ descriptors: Word[] }>('/mix/words')
      .then((l) => setWords(l.descriptors))
      .catch(setError);
  }, []);
  useEffect(() => {
    let frame = 0;
    const tick = () => {
      const a = audio.current;
      if (a) setNow(a.ctx.currentTime - a.started);
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, []);
  // A chosen project: list its files, each matched to an upload of the same name where one exists.
  useEffect(() => {
    if (!project) return;
    (async () => {
      const json = JSON.parse(await (await getBlob(`/uploads/${project}/content`)).text()) as {
        objects: { file: string; mute?: boolean }[];
      };
      const uploads = await listUploads();
      const map: Record<string, string> = {};
      for (const o of json.objects.filter((x) => !x.mute)) {
        const base = o.file.split('/').pop();
        map[o.file] = uploads.find((u) => u.kind === 'audio' && u.name === base)?.id ?? '';
      }
      setFileMap(map);
    })().catch(setError);
  }, [project]);
  const render = async () => {
    setError(undefined);
    setTracks(undefined);
    try {
      const used = project
        ? Object.values(fileMap).map((upload) => ({ upload, role: 'other' }))
        : stems.filter((s) => s.upload);
      const lead = used.findIndex((s) =>
        ['lead-vocal', 'chinese-instrument', 'dialogue'].includes(s.role),
      );
      const done = await runJob(
        'mix',
        project
          ? { project, files: fileMap, profile }
          : {
              stems: used.map((s, i) => ({
                upload: s.upload,
                id: `stem${i + 1}`,
                role: s.role,
                ...(i === lead && { importance: 3 }),
                ...(i === lead && chosenWords.length && { descriptors: chosenWords }),
              })),
              profile,
            },
        setJob,
      );
      if (done.state !== 'done') return;
      // A: the stems summed as they are; B: the mix.
      const decoded = await Promise.all(
        used.map(async (s) => decodeAudio(await getBlob(`/uploads/${s.upload}/content`))),
      );
      const mixBlob = await getBlob(`/jobs/${done.id}/files/mix.wav`);
      setMixUrl(URL.createObjectURL(mixBlob));
      const mixBuffer = await decodeAudio(mixBlob);
      // Every decoded buffer is at 44.1 kHz, so the stems add sample by sample.
      const sum = new AudioBuffer({
        numberOfChannels: 2,
        length: Math.max(...decoded.map((d) => d.length)),
        sampleRate: mixBuffer.sampleRate,
      });
      for (const d of decoded)
        for (let c = 0; c < 2; c++) {
          const src = d.getChannelData(Math.min(c, d.numberOfChannels - 1));
          const dst = sum.getChannelData(c);
          for (let i = 0; i < src.length; i++) dst[i]! += src[i]!;
        }
      setTracks({
        a: { buffer: sum, loudness: momentarySeries(channelsOf(sum), sum.sampleRate) },
        b: {
          buffer: mixBuffer,
          loudness: momentarySeries(channelsOf(mixBuffer), mixBuffer.sampleRate),
        },
      });
    } catch (e) {
      setError(e);
    }
  };
  const play = () => {
    stop();
    if (!tracks) return;
    const ctx = new AudioContext();
    const gains = { a: ctx.createGain(), b: ctx.createGain() };
    const sources = (['a', 'b'] as const).map((k) => {
      const s = ctx.createBufferSource();
      s.buffer = tracks[k].buffer;
      gains[k].gain.value = side === k ? 1 : 0;
      s.connect(gains[k]).connect(ctx.destination);
      return s;
    });
    const started = ctx.currentTime + 0.05;
    sources.forEach((s) => s.start(started));
    audio.current = { ctx, gains, started, sources };
  };
  const stop = () => {
    const a = audio.current;
    if (!a) return;
    a.sources.forEach((s) => s.stop());
    void a.ctx.close();
    audio.current = undefined;
    setNow(0);
  };
  const choose = (k: 'a' | 'b') => {
    setSide(k);
    const a = audio.current;
    if (a) {
      a.gains.a.gain.value = k === 'a' ? 1 : 0;
      a.gains.b.gain.value = k === 'b' ? 1 : 0;
    }
  };
  const level = tracks && audio.current ? at(tracks[side].loudness, now) : undefined;
  const report = (job?.result?.summary ?? undefined) as
    | {
        master: { integratedLufs: number; truePeakDbtp: number; targetLufs: number };
        leadVocal: { measuredLu: number | null; targetLu: number };
        warnings: string[];
      }
    | undefined;
  return (
    <section className="mix">
      <h3>{t('stems')}</h3>
      {stems.map((s, i) => (
        <div className="row" key={i}>
          <UploadPicker
            kind="audio"
            label={`${i + 1}.`}
            value={s.upload}
            onChange={(id) => setStems(stems.map((x, j) => (j === i ? { ...x, upload: id } : x)))}
          />
          <label>
            {t('role')}
            <select
              value={s.role}
              onChange={(e) =>
                setStems(stems.map((x, j) => (j === i ? { ...x, role: e.target.value } : x)))
              }
            >
              {roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <button className="secondary" onClick={() => setStems(stems.filter((_, j) => j !== i))}>
            {t('remove')}
          </button>
        </div>
      ))}
      <button
        className="secondary"
        onClick={() => setStems([...stems, { upload: '', role: 'keys' }])}
      >
        {t('addStem')}
      </button>
      <div className="row">
        <UploadPicker
          kind="project"
          label={t('orProject')}
          value={project}
          onChange={setProject}
          allowNone
          testId="mix-project"
        />
      </div>
      {project && (
        <div className="project-files">
          <h4>{t('projectFiles')}</h4>
          {Object.keys(fileMap).map((file) => (
            <UploadPicker
              key={file}
              kind="audio"
              label={file}
              value={fileMap[file]!}
              onChange={(id) => setFileMap({ ...fileMap, [file]: id })}
            />
          ))}
        </div>
      )}
      <div className="row">
        <label>
          {t('profile')}
          <select
            value={profile}
            onChange={(e) => setProfile(e.target.value)}
            data-testid="mix-profile"
          >
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {pick(p.name, lang)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <h3>{t('leadWords')}</h3>
      <div className="words">
        {words.map((w) => {
          const word = lang === 'zh' ? w.zh[0]! : w.en[0]!;
          const on = chosenWords.includes(word);
          return (
            <button
              key={w.id}
              className={on ? 'word on' : 'word'}
              onClick={() =>
                setChosenWords(on ? chosenWords.filter((x) => x !== word) : [...chosenWords, word])
              }
            >
              {word}
            </button>
          );
        })}
      </div>
      <button
        onClick={() => void render()}
        disabled={project ? Object.values(fileMap).some((id) => !id) : !stems.some((s) => s.upload)}
        data-testid="mix-go"
      >
        {t('render')}
      </button>
      <JobProgress job={job} />
      <ErrorBox error={error} />
      {tracks && (
        <div className="ab" data-testid="mix-ab">
          <div className="row">
            <button onClick={play}>▶</button>
            <button onClick={stop}>■</button>
            <label>
              <input type="radio" checked={side === 'a'} onChange={() => choose('a')} />{' '}
              {t('original')}
            </label>
            <label>
              <input type="radio" checked={side === 'b'} onChange={() => choose('b')} />{' '}
              {t('processed')}
            </label>
          </div>
          <div className="meter" data-testid="loudness-meter">
            {t('loudness')} ({t('momentary')}):{' '}
            <strong>
              {level !== undefined && Number.isFinite(level) ? `${level.toFixed(1)} LUFS` : '—'}
            </strong>
            <meter
              min={-50}
              max={0}
              value={level !== undefined && Number.isFinite(level) ? level : -50}
            />
          </div>
          {report && (
            <p>
              {t('integrated')}: {report.master.integratedLufs.toFixed(1)} LUFS (
              {report.master.targetLufs}) · {t('truePeak')} {report.master.truePeakDbtp.toFixed(2)}{' '}
              dBTP
              {report.leadVocal.measuredLu !== null &&
                ` · ${t('leadLevel')} ${report.leadVocal.measuredLu.toFixed(1)} LU (${report.leadVocal.targetLu})`}
            </p>
          )}
          {mixUrl && (
            <a href={mixUrl} download="mix.wav">
              {t('download')} mix.wav
            </a>
          )}
        </div>
      )}
    </section>
  );
}
