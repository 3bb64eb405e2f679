// The operator console: sign-in with an operator key (a wrong one refused),
// closures by status with their sellers' current blockers, the chart of
// closure reasons, legal holds (none here: holds.test.mjs places some),
// dead-letter webhook deliveries and their retry, and one seller's timeline.
// The closures and the dead deliveries are made first through the APIs and
// `offboard jobs run-due --now` (days ahead, past every retry).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { PASSWORD, PHONE, startEnv } from './lib.mjs';

const DAY = 86400000;
let e;
let failed = false;
let readyId;
let blockedId;

async function closedPort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function newSeller(n) {
  const email = `leaver${n}@example.test`;
  await e.ops('POST', '/api/v1/ops/sellers', {
    email, password: PASSWORD, display_name: `Leaver ${n}`, marketplace: 'demo',
    bank_account: { holder: `Leaver ${n}`, iban: 'DE89 3704 0044 0532 0130 00' },
  });
  return e.sellerApi(email);
}

async function requestClosure(seller, reason) {
  return seller.call('POST', '/api/v1/account/closure', { reason, password: PASSWORD, acknowledge: true });
}

before(async () => {
  e = await startEnv('ops');
  // a subscriber that is never there: its deliveries end as dead letters
  await e.ops('POST', '/api/v1/ops/webhooks', { url: `http://127.0.0.1:${await closedPort()}/hook`, events: ['*'] });
  const ready = await e.sellerApi('ready@demo.offboard.test');
  readyId = ready.id;
  await requestClosure(ready, 'moving_platform');
  const link = await e.confirmationLink('ready@demo.offboard.test');
  await ready.call('POST', '/api/v1/account/closure/confirm', { token: link.split('#token=')[1] });
  const cancelling = await newSeller(1);
  await requestClosure(cancelling, 'fees_too_high');
  await cancelling.call('DELETE', '/api/v1/account/closure');
  await requestClosure(await newSeller(2), 'personal');          // its link will expire
  const now = Date.now();
  for (let day = 1; day <= 10; day++) e.runDue(now + day * DAY);
  e.runDue(now + 15 * DAY);                                      // ready@ closes
  const blocked = await newSeller(3);
  blockedId = blocked.id;
  await requestClosure(blocked, 'not_enough_sales');
  await e.ops('POST', '/api/v1/ops/orders', {
    seller_id: blocked.id, status: 'unshipped', total_minor: 2599, currency: 'USD',
    buyer_name: 'Late Buyer', ship_address: '1 Main St',
  });
  await requestClosure(await newSeller(4), 'too_complex');
  await requestClosure(await newSeller(5), 'personal');
});
after(async () => { if (e) await e.stop(failed); });

test('the operator console shows closures, reasons, holds, dead letters and a timeline', async () => {
  try {
    const page = await e.page();
    await page.goto(`${e.base}/ops/`);
    await page.getByRole('heading', { name: 'Operator console' }).waitFor();
    await page.getByLabel('Operator key').fill('obk_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This key is not accepted').waitFor();
    await e.shot(page, 'sign-in-refused');
    await page.getByLabel('Operator key').fill(e.opsKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Closures', exact: true }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('offboard.opsKey')), e.opsKey);

    // closures by status, with the blockers of their sellers now
    const rows = page.locator('#closures-table tbody tr');
    assert.equal(await rows.count(), 6);
    await page.locator('#closures [data-status=requested]').click();
    assert.equal(await rows.count(), 3);
    assert.equal(await page.locator('#closures [data-status=requested]').getAttribute('aria-pressed'), 'true');
    await page.locator(`#closures-table tr[data-seller=${blockedId}]`).getByText('Open orders').waitFor();
    for (const [status, n] of [['closed', 1], ['cancelled', 1], ['expired', 1], ['closing', 0]]) {
      await page.locator(`#closures [data-status=${status}]`).click();
      assert.equal(await rows.count(), n, status);
    }
    await page.locator('#closures [data-status=all]').click();

    // the chart of reasons, drawn by the page, with its numbers as a table
    const chart = page.locator('svg#reasons-chart');
    await chart.waitFor();
    assert.equal(await chart.locator('rect[data-reason]').count(), 5, 'one bar segment per reason used today');
    assert.equal(await page.locator('#reasons .legend li').count(), 5);
    assert.match(await chart.getAttribute('aria-labelledby'), /reasons-chart-title/);

    // legal holds: none placed
    const holds = page.locator('#legal-holds');
    await holds.locator('#holds-empty').waitFor();

    // dead letters, and a retry
    const dead = page.locator('#dead-table tbody tr');
    assert.ok(await dead.count() >= 4, `dead deliveries: ${await dead.count()}`);
    await e.shot(page, 'console');
    await dead.first().getByRole('button', { name: /Retry/ }).click();
    await page.getByText(/is queued again/).waitFor();

    // one seller's timeline
    await page.locator(`#closures-table tr[data-seller=${readyId}]`).getByRole('button', { name: /Timeline/ }).click();
    const timeline = page.locator('#seller-timeline');
    await timeline.getByText('Closure requested').waitFor();
    await timeline.getByText('Confirmed by e-mail').waitFor();
    await timeline.getByText('Account closed').waitFor();
    assert.equal(await page.getByLabel('Seller ID').inputValue(), readyId);
    await e.shot(page, 'timeline');

    // on a phone-sized screen
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.getByRole('heading', { name: 'Closures', exact: true }).waitFor();
    await e.shot(page, 'console-phone');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Operator console' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('offboard.opsKey')), null);
    assert.deepEqual(e.problems, []);
  } catch (err) {
    failed = true;
    throw err;
  }
});
