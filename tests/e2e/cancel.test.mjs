// A closure cancelled during the grace period: the ready seller requests,
// confirms from the e-mailed link (opened in a new tab of the signed-in
// browser), then changes their
// mind on the closing status page; the account is active again, the
// cancellation e-mail arrives, and the wizard can start over.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requestClosure, signIn, startEnv } from './lib.mjs';

const EMAIL = 'ready@demo.offboard.test';
let e;
let failed = false;

before(async () => { e = await startEnv('cancel'); });
after(async () => { if (e) await e.stop(failed); });

test('a seller cancels the closure during the grace period', async () => {
  try {
    const page = await e.page();
    await page.goto(`${e.base}/`);
    await signIn(page, EMAIL);
    await page.getByRole('heading', { name: 'Account Information' }).waitFor();
    await requestClosure(page, e, { reason: 'Taking a break' });

    // while the request waits for its link, Account Information says so
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.getByRole('heading', { name: 'Account Information' }).waitFor();
    await page.getByText('You asked to close your account').waitFor();
    assert.equal(await page.locator('#close-account').count(), 0);

    // the link opens in a new tab, which borrows the session of this one
    const tab = await e.newPage();
    await tab.goto(await e.confirmationLink(EMAIL));
    await tab.getByRole('button', { name: 'Confirm closure' }).click();
    await tab.locator('#confirmed').waitFor();
    await tab.close();
    await page.reload();
    await page.getByText('Your account is closing: it closes on').waitFor();
    await page.getByRole('link', { name: 'See the closure status' }).click();
    await page.getByRole('heading', { name: 'Your account is closing' }).waitFor();
    await e.shot(page, 'closing');

    await page.getByRole('button', { name: 'Cancel the closure and keep my account' }).click();
    await page.getByRole('heading', { name: 'Account Information' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'The closure is cancelled and your account is active again.' }).waitFor();
    await page.locator('#close-account').waitFor();
    await e.shot(page, 'cancelled');
    await e.waitForMail((m) => m.to.includes(EMAIL) && /cancel/i.test(m.subject), 'about the cancellation');

    // the closure can start over: the listings stay off, so no listing warning
    await page.locator('#close-account').click();
    await page.locator('#ready').waitFor();
    assert.equal(await page.locator('#warnings [data-code=active_listings]').count(), 0);
    await e.shot(page, 'checklist-again');
    const account = await page.evaluate(async () => (await fetch('/api/v1/account')).json());
    assert.equal(account.status, 'active');
    assert.deepEqual(e.problems, []);
  } catch (err) {
    failed = true;
    throw err;
  }
});
