// api.js: the pages' one way to the API (docs/openapi.yaml).
//
// JSON in and out. A seller's session is the HttpOnly cookie set at sign-in;
// the CSRF token that sign-in returns is kept in sessionStorage (this tab
// only, gone when it closes) and sent as X-CSRF-Token on every unsafe
// request. The operator console sends its key as a bearer token instead.
// Every failure is thrown as an ApiError carrying the API's error code,
// message and field, or code 'network' when the server could not be reached.

const CSRF = 'offboard.csrf';
const SCOPE = 'offboard.scope';

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const detail = (body && body.error) || {};
    super(detail.message || (status ? `the server answered ${status}` : 'the server could not be reached'));
    this.status = status;
    this.code = detail.code || (status ? `http_${status}` : 'network');
    this.field = detail.field || null;
    this.body = body || null;
    this.retryAfter = retryAfter || null;
  }
}

export const seller = {
  csrf: () => sessionStorage.getItem(CSRF),
  scope: () => sessionStorage.getItem(SCOPE),
  remember(signIn) {
    sessionStorage.setItem(CSRF, signIn.csrf_token);
    sessionStorage.setItem(SCOPE, signIn.scope);
  },
  forget() {
    sessionStorage.removeItem(CSRF);
    sessionStorage.removeItem(SCOPE);
  },
};

// Tabs of one browser share the session cookie but not sessionStorage: a
// tab without the CSRF token (the e-mailed link opened in a new tab) asks
// the other tabs of this origin for it. Nothing leaves the origin.
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('offboard.seller') : null;
if (channel) {
  channel.onmessage = (event) => {
    const m = event.data || {};
    if (m.type === 'want' && seller.csrf()) {
      channel.postMessage({ type: 'session', csrf: seller.csrf(), scope: seller.scope() });
    } else if (m.type === 'session' && !seller.csrf() && typeof m.csrf === 'string') {
      seller.remember({ csrf_token: m.csrf, scope: m.scope });
    }
  };
}

// Resolves true once this tab has a CSRF token, borrowed from another tab
// when needed (waits up to ms).
seller.borrow = async (ms = 400) => {
  if (seller.csrf() || !channel) return Boolean(seller.csrf());
  channel.postMessage({ type: 'want' });
  for (let waited = 0; waited < ms && !seller.csrf(); waited += 25) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Boolean(seller.csrf());
};

// A fresh Idempotency-Key: 32 hex digits from the browser's CSPRNG.
export function newKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// One request. options: body (sent as JSON), bearer (operator key),
// idempotencyKey, accept. Resolves to the parsed JSON (null when empty).
export async function api(method, path, options = {}) {
  const headers = { Accept: options.accept || 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
  else if (method !== 'GET' && method !== 'HEAD' && seller.csrf()) headers['X-CSRF-Token'] = seller.csrf();
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    throw new ApiError(res.status, data && typeof data === 'object' ? data : null,
      Number(res.headers.get('Retry-After')) || null);
  }
  return data;
}

// Every page of a list, up to maxPages pages of limit items.
export async function apiAll(path, options = {}, limit = 500, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const data = await api('GET', url, options);
    items.push(...(data.items || []));
    cursor = data.next_cursor;
    if (!cursor) return { items, complete: true };
  }
  return { items, complete: false };
}
