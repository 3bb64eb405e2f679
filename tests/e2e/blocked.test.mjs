// Blocked sellers resolve what stands in the way from the checklist, on a
// phone-sized screen: the seller with money to withdraw withdraws it with
// one button (the blocker becomes the payout on its way, which clears once
// the operator reports it settled), and the sellers with open orders or an
// open claim see them listed under the blocker; pausing instead of closing,
// and resuming from the checklist.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PHONE, signIn, startEnv } from './lib.mjs';

let e;
let failed = false;

before(async () => { e = await startEnv('blocked'); });
after(async () => { if (e) await e.stop(failed); });

async function guarded(fn) {
  try {
    await fn();
  } catch (err) {
    failed = true;
    throw err;
  }
}

async function openChecklist(page, email) {
  await page.goto(`${e.base}/`);
  if (await page.getByRole('button', { name: 'Sign out' }).count()) {
    await page.getByRole('button', { name: 'Sign out' }).click();
  }
  await page.getByRole('heading', { name: 'Sign in to Seller Center' }).waitFor();
  await signIn(page, email);
  await page.getByRole('heading', { name: 'Account Information' }).waitFor();
  await page.getByRole('link', { name: 'Close Account' }).click();
  await page.getByRole('heading', { name: 'Before you close your account' }).waitFor();
}

test('the seller with money to withdraw resolves the blocker from the checklist', () => guarded(async () => {
  const page = await e.page(PHONE);
  await page.goto(`${e.base}/`);
  await signIn(page, 'balance@demo.offboard.test');
  await page.getByRole('heading', { name: 'Account Information' }).waitFor();
  await e.shot(page, 'account-phone');
  await page.getByRole('link', { name: 'Close Account' }).click();
  const balance = page.locator('#blockers [data-code=available_balance]');
  await balance.waitFor();
  await balance.getByText('$1,234.56').waitFor();
  assert.equal(await page.locator('#checklist-next').count(), 0, 'no way on while blocked');
  await page.locator('#checklist-blocked').waitFor();
  await e.shot(page, 'checklist-blocked');

  await balance.getByRole('button', { name: 'Withdraw everything' }).click();
  await page.getByRole('status').filter({ hasText: 'is on its way to your bank account' }).waitFor();
  await page.locator('#blockers [data-code=payouts_in_flight]').waitFor();
  assert.equal(await page.locator('#blockers [data-code=available_balance]').count(), 0);
  await e.shot(page, 'withdrawn');

  // the payout is listed under its blocker
  const inFlight = page.locator('#blockers [data-code=payouts_in_flight]');
  await inFlight.getByRole('button', { name: 'Track payouts' }).click();
  await inFlight.locator('tbody tr').first().waitFor();
  await inFlight.getByText('$1,234.56').first().waitFor();
  await e.shot(page, 'payout-listed');

  // the bank has it: the operator reports the payout settled
  const payouts = await page.evaluate(async () => (await (await fetch('/api/v1/payouts?status=requested')).json()).items);
  assert.equal(payouts.length, 1);
  await e.ops('PATCH', `/api/v1/ops/payouts/${payouts[0].id}`, { status: 'settled' });
  await page.reload();
  await page.locator('#ready').waitFor();
  await page.locator('#checklist-next').waitFor();
  await e.shot(page, 'ready');
  assert.deepEqual(e.problems, []);
}));

test('open orders and an open claim are listed under their blockers', () => guarded(async () => {
  const page = await e.page(PHONE);
  await openChecklist(page, 'open-orders@demo.offboard.test');
  const orders = page.locator('#blockers [data-code=open_orders]');
  await orders.getByRole('button', { name: 'Review open orders' }).click();
  await orders.locator('.records[aria-busy=false]').waitFor();
  assert.equal(await orders.locator('tbody tr').count(), 3, 'pending, unshipped and shipped orders');
  assert.equal(await orders.getByRole('button', { name: 'Review open orders' }).getAttribute('aria-expanded'), 'true');
  await e.shot(page, 'open-orders');

  await openChecklist(page, 'claim@demo.offboard.test');
  const claims = page.locator('#blockers [data-code=open_disputes]');
  await claims.getByRole('button', { name: 'Resolve disputes' }).click();
  await claims.locator('.records[aria-busy=false]').waitFor();
  assert.equal(await claims.locator('tbody tr').count(), 1);
  await claims.getByText('A-to-z claim').waitFor();
  await e.shot(page, 'open-claim');

  // the keyboard alone opens a list: Tab to the button, Enter
  await openChecklist(page, 'open-orders@demo.offboard.test');
  const button = page.locator('#blockers [data-code=open_orders] button');
  for (let i = 0; i < 30 && !(await button.evaluate((b) => b === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  assert.ok(await button.evaluate((b) => b === document.activeElement), 'the button is reached with Tab');
  await page.keyboard.press('Enter');
  await page.locator('#blockers [data-code=open_orders] tbody tr').first().waitFor();

  // pausing instead of closing, and resuming from the checklist's own item
  await page.getByRole('button', { name: 'Pause selling instead' }).click();
  await page.getByRole('status').filter({ hasText: 'Selling is paused' }).waitFor();
  const paused = page.locator('#blockers [data-code=account_paused]');
  await e.shot(page, 'paused');
  await paused.getByRole('button', { name: 'Resume the account' }).click();
  await page.getByRole('status').filter({ hasText: 'Selling has resumed' }).waitFor();
  assert.equal(await page.locator('#blockers [data-code=account_paused]').count(), 0);
  assert.deepEqual(e.problems, []);
}));
