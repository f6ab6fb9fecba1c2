// Webhooks in production, end to end against a real receiver on loopback:
// Standard Webhooks headers checked with the official `standardwebhooks`
// package (pinned in the lockfile), and secret rotation with an overlap
// window. Nothing here uses the project's own signing code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { curl } from './lib/curl.mjs';
import { startReceiver } from './lib/webhook_receiver.mjs';
import {
  makeDataDir, startServer, adminOk, reflectedClients, call, errorDetails, grpc,
} from './lib/harness.mjs';

const HOOKS = '/v1/integrator/webhooks';
// A 60 s overlap asked for is capped at 3 s, and housekeeping runs every
// second, so a test sees a whole window.
const FLAGS = ['--webhook_allow_http', '--webhook_allow_private_targets', '--webhook_retry_schedule=1s,1s',
  '--webhook_timeout=2s', '--previous_secret_ttl_cap=3s', '--housekeeping_interval=1s'];

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

// What a receiver passes to a Standard Webhooks library for our secret.
const standardSecret = (secret) => `whsec_${Buffer.from(secret, 'utf8').toString('base64')}`;
const hmac = (secret, body) => createHmac('sha256', secret).update(body).digest('hex');

async function newIntegrator(name) {
  const id = await adminOk(data, ['create-integrator', '--name', name]);
  const key = await adminOk(data, ['create-key', '--integrator', id,
    '--scopes', 'read:webhooks,write:webhooks,write:webhook-secret']);
  return { id, key };
}

const api = (method, route, key, body) => curl(`${server.baseUrl}${route}`, {
  method,
  body,
  headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
});

async function subscribe(integrator, receiverPath, events = ['payment.created']) {
  const res = await api('POST', HOOKS, integrator.key, JSON.stringify({ url: receiver.url(receiverPath), events }));
  assert.equal(res.status, 200, res.body);
  return res.json;
}

async function setSecret(integrator, secret, extra = {}) {
  const res = await api('PUT', '/v1/integrator/webhook-secret', integrator.key, JSON.stringify({ secret, ...extra }));
  assert.equal(res.status, 200, res.body);
  return res;
}

async function publish(integrator, type = 'payment.created', eventData = '{}') {
  const res = await call(clients.WebhookEventService, 'PublishEvent',
    { integrator_id: integrator.id, event_type: type, data: eventData }, { key: publisherKey });
  assert.equal(res.code, grpc.status.OK, res.err?.message);
  return res.res;
}

// Verifies with the official library; returns the parsed payload or throws.
const verify = (secret, request) => new Webhook(standardSecret(secret)).verify(request.body, request.headers);

test('every delivery carries Standard Webhooks headers that the official library verifies', async () => {
  const acme = await newIntegrator('Standard');
  // Byte-exact secrets: non-ASCII and a whsec_ prefix of its own included.
  const secret = 'whsec_ünïcode-and-more';
  await setSecret(acme, secret);
  await subscribe(acme, '/standard');
  const published = await publish(acme, 'payment.created', '{"amount": 42, "note": "ünï"}');
  await receiver.waitFor(() => receiver.to('/standard').length === 1, 10000, 'the delivery');
  const [got] = receiver.to('/standard');
  assert.match(got.headers['webhook-id'], /^dlv_[0-9a-f]{48}$/);
  assert.match(got.headers['webhook-timestamp'], /^\d{10}$/);
  assert.ok(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000) < 30);
  assert.match(got.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+={0,2}$/);
  const payload = verify(secret, got);
  assert.equal(payload.id, published.event_id);
  assert.equal(got.headers.signature, hmac(secret, got.body));
  assert.throws(() => verify('another secret', got), /No matching signature/);
  // A capture replayed after the library's tolerance (5 minutes) is refused.
  const realNow = Date.now;
  try {
    Date.now = () => realNow() + 6 * 60 * 1000;
    assert.throws(() => verify(secret, got), /timestamp too old/);
  } finally {
    Date.now = realNow;
  }
});

test('no secret: neither Signature nor Standard Webhooks signature headers', async () => {
  const plain = await newIntegrator('Plain');
  await subscribe(plain, '/plain-standard');
  await publish(plain);
  await receiver.waitFor(() => receiver.to('/plain-standard').length === 1, 10000, 'the delivery');
  const [got] = receiver.to('/plain-standard');
  assert.equal(got.headers.signature, undefined);
  assert.equal(got.headers['webhook-signature'], undefined);
  assert.equal(got.headers['webhook-timestamp'], undefined);
  assert.ok(got.headers['webhook-id']);
});

test('a rotation with previousSecretTtl signs with both secrets for the window, then the old one is gone', async () => {
  const rotating = await newIntegrator('Rotating');
  await setSecret(rotating, 'old-secret-1');
  await subscribe(rotating, '/rotation');
  await publish(rotating);
  await receiver.waitFor(() => receiver.to('/rotation').length === 1, 10000, 'the first delivery');
  const first = receiver.to('/rotation')[0];
  assert.equal(first.headers['webhook-signature'].split(' ').length, 1);
  verify('old-secret-1', first);

  // Asked for 60 s; the server's cap (3 s here) shortens the window.
  await setSecret(rotating, 'new-secret-2', { previousSecretTtl: '60s' });
  await publish(rotating);
  await receiver.waitFor(() => receiver.to('/rotation').length === 2, 10000, 'the second delivery');
  const second = receiver.to('/rotation')[1];
  const entries = second.headers['webhook-signature'].split(' ');
  assert.equal(entries.length, 2, second.headers['webhook-signature']);
  assert.equal(second.headers.signature, hmac('new-secret-2', second.body), 'Signature is the newest secret');
  verify('new-secret-2', second);
  verify('old-secret-1', second);
  // Newest first: the first entry alone verifies with the new secret.
  verify('new-secret-2', { ...second, headers: { ...second.headers, 'webhook-signature': entries[0] } });

  // After the window: one entry, and the old secret is erased from the store.
  await new Promise((r) => setTimeout(r, 4500));
  await publish(rotating);
  await receiver.waitFor(() => receiver.to('/rotation').length === 3, 10000, 'the third delivery');
  const third = receiver.to('/rotation')[2];
  assert.equal(third.headers['webhook-signature'].split(' ').length, 1);
  verify('new-secret-2', third);
  assert.throws(() => verify('old-secret-1', third), /No matching signature/);
  const db = data.store.replace(/^sqlite:/, '');
  const kept = execFileSync('sqlite3', [db,
    `SELECT COUNT(*) FROM webhook_secrets WHERE integrator_id='${rotating.id}' AND prev_ciphertext IS NOT NULL`],
  { encoding: 'utf8' }).trim();
  assert.equal(kept, '0', 'the previous secret is erased after its window');
  assert.match(server.log(), /face=housekeeping erased_previous_secrets=[1-9]/);
});

test('previousSecretTtl is bounded: over 24 h or negative is a 400 naming it', async () => {
  const bounded = await newIntegrator('Bounded');
  for (const ttl of ['86401s', '-1s']) {
    const res = await api('PUT', '/v1/integrator/webhook-secret', bounded.key,
      JSON.stringify({ secret: 'x', previousSecretTtl: ttl }));
    assert.equal(res.status, 400, res.body);
    assert.equal(res.json.field, 'previousSecretTtl', res.body);
  }
});

test(':retry resends a finished delivery with the same bytes and Webhook-Id; :test sends webhook.test', async () => {
  const resend = await newIntegrator('Resend');
  await setSecret(resend, 'resend-secret');
  const hook = await subscribe(resend, '/resend');
  const published = await publish(resend, 'payment.created', '{"n":1}');
  await receiver.waitFor(() => receiver.to('/resend').length === 1, 10000, 'the first delivery');
  const first = receiver.to('/resend')[0];
  const deliveryId = first.headers['webhook-id'];
  // The delivery is recorded as succeeded shortly after the response.
  let retried;
  for (let i = 0; i < 100; i++) {
    retried = await api('POST', `${HOOKS}/${hook.id}/deliveries/${deliveryId}:retry`, resend.key, '{}');
    if (retried.status === 200) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(retried.status, 200, retried.body);
  assert.equal(retried.json.id, deliveryId);
  assert.equal(retried.json.status, 'pending');
  await receiver.waitFor(() => receiver.to('/resend').length === 2, 10000, 'the resent delivery');
  const second = receiver.to('/resend')[1];
  assert.ok(first.body.equals(second.body), 'the same bytes');
  assert.equal(second.headers['webhook-id'], deliveryId);
  assert.equal(JSON.parse(second.body).id, published.event_id);
  assert.equal(second.headers.signature, hmac('resend-secret', second.body));
  verify('resend-secret', second);

  const tested = await api('POST', `${HOOKS}/${hook.id}:test`, resend.key, '{}');
  assert.equal(tested.status, 200, tested.body);
  assert.equal(tested.json.eventType, 'webhook.test');
  await receiver.waitFor(() => receiver.to('/resend').length === 3, 10000, 'the test event');
  const test3 = receiver.to('/resend')[2];
  assert.equal(test3.headers['webhook-event'], 'webhook.test');
  assert.equal(test3.headers['webhook-id'], tested.json.id);
  const payload = verify('resend-secret', test3);
  assert.equal(payload.type, 'webhook.test');
  assert.deepEqual(payload.data, { webhookId: hook.id, message: 'A test event from integrator-api' });
  assert.equal(test3.headers.signature, hmac('resend-secret', test3.body));
});

test(':retry and :test refuse wrong scopes, other integrators\' ids, unknown ids and pending deliveries', async () => {
  const owner = await newIntegrator('Owner');
  const other = await newIntegrator('Other');
  receiver.on('/never-ok', () => 500);
  const hook = await subscribe(owner, '/never-ok');
  await publish(owner);
  await receiver.waitFor(() => receiver.to('/never-ok').length >= 1, 10000, 'an attempt');
  const deliveryId = receiver.to('/never-ok')[0].headers['webhook-id'];
  const readOnly = await adminOk(data, ['create-key', '--integrator', owner.id, '--scopes', 'read:webhooks']);
  const cases = [
    [readOnly, `${HOOKS}/${hook.id}:test`, 403],
    [readOnly, `${HOOKS}/${hook.id}/deliveries/${deliveryId}:retry`, 403],
    [other.key, `${HOOKS}/${hook.id}:test`, 404, 'webhook'],
    [other.key, `${HOOKS}/${hook.id}/deliveries/${deliveryId}:retry`, 404, 'webhook'],
    [owner.key, `${HOOKS}/wh_000000000000000000000000:test`, 404, 'webhook'],
    [owner.key, `${HOOKS}/${hook.id}/deliveries/dlv_unknown:retry`, 404, 'delivery'],
    // Failed once, retried by schedule: still pending.
    [owner.key, `${HOOKS}/${hook.id}/deliveries/${deliveryId}:retry`, 400],
    [owner.key, `${HOOKS}/${hook.id}/deliveries/${'x'.repeat(80)}:retry`, 400],
  ];
  for (const [key, route, status, resourceType] of cases) {
    const res = await api('POST', route, key, '{}');
    assert.equal(res.status, status, `${route}: ${res.body}`);
    assert.match(res.headers['content-type'], /^application\/problem\+json/);
    if (resourceType) assert.equal(res.json.resourceType, resourceType, res.body);
  }
});

test('no secret or previous secret appears in the server log', async () => {
  const log = server.log();
  for (const secret of ['old-secret-1', 'new-secret-2', 'ünïcode', 'resend-secret']) {
    assert.ok(!log.includes(secret), `${secret} is in the log`);
  }
});

test('PublishEvent with one idempotency key, across SIGKILLs: one event, one delivery per webhook', async () => {
  const own = makeDataDir();
  const publisher = await adminOk(own, ['create-key', '--service', 'payments', '--scopes', 'publish:events']);
  const id = await adminOk(own, ['create-integrator', '--name', 'Idempotent']);
  const key = await adminOk(own, ['create-key', '--integrator', id, '--scopes', 'write:webhooks']);
  const request = { integrator_id: id, event_type: 'payment.completed', data: '{"order":42}', idempotency_key: 'order-42/complete' };
  const answers = [];
  let running;
  try {
    for (let round = 0; round < 3; round++) {
      running = await startServer(own, FLAGS);
      if (round === 0) {
        for (const path of ['/idem-a', '/idem-b']) {
          const made = await curl(`${running.baseUrl}${HOOKS}`, { method: 'POST',
            headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ url: receiver.url(path), events: ['payment.completed'] }) });
          assert.equal(made.status, 200, made.body);
        }
      }
      const roundClients = await reflectedClients(running.address);
      const res = await call(roundClients.WebhookEventService, 'PublishEvent', request, { key: publisher });
      roundClients.close();
      assert.equal(res.code, grpc.status.OK, res.err?.message);
      answers.push(res.res);
      await running.stop('SIGKILL');
    }
    assert.equal(new Set(answers.map((a) => a.event_id)).size, 1, JSON.stringify(answers));
    assert.deepEqual(answers.map((a) => a.deliveries), [2, 2, 2]);
    assert.deepEqual(answers.map((a) => a.replayed), [false, true, true]);

    running = await startServer(own, FLAGS);
    const lastClients = await reflectedClients(running.address);
    const changed = await call(lastClients.WebhookEventService, 'PublishEvent',
      { ...request, data: '{"order":43}' }, { key: publisher });
    assert.equal(changed.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(errorDetails(changed.err).BadRequest?.field_violations?.[0]?.field, 'idempotency_key');
    const bad = await call(lastClients.WebhookEventService, 'PublishEvent',
      { ...request, idempotency_key: 'tab\tinside' }, { key: publisher });
    lastClients.close();
    assert.equal(bad.code, grpc.status.INVALID_ARGUMENT);
    for (const path of ['/idem-a', '/idem-b']) {
      await receiver.waitFor(() => receiver.to(path).length >= 1, 10000, `the delivery to ${path}`);
    }
    await new Promise((r) => setTimeout(r, 1500));
    for (const path of ['/idem-a', '/idem-b']) {
      const ids = new Set(receiver.to(path).map((r) => JSON.parse(r.body).id));
      assert.deepEqual([...ids], [answers[0].event_id], `${path} got one event`);
    }
  } finally {
    await running?.stop();
    own.remove();
  }
});

test('retention prunes old finished deliveries under concurrent publishing; pending ones and their events stay', async () => {
  const own = makeDataDir();
  const retention = await startServer(own,
    [...FLAGS, '--delivery_retention=2s', '--webhook_retry_schedule=1h', '--webhook_disable_after=1000']);
  const ownClients = await reflectedClients(retention.address);
  try {
    const publisher = await adminOk(own, ['create-key', '--service', 'payments', '--scopes', 'publish:events']);
    const id = await adminOk(own, ['create-integrator', '--name', 'Retained']);
    const key = await adminOk(own, ['create-key', '--integrator', id, '--scopes', 'read:webhooks,write:webhooks']);
    receiver.on('/retained-fail', () => 500);
    const hooks = {};
    for (const path of ['/retained-ok', '/retained-fail']) {
      const made = await curl(`${retention.baseUrl}${HOOKS}`, { method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: receiver.url(path), events: ['account.updated'] }) });
      assert.equal(made.status, 200, made.body);
      hooks[path] = made.json.id;
    }
    // Publish for 4 s: every call must succeed while housekeeping prunes.
    const deadline = Date.now() + 4000;
    let published = 0;
    while (Date.now() < deadline) {
      const res = await call(ownClients.WebhookEventService, 'PublishEvent',
        { integrator_id: id, event_type: 'account.updated', data: `{"n":${published}}` }, { key: publisher });
      assert.equal(res.code, grpc.status.OK, res.err?.message);
      published++;
      await new Promise((r) => setTimeout(r, 25));
    }
    await receiver.waitFor(() => receiver.to('/retained-fail').length >= published, 20000,
      `every first attempt (${receiver.to('/retained-fail').length}, ok ${receiver.to('/retained-ok').length} of ${published})`);
    await new Promise((r) => setTimeout(r, 3500));
    const list = async (path) => (await curl(`${retention.baseUrl}${HOOKS}/${hooks[path]}/deliveries?pageSize=100`,
      { method: 'GET', headers: { Authorization: `Bearer ${key}` } })).json.deliveries;
    assert.deepEqual(await list('/retained-ok'), [], 'finished deliveries older than 2 s are gone');
    const pending = [];
    let token = '';
    do {
      const res = await curl(`${retention.baseUrl}${HOOKS}/${hooks['/retained-fail']}/deliveries?pageSize=100${token ? `&pageToken=${token}` : ''}`,
        { method: 'GET', headers: { Authorization: `Bearer ${key}` } });
      pending.push(...res.json.deliveries);
      token = res.json.nextPageToken;
    } while (token);
    assert.equal(pending.length, published, 'pending deliveries stay, with their events');
    assert.ok(pending.every((d) => d.status === 'pending' && d.eventType === 'account.updated'));
    const log = retention.log();
    const pruned = [...log.matchAll(/pruned_deliveries=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(pruned, published, log.split('\n').filter((l) => l.includes('housekeeping')).join('\n'));
    assert.match(log, /face=housekeeping .*store_bytes=\d+/);
    console.log(`published ${published} events in 4 s during pruning; ${pruned} finished deliveries pruned`);
  } finally {
    ownClients.close();
    await retention.stop();
    own.remove();
  }
});
