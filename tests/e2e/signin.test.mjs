// Sign-in: with the keyboard alone, and for the seller with an authenticator
// app (the code field appears when the API answers totp_required; a wrong
// code is told where it happens); the security check of the wizard then
// asks for a code too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEnv, totp } from './lib.mjs';

let e;
let failed = false;

before(async () => { e = await startEnv('signin'); });
after(async () => { if (e) await e.stop(failed); });

async function guarded(fn) {
  try {
    await fn();
  } catch (err) {
    failed = true;
    throw err;
  }
}

test('a seller signs in with the keyboard alone', () => guarded(async () => {
  const page = await e.page();
  await page.goto(`${e.base}/`);
  await page.getByRole('heading', { name: 'Sign in to Seller Center' }).waitFor();
  // the form takes focus at its first field; Tab moves on, Enter sends
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('autocomplete')), 'username');
  await page.keyboard.type('ready@demo.offboard.test');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.type), 'password');
  await page.keyboard.type('demo-password');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Account Information' }).waitFor();
  // after a view change the focus is on its heading, for screen readers
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor();
  assert.deepEqual(e.problems, []);
}));

test('a seller with an authenticator app signs in with a code', () => guarded(async () => {
  const secret = e.demo.match(/add the secret ([A-Z2-7]+)/)[1];
  const page = await e.page();
  await page.goto(`${e.base}/`);
  await page.getByLabel('E-mail address').fill('totp@demo.offboard.test');
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const code = page.getByLabel('Authenticator code');
  await code.waitFor();
  await page.getByText('Enter the 6-digit code from your authenticator app.').waitFor();
  assert.equal(await code.evaluate((el) => el === document.activeElement), true);
  await e.shot(page, 'totp-asked');

  const near = [-30000, 0, 30000].map((d) => totp(secret, Date.now() + d));
  const wrong = ['000000', '111111', '222222'].find((c) => !near.includes(c));
  await code.fill(wrong);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(/That code is not right/).waitFor();
  assert.equal(await code.getAttribute('aria-invalid'), 'true');
  await e.shot(page, 'totp-wrong');

  // the next period's code (within the server's window of one step): the
  // current one may be the code the demo used to enrol, which is spent
  await code.fill(totp(secret, Date.now() + 30000));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Account Information' }).waitFor();
  await page.getByText('On (authenticator app)').waitFor();

  // the security check of the wizard asks for the code as well
  await page.goto(`${e.base}/#/close/verify`);
  await page.getByRole('heading', { name: 'Confirm that it is you' }).waitFor();
  await page.getByLabel('Authenticator code').waitFor();
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  await page.getByRole('button', { name: 'Verify and continue' }).click();
  await page.getByText('Enter the 6-digit code from your authenticator app.').waitFor();
  await e.shot(page, 'verify-needs-code');
  assert.deepEqual(e.problems, []);
}));
