// records.js: the seller's records as read-only tables, a page at a time
// (orders, disputes, ledger, payouts, listings, services, inventory).
import { api } from './api.js';
import { busy, date, explain, h, humanize, money, notice, say } from './ui.js';

const columns = {
  orders: [
    ['Order', (o) => h('code', {}, o.id)],
    ['Placed', (o) => date(o.placed_at)],
    ['Status', (o) => status(o.status)],
    ['Total', (o) => money(o.total), 'num'],
    ['Buyer', (o) => o.buyer_name],
    ['Returnable until', (o) => date(o.return_window_ends_at)],
  ],
  disputes: [
    ['Case', (d) => h('code', {}, d.id)],
    ['Kind', (d) => humanize(d.kind === 'a_to_z_claim' ? 'A-to-z claim' : d.kind)],
    ['Status', (d) => status(d.status)],
    ['Amount', (d) => money(d.amount), 'num'],
    ['Order', (d) => (d.order_id ? h('code', {}, d.order_id) : '—')],
    ['Opened', (d) => date(d.opened_at)],
  ],
  ledger: [
    ['Date', (t) => date(t.created_at)],
    ['Type', (t) => humanize(t.type)],
    ['Amount', (t) => money(t.amount), 'num'],
    ['Available', (t) => (t.effect && t.effect.available ? money(t.effect.available) : '—'), 'num'],
    ['Note', (t) => t.memo || ''],
  ],
  payouts: [
    ['Requested', (p) => date(p.requested_at)],
    ['Amount', (p) => money(p.amount), 'num'],
    ['Status', (p) => status(p.status)],
    ['To account', (p) => (p.bank_account ? h('span', { class: 'iban' }, p.bank_account.iban_masked) : '—')],
  ],
  listings: [
    ['SKU', (l) => h('code', {}, l.sku)],
    ['Title', (l) => l.title],
    ['Price', (l) => money(l.price), 'num'],
    ['Status', (l) => status(l.status)],
  ],
  services: [
    ['Service', (s) => humanize(s.kind)],
    ['Monthly fee', (s) => money(s.monthly_fee), 'num'],
    ['Status', (s) => status(s.status)],
    ['Since', (s) => date(s.started_at)],
  ],
  inventory: [
    ['SKU', (i) => h('code', {}, i.sku)],
    ['Units', (i) => Number(i.units).toLocaleString(), 'num'],
    ['Updated', (i) => date(i.updated_at)],
  ],
};

function status(s) {
  return h('span', { class: `badge ${s}` }, humanize(s));
}

// The kind of record of an API path: /api/v1/orders?status=x -> 'orders'.
export function kindOf(href) {
  const path = href.split('?')[0];
  return path.replace(/^\/api\/v1\//, '').split('/')[0];
}

// A table of the records at each of hrefs (pages of 50, "Show more"),
// with caption (for screen readers only when hideCaption: a heading says
// it already). Returns the element; it fills itself.
export function recordsTable(hrefs, caption, { hideCaption = false } = {}) {
  const list = Array.isArray(hrefs) ? hrefs : [hrefs];
  const kind = kindOf(list[0]);
  const cols = columns[kind] || [['Record', (r) => JSON.stringify(r)]];
  const tbody = h('tbody');
  const problem = notice('error');
  const empty = h('p', { class: 'muted', hidden: true }, 'Nothing to show.');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show more');
  const table = h('table', {},
    h('caption', { class: hideCaption ? 'visually-hidden' : null }, caption),
    h('thead', {}, h('tr', {}, cols.map(([name, , cls]) => h('th', { scope: 'col', class: cls }, name)))),
    tbody);
  const wrap = h('div', { class: 'records', 'data-kind': kind, 'aria-busy': 'true' },
    problem, h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, table), empty, more);
  const queue = list.map((href) => ({ href, cursor: null, done: false }));
  let shown = 0;

  async function load() {
    busy(more, true, 'Loading…');
    try {
      for (const q of queue) {
        if (q.done) continue;
        const sep = q.href.includes('?') ? '&' : '?';
        const data = await api('GET', `${q.href}${sep}limit=50${q.cursor ? `&cursor=${encodeURIComponent(q.cursor)}` : ''}`);
        for (const item of data.items || []) {
          tbody.append(h('tr', {}, cols.map(([, cell, cls], i) =>
            h(i === 0 ? 'th' : 'td', { class: cls, scope: i === 0 ? 'row' : null }, cell(item)))));
          shown++;
        }
        q.cursor = data.next_cursor;
        q.done = !data.next_cursor;
        if (!q.done) break;
      }
      say(problem, '');
    } catch (err) {
      say(problem, explain(err));
    }
    busy(more, false);
    more.hidden = queue.every((q) => q.done);
    empty.hidden = shown > 0;
    wrap.setAttribute('aria-busy', 'false');
  }
  more.addEventListener('click', load);
  load();
  return wrap;
}
