// ui.js: building the pages without innerHTML (every text from the API is
// set as text, never parsed as markup), formatting money and dates, and
// errors in words a seller understands.

// h('button', {class: 'primary', onclick: fn}, 'Text', child...)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
export const uid = (prefix) => `${prefix}-${++ids}`;

// A labelled form field: {label, name, type, hint, required, ...input attrs}.
export function field(opts) {
  const id = opts.id || uid(opts.name);
  const hintId = opts.hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const { label, hint, multiline, ...attrs } = opts;
  const input = h(multiline ? 'textarea' : 'input', {
    ...attrs, id, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
  });
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const wrap = h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    input, error);
  wrap.input = input;
  wrap.setError = (message) => {
    error.textContent = message || '';
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  return wrap;
}

// A region that announces what it is given: role=alert for errors,
// role=status for news.
export function notice(kind = 'error') {
  return h('div', {
    class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status', hidden: true, tabindex: '-1',
  });
}

export function say(region, message, kind) {
  if (kind) region.className = `notice ${kind}`;
  clear(region, ...(Array.isArray(message) ? message : [message || '']));
  region.hidden = !message || (Array.isArray(message) && message.length === 0);
}

// ----- formatting -----

export function money(m) {
  if (!m) return '—';
  const value = Number(m.decimal);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: m.currency }).format(value);
  } catch {
    return `${m.decimal} ${m.currency}`;
  }
}

export function date(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));
}

export function dateTime(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
    timeZone: 'UTC', timeZoneName: 'short',
  }).format(new Date(iso));
}

export function time(iso, text) {
  return h('time', { datetime: iso }, text || date(iso));
}

export function plural(n, one, many) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export const humanize = (code) => (code || '').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

// ----- errors in plain words -----

const words = {
  network: 'We could not reach the server. Check your connection and try again.',
  invalid_credentials: 'The e-mail address or password is not right.',
  totp_required: 'Enter the 6-digit code from your authenticator app.',
  invalid_totp: 'That code is not right, or it was already used. Wait for the next code and try again.',
  unauthenticated: 'Please sign in.',
  session_expired: 'Your session has ended. Please sign in again.',
  csrf_token_invalid: 'Your session has ended. Please sign in again.',
  step_up_required: 'For your security, enter your password again before you continue.',
  closure_in_progress: 'A closure is already under way for this account.',
  account_closed: 'This account is closed: you can read its history, but not change it.',
  no_closure: 'There is no closure to cancel.',
  invalid_token: 'This link is not valid: it was used already, the closure was cancelled, or it belongs to another account.',
  token_expired: 'This link has expired. Start the closure again from your account to get a new one.',
  no_bank_account: 'There is no bank account on file to send the money to. Add one in your payment settings first.',
  insufficient_funds: 'There is no money available to withdraw right now.',
  acknowledgement_required: 'Tick the box to confirm that you have read what will happen.',
  invalid_reason: 'Choose one of the reasons.',
  history_access_ended: "Access to this closed account's history has ended, and its data is being erased.",
  internal: 'Something went wrong on our side. Please try again in a moment.',
};

// The message for err: our words for the codes we know, else the API's own
// message (written for people), made into a sentence.
export function explain(err) {
  if (!err) return '';
  if (typeof err.status !== 'number') {
    console.error(err);   // a fault of the page itself, not an answer of the API
    return 'Something went wrong on this page. Reload it and try again.';
  }
  if (err.code === 'too_many_attempts') {
    const wait = err.retryAfter ? ` Try again in ${plural(err.retryAfter, 'second', 'seconds')}.` : ' Try again later.';
    return `Too many attempts.${wait}`;
  }
  if (words[err.code]) return words[err.code];
  if (err.status >= 500) return words.internal;
  const m = err.message || 'Something went wrong.';
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
}

// Moves focus to the page's main heading after a view change, so screen
// readers announce the new view and keyboard users start from its top.
export function focusHeading(root) {
  const heading = root.querySelector('h1');
  if (!heading) return;
  heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: false });
}

export function busy(button, on, label) {
  if (on) {
    if (button.getAttribute('aria-busy') !== 'true') button.dataset.label = button.textContent;
    if (label) button.textContent = label;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  } else {
    if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
