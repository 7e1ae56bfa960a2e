/**
 * The studio's words in English and Simplified Chinese, and the language switch (kept in
 * localStorage). Every string a page shows comes from here, so each page reads in both.
 */
import { createContext, useContext } from 'react';

export type Lang = 'en' | 'zh';

const STRINGS = {
  title: { en: 'Zhiyin studio', zh: '知音工作室' },
  tagline: { en: 'music AI across cultures', zh: '跨文化音乐人工智能' },
  switchTo: { en: '中文', zh: 'English' },
  navAtlas: { en: 'Atlas', zh: '乐器图谱' },
  navAdapt: { en: 'Adapt', zh: '改编' },
  navAnalyse: { en: 'Analyse', zh: '演奏分析' },
  navMix: { en: 'Mix', zh: '混音' },
  navKaraoke: { en: 'Karaoke', zh: '卡拉OK' },
  navJobs: { en: 'Jobs', zh: '任务' },
  search: {
    en: 'Search instruments (汉字, pinyin or English)',
    zh: '搜索乐器（汉字、拼音或英文）',
  },
  results: { en: 'instruments', zh: '件乐器' },
  noResults: { en: 'No instrument found. Did you mean:', zh: '没有找到乐器。您是否要找：' },
  range: { en: 'Range', zh: '音域' },
  practical: { en: 'practical', zh: '常用' },
  tuning: { en: 'Tuning', zh: '定弦' },
  family: { en: 'Family', zh: '类别' },
  techniques: { en: 'Playing techniques', zh: '演奏技法' },
  notationJianpu: { en: 'jianpu', zh: '简谱' },
  notationStaff: { en: 'staff', zh: '五线谱' },
  difficulty: { en: 'difficulty', zh: '难度' },
  listen: { en: 'Listen', zh: '试听' },
  noExample: { en: 'no audio model', zh: '暂无音频' },
  unpitched: { en: 'unpitched', zh: '无固定音高' },
  sources: { en: 'Sources', zh: '资料来源' },
  melody: {
    en: 'Melody (ABC, MusicXML or kern text, or a file)',
    zh: '旋律（ABC、MusicXML 或 kern 文本，或上传文件）',
  },
  chooseFile: { en: 'Choose a file', zh: '选择文件' },
  fromRecording: { en: 'Or a recording (its melody is transcribed)', zh: '或录音（转写其旋律）' },
  transcribe: { en: 'Transcribe', zh: '转写' },
  instrument: { en: 'Instrument', zh: '乐器' },
  bestFit: { en: 'Best fit (auto)', zh: '自动选择最合适的' },
  pentatonic: { en: 'Make it pentatonic', zh: '改为五声音阶' },
  ornaments: { en: 'Ornaments', zh: '装饰音' },
  adapt: { en: 'Adapt', zh: '改编' },
  fit: { en: 'Fit', zh: '适配度' },
  suitability: { en: 'suitability', zh: '适合度' },
  transposition: { en: 'transposition', zh: '移调' },
  semitones: { en: 'semitones', zh: '个半音' },
  advice: { en: 'Advice', zh: '建议' },
  staff: { en: 'Staff', zh: '五线谱' },
  jianpu: { en: 'Jianpu', zh: '简谱' },
  download: { en: 'Download', zh: '下载' },
  audio: { en: 'Audio', zh: '音频' },
  recording: { en: 'Recording', zh: '录音' },
  compareWith: { en: 'Compare with (optional)', zh: '对比录音（可选）' },
  none: { en: '— none —', zh: '— 无 —' },
  analyse: { en: 'Analyse', zh: '分析' },
  notes: { en: 'notes', zh: '个音' },
  events: { en: 'Expressive events', zh: '表现手法' },
  comparison: { en: 'Comparison', zh: '对比' },
  measure: { en: 'measure', zh: '指标' },
  effect: { en: 'effect size', zh: '效应量' },
  vibratoRateHz: { en: 'vibrato rate (Hz)', zh: '揉弦速度（Hz）' },
  vibratoExtentCents: { en: 'vibrato extent (cents)', zh: '揉弦幅度（音分）' },
  portamentoDurationMs: { en: 'portamento duration (ms)', zh: '滑音时长（毫秒）' },
  portamentoSpanCents: { en: 'portamento span (cents)', zh: '滑音跨度（音分）' },
  vibratoUse: { en: 'vibrato use', zh: '揉弦使用比例' },
  portamentoUse: { en: 'portamento use', zh: '滑音使用比例' },
  negligible: { en: 'negligible', zh: '可忽略' },
  small: { en: 'small', zh: '小' },
  medium: { en: 'medium', zh: '中' },
  large: { en: 'large', zh: '大' },
  pitchContour: { en: 'Pitch contour', zh: '音高曲线' },
  waveform: { en: 'Waveform', zh: '波形' },
  upload: { en: 'Upload', zh: '上传' },
  uploading: { en: 'Uploading…', zh: '上传中…' },
  stems: { en: 'Stems', zh: '分轨' },
  addStem: { en: 'Add stem', zh: '添加分轨' },
  orProject: { en: 'Or a mix project (zhiyin-mix JSON)', zh: '或混音工程（zhiyin-mix JSON）' },
  projectFiles: { en: 'Its files', zh: '工程所需文件' },
  role: { en: 'role', zh: '角色' },
  remove: { en: 'remove', zh: '移除' },
  profile: { en: 'Listener profile', zh: '听众配置' },
  leadWords: { en: 'Words for the lead', zh: '主奏/人声的音色词' },
  render: { en: 'Render', zh: '渲染混音' },
  original: { en: 'A: original (stems summed)', zh: 'A：原始（分轨直接相加）' },
  processed: { en: 'B: mix for the profile', zh: 'B：按配置混音' },
  loudness: { en: 'Loudness', zh: '响度' },
  momentary: { en: 'momentary', zh: '瞬时' },
  integrated: { en: 'integrated', zh: '整体' },
  vocalTake: { en: 'Vocal take', zh: '人声录音' },
  backing: { en: 'Backing track', zh: '伴奏' },
  mixIt: { en: 'Mix it in one click', zh: '一键混音' },
  before: { en: 'Before: the take', zh: '之前：原始录音' },
  after: { en: 'After: the mix', zh: '之后：混音' },
  report: { en: 'Report', zh: '报告' },
  offset: { en: 'offset', zh: '延迟' },
  confidence: { en: 'confidence', zh: '置信度' },
  bleed: { en: 'bleed removed: pauses quieter by', zh: '串音消除：停顿处降低' },
  leadLevel: { en: 'lead level', zh: '主唱电平' },
  truePeak: { en: 'true peak', zh: '真峰值' },
  warnings: { en: 'warnings', zh: '提示' },
  kind: { en: 'kind', zh: '类型' },
  state: { en: 'state', zh: '状态' },
  progress: { en: 'progress', zh: '进度' },
  created: { en: 'created', zh: '创建时间' },
  cancel: { en: 'cancel', zh: '取消' },
  delete: { en: 'delete', zh: '删除' },
  noJobs: { en: 'No jobs yet.', zh: '还没有任务。' },
  queued: { en: 'queued', zh: '排队中' },
  running: { en: 'running', zh: '运行中' },
  done: { en: 'done', zh: '完成' },
  failed: { en: 'failed', zh: '失败' },
  cancelled: { en: 'cancelled', zh: '已取消' },
  token: { en: 'This server needs an API token:', zh: '此服务器需要 API 令牌：' },
  save: { en: 'Save', zh: '保存' },
  error: { en: 'Error', zh: '错误' },
} as const;

export type Key = keyof typeof STRINGS;

export const LangContext = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({
  lang: 'en',
  setLang: () => undefined,
});

/** The translator for the current language. */
export function useT(): { t: (key: Key) => string; lang: Lang; setLang: (l: Lang) => void } {
  const { lang, setLang } = useContext(LangContext);
  return { t: (key) => STRINGS[key][lang], lang, setLang };
}

/** A bilingual value from the API ({ en, zh }) in the current language. */
export function pick(text: { en: string; zh: string } | undefined, lang: Lang): string {
  return text ? text[lang] : '';
}

export function initialLang(): Lang {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('zhiyin-lang') : null;
  if (saved === 'en' || saved === 'zh') return saved;
  return typeof navigator !== 'undefined' && navigator.language.startsWith('zh') ? 'zh' : 'en';
}
