// ops.js: the operator console (web/ops/index.html). Signs in with an
// operator key (kept in sessionStorage: this tab only; sent as a bearer
// token), then shows closures by status with their sellers' current
// blockers, a chart of closure reasons over time, legal holds (a seller's
// or the newest: place one, release one), dead-letter webhook deliveries
// with a retry button, and
// one seller's timeline of closure events.
import { api, apiAll, newKey } from './api.js';
import { reasonsChart } from './chart.js';
import {
  busy, clear, date, dateTime, explain, field, focusHeading, h, humanize, notice, plural, say, time,
} from './ui.js';

const KEY = 'offboard.opsKey';
const main = document.getElementById('main');
const sessionNav = document.getElementById('session');

const REASONS = [
  ['fees_too_high', 'The fees are too high'],
  ['not_enough_sales', 'Not enough sales'],
  ['moving_platform', 'Moving to another platform or my own shop'],
  ['closing_business', 'Closing or selling my business'],
  ['personal', 'Personal reasons'],
  ['policy_concerns', 'Marketplace policies or account health'],
  ['too_complex', 'Selling here takes too much time'],
  ['vacation', 'Taking a break'],
  ['other', 'Something else'],
];
const reasonLabel = (code) => (REASONS.find(([c]) => c === code) || [code, humanize(code)])[1];
const STATUSES = ['requested', 'closing', 'closed', 'cancelled', 'expired'];

const key = () => sessionStorage.getItem(KEY);
const ops = (method, path, options = {}) => api(method, path, { ...options, bearer: key() });

function signIn(message) {
  sessionNav.replaceChildren();
  const problem = notice('error');
  const input = field({
    label: 'Operator key', name: 'key', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false',
    hint: 'Made with "offboard ops-key create --name NAME". It is kept in this browser tab only, until you sign out or close it.',
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h1', {}, 'Operator console'), problem, input, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = input.input.value.trim();
    if (!value) {
      input.setError('Enter an operator key.');
      input.input.focus();
      return;
    }
    busy(submit, true, 'Checking…');
    try {
      await api('GET', '/api/v1/ops/closures?limit=1', { bearer: value });
      sessionStorage.setItem(KEY, value);
      start();
    } catch (err) {
      busy(submit, false);
      if (err.status === 401) input.setError('This key is not accepted: check it, or make a new one.');
      else say(problem, explain(err));
      input.input.focus();
    }
  });
  clear(main, form);
  if (message) say(problem, message);
  input.input.focus();
}

function section(id, title, ...children) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
}

function badge(status) {
  return h('span', { class: `badge ${status}` }, humanize(status));
}

// ------------------------------------------------------------- closures

function closuresSection(all, showTimeline) {
  const counts = Object.fromEntries(STATUSES.map((st) => [st, all.filter((c) => c.status === st).length]));
  let filter = 'all';
  const tbody = h('tbody');
  const caption = h('caption');
  const empty = h('p', { class: 'muted', hidden: true }, 'No closures in this status.');
  const buttons = [['all', 'All', all.length], ...STATUSES.map((st) => [st, humanize(st), counts[st]])].map(([value, text, n]) => {
    const b = h('button', { type: 'button', 'aria-pressed': String(value === 'all'), 'data-status': value },
      text, h('span', { class: 'count' }, `(${n})`));
    b.addEventListener('click', () => {
      filter = value;
      for (const other of buttons) other.setAttribute('aria-pressed', String(other === b));
      fill();
    });
    return b;
  });
  function fill() {
    const rows = filter === 'all' ? all : all.filter((c) => c.status === filter);
    caption.textContent = `${filter === 'all' ? 'All closures' : `Closures ${humanize(filter).toLowerCase()}`}, newest first (${rows.length})`;
    tbody.replaceChildren(...rows.map((c) => h('tr', { 'data-seller': c.seller_id },
      h('th', { scope: 'row' }, h('code', {}, c.seller_id)),
      h('td', {}, badge(c.status)),
      h('td', {}, reasonLabel(c.reason)),
      h('td', {}, dateTime(c.requested_at)),
      h('td', {}, c.status === 'requested' ? `confirm by ${date(c.confirm_by)}`
        : c.closed_at ? `closed ${date(c.closed_at)}` : c.closes_at ? `closes ${date(c.closes_at)}`
          : c.ended_at ? `${c.status} ${date(c.ended_at)}` : '—'),
      h('td', {}, c.blockers && c.blockers.length
        ? h('span', { class: 'chips' }, c.blockers.map((b) => h('span', { class: 'badge open' }, humanize(b))))
        : h('span', { class: 'muted' }, 'none')),
      h('td', {}, h('button', {
        type: 'button', class: 'secondary', onclick: () => showTimeline(c.seller_id), 'aria-label': `Timeline of seller ${c.seller_id}`,
      }, 'Timeline')))));
    empty.hidden = rows.length > 0;
  }
  fill();
  return section('closures', 'Closures by status',
    h('div', { class: 'filters', role: 'group', 'aria-label': 'Show closures in status' }, buttons),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Closures' },
      h('table', { id: 'closures-table' }, caption,
        h('thead', {}, h('tr', {}, ['Seller', 'Status', 'Reason', 'Requested', 'Dates', 'Blocked now by', ''].map((t) =>
          h('th', { scope: 'col' }, t)))),
        tbody)),
    empty);
}

// ------------------------------------------------------------- legal holds

// A hold keeps a seller's data past its erasure date; the seller sees until
// when, never why. Active ones look like a warning, the others are done.
const HOLD_STATUS = { active: ['In force', 'open'], released: ['Released', 'cancelled'], ended: ['Ended', 'cancelled'] };

async function holdsSection() {
  const result = notice('success');
  const seller = field({
    label: 'Seller', name: 'hold-seller', id: 'hold-seller', type: 'search', spellcheck: 'false', autocomplete: 'off',
    hint: 'A seller ID (sel_…): show their holds, or place one. Empty: the newest holds of every seller.',
  });
  const reason = field({
    label: 'Reason for the hold', name: 'hold-reason', id: 'hold-reason', type: 'text', maxlength: '500', autocomplete: 'off',
    hint: 'For operators only: the seller never sees it and the audit log does not keep it. One line, up to 500 characters.',
  });
  const until = field({
    label: 'Keep the data until', name: 'hold-until', id: 'hold-until', type: 'date',
    hint: 'The hold ends by itself at the start of this day (UTC), unless released before.',
  });
  const show = h('button', { type: 'button', class: 'secondary', id: 'holds-show' }, 'Show holds');
  const place = h('button', { type: 'submit', class: 'primary', id: 'hold-place' }, 'Place hold');
  const form = h('form', { id: 'hold-form', 'aria-label': 'Legal hold', novalidate: true },
    seller, reason, until, h('div', { class: 'actions' }, show, place));
  const box = h('div', { id: 'holds', 'aria-live': 'polite' });
  let load;

  function row(x) {
    const [text, tone] = HOLD_STATUS[x.status] || [humanize(x.status), 'cancelled'];
    let action = h('span', { class: 'muted' }, x.released_at ? `released ${date(x.released_at)}` : '—');
    if (x.status === 'active') {
      action = h('button', { type: 'button', class: 'secondary', 'aria-label': `Release hold ${x.id}` }, 'Release');
      action.addEventListener('click', async () => {
        busy(action, true, 'Releasing…');
        try {
          await ops('DELETE', `/api/v1/ops/legal-holds/${encodeURIComponent(x.id)}`);
          say(result, `Hold ${x.id} is released: the data of ${x.seller_id} follows its own erasure date again.`, 'success');
        } catch (err) {
          say(result, explain(err), 'error');
        }
        await load(seller.input.value.trim());
      });
    }
    return h('tr', { 'data-hold': x.id, 'data-status': x.status },
      h('th', { scope: 'row' }, h('code', {}, x.id)),
      h('td', {}, h('code', {}, x.seller_id)),
      h('td', {}, x.reason),
      h('td', {}, time(x.until)),
      h('td', {}, h('span', { class: `badge ${tone}` }, text)),
      h('td', {}, dateTime(x.created_at)),
      h('td', {}, action));
  }

  load = async (id) => {
    try {
      const q = id ? `?limit=100&seller_id=${encodeURIComponent(id)}` : '?limit=50';
      const data = await ops('GET', `/api/v1/ops/legal-holds${q}`);
      const items = (data && data.items) || [];
      if (items.length === 0) {
        box.replaceChildren(h('p', { class: 'muted', id: 'holds-empty' }, id ? `No legal holds for ${id}.` : 'No legal holds.'));
        return;
      }
      box.replaceChildren(h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Legal holds' },
        h('table', { id: 'holds-table' },
          h('caption', {}, id ? `Legal holds of ${id}, newest first` : 'The newest legal holds of every seller'),
          h('thead', {}, h('tr', {}, ['Hold', 'Seller', 'Reason', 'Until', 'Status', 'Placed', ''].map((t) =>
            h('th', { scope: 'col' }, t)))),
          h('tbody', {}, items.map(row)))));
    } catch (err) {
      if (err.code === 'invalid_parameter') seller.setError('This is not a seller ID.');
      box.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, explain(err)));
    }
  };

  show.addEventListener('click', () => {
    seller.setError('');
    load(seller.input.value.trim());
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = seller.input.value.trim();
    const why = reason.input.value.trim();
    const day = until.input.value;
    seller.setError(id ? '' : 'Enter the ID of the seller whose data is to be kept.');
    reason.setError(why ? '' : 'Say why the data is kept (for example the court order or the audit).');
    until.setError(day ? '' : 'Choose the day the hold ends.');
    const missing = [[id, seller], [why, reason], [day, until]].find(([v]) => !v);
    if (missing) {
      missing[1].input.focus();
      return;
    }
    busy(place, true, 'Placing…');
    try {
      const x = await ops('POST', '/api/v1/ops/legal-holds', {
        body: { seller_id: id, reason: why, until: `${day}T00:00:00Z` }, idempotencyKey: newKey(),
      });
      reason.input.value = '';
      until.input.value = '';
      await load(id);
      say(result, `Hold ${x.id} placed: the data of ${x.seller_id} is kept until ${date(x.until)}.`, 'success');
    } catch (err) {
      const target = { seller_id: seller, reason, until }[err.field];
      if (err.code === 'unknown_seller') seller.setError('No seller has this ID.');
      else if (err.code === 'time_in_past') until.setError('Choose a day after today.');
      else if (target) target.setError(explain(err));
      else say(result, explain(err), 'error');
      if (target) target.input.focus();
    } finally {
      busy(place, false);
    }
  });
  await load('');
  return section('legal-holds', 'Legal holds', result, form, box);
}

// ------------------------------------------------------------- dead letters

async function deadSection() {
  const result = notice('success');
  const box = h('div');
  async function load() {
    try {
      const { items } = await apiAll('/api/v1/ops/webhooks/deliveries?status=dead', { bearer: key() }, 100, 5);
      if (items.length === 0) {
        box.replaceChildren(h('p', { class: 'muted', id: 'dead-empty' }, 'No dead-letter deliveries: every webhook arrived or is still being tried.'));
        return;
      }
      box.replaceChildren(h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Dead-letter webhooks' },
        h('table', { id: 'dead-table' },
          h('caption', {}, `${plural(items.length, 'delivery', 'deliveries')} gave up after every attempt`),
          h('thead', {}, h('tr', {}, ['Event', 'Seller', 'Attempts', 'Last error', 'Created', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, items.map((d) => {
            const retry = h('button', { type: 'button', class: 'secondary', 'aria-label': `Retry delivery ${d.id}` }, 'Retry');
            retry.addEventListener('click', async () => {
              busy(retry, true, 'Retrying…');
              try {
                await ops('POST', `/api/v1/ops/webhooks/deliveries/${encodeURIComponent(d.id)}/retry`);
                say(result, `Delivery ${d.id} is queued again.`, 'success');
                load();
              } catch (err) {
                busy(retry, false);
                say(result, explain(err), 'error');
              }
            });
            return h('tr', {},
              h('th', { scope: 'row' }, d.event),
              h('td', {}, h('code', {}, (d.payload && d.payload.seller_id) || '—')),
              h('td', { class: 'num' }, d.attempts),
              h('td', {}, d.last_error || (d.last_status ? `HTTP ${d.last_status}` : '—')),
              h('td', {}, dateTime(d.created_at)),
              h('td', {}, retry));
          })))));
    } catch (err) {
      box.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, explain(err)));
    }
  }
  await load();
  return section('dead-letters', 'Dead-letter webhooks', result, box);
}

// ------------------------------------------------------------- one seller

function events(closures) {
  const out = [];
  for (const c of closures) {
    const why = `${reasonLabel(c.reason)}${c.reason_text ? ` — \u201c${c.reason_text}\u201d` : ''}`;
    out.push([c.requested_at, 'Closure requested', why]);
    if (c.confirmed_at) out.push([c.confirmed_at, 'Confirmed by e-mail', `grace period until ${dateTime(c.closes_at)}`]);
    if (c.ended_at) out.push([c.ended_at, c.status === 'expired' ? 'Link expired' : 'Cancelled by the seller', '']);
    if (c.closed_at) out.push([c.closed_at, 'Account closed', '']);
    else if (c.status === 'closing' && c.closes_at) out.push([c.closes_at, 'Closes (planned)', '']);
  }
  return out.sort((a, b) => Date.parse(a[0]) - Date.parse(b[0]));
}

function timelineSection(all) {
  const input = field({
    label: 'Seller ID', name: 'seller', type: 'search', spellcheck: 'false', autocomplete: 'off',
    hint: 'For example sel_… from the closures above.',
  });
  const out = h('div', { id: 'seller-timeline', 'aria-live': 'polite' });
  const form = h('form', { class: 'inline-form', role: 'search', 'aria-label': 'Seller timeline' },
    input, h('button', { type: 'submit', class: 'primary' }, 'Show timeline'));
  function showFor(id) {
    input.input.value = id;
    const mine = all.filter((c) => c.seller_id === id);
    if (mine.length === 0) {
      out.replaceChildren(h('p', { class: 'muted' }, `No closures for ${id}.`));
      return;
    }
    const latest = mine[0];
    out.replaceChildren(
      h('h3', {}, 'Seller ', h('code', {}, id)),
      h('p', {}, 'Now: ', badge(latest.status), latest.blockers && latest.blockers.length
        ? ` — blocked by ${latest.blockers.map(humanize).join(', ').toLowerCase()}` : ''),
      h('ol', { class: 'seller-timeline' }, events(mine).map(([at, what, more]) =>
        h('li', {}, h('time', { datetime: at }, dateTime(at)), ' — ', h('strong', {}, what), more ? ` (${more})` : ''))));
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = input.input.value.trim();
    if (!id) {
      input.setError('Enter a seller ID.');
      input.input.focus();
      return;
    }
    input.setError('');
    showFor(id);
  });
  const el = section('seller', 'One seller\u2019s timeline', form, out);
  el.showFor = showFor;
  return el;
}

// ------------------------------------------------------------- the page

async function start() {
  if (!key()) return signIn();
  const signOut = h('button', { type: 'button', class: 'link', id: 'ops-sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    signIn();
  });
  const refresh = h('button', { type: 'button', class: 'link', id: 'ops-refresh' }, 'Refresh');
  refresh.addEventListener('click', start);
  sessionNav.replaceChildren(refresh, signOut);
  clear(main, h('p', { class: 'muted' }, 'Loading…'));
  let all;
  let complete;
  try {
    ({ items: all, complete } = await apiAll('/api/v1/ops/closures', { bearer: key() }));
  } catch (err) {
    if (err.status === 401) {
      sessionStorage.removeItem(KEY);
      return signIn('The key is no longer accepted. Sign in again.');
    }
    const region = notice('error');
    say(region, explain(err));
    clear(main, h('h1', {}, 'Operator console'), region);
    return;
  }
  const timeline = timelineSection(all);
  const showTimeline = (id) => {
    timeline.showFor(id);
    timeline.scrollIntoView({ block: 'start' });
    timeline.querySelector('h2').setAttribute('tabindex', '-1');
    timeline.querySelector('h2').focus();
  };
  const [holds, dead] = await Promise.all([holdsSection(), deadSection()]);
  clear(main,
    h('h1', {}, 'Closures'),
    h('nav', { class: 'ops-nav', 'aria-label': 'Sections' }, h('ul', {},
      [['closures', 'Closures by status'], ['reasons', 'Reasons over time'], ['legal-holds', 'Legal holds'],
        ['dead-letters', 'Dead-letter webhooks'], ['seller', 'Seller timeline']].map(([id, text]) =>
        h('li', {}, h('a', { href: `#${id}` }, text))))),
    complete ? null : h('p', { class: 'notice info' }, 'Showing the newest 10,000 closures.'),
    closuresSection(all, showTimeline),
    section('reasons', 'Closure reasons over time', reasonsChart(all, REASONS)),
    holds,
    dead,
    timeline);
  focusHeading(main);
}

start();
