/**
 * Semantic production controls: words such as "warmer", "less muddy", "更温暖" or "暖一点"
 * turned into processing, from a bilingual lexicon (data/mix/lexicon.json, our own data with
 * the sources of its mappings). Each descriptor names the feature it moves (features.ts) and
 * the direction, and a chain of actions (EQ bands, a transient shaper, compression or
 * expansion, stereo width, reverb or de-reverb) whose amounts scale with an intensity.
 * Every result is matched in integrated loudness to its input, so that "brighter" is heard
 * as brighter and not as louder.
 *
 * "Less X" (不那么X, 太X了) applies X's opposite where the lexicon names one, and otherwise X's
 * actions inverted (EQ gains negated, a reverb becomes a de-reverb and a slight narrowing, a
 * width factor its reciprocal, compression upward expansion).
 */
import { ZhiyinError } from '../errors/index.js';
import { applyGain, type PlanarAudio } from '../audio/index.js';
import { measureLoudness } from '../loudness/index.js';
import { Compressor } from './compressor.js';
import { dereverberate } from './dereverb.js';
import { equalize, type EqBand } from './eq.js';
import type { FeatureName } from './features.js';
import { reverberate } from './reverb.js';
import { stereoWidth } from './space.js';
import { shapeTransients } from './transient.js';

/** One processing step of a descriptor, at intensity 1. */
export type SemanticAction =
  | { type: 'eq'; bands: Extract<EqBand, { gainDb: number }>[] }
  | { type: 'transient'; attackDb: number }
  /** Compression above the sound's integrated loudness + `offsetDb` (RMS detection). */
  | { type: 'compress'; ratio: number; offsetDb: number }
  /** Upward expansion (louder peaks) above the integrated loudness + `offsetDb`, ratio 1–2. */
  | { type: 'expand'; ratio: number; offsetDb: number }
  | { type: 'width'; factor: number }
  | {
      type: 'reverb';
      rt60Seconds: number;
      wetDb: number;
      highFrequencyRatio?: number;
      preDelaySeconds?: number;
    }
  | { type: 'dereverb'; rt60Seconds: number; amount: number };

export interface Descriptor {
  id: string;
  /** English forms, the base word first ("warm", "warmer", "warmth"). */
  en: string[];
  /** Simplified Chinese forms, the usual term first. */
  zh: string[];
  /** Pinyin of the first Chinese form, with tone marks. */
  pinyin: string;
  feature: FeatureName;
  direction: 1 | -1;
  actions: SemanticAction[];
  opposite?: string;
  /** Keys into the lexicon's sources. */
  sources: string[];
  note?: string;
}

export interface Lexicon {
  format: 'zhiyin-lexicon';
  version: 1;
  sources: Record<string, string>;
  descriptors: Descriptor[];
}

/** A parsed request: which descriptor, how much, and whether "less" of it. */
export interface SemanticRequest {
  descriptor: string;
  intensity: number;
  less: boolean;
  /** The words as written. */
  text: string;
}

const FEATURES = new Set<string>([
  'centroidHz',
  'tiltDbPerOctave',
  'bassDb',
  'fullnessDb',
  'lowMidDb',
  'boxDb',
  'nasalDb',
  'presenceDb',
  'brillianceDb',
  'airDb',
  'warmthDb',
  'clarityDb',
  'transientDb',
  'dynamicSpreadDb',
  'spaciousness',
  'widthDb',
]);

/**
 * Checks a lexicon read from JSON (the JSON schema in data/mix says the same for editors).
 * @example const lexicon = checkLexicon(JSON.parse(text));
 */
export function checkLexicon(value: unknown): Lexicon {
  const bad = (why: string) =>
    new ZhiyinError('CORRUPT_DATA', `the mix lexicon is not valid: ${why}.`);
  const lex = value as Lexicon;
  if (!lex || typeof lex !== 'object' || lex.format !== 'zhiyin-lexicon' || lex.version !== 1)
    throw bad('it must be an object with format "zhiyin-lexicon" and version 1');
  if (!Array.isArray(lex.descriptors) || typeof lex.sources !== 'object')
    throw bad('it needs "descriptors" (a list) and "sources" (an object)');
  const ids = new Set(lex.descriptors.map((d) => d?.id));
  const words = new Map<string, string>();
  for (const d of lex.descriptors) {
    if (!d || typeof d.id !== 'string') throw bad('every descriptor needs an "id"');
    if (!FEATURES.has(d.feature)) throw bad(`${d.id}: unknown feature "${d.feature}"`);
    if (d.direction !== 1 && d.direction !== -1) throw bad(`${d.id}: direction must be 1 or -1`);
    if (d.opposite !== undefined && !ids.has(d.opposite))
      throw bad(`${d.id}: its opposite "${d.opposite}" is not in the lexicon`);
    for (const s of d.sources ?? [])
      if (!(s in lex.sources)) throw bad(`${d.id}: unknown source "${s}"`);
    if (!Array.isArray(d.actions) || d.actions.length === 0) throw bad(`${d.id}: no actions`);
    for (const w of [...d.en, ...d.zh, d.pinyin, stripTones(d.pinyin)]) {
      const key = normalise(w);
      const other = words.get(key);
      if (other && other !== d.id) throw bad(`"${w}" names both ${other} and ${d.id}`);
      words.set(key, d.id);
    }
  }
  return lex;
}

function normalise(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFC')
    .replace(/[\s'’-]+/g, ' ')
    .trim();
}

function stripTones(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
}

// Modifiers, longest first so "a little bit" wins over "a little".
const EN_PREFIX: [RegExp, number | 'less'][] = [
  [/^(a little bit|a tiny bit|a little|a bit|slightly|somewhat|a touch)\s+(more\s+)?/, 0.5],
  [/^(much|a lot|far|way|very|really|even|lots)\s+(more\s+)?/, 2],
  [/^(too)\s+/, 'less'],
  [/^(less|not so|not as|fewer)\s+/, 'less'],
  [/^(more)\s+/, 1],
];
const EN_SUFFIX: [RegExp, number][] = [
  [/\s+(a little bit|a little|a bit|slightly)$/, 0.5],
  [/\s+(a lot|much)$/, 2],
];
const ZH_PREFIX: [RegExp, number | 'less'][] = [
  [/^(不要那么|不那么|没那么|别那么|少一点|少一些|少点|减少|降低|去掉|太)/, 'less'],
  [/^(稍微|稍稍|略微|稍|略|有点儿|有点|一点)/, 0.5],
  [/^(更加|非常|特别|很|极其|大大)/, 2],
  [/^(更|再|加点|多点|多一点|增加|提高|变得)/, 1],
];
const ZH_SUFFIX: [RegExp, number | 'less'][] = [
  [/(了一点|一点儿|一点|一些|些|点儿|点)$/, 0.5],
  [/(得多|多了|很多)$/, 2],
  [/(了)$/, 1],
];

/**
 * Parses "warmer", "a bit brighter", "less muddy", "too harsh", "更温暖", "暖一点", "太刺耳了",
 * "warm:1.5" or several joined by commas, "+", "、" or "和".
 * @example parseSemantic('a bit warmer, less muddy', lexicon)
 */
export function parseSemantic(text: string, lexicon: Lexicon): SemanticRequest[] {
  const index = new Map<string, string>();
  for (const d of lexicon.descriptors)
    for (const w of [...d.en, ...d.zh, d.pinyin, stripTones(d.pinyin)])
      index.set(normalise(w), d.id);
  const parts = text
    .split(/\s*(?:,|，|、|\+|;|；|\band\b|和|并且|而且)\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0)
    throw new ZhiyinError('INVALID_ARGUMENT', 'no descriptor given: try "warmer" or "更温暖".');
  return parts.map((part) => {
    let rest = normalise(part);
    let intensity = 1,
      less = false;
    const explicit = /^(.*?)\s*[:=*×]\s*([0-9.]+)$/.exec(rest);
    if (explicit) {
      rest = explicit[1]!.trim();
      intensity = Number(explicit[2]);
    }
    const apply = (rules: [RegExp, number | 'less'][], where: 'start' | 'end') => {
      for (let again = true; again;) {
        again = false;
        for (const [re, effect] of rules) {
          const m = re.exec(rest);
          if (!m || m[0].length === rest.length) continue;
          rest = (where === 'start' ? rest.slice(m[0].length) : rest.slice(0, -m[0].length)).trim();
          if (effect === 'less') less = true;
          else if (!explicit) intensity *= effect;
          again = true;
        }
      }
    };
    apply(EN_PREFIX, 'start');
    apply(EN_SUFFIX, 'end');
    apply(ZH_PREFIX, 'start');
    apply(ZH_SUFFIX, 'end');
    const id = index.get(rest) ?? index.get(stripTones(rest));
    if (!id) {
      const known = lexicon.descriptors.slice(0, 6).map((d) => `${d.en[0]} ${d.zh[0]}`);
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `"${part}" is not a descriptor in the lexicon (e.g. ${known.join(', ')}; \`zhiyin describe --list\` shows all).`,
      );
    }
    if (!(intensity > 0 && intensity <= 3))
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `"${part}": the intensity must be above 0 and at most 3.`,
      );
    return { descriptor: id, intensity, less, text: part };
  });
}

/** The actions a request resolves to, at its intensity. */
export function resolveActions(request: SemanticRequest, lexicon: Lexicon): SemanticAction[] {
  const d = lexicon.descriptors.find((x) => x.id === request.descriptor);
  if (!d) throw new ZhiyinError('INVALID_ARGUMENT', `unknown descriptor "${request.descriptor}".`);
  const i = request.intensity;
  if (request.less && d.opposite) {
    const o = lexicon.descriptors.find((x) => x.id === d.opposite)!;
    return o.actions.map((a) => scaleAction(a, i));
  }
  return d.actions
    .flatMap((a) => (request.less ? invertAction(a) : [a]))
    .map((a) => scaleAction(a, i));
}

function invertAction(a: SemanticAction): SemanticAction[] {
  return [invertOne(a)].concat(
    // Less reverberation is also a narrower image (the reverberation decorrelated the channels).
    a.type === 'reverb' ? [{ type: 'width', factor: 0.85 }] : [],
  );
}

function invertOne(a: SemanticAction): SemanticAction {
  switch (a.type) {
    case 'eq':
      return { type: 'eq', bands: a.bands.map((b) => ({ ...b, gainDb: -b.gainDb })) };
    case 'transient':
      return { type: 'transient', attackDb: -a.attackDb };
    case 'compress':
      return { type: 'expand', ratio: Math.min(1.5, a.ratio), offsetDb: a.offsetDb };
    case 'expand':
      return { type: 'compress', ratio: a.ratio, offsetDb: a.offsetDb };
    case 'width':
      return { type: 'width', factor: 1 / a.factor };
    case 'reverb':
      return { type: 'dereverb', rt60Seconds: a.rt60Seconds, amount: 0.8 };
    case 'dereverb':
      return { type: 'reverb', rt60Seconds: a.rt60Seconds, wetDb: -14 };
  }
}

function scaleAction(a: SemanticAction, i: number): SemanticAction {
  switch (a.type) {
    case 'eq':
      return { type: 'eq', bands: a.bands.map((b) => ({ ...b, gainDb: b.gainDb * i })) };
    case 'transient':
      return { type: 'transient', attackDb: Math.max(-12, Math.min(12, a.attackDb * i)) };
    case 'compress':
      return { ...a, ratio: 1 + (a.ratio - 1) * i };
    case 'expand':
      return { ...a, ratio: Math.min(2, 1 + (a.ratio - 1) * i) };
    case 'width':
      return { type: 'width', factor: Math.min(4, a.factor ** i) };
    case 'reverb':
      return { ...a, wetDb: a.wetDb + 20 * Math.log10(i) };
    case 'dereverb':
      return { ...a, amount: Math.min(1, a.amount * i) };
  }
}

/** Runs one action on a copy of the audio. */
export function runAction(audio: PlanarAudio, a: SemanticAction): PlanarAudio {
  const { sampleRate } = audio;
  switch (a.type) {
    case 'eq':
      return equalize(
        audio,
        a.bands.map((b) => ({ ...b, frequencyHz: Math.min(b.frequencyHz, 0.45 * sampleRate) })),
      );
    case 'transient':
      return shapeTransients(audio, { attackDb: a.attackDb });
    case 'compress':
    case 'expand': {
      const lufs = measureLoudness(audio, { truePeak: false }).integratedLufs;
      if (!Number.isFinite(lufs)) return audio;
      const channels = audio.channels.map((c) => c.slice());
      // An upward expander is a compressor with a ratio below 1.
      const ratio = a.type === 'compress' ? a.ratio : 1 / a.ratio;
      new Compressor(
        {
          thresholdDb: lufs + a.offsetDb,
          ratio,
          detector: 'rms',
          attackSeconds: 0.02,
          releaseSeconds: 0.2,
        },
        sampleRate,
      ).process(channels);
      return { sampleRate, channels };
    }
    case 'width': {
      if (audio.channels.length !== 2) return audio;
      const [l, r] = stereoWidth(audio.channels[0]!, audio.channels[1]!, a.factor);
      return { sampleRate, channels: [l, r] };
    }
    case 'reverb': {
      const n = audio.channels[0]?.length ?? 0;
      const wet = reverberate(audio, {
        rt60Seconds: a.rt60Seconds,
        wetDb: a.wetDb,
        dryDb: 0,
        highFrequencyRatio: a.highFrequencyRatio ?? 0.5,
        preDelaySeconds: a.preDelaySeconds ?? 0.02,
      });
      return { sampleRate, channels: wet.channels.map((c) => c.subarray(0, n).slice()) };
    }
    case 'dereverb':
      return dereverberate(audio, { rt60Seconds: a.rt60Seconds, amount: a.amount });
  }
}

export interface SemanticReport {
  requests: SemanticRequest[];
  actions: SemanticAction[];
  /** Gain that brought the result back to the input's integrated loudness, dB. */
  loudnessMatchDb: number;
}

/**
 * Applies descriptor requests to a sound and matches the result's loudness to the input's.
 * @example const { audio } = applySemantic(vocal, parseSemantic('warmer', lexicon), lexicon);
 */
export function applySemantic(
  audio: PlanarAudio,
  requests: SemanticRequest[],
  lexicon: Lexicon,
): { audio: PlanarAudio; report: SemanticReport } {
  const actions = requests.flatMap((r) => resolveActions(r, lexicon));
  let y = audio;
  for (const a of actions) y = runAction(y, a);
  const before = measureLoudness(audio, { truePeak: false }).integratedLufs,
    after = measureLoudness(y, { truePeak: false }).integratedLufs;
  let loudnessMatchDb = 0;
  if (Number.isFinite(before) && Number.isFinite(after)) {
    loudnessMatchDb = before - after;
    y = applyGain(y, loudnessMatchDb);
  }
  return { audio: y, report: { requests, actions, loudnessMatchDb } };
}
