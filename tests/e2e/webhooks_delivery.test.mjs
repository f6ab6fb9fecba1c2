// Webhook delivery end to end: integrator-server (SQLite) sends to a real
// HTTP receiver on loopback that records raw bytes and answers 200, 500 or
// never. Signatures are checked with Node's own HMAC, not the project's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { curl } from './lib/curl.mjs';
import { startReceiver } from './lib/webhook_receiver.mjs';
import { makeDataDir, startServer, adminOk, reflectedClients, call, grpc } from './lib/harness.mjs';

const HOOKS = '/v1/integrator/webhooks';
// Short retries and timeouts so a test sees a whole schedule.
const FLAGS = ['--webhook_allow_http', '--webhook_allow_private_targets', '--webhook_retry_schedule=1s,1s,1s,1s',
  '--webhook_timeout=2s', '--webhook_disable_after=3'];

let data, server, receiver, clients, publisherKey;

before(async () => {
  data = makeDataDir();
  server = await startServer(data, FLAGS);
  receiver = await startReceiver();
  publisherKey = await adminOk(data, ['create-key', '--service', 'payments', '--scopes', 'publish:events']);
  clients = await reflectedClients(server.address);
});

after(async () => {
  clients?.close();
  await server?.stop();
  await receiver?.close();
  data?.remove();
});

const hmac = (secret, body) => createHmac('sha256', secret).update(body).digest('hex');

// A fresh integrator with a key for its webhooks and its secret.
async function newIntegrator(name, store = data) {
  const id = await adminOk(store, ['create-integrator', '--name', name]);
  const key = await adminOk(store, ['create-key', '--integrator', id,
    '--scopes', 'read:webhooks,write:webhooks,write:webhook-secret']);
  return { id, key };
}

function api(base, method, route, key, body) {
  return curl(`${base}${route}`, {
    method,
    body,
    headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
  });
}

async function subscribe(integrator, receiverPath, events = ['payment.created'], base = server.baseUrl) {
  const res = await api(base, 'POST', HOOKS, integrator.key, JSON.stringify({ url: receiver.url(receiverPath), events }));
  assert.equal(res.status, 200, res.body);
  return res.json;
}

async function setSecret(integrator, secret, base = server.baseUrl) {
  const res = await api(base, 'PUT', '/v1/integrator/webhook-secret', integrator.key, JSON.stringify({ secret }));
  assert.equal(res.status, 200, res.body);
}

async function publish(integrator, data = '{}', type = 'payment.created') {
  const res = await call(clients.WebhookEventService, 'PublishEvent',
    { integrator_id: integrator.id, event_type: type, data }, { key: publisherKey });
  assert.equal(res.code, grpc.status.OK, res.err?.message);
  return res.res;
}

async function webhookState(integrator, id) {
  const listed = await api(server.baseUrl, 'GET', HOOKS, integrator.key);
  return listed.json.find((w) => w.id === id);
}

test('the body arrives byte for byte, signed with the secret, with every header', async () => {
  const acme = await newIntegrator('Signed');
  await setSecret(acme, 'whsec_first-secret');
  const hook = await subscribe(acme, '/signed');
  // Spacing, key order, big numbers and non-ASCII are kept as published.
  const eventData = '{ "z": 1, "amount": 123456789012345678901234567890, "name": "Zoë 💳", "a": [ ] }';
  const published = await publish(acme, eventData);
  await receiver.waitFor(() => receiver.to('/signed').length === 1, 10000, 'the webhook');
  const [got] = receiver.to('/signed');
  const text = got.body.toString('utf8');
  const createdAt = JSON.parse(text).createdAt;
  assert.match(createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(text,
    `{"id":"${published.event_id}","type":"payment.created","createdAt":"${createdAt}","data":${eventData}}`);
  assert.equal(got.method, 'POST');
  assert.equal(got.headers['content-type'], 'application/json');
  assert.equal(got.headers.signature, hmac('whsec_first-secret', got.body));
  assert.match(got.headers['webhook-id'], /^dlv_[0-9a-f]{48}$/);
  assert.equal(got.headers['webhook-event'], 'payment.created');
  assert.match(got.headers['user-agent'], /^integrator-api\/\d+\.\d+\.\d+$/);
  // The delivery log says so.
  let log;
  for (let i = 0; i < 50; i++) {
    log = await api(server.baseUrl, 'GET', `${HOOKS}/${hook.id}/deliveries`, acme.key);
    if (log.json.deliveries[0]?.status === 'succeeded') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(log.json.deliveries[0].id, got.headers['webhook-id']);
  assert.equal(log.json.deliveries[0].status, 'succeeded');
  assert.equal(log.json.deliveries[0].attempts, 1);
  assert.equal(log.json.deliveries[0].lastStatusCode, 200);
});

test('no secret set: no Signature header at all', async () => {
  const plain = await newIntegrator('Unsigned');
  await subscribe(plain, '/unsigned');
  await publish(plain, '{"x":1}');
  await receiver.waitFor(() => receiver.to('/unsigned').length === 1, 10000, 'the webhook');
  const [got] = receiver.to('/unsigned');
  assert.equal(got.headers.signature, undefined);
  assert.ok(got.headers['webhook-id']);
});

test('a secret changed between attempts signs the later attempt; the bytes and Webhook-Id stay', async () => {
  const rotating = await newIntegrator('Rotating');
  await setSecret(rotating, 'whsec_old');
  receiver.on('/rotate', (n) => (n === 1 ? 500 : 200));
  await subscribe(rotating, '/rotate');
  await publish(rotating, '{"step":"rotate"}');
  await receiver.waitFor(() => receiver.to('/rotate').length === 1, 10000, 'the first attempt');
  await setSecret(rotating, 'whsec_new');
  await receiver.waitFor(() => receiver.to('/rotate').length === 2, 10000, 'the retry');
  const [first, second] = receiver.to('/rotate');
  assert.ok(first.body.equals(second.body), 'the same bytes on every attempt');
  assert.equal(first.headers['webhook-id'], second.headers['webhook-id']);
  assert.equal(first.headers.signature, hmac('whsec_old', first.body));
  assert.equal(second.headers.signature, hmac('whsec_new', second.body));
});

test('two failures then a success: 3 attempts, one Webhook-Id, failureCount 1, 2, then 0', async () => {
  const flaky = await newIntegrator('Flaky');
  receiver.on('/flaky', (n) => (n <= 2 ? 500 : 204));
  const hook = await subscribe(flaky, '/flaky');
  await publish(flaky);
  for (const [attempts, failureCount] of [[1, 1], [2, 2], [3, 0]]) {
    await receiver.waitFor(() => receiver.to('/flaky').length === attempts, 10000, `attempt ${attempts}`);
    let state;
    for (let i = 0; i < 100; i++) {
      state = await webhookState(flaky, hook.id);
      if (state.failureCount === failureCount) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(state.failureCount, failureCount, `after attempt ${attempts}`);
    assert.equal(state.disabled, false);
  }
  const ids = new Set(receiver.to('/flaky').map((r) => r.headers['webhook-id']));
  assert.equal(ids.size, 1);
  const log = await api(server.baseUrl, 'GET', `${HOOKS}/${hook.id}/deliveries`, flaky.key);
  assert.equal(log.json.deliveries[0].status, 'succeeded');
  assert.equal(log.json.deliveries[0].attempts, 3);
});

test('a receiver that always fails disables the webhook after 3; nothing more is sent until :enable', async () => {
  const broken = await newIntegrator('Broken');
  let healthy = false;
  receiver.on('/broken', () => (healthy ? 200 : 500));
  const hook = await subscribe(broken, '/broken');
  await publish(broken);
  await receiver.waitFor(() => receiver.to('/broken').length === 3, 10000, 'three attempts');
  let state;
  for (let i = 0; i < 100; i++) {
    state = await webhookState(broken, hook.id);
    if (state.disabled) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(state.disabled, true);
  assert.equal(state.failureCount, 3);
  // A new event creates nothing for a disabled webhook.
  assert.equal((await publish(broken)).deliveries, 0);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(receiver.to('/broken').length, 3, 'nothing is sent to a disabled webhook');
  healthy = true;
  const enabled = await api(server.baseUrl, 'POST', `${HOOKS}/${hook.id}:enable`, broken.key, '{}');
  assert.equal(enabled.status, 200, enabled.body);
  assert.equal(enabled.json.disabled, false);
  await receiver.waitFor(() => receiver.to('/broken').length === 4, 10000, 'the resumed delivery');
  assert.equal(receiver.to('/broken')[3].headers['webhook-id'], receiver.to('/broken')[0].headers['webhook-id']);
});

test('a hanging receiver does not delay a healthy one', async () => {
  const mixed = await newIntegrator('Mixed');
  receiver.on('/hang', () => 'hang');
  const hanging = await subscribe(mixed, '/hang', ['account.updated']);
  await subscribe(mixed, '/healthy', ['account.updated']);
  // Several events, so the hanging receiver holds several workers.
  const started = Date.now();
  for (let i = 0; i < 5; i++) await publish(mixed, `{"i":${i}}`, 'account.updated');
  await receiver.waitFor(() => receiver.to('/healthy').length === 5, 10000, 'the healthy receiver');
  const healthyDone = Date.now() - started;
  assert.ok(healthyDone < 1500, `healthy deliveries took ${healthyDone} ms`);
  // The hanging ones time out (2 s) and are recorded as failures.
  let log;
  for (let i = 0; i < 100; i++) {
    log = await api(server.baseUrl, 'GET', `${HOOKS}/${hanging.id}/deliveries`, mixed.key);
    if (log.json.deliveries.length === 5 && log.json.deliveries.every((d) => d.attempts >= 1)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const d of log.json.deliveries) {
    assert.ok(d.attempts >= 1);
    assert.equal(d.lastStatusCode, 0);
    assert.match(d.lastError, /timeout|timed out/i);
  }
  console.log(`healthy receiver got 5 deliveries in ${healthyDone} ms beside a hanging one`);
});

test('a redirect is a failure and is not followed; a large response body is read up to 64 KiB and dropped', async () => {
  const odd = await newIntegrator('Odd');
  receiver.on('/redirect', () => ({ status: 302, headers: { Location: receiver.url('/elsewhere') } }));
  receiver.on('/big', () => ({ status: 200, body: 'x'.repeat(1 << 20) }));
  const redirected = await subscribe(odd, '/redirect', ['account.deleted']);
  const big = await subscribe(odd, '/big', ['account.deleted']);
  await publish(odd, '{}', 'account.deleted');
  await receiver.waitFor(() => receiver.to('/redirect').length === 1 && receiver.to('/big').length === 1,
    10000, 'both webhooks');
  const settled = async (hook, check) => {
    for (let i = 0; i < 100; i++) {
      const log = await api(server.baseUrl, 'GET', `${HOOKS}/${hook.id}/deliveries`, odd.key);
      if (check(log.json.deliveries[0])) return log.json.deliveries[0];
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail('the attempt was not recorded');
  };
  const failed = await settled(redirected, (d) => d.attempts === 1);
  assert.equal(failed.status, 'pending');
  assert.equal(failed.lastStatusCode, 302);
  assert.equal(failed.lastError, 'HTTP 302');
  const ok = await settled(big, (d) => d.status === 'succeeded');
  assert.equal(ok.lastStatusCode, 200);
  assert.equal(receiver.to('/elsewhere').length, 0, 'the redirect was not followed');
});

test('integrator-admin publish-event is delivered by the running server', async () => {
  const cli = await newIntegrator('Cli');
  await subscribe(cli, '/cli', ['capabilities.updated']);
  const dataFile = path.join(data.dir, 'event.json');
  writeFileSync(dataFile, '{"capabilities":["payouts"]}');
  const eventId = await adminOk(data, ['publish-event', '--integrator', cli.id, '--type', 'capabilities.updated',
    '--data_file', dataFile]);
  assert.match(eventId, /^evt_[0-9a-f]{24}$/);
  await receiver.waitFor(() => receiver.to('/cli').length === 1, 10000, 'the polled delivery');
  assert.equal(JSON.parse(receiver.to('/cli')[0].body).id, eventId);
});

test('SIGTERM lets an attempt in flight end within the drain time and leaves the rest pending', async () => {
  const own = makeDataDir();
  const first = await startServer(own, [...FLAGS, '--drain_timeout=1s']);
  const firstClients = await reflectedClients(first.address);
  const publisher = await adminOk(own, ['create-key', '--service', 'payments', '--scopes', 'publish:events']);
  const draining = await newIntegrator('Draining', own);
  let answering = false;
  receiver.on('/drain', () => (answering ? 200 : 'hang'));
  await subscribe(draining, '/drain', ['payment.refunded'], first.baseUrl);
  const published = (await call(firstClients.WebhookEventService, 'PublishEvent',
    { integrator_id: draining.id, event_type: 'payment.refunded', data: '{}' }, { key: publisher })).res;
  await receiver.waitFor(() => receiver.to('/drain').length === 1, 10000, 'the first attempt');
  firstClients.close();
  const stopping = Date.now();
  const exit = await first.stop('SIGTERM');
  const took = Date.now() - stopping;
  assert.equal(exit.code, 0);
  assert.ok(took < 4000, `SIGTERM took ${took} ms with a 1 s drain and a hanging receiver`);
  answering = true;
  const second = await startServer(own, FLAGS);
  try {
    await receiver.waitFor(() => receiver.to('/drain').length === 2, 10000, 'the delivery after the restart');
    assert.equal(JSON.parse(receiver.to('/drain')[1].body).id, published.event_id);
  } finally {
    await second.stop();
    own.remove();
  }
});

test('SIGKILL with 200 pending deliveries: after a restart every event arrives at least once', async () => {
  const own = makeDataDir();
  let first = await startServer(own, FLAGS);
  const firstClients = await reflectedClients(first.address);
  const publisher = await adminOk(own, ['create-key', '--service', 'payments', '--scopes', 'publish:events']);
  const crash = await newIntegrator('Crash', own);
  // The receiver holds the first attempts, so the rest stay pending.
  let answering = false;
  receiver.on('/crash', () => (answering ? 200 : 'hang'));
  await subscribe(crash, '/crash', ['payment.updated'], first.baseUrl);
  const eventIds = new Set();
  for (let i = 0; i < 200; i++) {
    const res = await call(firstClients.WebhookEventService, 'PublishEvent',
      { integrator_id: crash.id, event_type: 'payment.updated', data: `{"n":${i}}` }, { key: publisher });
    assert.equal(res.code, grpc.status.OK, res.err?.message);
    eventIds.add(res.res.event_id);
  }
  await receiver.waitFor(() => receiver.to('/crash').length >= 1, 10000, 'the first attempts');
  firstClients.close();
  await first.stop('SIGKILL');
  answering = true;
  const second = await startServer(own, FLAGS);
  try {
    const received = () => new Set(receiver.to('/crash').map((r) => JSON.parse(r.body).id));
    await receiver.waitFor(() => received().size === 200, 30000, 'all 200 events');
    assert.deepEqual(received(), eventIds);
    const attempts = receiver.to('/crash').length;
    console.log(`200 events delivered after SIGKILL; the receiver saw ${attempts} requests, ` +
      `${attempts - 200} of them repeats (attempts that were in flight at the kill)`);
  } finally {
    await second.stop();
    own.remove();
  }
});
