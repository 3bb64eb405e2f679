// Legal holds in the browser: the operator places a hold on a closing
// seller's data from the console (a missing reason and an unknown seller
// refused first), the held seller's closure dates say that erasure is
// delayed and until when but not why, and the operator releases the hold.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PASSWORD, signIn, startEnv } from './lib.mjs';

const EMAIL = 'ready@demo.offboard.test';
const REASON = 'Tax audit 2026, letter of the revenue office';
let e;
let failed = false;
let sellerId;

before(async () => {
  e = await startEnv('holds');
  const seller = await e.sellerApi(EMAIL);
  sellerId = seller.id;
  await seller.call('POST', '/api/v1/account/closure', { reason: 'moving_platform', password: PASSWORD, acknowledge: true });
  const link = await e.confirmationLink(EMAIL);
  await seller.call('POST', '/api/v1/account/closure/confirm', { token: link.split('#token=')[1] });
});
after(async () => { if (e) await e.stop(failed); });

test('an operator holds a seller\'s data; the seller sees the erasure delayed, not why', async () => {
  try {
    const page = await e.page();
    await page.goto(`${e.base}/ops/`);
    await page.getByLabel('Operator key').fill(e.opsKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const holds = page.locator('#legal-holds');
    await holds.locator('#holds-empty').waitFor();

    // refused: no reason, then a seller that does not exist
    await page.locator('#hold-seller').fill(sellerId);
    await page.locator('#hold-until').fill('2036-01-31');
    await page.locator('#hold-place').click();
    await holds.getByText('Say why the data is kept').waitFor();
    await page.locator('#hold-seller').fill('sel_nobody');
    await page.locator('#hold-reason').fill(REASON);
    await page.locator('#hold-place').click();
    await holds.getByText('No seller has this ID.').waitFor();
    assert.equal(await holds.locator('#holds-table').count(), 0);

    // placed
    await page.locator('#hold-seller').fill(sellerId);
    await page.locator('#hold-place').click();
    await holds.getByText(/Hold hold_\w+ placed/).waitFor();
    const row = holds.locator('#holds-table tbody tr[data-status=active]');
    await row.waitFor();
    assert.equal(await row.count(), 1);
    await row.getByText(REASON).waitFor();
    assert.equal(await row.locator('time').getAttribute('datetime'), '2036-01-31T00:00:00Z');
    await e.shot(page, 'hold-placed');

    // the seller's dates
    const sellerPage = await e.newPage();
    await sellerPage.goto(`${e.base}/`);
    await signIn(sellerPage, EMAIL);
    await sellerPage.getByRole('link', { name: 'Closure status' }).first().click();
    await sellerPage.getByRole('heading', { name: 'Your account is closing' }).waitFor();
    const delayed = sellerPage.locator('#timeline #erasure-delayed');
    await delayed.getByText('Erasure is delayed by a legal obligation until 2036-01-31.').waitFor();
    assert.equal(await delayed.locator('time').getAttribute('datetime'), '2036-01-31T00:00:00Z');
    assert.equal(await sellerPage.getByText(REASON).count(), 0, 'the reason is never shown to the seller');
    await e.shot(sellerPage, 'seller-delayed');

    // released
    await row.getByRole('button', { name: /Release hold/ }).click();
    await holds.getByText(/is released/).waitFor();
    await holds.locator('#holds-table tbody tr[data-status=released]').waitFor();
    await sellerPage.reload();
    await sellerPage.getByRole('heading', { name: 'Your account is closing' }).waitFor();
    await sellerPage.locator('#timeline').waitFor();
    assert.equal(await sellerPage.locator('#erasure-delayed').count(), 0);
    assert.deepEqual(e.problems, []);
  } catch (err) {
    failed = true;
    throw err;
  }
});
