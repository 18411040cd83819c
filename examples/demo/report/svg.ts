/**
 * Small helpers for writing SVG by hand: escaping, elements whose numbers can never be NaN or
 * Infinity, linear scales, nice axis ticks, a sequential colour scale and number formats.
 *
 * @module
 */

/** Removes the characters XML forbids (C0 controls but tab and newlines, lone surrogates, U+FFFE/F). */
function xmlSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const control = code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
    const surrogate = code >= 0xd800 && code <= 0xdfff;
    if (control || surrogate || code === 0x7f || code === 0xfffe || code === 0xffff) continue;
    out += ch;
  }
  return out;
}

/** Escapes text for an element's content or a double- or single-quoted attribute. */
export function escapeXml(text: string): string {
  return xmlSafe(String(text))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Shortens text to at most `max` characters (code points), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/** A number for an attribute: rounded to 2 decimals; anything not finite becomes 0. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** A finite number or the fallback. */
export function finite(value: number, fallback = 0): number {
  return Number.isFinite(value) ? value : fallback;
}

/** Clamps a number into [min, max]; a value that is not finite becomes `min`. */
export function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, value));
}

/** Attribute values: numbers go through {@link num}, strings are escaped, `undefined` is left out. */
export type Attributes = Record<string, string | number | undefined>;

function attributes(attrs: Attributes): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    out += ` ${name}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`;
  }
  return out;
}

/** An element: self-closing without children; children are trusted markup (already escaped). */
export function el(name: string, attrs: Attributes, ...children: string[]): string {
  const body = children.join('');
  return body === ''
    ? `<${name}${attributes(attrs)}/>`
    : `<${name}${attributes(attrs)}>${body}</${name}>`;
}

/** A `<text>` element holding escaped text. */
export function text(content: string, attrs: Attributes): string {
  return `<text${attributes(attrs)}>${escapeXml(content)}</text>`;
}

/** A `<title>` (the tooltip and accessible name of its parent) holding escaped text. */
export function tooltip(content: string): string {
  return `<title>${escapeXml(content)}</title>`;
}

/** Path data from commands and numbers: every number goes through {@link num}. */
export function path(...parts: (string | number)[]): string {
  return parts.map((p) => (typeof p === 'number' ? num(p) : p)).join(' ');
}

/** What identifies a chart in the page: its `data-chart` value and its accessible title. */
export interface ChartFrame {
  chart: string;
  title: string;
  width: number;
  height: number;
}

/** The root `<svg>` of a chart: scales to its container, `role="img"`, titled and labelled. */
export function svg(frame: ChartFrame, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg"${attributes({
      viewBox: `0 0 ${num(frame.width)} ${num(frame.height)}`,
      width: frame.width,
      height: frame.height,
      role: 'img',
      'aria-label': frame.title,
      'data-chart': frame.chart,
      class: 'chart',
      style: `max-width: ${num(frame.width)}px`,
      preserveAspectRatio: 'xMinYMin meet',
    })}>` +
    tooltip(frame.title) +
    body +
    '</svg>'
  );
}

/** A chart that has nothing to draw: says so instead of drawing empty axes. */
export function noData(chart: string, title: string, message = 'No data'): string {
  const width = 640;
  const height = 120;
  return svg(
    { chart, title, width, height },
    el('rect', {
      class: 'no-data-frame',
      x: 0.5,
      y: 0.5,
      width: width - 1,
      height: height - 1,
      rx: 6,
    }) +
      text(message, {
        class: 'no-data',
        x: width / 2,
        y: height / 2,
        'text-anchor': 'middle',
        'dominant-baseline': 'middle',
      }),
  );
}

/** A linear map from `domain` to `range`; an empty domain maps everything to the range's middle. */
export function scaleLinear(
  domain: readonly [number, number],
  range: readonly [number, number],
): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  if (!Number.isFinite(span) || span === 0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((finite(value, d0) - d0) / span) * (r1 - r0);
}

/** Ticks at round numbers (1, 2 or 5 times a power of ten) and the domain they cover. */
export interface Ticks {
  ticks: number[];
  domain: [number, number];
  step: number;
}

/**
 * Round-number ticks covering [min, max], about `count` of them. An empty or one-point range is
 * widened so there is always something to draw.
 */
export function niceTicks(min: number, max: number, count = 5): Ticks {
  let lo = finite(Math.min(min, max));
  let hi = finite(Math.max(min, max));
  if (hi - lo < 1e-12) {
    if (lo === 0) hi = 1;
    else if (lo > 0) lo = 0;
    else hi = 0;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / power;
  const step = (ratio <= 1 ? 1 : ratio <= 2 ? 2 : ratio <= 5 ? 5 : 10) * power;
  const start = Math.floor(lo / step + 1e-9) * step + 0;
  const end = Math.ceil(hi / step - 1e-9) * step + 0;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks: number[] = [];
  for (let i = 0; start + i * step <= end + step * 1e-9 && i < 1000; i++) {
    ticks.push(Number((start + i * step).toFixed(decimals)) + 0);
  }
  return { ticks, domain: [start, end], step };
}

type Rgb = readonly [number, number, number];

/** The retention colour ramp: from a pale mint through teal to a deep blue. */
const RAMP: readonly Rgb[] = [
  [240, 248, 245],
  [190, 228, 214],
  [112, 190, 190],
  [45, 135, 165],
  [22, 72, 122],
];

function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** The ramp colour of a share in [0, 1] (clamped). */
export function sequentialColor(share: number): string {
  const t = clamp(share, 0, 1) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t));
  const f = t - i;
  const a = RAMP[i]!;
  const b = RAMP[i + 1]!;
  return hex([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
}

/** Whether white text reads better than dark text on a `#rrggbb` background. */
export function isDark(background: string): boolean {
  const value = Number.parseInt(background.slice(1), 16);
  const r = (value >> 16) & 255;
  const g = (value >> 8) & 255;
  const b = value & 255;
  const luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
  return luminance < 0.55;
}

/** Categorical colours for lifecycle stages, in stage order (repeats after eight). */
const CATEGORICAL = [
  '#3b7dd8',
  '#2a9d8f',
  '#e9a23b',
  '#d1495b',
  '#7b5ea7',
  '#5c946e',
  '#c8553d',
  '#6c757d',
];

/** The categorical colour of the `index`-th category. */
export function categoricalColor(index: number): string {
  return CATEGORICAL[((index % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length]!;
}

/** A share as a percentage: `0.625` → `'62.5%'` with one decimal, `'63%'` with none. */
export function formatPercent(share: number, decimals = 0): string {
  if (!Number.isFinite(share)) return '–';
  return `${(share * 100).toFixed(decimals)}%`;
}

/** A count with thousands separators. */
export function formatCount(value: number): string {
  return Math.round(finite(value)).toLocaleString('en-US');
}

/** An amount in minor units as money, compact (`$12.4K`) or whole (`$12,400`). */
export function formatMoney(minor: number, currency: string, compact = false): string {
  const major = finite(minor) / 100;
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      notation: compact ? 'compact' : 'standard',
      minimumFractionDigits: 0,
      maximumFractionDigits: compact ? 1 : 0,
    }).format(major);
  } catch {
    // not an ISO 4217 code: show the code before a plain number
    const n = new Intl.NumberFormat('en-US', {
      notation: compact ? 'compact' : 'standard',
      maximumFractionDigits: compact ? 1 : 0,
    }).format(major);
    return `${truncate(currency, 8)} ${n}`;
  }
}
