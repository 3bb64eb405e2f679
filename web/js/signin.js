// signin.js: the seller's sign-in form (POST /api/v1/session), with the
// authenticator code field shown when the API answers totp_required.
import { api, seller } from './api.js';
import { busy, explain, field, focusHeading, h, notice, say } from './ui.js';

// Renders the form into root; calls done(signIn) once signed in.
export function signInForm(root, { title = 'Sign in to Seller Center', intro, done }) {
  const email = field({ label: 'E-mail address', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = field({
    label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const totp = field({
    label: 'Authenticator code', name: 'totp', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
    pattern: '[0-9]{6}', maxlength: '6', hint: 'The 6-digit code your authenticator app shows for offboard.',
  });
  totp.hidden = true;
  const problem = notice('error');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'card narrow', novalidate: true, 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, title),
    intro ? h('p', {}, intro) : null,
    problem, email, password, totp,
    h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say(problem, '');
    for (const f of [email, password, totp]) f.setError('');
    if (!email.input.value.trim()) {
      email.setError('Enter your e-mail address.');
      email.input.focus();
      return;
    }
    if (!password.input.value) {
      password.setError('Enter your password.');
      password.input.focus();
      return;
    }
    const body = { email: email.input.value.trim(), password: password.input.value };
    if (!totp.hidden && totp.input.value.trim()) body.totp = totp.input.value.trim();
    busy(submit, true, 'Signing in…');
    try {
      const signIn = await api('POST', '/api/v1/session', { body });
      seller.remember(signIn);
      done(signIn);
    } catch (err) {
      busy(submit, false);
      if (err.code === 'totp_required' || err.code === 'invalid_totp') {
        totp.hidden = false;
        totp.setError(explain(err));
        totp.input.value = '';
        totp.input.focus();
        return;
      }
      say(problem, explain(err));
      if (err.code === 'invalid_credentials') password.input.select();
      problem.focus();
    }
  });
  root.replaceChildren(form);
  focusHeading(root);
  email.input.focus();
}
