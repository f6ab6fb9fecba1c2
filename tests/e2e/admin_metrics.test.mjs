// The admin listener (DESIGN.md, "Operations"): Prometheus metrics that move
// as requests are made, parsed by a real Prometheus parser; /healthz and
// /readyz as Kubernetes probes use them; labels that never carry a key, a
// secret or an integrator id; and the JSON request log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { curl } from './lib/curl.mjs';
import { makeDataDir, startServer, adminOk, reflectedClients, call } from './lib/harness.mjs';
import { scrape, sampleValue } from './lib/prometheus.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
const SECRET = 'whsec_metrics_never_in_a_label';
let data;
let server;
let integrator;
let key;

before(async () => {
  data = makeDataDir('integrator-metrics-');
  server = await startServer(data, ['--log_format=json']);
  integrator = await adminOk(data, ['create-integrator', '--name', 'Acme']);
  key = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhook-secret']);
});

after(async () => {
  await server?.stop();
  data?.remove();
});

const put = (headers) => curl(`${server.baseUrl}${ROUTE}`, {
  method: 'PUT',
  body: JSON.stringify({ secret: SECRET }),
  headers: { 'Content-Type': 'application/json', ...headers },
});

test('/metrics parses with a real Prometheus parser and its counters move with REST and gRPC traffic', async () => {
  const before = await scrape(server.adminUrl);
  assert.match(before.contentType, /^text\/plain; version=0\.0\.4/);
  const ok = { method: 'PUT', route: ROUTE, status: '200' };
  const denied = { method: 'PUT', route: ROUTE, status: '401' };
  const okBefore = sampleValue(before.samples, 'http_server_requests_total', ok);
  const deniedBefore = sampleValue(before.samples, 'http_server_requests_total', denied);
  const commitsBefore = sampleValue(before.samples, 'integrator_store_commits_total', { backend: 'sqlite' });

  for (let i = 0; i < 5; i++) assert.equal((await put({ Authorization: `Bearer ${key}` })).status, 200);
  for (let i = 0; i < 3; i++) assert.equal((await put({})).status, 401);
  const clients = await reflectedClients(server.address);
  try {
    for (let i = 0; i < 4; i++) {
      const { code } = await call(clients.IntegratorService, 'UpdateWebhookSecret', { secret: SECRET }, { key });
      assert.equal(code, 0);
    }
  } finally {
    clients.close();
  }

  const after = await scrape(server.adminUrl);
  const s = after.samples;
  assert.equal(sampleValue(s, 'http_server_requests_total', ok) - okBefore, 5);
  assert.equal(sampleValue(s, 'http_server_requests_total', denied) - deniedBefore, 3);
  assert.ok(sampleValue(s, 'http_server_request_duration_seconds_count', { method: 'PUT', route: ROUTE }) >= 8);
  assert.ok(sampleValue(s, 'grpc_server_handled_total', { grpc_method: 'UpdateWebhookSecret', grpc_code: 'OK' }) >= 4);
  assert.ok(sampleValue(s, 'grpc_server_handling_seconds_count', { grpc_method: 'UpdateWebhookSecret' }) >= 4);
  // The call's metrics are recorded as its answer goes out: poll.
  let active = sampleValue(s, 'grpc_server_active_calls');
  for (let i = 0; i < 50 && active !== 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    active = sampleValue((await scrape(server.adminUrl)).samples, 'grpc_server_active_calls');
  }
  assert.equal(active, 0);
  assert.ok(sampleValue(s, 'grpc_server_connections_total', { outcome: 'accepted' }) >= 1);
  assert.equal(sampleValue(s, 'http_server_active_requests'), 0);
  // Durable writes: 9 updates at least (5 REST, 4 gRPC), in group commits.
  assert.ok(sampleValue(s, 'integrator_store_commits_total', { backend: 'sqlite' }) - commitsBefore >= 1);
  assert.ok(sampleValue(s, 'integrator_store_updates_total', { backend: 'sqlite' }) >= 9);
  assert.ok(sampleValue(s, 'integrator_store_commit_group_size_count', { backend: 'sqlite' }) >= 1);
  assert.ok(sampleValue(s, 'integrator_store_commit_duration_seconds_count', { backend: 'sqlite' }) >= 1);
  assert.ok(sampleValue(s, 'process_resident_memory_bytes') > 1e6);
  assert.ok(sampleValue(s, 'process_open_fds') > 3);
  assert.ok(sampleValue(s, 'process_cpu_seconds_total') > 0);
  assert.equal(sampleValue(s, 'integrator_build_info', { binary: 'integrator-server' }), 1);

  // Bounded cardinality: nothing a client chose, and no key, secret or id.
  for (const sample of s) {
    for (const value of Object.values(sample.labels)) {
      for (const forbidden of [key, SECRET, integrator]) {
        assert.ok(!value.includes(forbidden), `${sample.name} has a label holding ${forbidden}`);
      }
    }
  }
  assert.ok(!after.text.includes(key) && !after.text.includes(SECRET) && !after.text.includes(integrator));
});

test('a method or path a client invents never becomes a label value', async () => {
  await curl(`${server.baseUrl}/v1/integrator/${integrator}/made-up`, { method: 'BREW' });
  await curl(`${server.baseUrl}/no/such/route/${key}`, { method: 'GET' });
  const { samples, text } = await scrape(server.adminUrl);
  assert.ok(!text.includes('BREW') && !text.includes('made-up') && !text.includes(key));
  assert.ok(sampleValue(samples, 'http_server_requests_total', { method: 'GET', route: '-', status: '404' }) >= 1);
});

test('/healthz and /readyz answer as probes expect; other paths and methods do not', async () => {
  assert.equal((await curl(`${server.adminUrl}/healthz`, { method: 'GET' })).status, 200);
  const ready = await curl(`${server.adminUrl}/readyz`, { method: 'GET' });
  assert.equal(ready.status, 200);
  assert.equal((await curl(`${server.adminUrl}/nope`, { method: 'GET' })).status, 404);
  const post = await curl(`${server.adminUrl}/metrics`, { method: 'POST', body: '' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET');
  // The API's listener does not serve the admin paths.
  assert.equal((await curl(`${server.baseUrl}/metrics`, { method: 'GET' })).status, 404);
});

test('--log_format=json writes each request line as one JSON object, with no secret', async () => {
  await put({ Authorization: `Bearer ${key}`, 'X-Request-Id': '0d9f1c2e-6a53-4a0e-9d3e-3b1f5b8f6a11' });
  let line;
  for (let i = 0; i < 50 && !line; i++) {
    line = server.log().split('\n').find((l) => l.includes('0d9f1c2e-6a53-4a0e-9d3e-3b1f5b8f6a11'));
    if (!line) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(line, 'the request was logged');
  const entry = JSON.parse(line);
  assert.equal(entry.face, 'rest');
  assert.equal(entry.method, 'PUT');
  assert.equal(entry.route, ROUTE);
  assert.equal(entry.status, 200);
  assert.equal(typeof entry.latency_ms, 'number');
  // The start-up line stays the same in every format; no secret anywhere.
  assert.match(server.log(), /listening grpc_port=\d+ http_port=\d+ admin_port=\d+ /);
  assert.ok(!server.log().includes(SECRET) && !server.log().includes(key));
});

test('/readyz turns 503 when the server drains, while /healthz still answers', async () => {
  const probe = makeDataDir('integrator-readyz-');
  // A slow disk keeps the drain open long enough to ask.
  const draining = await startServer(probe, ['--simulated_commit_latency=1500ms', '--drain_timeout=5s']);
  try {
    const id = await adminOk(probe, ['create-integrator', '--name', 'Slow']);
    const slowKey = await adminOk(probe, ['create-key', '--integrator', id, '--scopes', 'write:webhook-secret']);
    assert.equal((await curl(`${draining.adminUrl}/readyz`, { method: 'GET' })).status, 200);
    const inFlight = curl(`${draining.baseUrl}${ROUTE}`, {
      method: 'PUT', body: JSON.stringify({ secret: SECRET }),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${slowKey}` },
    });
    // SIGTERM once the request is in the server (its commit takes 1.5 s).
    for (let i = 0; i < 100; i++) {
      const { samples } = await scrape(draining.adminUrl);
      if (sampleValue(samples, 'http_server_active_requests') >= 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    draining.signal('SIGTERM');
    let readyz;
    for (let i = 0; i < 50; i++) {
      readyz = await curl(`${draining.adminUrl}/readyz`, { method: 'GET' });
      if (readyz.status === 503) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(readyz.status, 503);
    assert.match(readyz.body, /draining/);
    assert.equal((await curl(`${draining.adminUrl}/healthz`, { method: 'GET' })).status, 200);
    assert.equal((await inFlight).status, 200);
    assert.equal((await draining.exited).code, 0);
  } finally {
    await draining.stop();
    probe.remove();
  }
});
