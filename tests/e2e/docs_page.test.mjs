// /docs in a real browser: Debian's Chromium, driven by playwright-core
// (DESIGN.md, "Tests", item 7). The page loads with no console error and no
// request leaving loopback (every other host resolves to nothing), lists
// the webhook-secret operation, and its "Try it out" calls this same server:
// a 401 problem without a key, a 200 with one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { makeDataDir, startServer, adminOk } from './lib/harness.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
let data;
let server;
let key;
let browser;

before(async () => {
  data = makeDataDir('integrator-docs-');
  server = await startServer(data);
  const integrator = await adminOk(data, ['create-integrator', '--name', 'Acme']);
  key = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhook-secret']);
  // Playwright gives the browser a new, empty profile of its own.
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  data?.remove();
});

test('/docs renders the API with no console error, nothing off loopback, and "Try it out" works', { timeout: 90000 }, async () => {
  const page = await browser.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));

  const response = await page.goto(`${server.baseUrl}/docs`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);

  const operation = page.locator(`.opblock-put:has([data-path="${ROUTE}"])`);
  await operation.waitFor({ timeout: 20000 });
  // Loading and rendering the document: not a single console error.
  assert.deepEqual(problems, []);
  await operation.locator('.opblock-summary').first().click();

  // Try it out (already on when the page opens operations in try mode).
  const tryOut = operation.locator('button.try-out__btn', { hasText: /try it out/i });
  if (await tryOut.count() > 0) await tryOut.click();
  const body = operation.locator('textarea.body-param__text');
  await body.fill(JSON.stringify({ secret: 'whsec_from_the_docs_page' }));

  const execute = async () => {
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 20000 });
    return { status: (await status.innerText()).trim(), text: await operation.locator('.live-responses-table').innerText() };
  };

  // No key: the server's own 401 problem, rendered by the page.
  const denied = await execute();
  assert.match(denied.status, /^401/);
  assert.match(denied.text, /application\/problem\+json/);
  assert.match(denied.text, /"status": 401/);

  // With the key entered in the page's Authorize dialog: 200.
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.modal-ux');
  const bearer = dialog.locator('.auth-container:has-text("bearerAuth") input').first();
  await bearer.fill(key);
  await dialog.locator('.auth-container:has-text("bearerAuth") button.authorize').click();
  await dialog.locator('button.btn-done').first().click();
  const clear = operation.locator('button.btn-clear');
  if (await clear.count() > 0) await clear.click();
  const accepted = await execute();
  assert.match(accepted.status, /^200/);

  // Chromium logs the deliberate 401 as a failed resource; nothing else.
  assert.deepEqual(problems.filter((p) => !/status of 401 \(Unauthorized\)/.test(p)), []);
  const offLoopback = requests.filter((u) => !u.startsWith(`${server.baseUrl}/`) && !u.startsWith('data:'));
  assert.deepEqual(offLoopback, []);
  console.log(`# /docs made ${requests.length} requests, all to ${server.baseUrl}`);
  // The key stays in the browser: the server log never shows it.
  assert.ok(!server.log().includes(key));
});
