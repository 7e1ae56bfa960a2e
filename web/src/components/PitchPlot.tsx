/**
 * The pitch contour of one or two analyses (src/analysis JSON) in SVG: the tracked pitch in
 * cents against time, the notes as bars with their names, the expressive events (vibrato,
 * slides, trills, grace notes) as labelled spans in the current language, and the playback
 * cursor.
 */
import { pick, useT } from '../i18n';
import { midiName } from './Keyboard';

export interface AnalysisJson {
  durationSeconds: number;
  notes: { start: number; end: number; midi: number; cents: number }[];
  events: { kind: string; label: { en: string; zh: string }; start: number; end: number }[];
  track: { times: number[]; f0Hz: (number | null)[] };
}

const COLORS = ['#1d3557', '#e76f51'];
const EVENT_COLORS: Record<string, string> = {
  vibrato: '#2a9d8f',
  portamento: '#e9c46a',
  'slide-in': '#f4a261',
  'slide-out': '#f4a261',
  'return-slide': '#f4a261',
  trill: '#9b5de5',
  'grace-note': '#00bbf9',
  tremolo: '#f15bb5',
};

export function PitchPlot(props: { analyses: AnalysisJson[]; cursor?: number }) {
  const { lang } = useT();
  const W = 1000;
  const H = 320;
  const top = 30;
  const duration = Math.max(...props.analyses.map((a) => a.durationSeconds), 0.1);
  const cents: number[] = [];
  for (const a of props.analyses)
    a.track.f0Hz.forEach((f) => {
      if (f && f > 0) cents.push(6900 + 1200 * Math.log2(f / 440));
    });
  if (!cents.length) return <p>—</p>;
  cents.sort((p, q) => p - q);
  const lo = Math.floor(cents[Math.floor(cents.length * 0.01)]! / 100) * 100 - 200;
  const hi = Math.ceil(cents[Math.floor(cents.length * 0.99)]! / 100) * 100 + 200;
  const x = (t: number) => (t / duration) * W;
  const y = (c: number) => top + (1 - (c - lo) / (hi - lo)) * (H - top - 20);
  const grid: number[] = [];
  for (let c = lo; c <= hi; c += 100) grid.push(c);
  return (
    <svg className="pitch-plot" viewBox={`0 0 ${W} ${H}`} role="img" data-testid="pitch-plot">
      {grid.map((c) => (
        <g key={c}>
          <line x1={0} x2={W} y1={y(c)} y2={y(c)} stroke={c % 1200 === 0 ? '#bbb' : '#eee'} />
          {(hi - lo <= 2400 || c % 200 === 0) && (
            <text x={2} y={y(c) - 2} fontSize={9} fill="#888">
              {midiName(c / 100)}
            </text>
          )}
        </g>
      ))}
      {props.analyses[0]!.events.map((e, i) => (
        <g key={i} className="event">
          <rect
            x={x(e.start)}
            y={top - 22 + (i % 2) * 10}
            width={Math.max(2, x(e.end) - x(e.start))}
            height={8}
            fill={EVENT_COLORS[e.kind] ?? '#999'}
            opacity={0.8}
          />
          <text x={x(e.start)} y={top - 24 + (i % 2) * 10} fontSize={8}>
            {pick(e.label, lang)}
          </text>
        </g>
      ))}
      {props.analyses.map((a, k) => (
        <g key={k}>
          {a.notes.map((n, i) => (
            <g key={i}>
              <rect
                x={x(n.start)}
                y={y(n.cents) - 3}
                width={Math.max(1, x(n.end) - x(n.start))}
                height={6}
                fill={COLORS[k]}
                opacity={0.25}
              />
              {k === 0 && (
                <text x={x(n.start)} y={y(n.cents) + 14} fontSize={9} fill={COLORS[k]}>
                  {midiName(n.midi)}
                </text>
              )}
            </g>
          ))}
          <path d={contourPath(a, x, y)} fill="none" stroke={COLORS[k]} strokeWidth={1.3} />
        </g>
      ))}
      {props.cursor !== undefined && (
        <line
          className="cursor"
          x1={x(props.cursor)}
          x2={x(props.cursor)}
          y1={0}
          y2={H}
          stroke="#d00"
        />
      )}
    </svg>
  );
}

function contourPath(a: AnalysisJson, x: (t: number) => number, y: (c: number) => number): string {
  let d = '';
  let pen = false;
  a.track.times.forEach((t, i) => {
    const f = a.track.f0Hz[i];
    if (!f || f <= 0) {
      pen = false;
      return;
    }
    const c = 6900 + 1200 * Math.log2(f / 440);
    d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(c).toFixed(1)}`;
    pen = true;
  });
  return d;
}
