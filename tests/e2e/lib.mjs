// lib.mjs: what every browser test needs. A real `offboard serve` on a free
// loopback port with a fresh SQLite database and data folder in a temporary
// folder, the demo marketplace loaded, e-mail going to the test SMTP server
// (tests/integration/smtp_sink.py under /usr/bin/python3), an operator key;
// Debian's Chromium driven by playwright-core with a fresh profile; helpers
// for the mailbox, the clock (`offboard jobs run-due --now`), the seller and
// operator APIs, and screenshots under tests/out/e2e/.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = process.env.OFFBOARD_BIN || path.join(repo, 'build/offboard');
export const shotsDir = path.join(repo, 'tests/out/e2e');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PASSWORD = 'demo-password';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The first line a child prints, within ms.
function firstLine(child, what, ms = 20000) {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms} ms`)), ms);
    rl.once('line', (line) => {
      clearTimeout(timer);
      rl.close();
      child.stdout.on('data', () => {});   // drain whatever follows
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it started`));
    });
  });
}

function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// Starts everything for one test file. name names its screenshots.
export async function startEnv(name) {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: build first (make build)`);
  fs.mkdirSync(shotsDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `offboard-e2e-${name}-`));
  const mailDir = path.join(dir, 'mail-sink');
  fs.mkdirSync(mailDir);
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OFFBOARD_')) delete env[k];

  const sink = spawn('/usr/bin/python3', [path.join(repo, 'tests/integration/smtp_sink.py'), mailDir],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const smtpPort = Number(await firstLine(sink, 'the SMTP sink'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  Object.assign(env, {
    OFFBOARD_DB: `sqlite:${path.join(dir, 'offboard.db')}`,
    OFFBOARD_DATA_DIR: path.join(dir, 'data'),
    OFFBOARD_SMTP: `smtp://127.0.0.1:${smtpPort}`,
    OFFBOARD_PUBLIC_URL: base,
    OFFBOARD_POLICY: path.join(repo, 'etc/policy.conf'),
    OFFBOARD_LOG_LEVEL: 'warn',
    OFFBOARD_WEB_DIR: path.join(repo, 'web'),
  });
  const run = (...args) => execFileSync(bin, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run('migrate');
  const demo = run('demo');
  const opsKey = run('ops-key', 'create', '--name', `e2e-${name}`).trim();
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  const server = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--threads', '2'],
    { env, stdio: ['ignore', 'pipe', log] });
  const line = await firstLine(server, 'offboard serve');
  if (!line.startsWith('listening on')) throw new Error(`offboard serve said: ${line}`);

  let context = null;
  let shots = 0;
  const problems = [];
  const watched = new WeakSet();
  const watch = (page) => {
    if (watched.has(page)) return;
    watched.add(page);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content.Security.Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
      if (msg.type() === 'error' && /\b(Type|Range|Reference|Syntax)Error\b/.test(msg.text())) problems.push(`script: ${msg.text()}`);
    });
  };

  const e = {
    dir, base, opsKey, env, problems, demo,

    // `offboard jobs run-due --now at`, as if the clock had moved there.
    runDue(at) {
      return run('jobs', 'run-due', '--now', new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    },

    // The messages the SMTP sink took, oldest first ({to, subject, body}).
    mails() {
      return fs.readdirSync(mailDir).filter((f) => f.endsWith('.json')).sort()
        .map((f) => JSON.parse(fs.readFileSync(path.join(mailDir, f), 'utf8')));
    },

    async waitForMail(test, what, ms = 30000) {
      const until = Date.now() + ms;
      for (;;) {
        const found = e.mails().filter(test);
        if (found.length) return found[found.length - 1];
        if (Date.now() > until) throw new Error(`no e-mail ${what} within ${ms} ms`);
        await sleep(200);
      }
    },

    // The confirmation link of the latest e-mail to address.
    async confirmationLink(address) {
      const mail = await e.waitForMail((m) => m.to.includes(address) && /\/close\/confirm#token=/.test(m.body),
        `with a confirmation link to ${address}`);
      return mail.body.match(/https?:\/\/\S+\/close\/confirm#token=[A-Za-z0-9_-]+/)[0];
    },

    // The operator API with this run's key.
    async ops(method, p, body) {
      const res = await fetch(base + p, {
        method,
        headers: { Authorization: `Bearer ${opsKey}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const data = res.status === 204 ? null : await res.json();
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(data)}`);
      return data;
    },

    // A seller's API session outside the browser: {call(method, path, body)}.
    async sellerApi(email, password = PASSWORD) {
      const res = await fetch(`${base}/api/v1/session`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
      });
      const data = await res.json();
      if (res.status !== 201) throw new Error(`sign-in of ${email}: ${res.status} ${JSON.stringify(data)}`);
      const cookie = res.headers.get('set-cookie').split(';')[0];
      return {
        id: data.seller_id,
        async call(method, p, body) {
          const r = await fetch(base + p, {
            method,
            headers: { Cookie: cookie, 'X-CSRF-Token': data.csrf_token, 'Content-Type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const out = r.status === 204 ? null : await r.json();
          if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(out)}`);
          return out;
        },
      };
    },

    // The page of a fresh Chromium profile (one per test file); CSP
    // violations and script errors are collected in problems, which every
    // test asserts empty.
    async page(viewport = DESKTOP) {
      if (!context) {
        context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
          executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport, acceptDownloads: true,
          locale: 'en-US', timezoneId: 'UTC',
        });
        context.setDefaultTimeout(15000);
      }
      const page = context.pages()[0] || await context.newPage();
      await page.setViewportSize(viewport);
      watch(page);
      return page;
    },
    // Another tab of the same profile (cookies shared, sessionStorage not).
    async newPage(viewport = DESKTOP) {
      await e.page(viewport);
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      watch(page);
      return page;
    },

    // tests/out/e2e/<name>-NN-<step>.png
    async shot(page, step) {
      shots++;
      const file = path.join(shotsDir, `${name}-${String(shots).padStart(2, '0')}-${step}.png`);
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      return file;
    },

    // Stops everything; checks the database's invariants (`offboard check`).
    // The temporary folder stays when the test failed (its server.log).
    async stop(failed) {
      if (context && failed && context.pages()[0]) {
        await context.pages()[0].screenshot({ path: path.join(shotsDir, `${name}-failure.png`), fullPage: true })
          .catch(() => {});
      }
      if (context) await context.close().catch(() => {});
      await stopChild(server);
      await stopChild(sink);
      fs.closeSync(log);
      const check = run('check');
      if (!failed && !process.env.KEEP_E2E) fs.rmSync(dir, { recursive: true, force: true });
      else console.error(`e2e: kept ${dir}`);
      return check;
    },
  };
  return e;
}

// Signs a seller in through the page's form.
export async function signIn(page, email, password = PASSWORD) {
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// The wizard from the Account Information page to "Check your e-mail".
export async function requestClosure(page, e, { reason = 'Moving to another platform or my own shop', text = '', shots = false } = {}) {
  const shot = async (step) => { if (shots) await e.shot(page, step); };
  await page.getByRole('link', { name: 'Close Account' }).click();
  await page.getByRole('heading', { name: 'Before you close your account' }).waitFor();
  await page.locator('#ready').waitFor();
  await shot('checklist-ready');
  await page.locator('#checklist-next').click();
  await page.getByRole('heading', { name: 'Back up your data' }).waitFor();
  await shot('backup');
  await page.locator('#backup-next').click();
  await page.getByRole('heading', { name: 'Confirm that it is you' }).waitFor();
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await shot('verify');
  await page.getByRole('button', { name: 'Verify and continue' }).click();
  await page.getByRole('heading', { name: 'Tell us why you are leaving' }).waitFor();
  await page.getByLabel(reason).check();
  if (text) await page.getByLabel(/Anything you would like to tell us/).fill(text);
  await shot('reason');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Review what will happen' }).waitFor();
  await shot('review');
  await page.getByLabel(/I have read what will happen/).check();
  await page.getByRole('button', { name: 'Request closure' }).click();
  await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();
  await shot('check-email');
}

// Exports exist once src/http/routes.c routes them (issue 6).
export function exportApiExists() {
  return fs.readFileSync(path.join(repo, 'src/http/routes.c'), 'utf8').includes('"/api/v1/account/exports"');
}

// The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret at time t.
export function totp(secret, t = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30000)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}
