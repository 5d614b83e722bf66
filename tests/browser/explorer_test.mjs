// Browser test of the `es serve` explorer (docs/explorer.md), in headless Chromium.
//
//   node explorer_test.mjs --es build/ui/tools/es/es --screenshots docs/screenshots
//
// It makes a fresh SQLite store (the bank demo, then one account whose history it writes
// itself), starts `es serve` on a free 127.0.0.1 port, and drives the explorer as a user would:
// finds the account by search, opens its time travel, steps through every version by button,
// key and slider checking the balance shown against the one the appended events imply, checks
// that the live feed shows an event appended meanwhile, and saves screenshots. Any failure
// exits 1; a missing browser or binary is a failure too, never a skip.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    es: { type: 'string' },
    screenshots: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
assert.ok(args.es && fs.existsSync(args.es), `--es must name the es binary (got ${args.es})`);
assert.ok(fs.existsSync(args.chromium), `no Chromium at ${args.chromium}`);

// The account this test writes, and its balance after each version.
const kAccountId = 'browser-test';
const kStream = `account-${kAccountId}`;
const kHistory = [
  { type: 'bank.AccountOpened', data: { owner: 'Dana', overdraft_cents: 5000 }, balance: 0 },
  { type: 'bank.MoneyDeposited', data: { cents: 12000 }, balance: 12000 },
  { type: 'bank.MoneyWithdrawn', data: { cents: 2500 }, balance: 9500 },
  { type: 'bank.MoneyDeposited', data: { cents: 730 }, balance: 10230 },
  { type: 'bank.MoneyWithdrawn', data: { cents: 14000 }, balance: -3770 },
  { type: 'bank.MoneyDeposited', data: { cents: 3770 }, balance: 0 },
];
const kTimeout = 15000;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'es-explorer-test-'));
const db = path.join(work, 'events.db');
let server = null;
let context = null;

function es(argv, input) {
  const run = spawnSync(args.es, ['--db', db, ...argv], { input, encoding: 'utf8' });
  assert.equal(run.status, 0, `es ${argv.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

// Starts `es serve` on a port of its choosing and resolves with its base URL once it prints
// the line {"listening": URL, ...} it writes when it accepts connections; rejects if it exits
// first or stays silent for kTimeout.
function start_server() {
  const log = path.join(work, 'serve.log');
  server = spawn(args.es, ['--db', db, 'serve', '--port', '0'],
                 { stdio: ['ignore', 'pipe', fs.openSync(log, 'w')] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`es serve printed no listening line: ${out}`)),
                             kTimeout);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        const ready = JSON.parse(out.slice(0, newline));
        assert.match(ready.listening, /^http:\/\/127\.0\.0\.1:\d+$/);
        resolve(ready.listening);
      } catch (e) {
        reject(new Error(`es serve's first line is not {"listening": URL}: ${out} (${e.message})`));
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`es serve exited (${code}): ${fs.readFileSync(log, 'utf8')}`));
    });
  });
}

async function shot(page, name) {
  if (!args.screenshots) return;
  fs.mkdirSync(args.screenshots, { recursive: true });
  await page.screenshot({ path: path.join(args.screenshots, `${name}.png`) });
}

function balance_cell(page) {
  return page.getByRole('table', { name: 'State after this event' })
    .getByRole('row', { name: /^balance/ }).getByRole('cell').first();
}

async function expect_step(page, index) {
  const step = kHistory[index];
  const version = index + 1;
  await page.getByRole('heading', { name: `State after version ${version}` }).waitFor();
  assert.equal(await page.getByLabel('Event type').textContent(), step.type,
               `event applied at version ${version}`);
  assert.equal((await balance_cell(page).textContent()).trim(), String(step.balance),
               `balance after version ${version}`);
  assert.equal(await page.getByRole('slider', { name: 'Step through versions' }).inputValue(),
               String(version));
  assert.match(page.url(), new RegExp(`#/aggregates/account/${kAccountId}\\?v=${version}$`));
}

async function main() {
  es(['demo']);
  es(['append', kStream, '--expected', 'no-stream'],
     kHistory.map(({ type, data }) => JSON.stringify({ type, data })).join('\n') + '\n');
  const base = await start_server();

  context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: args.chromium,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  context.setDefaultTimeout(kTimeout);
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Nothing may come from anywhere but the server under test (no CDN).
  const origins = new Set();
  page.on('request', (r) => origins.add(new URL(r.url()).origin));

  // Streams: the account is found by searching its name.
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: 'Streams' }).waitFor();
  await shot(page, 'streams');
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'stream-search',
               '/ focuses the search box');
  await page.keyboard.type('account-browser');
  const found = page.getByRole('table', { name: 'Streams' }).getByRole('link');
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label=Streams] a').length === 1);
  assert.equal(await found.textContent(), kStream);

  // By keyboard: ArrowDown from the search box reaches the row, Enter opens the stream.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: kStream }).waitFor();
  await page.getByRole('button', { name: `Event ${kStream} version ${kHistory.length}: ` +
                                          kHistory.at(-1).type }).waitFor();
  assert.equal(await page.getByRole('table', { name: `Events of ${kStream}` })
    .locator('tbody.event').count(), kHistory.length);
  const second = page.getByRole('button', { name: `Event ${kStream} version 2: bank.MoneyDeposited` });
  await second.click();
  assert.equal(await second.getAttribute('aria-expanded'), 'true');
  const expanded = page.locator('tbody.event', { has: second });
  const data = JSON.parse(await expanded.getByLabel('Data', { exact: true }).textContent());
  assert.deepEqual(data, kHistory[1].data, 'the expanded event shows its data');
  await shot(page, 'stream');

  // Time travel: opens at the latest version, then steps back to the first and forward again.
  await page.getByRole('link', { name: 'Time travel' }).click();
  const last = kHistory.length - 1;
  await expect_step(page, last);
  for (let i = last - 1; i >= 0; i -= 1) {
    await page.getByRole('button', { name: 'Previous event' }).click();
    await expect_step(page, i);
  }
  assert.ok(await page.getByRole('button', { name: 'Previous event' }).isDisabled());
  await page.locator('main').focus();
  for (let i = 1; i <= last; i += 1) {
    await page.keyboard.press('ArrowRight');
    await expect_step(page, i);
  }
  await page.keyboard.press('Home');
  await expect_step(page, 0);
  await page.keyboard.press('End');
  await expect_step(page, last);
  await page.getByRole('slider', { name: 'Step through versions' }).fill('3');
  await expect_step(page, 2);
  await shot(page, 'time-travel');

  // A linked version opens at that version.
  await page.goto(`${base}/#/aggregates/account/${kAccountId}?v=4`);
  await expect_step(page, 3);

  // The live feed shows an event appended after it connected.
  await page.goto(`${base}/#/feed`);
  await page.getByRole('status', { name: 'Connection' }).filter({ hasText: 'live' }).waitFor();
  const appended = await fetch(`${base}/api/streams/${kStream}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ expected: kHistory.length,
                           events: [{ type: 'bank.MoneyDeposited', data: { cents: 99 } }] }),
  });
  assert.equal(appended.status, 200, `POST /api/streams: ${await appended.text()}`);
  await page.getByRole('button', {
    name: `Event ${kStream} version ${kHistory.length + 1}: bank.MoneyDeposited`,
  }).waitFor();
  await shot(page, 'feed');

  // The other sections render without an error.
  for (const [hash, heading, name] of [['#/projections', 'Projections', 'projections'],
    ['#/dlq', 'Dead letters', 'dead-letters'], ['#/stats', 'Stats', 'stats'],
    ['#/aggregates', 'Aggregates', 'aggregates']]) {
    await page.goto(`${base}/${hash}`);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, `${heading} shows no error`);
    await shot(page, name);
  }

  assert.deepEqual(errors, [], 'no script errors on the page');
  assert.deepEqual([...origins], [base], 'every request goes to the server under test');
}

let failed = false;
try {
  await main();
  console.log('explorer_test: ok');
} catch (e) {
  failed = true;
  console.error('explorer_test: FAILED:', e.stack || e);
  const log = path.join(work, 'serve.log');
  if (fs.existsSync(log)) console.error('--- es serve log ---\n' + fs.readFileSync(log, 'utf8'));
} finally {
  if (context) await context.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (!failed) fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
