// The standalone gateway starts in any order (DESIGN.md, "Operations"): with
// its upstream down it listens anyway, answers 503 problems with Retry-After,
// and serves as soon as the upstream is up; the same when the upstream dies
// and comes back later.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { curl } from './lib/curl.mjs';
import { makeDataDir, startServer, startGateway, adminOk } from './lib/harness.mjs';
import { scrape, sampleValue } from './lib/prometheus.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
const running = [];
let data;

after(async () => {
  for (const p of running.reverse()) await p.stop();
  data?.remove();
});

// A loopback port nobody listens on (yet).
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const put = (baseUrl, key) => curl(`${baseUrl}${ROUTE}`, {
  method: 'PUT',
  body: JSON.stringify({ secret: 'whsec_start_order' }),
  headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
});

function assertUnavailableProblem(res) {
  assert.equal(res.status, 503, res.body);
  assert.match(res.headers['content-type'], /^application\/problem\+json/);
  assert.match(res.headers['retry-after'] ?? '', /^[1-9][0-9]*$/);
  assert.equal(res.json.status, 503);
  assert.equal(res.json.retryable, true);
}

// Polls until the gateway answers 200; returns how long that took.
async function msUntilOk(baseUrl, key, limitMs) {
  const start = Date.now();
  for (;;) {
    const res = await put(baseUrl, key);
    if (res.status === 200) return Date.now() - start;
    assertUnavailableProblem(res);
    assert.ok(Date.now() - start < limitMs, `no 200 within ${limitMs} ms`);
    await sleep(100);
  }
}

test('the gateway starts before its upstream, answers 503 meanwhile, and survives the upstream restarting', { timeout: 60000 }, async () => {
  data = makeDataDir('integrator-start-order-');
  const port = await freePort();
  const gateway = await startGateway(`127.0.0.1:${port}`, [], { waitForRoutes: false });
  running.push(gateway);

  // The store and a key exist before the upstream runs: integrator-admin
  // works on the store directly.
  const integrator = await adminOk(data, ['create-integrator', '--name', 'Acme']);
  const key = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhook-secret']);

  await sleep(3000);
  const before = await put(gateway.baseUrl, key);
  assertUnavailableProblem(before);
  assert.equal(before.json.type, 'urn:problem-type:gateway:upstream-unavailable');
  assert.match(gateway.log(), /upstream reflection unavailable/);
  // Its probes agree: alive, not ready.
  assert.equal((await curl(`${gateway.adminUrl}/healthz`, { method: 'GET' })).status, 200);
  const notReady = await curl(`${gateway.adminUrl}/readyz`, { method: 'GET' });
  assert.equal(notReady.status, 503);
  assert.match(notReady.body, /routes are not known yet/);

  let server = await startServer(data, [`--grpc_address=127.0.0.1:${port}`, '--http_address=']);
  running.push(server);
  const firstUp = await msUntilOk(gateway.baseUrl, key, 10000);
  console.log(`# first 200 ${firstUp} ms after the upstream was up`);
  assert.match(gateway.log(), /serving routes=\d+/);
  assert.equal((await curl(`${gateway.adminUrl}/readyz`, { method: 'GET' })).status, 200);
  const { samples } = await scrape(gateway.adminUrl);
  assert.ok(sampleValue(samples, 'http_server_requests_total', { method: 'PUT', route: '-', status: '503' }) >= 1);
  assert.ok(sampleValue(samples, 'http_server_requests_total', { method: 'PUT', route: ROUTE, status: '200' }) >= 1);
  assert.equal(sampleValue(samples, 'integrator_build_info', { binary: 'integrator-gateway' }), 1);

  // The upstream dies: 503s with Retry-After, never a hang or a crash.
  await server.stop('SIGKILL');
  running.splice(running.indexOf(server), 1);
  assertUnavailableProblem(await put(gateway.baseUrl, key));
  await sleep(1500);
  assertUnavailableProblem(await put(gateway.baseUrl, key));

  server = await startServer(data, [`--grpc_address=127.0.0.1:${port}`, '--http_address=']);
  running.push(server);
  const again = await msUntilOk(gateway.baseUrl, key, 10000);
  console.log(`# 200 again ${again} ms after the upstream came back`);
  assert.equal(gateway.proc.exitCode, null, 'the gateway kept running');
});
