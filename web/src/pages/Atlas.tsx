/**
 * Atlas: search the bilingual instrument atlas in any script, and read an instrument's card:
 * names, summary, family, range on a keyboard, tuning, and its playing techniques with their
 * jianpu and staff notation and an audio example where the preview voices can play one.
 */
import { useEffect, useState } from 'react';
import { getBlob, getJson } from '../api';
import { ErrorBox } from '../components/common';
import { Keyboard, midiName } from '../components/Keyboard';
import { pick, useT } from '../i18n';

interface Names {
  zh: string;
  pinyin: string;
  en: string;
  aliases: string[];
}
interface Summary {
  id: string;
  tradition: string;
  names: Names;
  summary: { en: string; zh: string };
  family: { orchestral: string; bayin?: string; hornbostelSachs: { number: string; name: string } };
  pitched: boolean;
  range?: { extended: [number, number]; practical: [number, number] };
}
interface Technique {
  id: string;
  category: string;
  names: { zh: string; pinyin: string; en: string };
  sound: string;
  soundZh: string;
  notation: { jianpu: string; staff: string };
  difficulty: number;
  example: boolean;
}
interface Instrument extends Summary {
  techniques: Technique[];
  tuning: { kind: string; openStrings?: number[] };
}

export function AtlasPage() {
  const { t, lang } = useT();
  const [q, setQ] = useState('');
  const [list, setList] = useState<{
    total: number;
    instruments: Summary[];
    suggestions?: string[];
  }>();
  const [chosen, setChosen] = useState<Instrument>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const timer = setTimeout(() => {
      getJson<typeof list>(`/atlas/instruments?q=${encodeURIComponent(q)}`)
        .then((l) => {
          setList(l);
          setError(undefined);
        })
        .catch(setError);
    }, 150);
    return () => clearTimeout(timer);
  }, [q]);
  const open = (id: string) =>
    getJson<Instrument>(`/atlas/instruments/${id}`).then(setChosen).catch(setError);
  return (
    <section className="atlas">
      <input
        className="search"
        type="search"
        placeholder={t('search')}
        aria-label={t('search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="atlas-search"
      />
      <ErrorBox error={error} />
      <div className="atlas-body">
        <ul className="results" data-testid="atlas-results">
          {list && list.total === 0 && (
            <li>
              {t('noResults')}{' '}
              {list.suggestions?.map((s) => (
                <button key={s} className="link" onClick={() => setQ(s)}>
                  {s}
                </button>
              ))}
            </li>
          )}
          {list?.instruments.map((i) => (
            <li key={i.id}>
              <button
                className={chosen?.id === i.id ? 'link active' : 'link'}
                onClick={() => void open(i.id)}
              >
                <strong>{i.names.zh}</strong> {i.names.pinyin} · {i.names.en}
              </button>
            </li>
          ))}
        </ul>
        {chosen && <InstrumentCard i={chosen} lang={lang} />}
      </div>
    </section>
  );
}

function InstrumentCard({ i, lang }: { i: Instrument; lang: 'en' | 'zh' }) {
  const { t } = useT();
  return (
    <article className="card" data-testid="instrument-card">
      <h2>
        {i.names.zh} <small>{i.names.pinyin}</small> · {i.names.en}
      </h2>
      <p>{pick(i.summary, lang)}</p>
      <p>
        {t('family')}: {i.family.orchestral}
        {i.family.bayin ? ` · 八音 ${i.family.bayin}` : ''}
        {` · H–S ${i.family.hornbostelSachs.number} ${i.family.hornbostelSachs.name}`}
      </p>
      {i.range ? (
        <>
          <p>
            {t('range')}: {midiName(i.range.extended[0])}–{midiName(i.range.extended[1])} (
            {t('practical')} {midiName(i.range.practical[0])}–{midiName(i.range.practical[1])})
          </p>
          <Keyboard full={i.range.extended} practical={i.range.practical} />
          {i.tuning.openStrings && (
            <p>
              {t('tuning')}: {i.tuning.openStrings.map(midiName).join(' ')}
            </p>
          )}
        </>
      ) : (
        <p>{t('unpitched')}</p>
      )}
      <h3>{t('techniques')}</h3>
      <table className="techniques">
        <tbody>
          {i.techniques.map((x) => (
            <TechniqueRow key={x.id} instrument={i.id} x={x} lang={lang} />
          ))}
        </tbody>
      </table>
    </article>
  );
}

function TechniqueRow({
  instrument,
  x,
  lang,
}: {
  instrument: string;
  x: Technique;
  lang: 'en' | 'zh';
}) {
  const { t } = useT();
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<unknown>();
  return (
    <tr>
      <td>
        <strong>{x.names.zh}</strong> {x.names.pinyin}
        <br />
        {x.names.en}
      </td>
      <td>{lang === 'zh' ? x.soundZh : x.sound}</td>
      <td>
        {t('notationJianpu')}: {x.notation.jianpu}
        <br />
        {t('notationStaff')}: {x.notation.staff}
      </td>
      <td>
        {t('difficulty')} {x.difficulty}/5
      </td>
      <td>
        {x.example ? (
          url ? (
            <audio controls autoPlay src={url} />
          ) : (
            <button
              onClick={() =>
                getBlob(`/atlas/instruments/${instrument}/techniques/${x.id}/example`)
                  .then((b) => setUrl(URL.createObjectURL(b)))
                  .catch(setError)
              }
            >
              ▶ {t('listen')}
            </button>
          )
        ) : (
          <small>{t('noExample')}</small>
        )}
        <ErrorBox error={error} />
      </td>
    </tr>
  );
}
