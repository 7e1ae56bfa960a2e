/**
 * A piano keyboard drawn in SVG with an instrument's range marked: the whole range light, the
 * practical range strong, so ranges can be compared at a glance.
 */
const BLACK = new Set([1, 3, 6, 8, 10]);
const NAMES = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];

export const midiName = (m: number) => `${NAMES[((m % 12) + 12) % 12]}${Math.floor(m / 12) - 1}`;

export function Keyboard(props: { full: [number, number]; practical: [number, number] }) {
  const lo = 21;
  const hi = 108;
  const whites: number[] = [];
  for (let m = lo; m <= hi; m++) if (!BLACK.has(m % 12)) whites.push(m);
  const w = 12;
  const x = new Map<number, number>();
  whites.forEach((m, i) => x.set(m, i * w));
  const fill = (m: number, black: boolean) => {
    if (m >= props.practical[0] && m <= props.practical[1]) return black ? '#a4161a' : '#e5383b';
    if (m >= props.full[0] && m <= props.full[1]) return black ? '#6c757d' : '#f4a3a4';
    return black ? '#222' : '#fff';
  };
  const blacks: { m: number; x: number }[] = [];
  for (let m = lo; m <= hi; m++)
    if (BLACK.has(m % 12)) blacks.push({ m, x: (x.get(m - 1) ?? 0) + w * 0.65 });
  return (
    <svg
      className="keyboard"
      viewBox={`0 0 ${whites.length * w} 64`}
      role="img"
      aria-label={`${midiName(props.full[0])}–${midiName(props.full[1])}`}
    >
      {whites.map((m) => (
        <rect
          key={m}
          x={x.get(m)}
          y={0}
          width={w}
          height={64}
          fill={fill(m, false)}
          stroke="#444"
          strokeWidth={0.5}
        >
          <title>{midiName(m)}</title>
        </rect>
      ))}
      {blacks.map(({ m, x: bx }) => (
        <rect key={m} x={bx} y={0} width={w * 0.7} height={40} fill={fill(m, true)}>
          <title>{midiName(m)}</title>
        </rect>
      ))}
      {whites
        .filter((m) => m % 12 === 0)
        .map((m) => (
          <text key={m} x={(x.get(m) ?? 0) + 2} y={60} fontSize={7}>
            {midiName(m)}
          </text>
        ))}
    </svg>
  );
}
