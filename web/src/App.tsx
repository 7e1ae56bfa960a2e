/**
 * The studio's frame: the page tabs (kept in the URL's hash), the English / 中文 switch, and the
 * API-token prompt when the server asks for one.
 */
import { useEffect, useState } from 'react';
import { ApiError, getJson, tokenStore } from './api';
import { initialLang, LangContext, useT, type Key, type Lang } from './i18n';
import { AdaptPage } from './pages/Adapt';
import { AnalysePage } from './pages/Analyse';
import { AtlasPage } from './pages/Atlas';
import { JobsPage } from './pages/Jobs';
import { KaraokePage } from './pages/Karaoke';
import { MixPage } from './pages/Mix';

const PAGES: { id: string; label: Key; page: () => React.JSX.Element }[] = [
  { id: 'atlas', label: 'navAtlas', page: AtlasPage },
  { id: 'adapt', label: 'navAdapt', page: AdaptPage },
  { id: 'analyse', label: 'navAnalyse', page: AnalysePage },
  { id: 'mix', label: 'navMix', page: MixPage },
  { id: 'karaoke', label: 'navKaraoke', page: KaraokePage },
  { id: 'jobs', label: 'navJobs', page: JobsPage },
];

const fromHash = () => PAGES.find((p) => `#/${p.id}` === location.hash)?.id ?? 'atlas';

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = (l: Lang) => {
    localStorage.setItem('zhiyin-lang', l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  };
  return (
    <LangContext.Provider value={{ lang, setLang }}>
      <Frame />
    </LangContext.Provider>
  );
}

function Frame() {
  const { t, lang, setLang } = useT();
  const [page, setPage] = useState(fromHash);
  const [needsToken, setNeedsToken] = useState(false);
  const [token, setToken] = useState(tokenStore.get());
  useEffect(() => {
    const on = () => setPage(fromHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  useEffect(() => {
    getJson('/health').catch((e: unknown) =>
      setNeedsToken(e instanceof ApiError && e.code === 'UNAUTHORIZED'),
    );
  }, []);
  const Page = PAGES.find((p) => p.id === page)!.page;
  return (
    <>
      <header>
        <h1>
          {t('title')} <small>{t('tagline')}</small>
        </h1>
        <nav>
          {PAGES.map((p) => (
            <a
              key={p.id}
              href={`#/${p.id}`}
              className={p.id === page ? 'active' : ''}
              data-testid={`nav-${p.id}`}
            >
              {t(p.label)}
            </a>
          ))}
        </nav>
        <button
          className="lang"
          onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}
          data-testid="lang-switch"
        >
          {t('switchTo')}
        </button>
      </header>
      {needsToken && (
        <p className="token">
          {t('token')}{' '}
          <input type="password" value={token} onChange={(e) => setToken(e.target.value)} />
          <button
            onClick={() => {
              tokenStore.set(token);
              location.reload();
            }}
          >
            {t('save')}
          </button>
        </p>
      )}
      <main>
        <Page key={page} />
      </main>
    </>
  );
}
