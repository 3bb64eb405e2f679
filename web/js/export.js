// export.js: the backup of the seller's data: start an export
// (POST /api/v1/account/exports), follow its progress
// (GET /api/v1/account/exports/{id}) on a progress bar, then offer the
// ZIP's download link. A server without the export API (404) is told
// plainly, and the seller may go on without one.
import { api, newKey } from './api.js';
import { busy, date, explain, h, notice, say } from './ui.js';

const LAST = 'offboard.export';
const READY = ['ready', 'done', 'complete', 'completed', 'succeeded', 'finished'];
const FAILED = ['failed', 'error', 'expired', 'deleted', 'cancelled', 'canceled'];
const POLL_MS = 600;

const isReady = (x) => READY.includes(x.status);
const hasFailed = (x) => FAILED.includes(x.status);

function progressOf(x) {
  const p = x.progress && typeof x.progress === 'object' ? x.progress : x;
  const done = Number(p.done ?? 0);
  const total = Number(p.total ?? 0);
  let percent = Number(p.percent ?? p.percentage ?? (total > 0 ? (done * 100) / total : 0));
  if (isReady(x)) percent = 100;
  return { done, total, percent: Math.max(0, Math.min(100, Math.floor(percent))) };
}

function downloadHref(x) {
  return x.download_url || (x.download && x.download.href) || (x.links && x.links.download)
    || `/api/v1/account/exports/${encodeURIComponent(x.id)}/download`;
}

// The panel; onChange(state) hears 'unavailable', 'running', 'ready' or 'failed'.
export function exportPanel({ onChange = () => {}, autoStart = false } = {}) {
  const problem = notice('error');
  const start = h('button', { type: 'button', class: 'primary', id: 'export-start' }, 'Start export');
  const bar = h('progress', { id: 'export-progress', max: '100', value: '0', 'aria-labelledby': 'export-progress-label' });
  const text = h('p', { class: 'progress-text', 'aria-live': 'polite' });
  const progress = h('div', { class: 'progress', hidden: true },
    h('label', { id: 'export-progress-label', for: 'export-progress' }, 'Export progress'), bar, text);
  const ready = h('div', { class: 'notice success', hidden: true, role: 'status' });
  const panel = h('div', { class: 'export-panel' }, problem, h('div', { class: 'actions' }, start), progress, ready);
  let timer = null;

  function show(x) {
    const p = progressOf(x);
    progress.hidden = false;
    bar.value = p.percent;
    bar.setAttribute('aria-valuetext', `${p.percent}%`);
    text.textContent = p.total > 0
      ? `${p.percent}% — ${p.done.toLocaleString()} of ${p.total.toLocaleString()} records`
      : `${p.percent}%`;
    if (isReady(x)) {
      clearInterval(timer);
      timer = null;
      busy(start, false);
      start.textContent = 'Start a new export';
      start.className = 'secondary';
      ready.replaceChildren(
        h('p', {}, 'Your export is ready.',
          x.expires_at ? ` The link works until ${date(x.expires_at)}.` : ''),
        h('a', { class: 'button primary', id: 'export-download', href: downloadHref(x), download: '' },
          'Download your data (ZIP)'));
      ready.hidden = false;
      onChange('ready', x);
    } else if (hasFailed(x)) {
      clearInterval(timer);
      timer = null;
      busy(start, false);
      sessionStorage.removeItem(LAST);
      say(problem, x.status === 'expired'
        ? 'That export has expired. Start a new one.'
        : 'The export could not be finished. Please start it again.');
      onChange('failed', x);
    } else {
      onChange('running', x);
    }
  }

  async function poll(id) {
    try {
      show(await api('GET', `/api/v1/account/exports/${encodeURIComponent(id)}`));
    } catch (err) {
      clearInterval(timer);
      timer = null;
      busy(start, false);
      if (err.status === 404 || err.status === 410) sessionStorage.removeItem(LAST);
      say(problem, explain(err));
    }
  }

  function follow(x) {
    sessionStorage.setItem(LAST, x.id);
    show(x);
    if (!isReady(x) && !hasFailed(x)) {
      busy(start, true, 'Exporting…');
      clearInterval(timer);
      timer = setInterval(() => poll(x.id), POLL_MS);
    }
  }

  async function begin() {
    say(problem, '');
    ready.hidden = true;
    start.className = 'primary';
    busy(start, true, 'Starting…');
    try {
      follow(await api('POST', '/api/v1/account/exports', { body: {}, idempotencyKey: newKey() }));
    } catch (err) {
      busy(start, false);
      if (err.status === 404 || err.status === 405 || err.status === 501) {
        start.disabled = true;
        say(problem, 'Exports are not available on this marketplace yet. You can go on without one: '
          + 'after closing, you can still read your orders, ledger and payouts here until your history access ends.', 'info');
        onChange('unavailable');
        return;
      }
      say(problem, explain(err));
    }
  }

  start.addEventListener('click', begin);
  const last = sessionStorage.getItem(LAST);
  if (last) {
    busy(start, true, 'Exporting…');
    poll(last).then(() => {
      if (!timer && start.getAttribute('aria-busy') === 'true') busy(start, false);
    });
    timer = setInterval(() => poll(last), POLL_MS);
  } else if (autoStart) {
    begin();
  }
  panel.stop = () => clearInterval(timer);
  return panel;
}
