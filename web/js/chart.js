// chart.js: closure reasons over time as a stacked bar chart, drawn as SVG
// by the page (no library), with a legend and the same numbers as a table
// for screen readers and for reading exact values.
import { h } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const DAY = 86400000;
// Okabe-Ito, told apart by most colour-blind readers, each with 3:1
// contrast against white.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8A6100', '#56B4E9', '#6A3D9A', '#000000', '#6B7785'];

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const startOfDay = (t) => Math.floor(t / DAY) * DAY;
function startOfWeek(t) {
  const d = new Date(startOfDay(t));
  return d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY;   // Monday
}
const startOfMonth = (t) => { const d = new Date(t); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1); };
function nextMonth(t) { const d = new Date(t); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1); }

const fmt = (opts) => new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', ...opts });

// Buckets of days, weeks or months from the first closure to the last.
function buckets(times) {
  const min = Math.min(...times);
  const max = Math.max(...times);
  const span = (max - min) / DAY;
  let unit = span <= 31 ? 'day' : span <= 7 * 26 ? 'week' : 'month';
  const first = unit === 'day' ? startOfDay(min) : unit === 'week' ? startOfWeek(min) : startOfMonth(min);
  const step = (t) => (unit === 'day' ? t + DAY : unit === 'week' ? t + 7 * DAY : nextMonth(t));
  const starts = [];
  for (let t = first; t <= max; t = step(t)) starts.push(t);
  const label = unit === 'month' ? fmt({ month: 'short', year: 'numeric' })
    : fmt({ day: 'numeric', month: 'short' });
  return { unit, starts, label: (t) => (unit === 'week' ? `wk of ${label.format(t)}` : label.format(t)) };
}

// closures: [{reason, requested_at}]; reasons: [[code, label]] in order.
// Returns an element with the chart, its legend and its table.
export function reasonsChart(closures, reasons) {
  if (closures.length === 0) return h('p', { class: 'muted', id: 'reasons-empty' }, 'No closures yet.');
  const times = closures.map((c) => Date.parse(c.requested_at));
  const { unit, starts, label } = buckets(times);
  const used = reasons.filter(([code]) => closures.some((c) => c.reason === code));
  const color = Object.fromEntries(reasons.map(([code], i) => [code, PALETTE[i % PALETTE.length]]));
  const counts = starts.map(() => Object.fromEntries(used.map(([code]) => [code, 0])));
  closures.forEach((c, i) => {
    let b = starts.length - 1;
    while (b > 0 && starts[b] > times[i]) b--;
    if (counts[b][c.reason] !== undefined) counts[b][c.reason]++;
  });
  const totals = counts.map((row) => Object.values(row).reduce((a, b) => a + b, 0));
  const top = Math.max(1, ...totals);
  const tick = Math.max(1, Math.ceil(top / 4));
  const yMax = tick * Math.ceil(top / tick);

  // as wide as the page has room for (narrower on a phone), so that the
  // labels keep their size
  const room = (document.getElementById('main') || document.body).clientWidth - 64;
  const W = Math.max(300, Math.min(720, room || 720));
  const H = 300;
  const m = { l: 44, r: 12, t: 12, b: 44 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const slot = pw / starts.length;
  const barW = Math.max(4, Math.min(64, slot * 0.7));
  const y = (v) => m.t + ph - (v / yMax) * ph;
  const titleId = 'reasons-chart-title';
  const descId = 'reasons-chart-desc';
  const perReason = used.map(([code, name]) => `${name}: ${closures.filter((c) => c.reason === code).length}`).join('; ');
  const svg = s('svg', {
    class: 'chart', id: 'reasons-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`,
  },
  s('title', { id: titleId }, `Closure reasons per ${unit}`),
  s('desc', { id: descId }, `${closures.length} closures from ${label(starts[0])} to ${label(starts[starts.length - 1])}. ${perReason}.`));

  for (let v = 0; v <= yMax; v += tick) {
    svg.append(s('line', { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), stroke: v === 0 ? '#4f5965' : '#d3d9e0', 'stroke-width': 1 }));
    svg.append(s('text', { x: m.l - 8, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#4f5965' }, v));
  }
  const every = Math.ceil(starts.length / Math.max(2, Math.floor(W / 90)));
  starts.forEach((t, i) => {
    const x = m.l + slot * i + (slot - barW) / 2;
    let base = 0;
    for (const [code, name] of used) {
      const n = counts[i][code];
      if (!n) continue;
      const rect = s('rect', {
        x, y: y(base + n), width: barW, height: y(base) - y(base + n), fill: color[code], 'data-reason': code,
      }, s('title', {}, `${label(t)} — ${name}: ${n}`));
      svg.append(rect);
      base += n;
    }
    if (i % every === 0) {
      svg.append(s('text', {
        x: m.l + slot * i + slot / 2, y: H - m.b + 18, 'text-anchor': 'middle', 'font-size': 12, fill: '#4f5965',
      }, label(t)));
    }
  });
  svg.append(s('text', { x: 12, y: m.t + ph / 2, transform: `rotate(-90 12 ${m.t + ph / 2})`, 'text-anchor': 'middle', 'font-size': 12, fill: '#4f5965' }, 'closures'));

  const legend = h('ul', { class: 'legend', 'aria-label': 'Reasons' }, used.map(([code, name]) => {
    const sw = s('svg', { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true' },
      s('rect', { width: 14, height: 14, rx: 3, fill: color[code] }));
    return h('li', {}, sw, name);
  }));
  const table = h('details', {},
    h('summary', {}, 'Show the numbers'),
    h('div', { class: 'table-scroll' }, h('table', { id: 'reasons-table' },
      h('caption', {}, `Closures per ${unit} and reason`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, unit[0].toUpperCase() + unit.slice(1)),
        used.map(([, name]) => h('th', { scope: 'col', class: 'num' }, name)), h('th', { scope: 'col', class: 'num' }, 'Total'))),
      h('tbody', {}, starts.map((t, i) => h('tr', {}, h('th', { scope: 'row' }, label(t)),
        used.map(([code]) => h('td', { class: 'num' }, counts[i][code])), h('td', { class: 'num' }, totals[i])))))));
  return h('div', { class: 'chart-box' }, svg, legend, table);
}
