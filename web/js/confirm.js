// confirm.js: the page the e-mailed link opens (/close/confirm#token=...).
//
// The token travels in the fragment, so it never reaches a server log. It is
// kept in sessionStorage and taken off the address bar at once. Confirming
// needs the seller's own session as well: a seller who is not signed in
// signs in here first, and the page then carries on with the same token.
import { api, seller } from './api.js';
import { signInForm } from './signin.js';
import { busy, clear, dateTime, explain, focusHeading, h, notice, plural, say, time } from './ui.js';

const TOKEN = 'offboard.confirmToken';
const main = document.getElementById('main');
const sessionNav = document.getElementById('session');

const found = /(?:^#|&)token=([A-Za-z0-9_-]{1,64})/.exec(location.hash);
if (found) {
  sessionStorage.setItem(TOKEN, found[1]);
  history.replaceState(null, '', location.pathname);
}

function show(...children) {
  clear(main, ...children);
  focusHeading(main);
}

function backLink(text = 'Go to Seller Center', hash = '#/account') {
  return h('p', {}, h('a', { class: 'button secondary', href: `/${hash}` }, text));
}

async function start() {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) {
    show(h('h1', {}, 'Open the link from your e-mail'),
      h('p', {}, 'This page confirms a closure with the link we e-mailed you. Open that link, '
        + 'or start again from your account.'),
      backLink());
    return;
  }
  let account;
  try {
    account = await api('GET', '/api/v1/account');
    // signed in, but the token of the unsafe request is in another tab
    // (or none is left open): then a sign-in here too
    if (!(await seller.borrow())) throw Object.assign(new Error('no CSRF token in this tab'), { status: 401 });
  } catch (err) {
    if (err.status === 401) {
      seller.forget();
      signInForm(main, {
        title: 'Sign in to confirm',
        intro: 'For your security, the link in the e-mail works only together with your sign-in. '
          + 'Sign in, and we will bring you straight back to the confirmation.',
        done: start,
      });
      return;
    }
    const region = notice('error');
    say(region, explain(err));
    show(h('h1', {}, 'Something went wrong'), region, backLink());
    return;
  }
  sessionNav.replaceChildren(h('a', { href: '/#/account' }, 'Seller Center'), h('span', { class: 'who' }, account.display_name));

  if (account.status === 'closing' || account.status === 'closed') {
    sessionStorage.removeItem(TOKEN);
    show(h('h1', {}, 'Already confirmed'),
      h('p', {}, account.status === 'closing'
        ? 'Your closure is confirmed and your account is closing.' : 'This account is closed.'),
      backLink(account.status === 'closing' ? 'See the closure status' : 'Go to your history', account.status === 'closing' ? '#/status' : '#/history/orders'));
    return;
  }
  if (account.status !== 'closure_requested') {
    sessionStorage.removeItem(TOKEN);
    show(h('h1', {}, 'Nothing to confirm'),
      h('p', {}, 'There is no closure waiting for confirmation on this account: it may have been cancelled, '
        + 'or the link expired. Your account is active.'),
      backLink());
    return;
  }

  const c = await api('GET', '/api/v1/account/closure');
  const problem = notice('error');
  const button = h('button', { type: 'button', class: 'danger', id: 'confirm-closure' }, 'Confirm closure');
  const listings = (c.warnings || []).find((w) => w.code === 'active_listings');
  button.addEventListener('click', async () => {
    say(problem, '');
    busy(button, true, 'Confirming…');
    try {
      const done = await api('POST', '/api/v1/account/closure/confirm', { body: { token } });
      sessionStorage.removeItem(TOKEN);
      sessionStorage.removeItem('offboard.wizard');
      show(h('h1', {}, 'Your account is closing'),
        h('div', { class: 'notice success', role: 'status', id: 'confirmed' },
          h('p', {}, 'Confirmed. Your listings are off and buyers can no longer order.'),
          h('p', {}, 'Your account closes on ', h('strong', {}, time(done.timeline.closes_at, dateTime(done.timeline.closes_at))),
            '. Until then you can cancel and keep your account.')),
        backLink('See the closure status', '#/status'));
    } catch (err) {
      busy(button, false);
      if (err.code === 'invalid_token' || err.code === 'token_expired') {
        sessionStorage.removeItem(TOKEN);
        button.disabled = true;
      }
      if (err.code === 'not_ready') {
        say(problem, [h('p', {}, 'Something new stands in the way of closing. Resolve it, then open the link again:'),
          h('ul', {}, ((err.body && err.body.blockers) || []).map((b) => h('li', {}, b.message)))]);
      } else {
        say(problem, explain(err));
      }
      problem.focus();
    }
  });
  show(h('h1', {}, `Confirm closing ${account.display_name}`),
    problem,
    h('div', { class: 'card' },
      h('p', { class: 'lead' }, 'When you confirm:'),
      h('ul', { class: 'plain' },
        h('li', {}, listings
          ? `${plural(listings.count, 'active listing is', 'active listings are')} turned off at once, and buyers can no longer order.`
          : 'Buyers can no longer order from you.'),
        h('li', {}, 'Your account closes on ', h('strong', {}, time(c.timeline.closes_at)),
          `, after a grace period of ${plural(c.policy.grace_days, 'day', 'days')} in which you can still cancel.`),
        h('li', {}, 'After that, your e-mail and password open your read-only history until ', time(c.timeline.history_ends_at), '.')),
      h('div', { class: 'actions' }, button, h('a', { class: 'button secondary', href: '/#/status' }, 'Not now'))));
}

start();
