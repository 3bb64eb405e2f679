// seller.js: the Seller Center (web/index.html). Account Information with
// its Close Account entry, the closure wizard (checklist, backup, security
// check, reason, review, "check your e-mail"), the closing status with its
// cancel button, and the read-only history of a closed account.
//
// Views are chosen by the location's hash (#/account, #/close/checklist,
// ..., #/status, #/history/orders) and by the account's status, which the
// server decides: a closing account never sees the wizard, a closed one
// only its history.
import { api, newKey, seller } from './api.js';
import { exportPanel } from './export.js';
import { recordsTable } from './records.js';
import { signInForm } from './signin.js';
import {
  busy, clear, date, dateTime, explain, field, focusHeading, h, humanize, money, notice, plural, say, time, uid,
} from './ui.js';

const main = document.getElementById('main');
const sessionNav = document.getElementById('session');

const WIZARD = 'offboard.wizard';
const wizard = JSON.parse(sessionStorage.getItem(WIZARD) || '{}');
const saveWizard = () => sessionStorage.setItem(WIZARD, JSON.stringify(wizard));
const resetWizard = () => {
  for (const k of Object.keys(wizard)) delete wizard[k];
  sessionStorage.removeItem(WIZARD);
};

let flash = null;              // {kind, text}: shown once, on the next view
let cleanups = [];             // what a view leaves running (polling)

const STEPS = [
  ['checklist', 'Checklist'],
  ['backup', 'Back up'],
  ['verify', 'Verify'],
  ['reason', 'Reason'],
  ['review', 'Review'],
  ['email', 'Confirm'],
];

const TITLES = {
  open_orders: 'Open orders',
  open_disputes: 'Open disputes and claims',
  available_balance: 'Money to withdraw',
  payouts_in_flight: 'Payouts on their way',
  negative_balance: 'Money owed',
  fulfilment_inventory: 'Stock in fulfilment centres',
  return_window: 'Orders that can still be returned',
  active_listings: 'Active listings',
  active_services: 'Paid services',
  no_recent_export: 'No recent backup of your data',
  account_paused: 'Selling is paused',
};

const LISTS = ['orders', 'disputes', 'ledger', 'payouts', 'listings', 'services', 'inventory'];

const NOUNS = {
  open_orders: ['order', 'orders'],
  open_disputes: ['case', 'cases'],
  payouts_in_flight: ['payout', 'payouts'],
  fulfilment_inventory: ['unit', 'units'],
  return_window: ['order', 'orders'],
  active_listings: ['listing', 'listings'],
  active_services: ['service', 'services'],
};

function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function route() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [section = 'account', sub = ''] = hash.split('/');
  return { section: section || 'account', sub };
}

function flashNotice() {
  const region = notice(flash ? flash.kind : 'success');
  if (flash) {
    say(region, flash.text, flash.kind);
    flash = null;
  }
  return region;
}

function show(...children) {
  clear(main, ...children);
  focusHeading(main);
}

function failure(err) {
  const region = notice('error');
  say(region, explain(err));
  show(h('h1', {}, 'Something went wrong'), region,
    h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => render() }, 'Try again')));
}

function header(account) {
  if (!account) {
    sessionNav.replaceChildren();
    return;
  }
  const out = h('button', { type: 'button', class: 'link', id: 'sign-out' }, 'Sign out');
  out.addEventListener('click', async () => {
    busy(out, true);
    try {
      await api('DELETE', '/api/v1/session');
    } catch {
      // signed out either way
    }
    seller.forget();
    resetWizard();
    sessionStorage.removeItem('offboard.export');
    flash = { kind: 'success', text: 'You are signed out.' };
    go('#/account');
  });
  const links = account.status === 'closed' ? [] : [
    h('a', { href: '#/account' }, 'Account'),
    account.status === 'active' ? null : h('a', { href: '#/status' }, 'Closure status'),
  ];
  sessionNav.replaceChildren(
    ...links.filter(Boolean),
    h('span', { class: 'who' }, account.display_name),
    out);
}

async function render() {
  for (const stop of cleanups) stop();
  cleanups = [];
  let account;
  try {
    account = await api('GET', '/api/v1/account');
  } catch (err) {
    if (err.status === 401) {
      seller.forget();
      header(null);
      const region = flashNotice();
      signInForm(main, { done: () => render() });
      main.prepend(region);
      return;
    }
    header(null);
    failure(err);
    return;
  }
  if (!(await seller.borrow())) {
    // signed in, but not in this tab: its unsafe requests need the token
    // that only a sign-in gives
    header(null);
    signInForm(main, { intro: 'You are signed in in another window. Sign in here too to go on in this one.', done: () => render() });
    return;
  }
  header(account);
  const { section, sub } = route();
  try {
    if (account.status === 'closed' || seller.scope() === 'history') return await historyView(account, sub);
    if (account.status === 'closure_requested' || account.status === 'closing') {
      if (section === 'account') return await accountView(account);
      return await statusView(account);
    }
    if (section === 'close') return await wizardStep(account, sub || 'checklist');
    return await accountView(account);
  } catch (err) {
    if (err.status === 401) return render();
    failure(err);
  }
}

// ---------------------------------------------------------------- account

function details(rows) {
  return h('dl', { class: 'details' }, rows.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')]));
}

async function accountView(account) {
  const [balance, closure] = await Promise.all([
    api('GET', '/api/v1/account/balance'),
    api('GET', '/api/v1/account/closure'),
  ]);
  const inProgress = account.status !== 'active';
  const bank = account.bank_account;
  show(
    h('h1', {}, 'Account Information'),
    flashNotice(),
    inProgress ? h('div', { class: 'notice warning', role: 'status' },
      h('p', {}, account.status === 'closing'
        ? `Your account is closing: it closes on ${date(closure.timeline.closes_at)}. `
        : 'You asked to close your account: confirm it with the link we e-mailed you. '),
      h('a', { href: '#/status' }, 'See the closure status')) : null,
    closure.paused ? h('div', { class: 'notice info', role: 'status' },
      'Selling is paused: your listings are off until you resume.') : null,
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'business-h' },
        h('h2', { id: 'business-h' }, 'Business'),
        details([
          ['Display name', account.display_name],
          ['Legal name', account.legal_name],
          ['E-mail', account.email],
          ['Phone', account.phone],
          ['Address', account.address],
          ['Seller ID', h('code', {}, account.id)],
          ['Selling since', date(account.created_at)],
        ])),
      h('section', { class: 'card', 'aria-labelledby': 'money-h' },
        h('h2', { id: 'money-h' }, 'Payments'),
        details([
          ['Available', money(balance.available)],
          ['Pending', money(balance.pending)],
          ['On its way to your bank', money(balance.in_flight)],
          ['Reserved', money(balance.reserved)],
          balance.debt && balance.debt.amount_minor > 0 ? ['You owe', money(balance.debt)] : null,
          ['Bank account', bank ? [bank.holder, h('br'), h('span', { class: 'iban' }, bank.iban_masked)] : 'None on file'],
        ])),
      h('section', { class: 'card', 'aria-labelledby': 'security-h' },
        h('h2', { id: 'security-h' }, 'Sign-in security'),
        details([
          ['Password', 'Set'],
          ['Two-step verification', account.totp_enabled ? 'On (authenticator app)' : 'Off'],
        ]))),
    account.status === 'active' ? h('section', { class: 'card danger-zone', 'aria-labelledby': 'close-h' },
      h('h2', { id: 'close-h' }, 'Close Account'),
      h('p', {}, 'Close your selling account for good. First we show you what still needs to be done, '
        + 'help you back up your data and withdraw your money, and tell you the date of every step. '
        + `Nothing happens until you confirm by e-mail, and you can change your mind for ${plural(closure.policy.grace_days, 'day', 'days')} after that.`),
      h('a', { class: 'button danger', href: '#/close/checklist', id: 'close-account' }, 'Close Account')) : null,
  );
}

// ---------------------------------------------------------------- wizard

function stepNav(current) {
  const index = STEPS.findIndex(([key]) => key === current);
  return h('nav', { class: 'steps', 'aria-label': 'Steps to close your account' },
    h('ol', {}, STEPS.map(([key, label], i) => {
      const state = i < index ? 'done' : i === index ? 'current' : 'todo';
      const text = [h('span', { class: 'num', 'aria-hidden': 'true' }, String(i + 1)), h('span', { class: 'label' }, label)];
      return h('li', { class: state, 'aria-current': i === index ? 'step' : null },
        i < index && key !== 'email' ? h('a', { href: `#/close/${key}` }, text) : text,
        i < index ? h('span', { class: 'visually-hidden' }, ' (done)') : null);
    })));
}

function wizardPage(step, title, ...content) {
  const index = STEPS.findIndex(([key]) => key === step);
  show(stepNav(step),
    h('p', { class: 'eyebrow' }, `Step ${index + 1} of ${STEPS.length}`),
    h('h1', {}, title),
    flashNotice(),
    ...content);
}

async function wizardStep(account, step) {
  switch (step) {
    case 'checklist': return checklistStep(account);
    case 'backup': return backupStep(account);
    case 'verify': return verifyStep(account);
    case 'reason': return reasonStep(account);
    case 'review': return reviewStep(account);
    default: return go('#/close/checklist');
  }
}

function figures(item) {
  const rows = [];
  const noun = NOUNS[item.code];
  if (item.count > 0 && noun) rows.push(['How many', plural(item.count, noun[0], noun[1])]);
  if (item.amount) rows.push(['Amount', money(item.amount)]);
  if (item.until) rows.push(['Until', time(item.until)]);
  if (rows.length === 0) return null;
  return h('dl', { class: 'figures' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
}

function listHrefs(item) {
  if (item.code === 'open_orders') {
    return ['pending', 'unshipped', 'shipped'].map((s) => `/api/v1/orders?status=${s}`);
  }
  if (item.code === 'open_disputes') return ['/api/v1/disputes?status=open'];
  return [item.action.href];
}

// One checklist line with its figures and the button that resolves it.
function checklistItem(item, kind, refresh) {
  const detail = h('div', { class: 'item-detail', id: uid(`detail-${item.code}`), hidden: true });
  const result = notice('error');
  const title = TITLES[item.code] || humanize(item.code);
  let button = null;
  const action = item.action;
  if (action && action.method === 'POST' && action.href.startsWith('/api/v1/payouts')) {
    button = h('button', { type: 'button', class: 'primary', 'data-action': 'withdraw' }, action.label || 'Withdraw');
    button.addEventListener('click', async () => {
      busy(button, true, 'Withdrawing…');
      try {
        const payout = await api('POST', '/api/v1/payouts', { body: {}, idempotencyKey: newKey() });
        flash = {
          kind: 'success',
          text: `${money(payout.amount)} is on its way to your bank account ${payout.bank_account.iban_masked}. `
            + 'This item clears once the bank has it.',
        };
        refresh();
      } catch (err) {
        busy(button, false);
        say(result, explain(err));
      }
    });
  } else if (action && action.method === 'POST' && action.href.startsWith('/api/v1/account/exports')) {
    button = h('a', { class: 'button primary', href: '#/close/backup', 'data-action': 'export' }, action.label || 'Back up my data');
    button.addEventListener('click', () => { wizard.autoStartExport = true; saveWizard(); });
  } else if (action && action.method === 'GET' && action.href.startsWith('/api/v1/account/balance')) {
    button = h('button', {
      type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': detail.id, 'data-action': 'view',
    }, action.label || 'Show');
    button.addEventListener('click', async () => {
      const open = button.getAttribute('aria-expanded') !== 'true';
      button.setAttribute('aria-expanded', String(open));
      detail.hidden = !open;
      if (!open || detail.firstChild) return;
      try {
        const b = await api('GET', '/api/v1/account/balance');
        detail.append(details([
          ['Available', money(b.available)], ['You owe', money(b.debt)], ['Pending', money(b.pending)],
          ['Reserved', money(b.reserved)], ['On its way to your bank', money(b.in_flight)],
        ]), h('p', { class: 'muted' }, 'Money owed is settled from your next sales, or by the marketplace’s payment team.'));
      } catch (err) {
        say(result, explain(err));
      }
    });
  } else if (action && action.method === 'GET' && LISTS.includes(action.href.replace(/^\/api\/v1\//, '').split(/[/?]/)[0])) {
    button = h('button', {
      type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': detail.id, 'data-action': 'view',
    }, action.label || 'Show');
    button.addEventListener('click', () => {
      const open = button.getAttribute('aria-expanded') !== 'true';
      button.setAttribute('aria-expanded', String(open));
      detail.hidden = !open;
      if (open && !detail.firstChild) detail.append(recordsTable(listHrefs(item), title, { hideCaption: true }));
    });
  } else if (action && (action.method === 'DELETE' || action.method === 'POST')) {
    button = h('button', { type: 'button', class: 'primary', 'data-action': 'do' }, action.label || 'Fix this');
    button.addEventListener('click', async () => {
      busy(button, true);
      try {
        await api(action.method, action.href, action.method === 'POST' ? { body: {} } : {});
        flash = {
          kind: 'success',
          text: action.href.startsWith('/api/v1/account/pause')
            ? 'Selling has resumed: the listings the pause turned off are on again.'
            : `Done: ${(action.label || 'fixed').toLowerCase()}.`,
        };
        refresh();
      } catch (err) {
        busy(button, false);
        say(result, explain(err));
      }
    });
  }
  return h('li', { class: `item ${kind}`, 'data-code': item.code },
    h('div', { class: 'item-head' },
      h('span', { class: 'marker', 'aria-hidden': 'true' }, kind === 'blocker' ? '!' : 'i'),
      h('div', { class: 'item-text' },
        h('h3', {}, title),
        h('p', {}, item.message),
        figures(item)),
      button ? h('div', { class: 'item-action' }, button) : null),
    result, detail);
}

async function checklistStep(account) {
  const c = await api('GET', '/api/v1/account/closure');
  const refresh = () => render();
  const blockers = c.blockers || [];
  const warnings = c.warnings || [];
  const next = h('a', { class: 'button primary', href: '#/close/backup', id: 'checklist-next' }, 'Continue');
  // the gentler way out; while paused, the checklist's own item resumes
  const pause = h('button', { type: 'button', class: 'secondary', id: 'pause' }, 'Pause selling instead');
  const pauseResult = notice('error');
  pause.addEventListener('click', async () => {
    busy(pause, true);
    try {
      await api('POST', '/api/v1/account/pause', { body: {} });
      flash = {
        kind: 'success',
        text: 'Selling is paused: your listings are off, and everything else stays as it is. '
          + 'Resume with the button below whenever you like.',
      };
      refresh();
    } catch (err) {
      busy(pause, false);
      say(pauseResult, explain(err));
    }
  });
  wizardPage('checklist', 'Before you close your account',
    h('p', { class: 'lead' }, 'This is everything that affects closing your account, checked just now. '
      + 'Items marked as blocking must be resolved first; each has a button that helps.'),
    h('section', { 'aria-labelledby': 'blockers-h', class: 'checklist' },
      h('h2', { id: 'blockers-h' }, blockers.length
        ? `${plural(blockers.length, 'thing stands', 'things stand')} in the way`
        : 'Nothing stands in the way'),
      blockers.length
        ? h('ul', { class: 'items', id: 'blockers' }, blockers.map((b) => checklistItem(b, 'blocker', refresh)))
        : h('p', { class: 'notice success', id: 'ready' }, 'Your account is ready to close.')),
    warnings.length ? h('section', { 'aria-labelledby': 'warnings-h', class: 'checklist' },
      h('h2', { id: 'warnings-h' }, 'Good to know'),
      h('ul', { class: 'items', id: 'warnings' }, warnings.map((w) => checklistItem(w, 'warning', refresh)))) : null,
    h('div', { class: 'actions' },
      blockers.length
        ? h('p', { class: 'hint', id: 'checklist-blocked' }, 'Resolve the blocking items above to continue. '
          + 'This page shows their state as of now: come back any time.')
        : next,
      h('a', { class: 'button secondary', href: '#/account' }, 'Keep my account')),
    c.methods && c.methods.includes('pause') && !c.paused ? h('aside', { class: 'card aside', 'aria-labelledby': 'pause-h' },
      h('h2', { id: 'pause-h' }, 'Just need a break?'),
      h('p', {}, 'Pausing turns your listings off and keeps everything else: your orders, money, services and data. '
        + 'You can resume selling at any time.'),
      pauseResult,
      h('div', { class: 'actions' }, pause)) : null);
}

function backupStep(account) {
  const auto = Boolean(wizard.autoStartExport);
  delete wizard.autoStartExport;
  saveWizard();
  const panel = exportPanel({
    autoStart: auto,
    onChange: (state) => { if (state === 'ready') { wizard.exported = true; saveWizard(); } },
  });
  cleanups.push(() => panel.stop());
  wizardPage('backup', 'Back up your data',
    h('p', { class: 'lead' }, 'Download a copy of everything: your profile, listings, orders and their items, '
      + 'disputes, ledger, payouts and closure history, as spreadsheet files (CSV) and JSON in one ZIP file, '
      + 'with a README that explains every column.'),
    h('p', {}, 'After your account closes you can still sign in to read your history for a while, but a copy of your own '
      + 'is yours to keep. Large accounts take a few minutes; you can keep this page open or continue and come back.'),
    h('section', { class: 'card', 'aria-labelledby': 'export-h' }, h('h2', { id: 'export-h' }, 'Your export'), panel),
    h('div', { class: 'actions' },
      h('a', { class: 'button primary', href: '#/close/verify', id: 'backup-next' }, 'Continue'),
      h('a', { class: 'button secondary', href: '#/close/checklist' }, 'Back')));
}

function verifyStep(account) {
  const problem = notice('error');
  const password = field({
    label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const totp = account.totp_enabled ? field({
    label: 'Authenticator code', name: 'totp', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
    pattern: '[0-9]{6}', maxlength: '6', required: true, hint: 'The 6-digit code your authenticator app shows now.',
  }) : null;
  const submit = h('button', { type: 'submit', class: 'primary', id: 'verify-submit' }, 'Verify and continue');
  const form = h('form', { class: 'card narrow', novalidate: true },
    problem, password, totp, h('div', { class: 'actions' }, submit,
      h('a', { class: 'button secondary', href: '#/close/backup' }, 'Back')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say(problem, '');
    password.setError('');
    if (totp) totp.setError('');
    if (!password.input.value) {
      password.setError('Enter your password.');
      password.input.focus();
      return;
    }
    if (totp && !/^[0-9]{6}$/.test(totp.input.value.trim())) {
      totp.setError('Enter the 6-digit code from your authenticator app.');
      totp.input.focus();
      return;
    }
    const body = { password: password.input.value };
    if (totp) body.totp = totp.input.value.trim();
    busy(submit, true, 'Checking…');
    try {
      await api('POST', '/api/v1/account/verify', { body });
      wizard.verifiedAt = Date.now();
      saveWizard();
      go('#/close/reason');
    } catch (err) {
      busy(submit, false);
      if (err.field === 'totp' && totp) {
        totp.setError(explain(err));
        totp.input.focus();
      } else if (err.code === 'invalid_credentials') {
        password.setError('That password is not right.');
        password.input.select();
        password.input.focus();
      } else {
        say(problem, explain(err));
        problem.focus();
      }
    }
  });
  wizardPage('verify', 'Confirm that it is you',
    h('p', { class: 'lead' }, account.totp_enabled
      ? 'Closing an account cannot be undone once it is closed, so enter your password and the code from your authenticator app.'
      : 'Closing an account cannot be undone once it is closed, so enter your password again.'),
    form);
  password.input.focus();
}

async function reasonStep() {
  const c = await api('GET', '/api/v1/account/closure');
  const problem = notice('error');
  const legendId = uid('reason-legend');
  const errorId = uid('reason-error');
  const radios = (c.reasons || []).map((r) => {
    const id = uid(`reason-${r.code}`);
    return h('div', { class: 'choice' },
      h('input', { type: 'radio', name: 'reason', id, value: r.code, checked: wizard.reason === r.code }),
      h('label', { for: id }, r.label));
  });
  const reasonError = h('p', { class: 'field-error', id: errorId, hidden: true });
  const text = field({
    label: 'Anything you would like to tell us? (optional)', name: 'reason_text', multiline: true, maxlength: '1000',
    rows: '4', hint: 'Up to 1,000 characters. It helps the marketplace improve.',
  });
  text.input.value = wizard.reasonText || '';
  const form = h('form', { class: 'card', novalidate: true },
    problem,
    h('fieldset', { 'aria-describedby': errorId },
      h('legend', { id: legendId }, 'Why are you leaving?'), reasonError, h('div', { class: 'choices' }, radios)),
    text,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'reason-next' }, 'Continue'),
      h('a', { class: 'button secondary', href: '#/close/verify' }, 'Back')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = form.querySelector('input[name=reason]:checked');
    if (!chosen) {
      reasonError.textContent = 'Choose the reason that fits best.';
      reasonError.hidden = false;
      form.querySelector('input[name=reason]').focus();
      return;
    }
    wizard.reason = chosen.value;
    wizard.reasonLabel = chosen.labels[0].textContent;
    wizard.reasonText = text.input.value.trim();
    saveWizard();
    go('#/close/review');
  });
  wizardPage('reason', 'Tell us why you are leaving', form);
}

// The dates that follow a confirmation, each with what happens then.
function timeline(c, account, fixed) {
  const t = c.timeline;
  const listings = (c.warnings || []).find((w) => w.code === 'active_listings');
  const services = (c.warnings || []).find((w) => w.code === 'active_services');
  const steps = [
    [t.closing_at, fixed ? 'Confirmed' : 'When you confirm by e-mail',
      `${listings ? plural(listings.count, 'listing is', 'listings are') : 'Your listings are'} turned off and buyers can no longer order. `
      + 'You can still cancel.'],
    [t.closes_at, 'Your account closes',
      `${services ? `${plural(services.count, 'paid service ends', 'paid services end')} and ${services.count === 1 ? 'its' : 'their'} fees stop. ` : ''}`
      + 'You can no longer sell or use the Seller Center; your e-mail and password open your read-only history instead.'],
    [t.reserve_released_at, 'Reserve paid out',
      'Money held back for late refunds and claims is paid to your bank account, minus what those cost.'],
    [t.history_ends_at, 'History access ends', 'You can no longer sign in to read your orders, ledger and payouts.'],
    [t.erased_at, 'Personal data erased', 'Your personal data is deleted for good, and you get a certificate that says what was erased.'],
    // a legal hold keeps the data longer: when, never why
    ...(t.erasure_delayed_until ? [[t.erasure_delayed_until, 'Erasure delayed',
      t.erasure_delay_message || 'Erasure is delayed by a legal obligation until then.', 'erasure-delayed']] : []),
    [t.financial_records_until, 'Financial records end',
      'Records the law requires us to keep (invoices, payouts) are kept without your name until then, then deleted.'],
  ];
  return h('ol', { class: 'timeline', id: 'timeline' }, steps.map(([when, what, text, id]) =>
    h('li', id ? { id } : {}, h('p', { class: 'when' }, time(when)), h('h3', {}, what), h('p', {}, text))));
}

async function reviewStep(account) {
  if (!wizard.reason) {
    flash = { kind: 'error', text: 'Choose a reason first.' };
    return go('#/close/reason');
  }
  const [c, balance] = await Promise.all([
    api('GET', '/api/v1/account/closure'),
    api('GET', '/api/v1/account/balance'),
  ]);
  const problem = notice('error');
  const listings = (c.warnings || []).find((w) => w.code === 'active_listings');
  const services = (c.warnings || []).find((w) => w.code === 'active_services');
  const ackId = uid('ack');
  const ack = h('input', { type: 'checkbox', id: ackId, name: 'acknowledge', required: true });
  const ackError = h('p', { class: 'field-error', id: `${ackId}-error`, hidden: true });
  ack.setAttribute('aria-describedby', ackError.id);
  const submit = h('button', { type: 'submit', class: 'danger', id: 'request-closure' }, 'Request closure');
  const form = h('form', { class: 'card', novalidate: true },
    problem,
    h('div', { class: 'choice ack' }, ack,
      h('label', { for: ackId }, 'I have read what will happen and when, and I want to close my account.')),
    ackError,
    h('div', { class: 'actions' }, submit, h('a', { class: 'button secondary', href: '#/close/reason' }, 'Back')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say(problem, '');
    ackError.hidden = true;
    ack.removeAttribute('aria-invalid');
    if (!ack.checked) {
      ackError.textContent = 'Tick the box to confirm that you have read what will happen.';
      ackError.hidden = false;
      ack.setAttribute('aria-invalid', 'true');
      ack.focus();
      return;
    }
    const body = { reason: wizard.reason, acknowledge: true };
    if (wizard.reasonText) body.reason_text = wizard.reasonText;
    busy(submit, true, 'Sending…');
    try {
      await api('POST', '/api/v1/account/closure', { body, idempotencyKey: newKey() });
      go('#/status');
    } catch (err) {
      busy(submit, false);
      if (err.code === 'step_up_required') {
        flash = { kind: 'error', text: 'Your security check has run out. Enter your password again, then come back here.' };
        return go('#/close/verify');
      }
      if (err.code === 'not_ready') {
        say(problem, [h('p', {}, 'Something new stands in the way of closing:'),
          h('ul', {}, (err.body.blockers || []).map((b) => h('li', {}, b.message))),
          h('a', { href: '#/close/checklist' }, 'Go back to the checklist')]);
      } else if (err.code === 'closure_in_progress') {
        return go('#/status');
      } else {
        say(problem, explain(err));
      }
      problem.focus();
    }
  });
  const inFlight = balance.in_flight && balance.in_flight.amount_minor > 0;
  wizardPage('review', 'Review what will happen',
    h('p', { class: 'lead' }, 'Read this before you confirm. The dates are what they would be if you confirmed now; '
      + 'they are fixed when you confirm.'),
    h('section', { class: 'card', 'aria-labelledby': 'when-h' }, h('h2', { id: 'when-h' }, 'What happens when'), timeline(c, account, false)),
    h('section', { class: 'card', 'aria-labelledby': 'what-h' },
      h('h2', { id: 'what-h' }, 'What happens to…'),
      h('dl', { class: 'details wide', id: 'consequences' },
        h('dt', {}, 'Your listings'),
        h('dd', {}, listings
          ? `${plural(listings.count, 'active listing is', 'active listings are')} turned off when you confirm.`
          : 'You have no active listings.'),
        h('dt', {}, 'Your services'),
        h('dd', {}, services
          ? `${plural(services.count, 'paid service', 'paid services')} (${money(services.amount)} a month) end when the account closes on ${date(c.timeline.closes_at)}; no fees after that.`
          : 'You have no paid services.'),
        h('dt', {}, 'Your money'),
        h('dd', {}, `Available now: ${money(balance.available)}. `
          + (inFlight ? `${money(balance.in_flight)} is on its way to your bank. ` : '')
          + `For ${plural(c.policy.reserve_days, 'day', 'days')} after closing, refunds and claims are paid from a reserve; `
          + `what is left goes to your bank account on ${date(c.timeline.reserve_released_at)}.`),
        h('dt', {}, 'Your data'),
        h('dd', {}, `${wizard.exported ? 'You downloaded a backup. ' : 'You have not downloaded a backup in this visit. '}`
          + `You can read your history until ${date(c.timeline.history_ends_at)}; your personal data is erased on ${date(c.timeline.erased_at)}.`),
        h('dt', {}, 'Your reason'),
        h('dd', {}, wizard.reasonLabel || humanize(wizard.reason), wizard.reasonText ? h('q', {}, wizard.reasonText) : null))),
    h('p', {}, `We will e-mail a confirmation link to ${account.email}. Nothing changes until you open it; `
      + `it works for ${plural(c.policy.confirm_hours, 'hour', 'hours')}.`),
    form);
}

// ---------------------------------------------------------------- status

async function cancelButton(label) {
  const problem = notice('error');
  const button = h('button', { type: 'button', class: 'secondary', id: 'cancel-closure' }, label);
  button.addEventListener('click', async () => {
    busy(button, true, 'Cancelling…');
    try {
      await api('DELETE', '/api/v1/account/closure');
      resetWizard();
      flash = {
        kind: 'success',
        text: 'The closure is cancelled and your account is active again. '
          + 'Listings that were turned off stay off until you turn them on.',
      };
      go('#/account');
    } catch (err) {
      busy(button, false);
      say(problem, explain(err));
      if (err.code === 'account_closed' || err.code === 'no_closure') render();
    }
  });
  return [problem, h('div', { class: 'actions' }, button)];
}

async function statusView(account) {
  const c = await api('GET', '/api/v1/account/closure');
  if (account.status === 'closure_requested') {
    const confirmBy = c.timeline.confirm_by || (c.closure && c.closure.confirm_by);
    show(stepNav('email'),
      h('p', { class: 'eyebrow' }, `Step ${STEPS.length} of ${STEPS.length}`),
      h('h1', {}, 'Check your e-mail'),
      flashNotice(),
      h('div', { class: 'card', id: 'check-email' },
        h('p', { class: 'lead' }, 'We sent a confirmation link to ', h('strong', {}, account.email), '.'),
        h('p', {}, 'Open it in this browser and confirm there. ',
          confirmBy ? ['The link works until ', time(confirmBy, dateTime(confirmBy)), '. '] : '',
          'Nothing changes until you confirm: if you do not, the request simply expires.'),
        h('p', { class: 'muted' }, 'No e-mail? Check your spam folder. To get a new link, cancel this request and start again.')),
      ...(await cancelButton('Cancel the request')));
    return;
  }
  const closure = c.closure || {};
  show(
    h('h1', {}, 'Your account is closing'),
    flashNotice(),
    h('div', { class: 'notice warning', id: 'closing-status', role: 'status' },
      h('p', {}, 'Your listings are off and buyers can no longer order. ',
        'Your account closes on ', h('strong', {}, time(c.timeline.closes_at, dateTime(c.timeline.closes_at))), '.'),
      h('p', {}, 'Until then you can change your mind and keep your account.')),
    ...(await cancelButton('Cancel the closure and keep my account')),
    h('section', { class: 'card', 'aria-labelledby': 'dates-h' },
      h('h2', { id: 'dates-h' }, 'The dates of your closure'),
      closure.confirmed_at ? h('p', { class: 'muted' }, `Confirmed on ${dateTime(closure.confirmed_at)}. These dates are fixed.`) : null,
      timeline(c, account, true)));
}

// ---------------------------------------------------------------- history

const HISTORY = [
  ['orders', 'Orders'],
  ['ledger', 'Ledger'],
  ['payouts', 'Payouts'],
  ['disputes', 'Disputes'],
  ['statement', 'Statement'],
  ['exports', 'Export'],
];

async function statementView() {
  const box = h('div', { class: 'statement' });
  try {
    const s = await api('GET', '/api/v1/account/statement');
    const b = s.balances || {};
    box.append(
      h('p', {}, `Every movement of your money from ${date(s.from)} to ${date(s.to)}.`),
      h('dl', { class: 'details' },
        h('dt', {}, 'Available'), h('dd', {}, money(b.available)),
        h('dt', {}, 'Reserved'), h('dd', {}, money(b.reserved)),
        h('dt', {}, 'On its way to your bank'), h('dd', {}, money(b.in_flight)),
        b.debt && b.debt.amount_minor > 0 ? [h('dt', {}, 'You owe'), h('dd', {}, money(b.debt))] : null),
      (s.entries || []).length === 0 ? null : h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Statement' },
        h('table', {},
          h('caption', { class: 'visually-hidden' }, 'Statement'),
          h('thead', {}, h('tr', {}, ['Date', 'Type', 'Amount', 'Note'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, (s.entries || []).map((e) => h('tr', {},
            h('th', { scope: 'row' }, date(e.created_at)), h('td', {}, humanize(e.type)),
            h('td', { class: 'num' }, money(e.amount)), h('td', {}, e.memo || '')))))),
      (s.entries || []).length ? null : h('p', { class: 'muted' }, 'No movements in this period.'));
  } catch (err) {
    box.append(h('p', { class: 'notice info' }, err.status === 404
      ? 'The statement is not available on this marketplace yet.' : explain(err)));
  }
  return box;
}

async function historyView(account, tab) {
  const c = await api('GET', '/api/v1/account/closure');
  const current = HISTORY.some(([key]) => key === tab) ? tab : 'orders';
  const closure = c.closure || {};
  let body;
  if (current === 'statement') body = await statementView();
  else if (current === 'exports') {
    const panel = exportPanel();
    cleanups.push(() => panel.stop());
    body = h('div', {}, h('p', {}, 'Download everything in one ZIP file: spreadsheet files (CSV) and JSON, with a README.'), panel);
  } else {
    body = recordsTable(`/api/v1/${current}`, HISTORY.find(([k]) => k === current)[1], { hideCaption: true });
  }
  show(
    h('h1', {}, 'Your account is closed'),
    flashNotice(),
    h('div', { class: 'notice info', id: 'history-banner' },
      h('p', {}, closure.closed_at ? ['Closed on ', time(closure.closed_at), '. '] : '',
        'This is your read-only history: you can read and download it, not change it.'),
      h('p', {}, 'You can sign in to it until ', h('strong', {}, time(c.timeline.history_ends_at)),
        '. Your personal data is erased on ', time(c.timeline.erased_at), '.'),
      c.timeline.erasure_delayed_until ? h('p', { id: 'erasure-delayed' }, c.timeline.erasure_delay_message) : null),
    h('nav', { class: 'tabs', 'aria-label': 'History' },
      h('ul', {}, HISTORY.map(([key, label]) => h('li', {},
        h('a', { href: `#/history/${key}`, 'aria-current': key === current ? 'page' : null }, label))))),
    h('section', { class: 'card', 'aria-labelledby': 'history-h' },
      h('h2', { id: 'history-h' }, HISTORY.find(([k]) => k === current)[1]), body));
}

window.addEventListener('hashchange', () => {
  if (location.hash === '' || location.hash.startsWith('#/')) render();
});
render();
