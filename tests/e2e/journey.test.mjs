// The whole journey of the ready demo seller in the browser: sign-in,
// Account Information, Close Account, every wizard step, the confirmation
// link read from the test SMTP server and opened signed out (sign-in first,
// then back to the confirmation), the closing status, the clock moved past
// closes_at, and the read-only history.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { exportApiExists, requestClosure, signIn, startEnv } from './lib.mjs';

const EMAIL = 'ready@demo.offboard.test';
let e;
let failed = false;

before(async () => { e = await startEnv('journey'); });
after(async () => { if (e) await e.stop(failed); });

test('a ready seller closes the account from sign-in to history', async () => {
  try {
    const page = await e.page();
    await page.goto(`${e.base}/`);
    await page.getByRole('heading', { name: 'Sign in to Seller Center' }).waitFor();
    await e.shot(page, 'sign-in');

    // a wrong password is told where it happens, in plain words
    await signIn(page, EMAIL, 'not-the-password');
    await page.getByRole('alert').filter({ hasText: 'The e-mail address or password is not right.' }).waitFor();
    await e.shot(page, 'sign-in-wrong-password');
    await page.getByLabel('Password', { exact: true }).fill('demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Account Information' }).waitFor();
    await page.getByText('Maple & Oak Home Goods LLC', { exact: true }).waitFor();
    await e.shot(page, 'account');

    // the reason step insists on a reason, the review on the acknowledgement
    await page.getByRole('link', { name: 'Close Account' }).click();
    await page.locator('#ready').waitFor();
    assert.equal(await page.locator('#warnings [data-code=active_listings]').count(), 1);
    await page.goto(`${e.base}/#/close/reason`);
    await page.getByRole('heading', { name: 'Tell us why you are leaving' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Choose the reason that fits best.').waitFor();
    await page.goto(`${e.base}/#/account`);
    await page.getByRole('heading', { name: 'Account Information' }).waitFor();

    await requestClosure(page, e, { text: 'Opening my own shop', shots: true });
    await page.getByText(EMAIL).first().waitFor();

    // the e-mailed link, opened signed out: sign in first, then confirm
    const link = await e.confirmationLink(EMAIL);
    assert.ok(link.startsWith(`${e.base}/close/confirm#token=`), link);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Seller Center' }).waitFor();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Sign in to confirm' }).waitFor();
    assert.ok(!page.url().includes('token='), 'the token is taken off the address bar');
    await e.shot(page, 'confirm-sign-in');
    await signIn(page, EMAIL);
    await page.getByRole('heading', { name: 'Confirm closing Maple & Oak Home' }).waitFor();
    await e.shot(page, 'confirm');
    await page.getByRole('button', { name: 'Confirm closure' }).click();
    await page.locator('#confirmed').waitFor();
    await e.shot(page, 'confirmed');

    // the closing status, with its cancel button and fixed dates
    await page.getByRole('link', { name: 'See the closure status' }).click();
    await page.getByRole('heading', { name: 'Your account is closing' }).waitFor();
    await page.getByRole('button', { name: 'Cancel the closure and keep my account' }).waitFor();
    const closesAt = await page.locator('#closing-status time').getAttribute('datetime');
    assert.ok(Date.parse(closesAt) > Date.now() + 13 * 86400000, closesAt);
    assert.equal(await page.locator('#timeline li').count(), 6);
    await e.shot(page, 'closing');

    // the link cannot be used twice
    await page.goto(link);
    await page.getByRole('heading', { name: 'Already confirmed' }).waitFor();

    // time moves past closes_at: the account closes and every session ends
    e.runDue(Date.parse(closesAt) + 3600000);
    await page.goto(`${e.base}/`);
    await page.getByRole('heading', { name: 'Sign in to Seller Center' }).waitFor();
    await signIn(page, EMAIL);
    await page.getByRole('heading', { name: 'Your account is closed' }).waitFor();
    await page.locator('#history-banner').getByText('read-only history').waitFor();
    await page.locator('table tbody tr').first().waitFor();
    assert.ok(await page.locator('table tbody tr').count() > 0, 'orders are listed');
    assert.equal(await page.getByRole('link', { name: 'Close Account' }).count(), 0);
    await e.shot(page, 'history-orders');
    for (const [tab, shot] of [['Ledger', 'history-ledger'], ['Payouts', 'history-payouts'],
      ['Disputes', 'history-disputes'], ['Statement', 'history-statement'], ['Export', 'history-export']]) {
      await page.getByRole('navigation', { name: 'History' }).getByRole('link', { name: tab }).click();
      await page.getByRole('heading', { name: tab, level: 2 }).waitFor();
      await page.locator('.records[aria-busy=false], .statement, .export-panel').first().waitFor();
      await e.shot(page, shot);
    }
    // a closed account can still export its data
    if (exportApiExists()) {
      await page.getByRole('button', { name: 'Start export' }).click();
      await page.getByRole('link', { name: 'Download your data (ZIP)' }).waitFor({ timeout: 60000 });
      await e.shot(page, 'history-export-ready');
    }
    // a closed account's history cannot be changed, even by a crafted request
    const status = await page.evaluate(async () => (await fetch('/api/v1/account/closure', {
      method: 'DELETE', headers: { 'X-CSRF-Token': sessionStorage.getItem('offboard.csrf') },
    })).status);
    assert.equal(status, 403);
    assert.deepEqual(e.problems, []);
  } catch (err) {
    failed = true;
    throw err;
  }
});
