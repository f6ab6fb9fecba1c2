// The webhook API end to end: REST with curl through the embedded gateway,
// PublishEvent with a gRPC client built from reflection, on SQLite.
// Traffic goes to loopback only: webhooks that could ever be delivered to
// point at a closed loopback port (with the test-only flags on), and the
// SSRF refusals are decided before any connection (IP literals and
// localhost need no DNS query either).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { curl } from './lib/curl.mjs';
import { assertProblem } from './lib/rest_suite.mjs';
import {
  makeDataDir, startServer, adminOk, admin, reflectedClients, call, errorDetails, grpc,
} from './lib/harness.mjs';

const S = grpc.status;
const HOOKS = '/v1/integrator/webhooks';
// A public address written as a literal: valid to create, never contacted
// (this server never has an event published for it).
const PUBLIC_URL = 'https://93.184.215.14/hooks';

let data, server, strict;
let integratorA, integratorB, keyA, keyB, readOnlyKey, secretOnlyKey, adminKey, publisherKey;
let signingKey, signingSecret, clients;

before(async () => {
  data = makeDataDir();
  // The server that delivers to loopback: its webhooks point at a closed
  // loopback port, so even an attempt never leaves the machine.
  server = await startServer(data, ['--webhook_allow_http', '--webhook_allow_private_targets']);
  integratorA = await adminOk(data, ['create-integrator', '--name', 'Acme']);
  integratorB = await adminOk(data, ['create-integrator', '--name', 'Bolt']);
  keyA = await adminOk(data, ['create-key', '--integrator', integratorA, '--scopes', 'read:webhooks,write:webhooks']);
  keyB = await adminOk(data, ['create-key', '--integrator', integratorB, '--scopes', 'read:webhooks,write:webhooks']);
  readOnlyKey = await adminOk(data, ['create-key', '--integrator', integratorA, '--scopes', 'read:webhooks']);
  secretOnlyKey = await adminOk(data, ['create-key', '--integrator', integratorA, '--scopes', 'write:webhook-secret']);
  adminKey = await adminOk(data, ['create-key', '--service', 'support',
    '--scopes', 'admin:integrators,read:webhooks,write:webhooks']);
  publisherKey = await adminOk(data, ['create-key', '--service', 'payments', '--scopes', 'publish:events']);
  [signingKey, signingSecret] = (await adminOk(data, ['create-key', '--integrator', integratorA, '--signing'])).split('\n');
  clients = await reflectedClients(server.address);
  // A second server on its own store, with the SSRF guard on as shipped.
  strict = { data: makeDataDir() };
  strict.server = await startServer(strict.data);
  strict.integrator = await adminOk(strict.data, ['create-integrator', '--name', 'Strict']);
  strict.key = await adminOk(strict.data, ['create-key', '--integrator', strict.integrator, '--scopes', 'write:webhooks']);
});

after(async () => {
  clients?.close();
  await server?.stop();
  await strict?.server?.stop();
  data?.remove();
  strict?.data?.remove();
});

const rest = (base, method, path, { key, body, headers = {} } = {}) =>
  curl(`${base}${path}`, {
    method,
    body,
    headers: {
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
  });
const api = (method, path, options) => rest(server.baseUrl, method, path, options);
const create = (body, key = keyA) => api('POST', HOOKS, { key, body: JSON.stringify(body) });
const publish = (request, key = publisherKey) => call(clients.WebhookEventService, 'PublishEvent', request, { key });
const loopbackUrl = (n) => `http://127.0.0.1:1/hook-${n}`;

test('create, list as a bare array, delete: the contract shapes', async () => {
  const made = await create({ url: loopbackUrl(1), events: ['payment.created', 'account.created'] });
  assert.equal(made.status, 200, made.body);
  assert.match(made.json.id, /^wh_[0-9a-f]{24}$/);
  assert.deepEqual(made.json, {
    id: made.json.id, url: loopbackUrl(1), events: ['payment.created', 'account.created'],
    failureCount: 0, disabled: false,
  });
  const listed = await api('GET', HOOKS, { key: readOnlyKey });
  assert.equal(listed.status, 200, listed.body);
  assert.ok(Array.isArray(listed.json), listed.body);
  assert.deepEqual(listed.json.find((w) => w.id === made.json.id), made.json);
  // Another integrator sees none of them.
  const other = await api('GET', HOOKS, { key: keyB });
  assert.deepEqual(other.json, []);

  const deleted = await api('DELETE', `${HOOKS}/${made.json.id}`, { key: keyA });
  assert.equal(deleted.status, 200, deleted.body);
  assert.deepEqual(deleted.json, {});
  const again = await api('DELETE', `${HOOKS}/${made.json.id}`, { key: keyA });
  assertProblem(again, 404);
  assert.equal(again.json.resourceType, 'webhook');
  assert.equal(again.json.resourceId, made.json.id);
});

test('another integrator\'s webhook is a 404 on every route, and is left alone', async () => {
  const theirs = await create({ url: loopbackUrl(2), events: ['payment.created'] }, keyB);
  assert.equal(theirs.status, 200, theirs.body);
  for (const [method, path] of [
    ['DELETE', `${HOOKS}/${theirs.json.id}`],
    ['POST', `${HOOKS}/${theirs.json.id}:enable`],
    ['GET', `${HOOKS}/${theirs.json.id}/deliveries`],
  ]) {
    const res = await api(method, path, { key: keyA, body: method === 'POST' ? '{}' : undefined });
    assertProblem(res, 404);
    assert.equal(res.json.resourceType, 'webhook', res.body);
    assert.equal(res.json.resourceId, theirs.json.id);
  }
  const listed = await api('GET', HOOKS, { key: keyB });
  assert.ok(listed.json.some((w) => w.id === theirs.json.id));
});

test('bad input is a 400 naming the field, never a 500', async () => {
  const cases = [
    [{ url: loopbackUrl(3), events: ['payment.exploded'] }, 'events'],
    [{ url: loopbackUrl(3), events: [] }, 'events'],
    [{ url: loopbackUrl(3) }, 'events'],
    [{ url: loopbackUrl(3), events: ['payment.created', 'payment.created'] }, 'events'],
    [{ events: ['payment.created'] }, 'url'],
    [{ url: 'not a url', events: ['payment.created'] }, 'url'],
    [{ url: '/relative/path', events: ['payment.created'] }, 'url'],
    [{ url: 'ftp://127.0.0.1/x', events: ['payment.created'] }, 'url'],
    [{ url: 'http://user:pw@127.0.0.1/x', events: ['payment.created'] }, 'url'],
    [{ url: 'http://127.0.0.1/x#fragment', events: ['payment.created'] }, 'url'],
    [{ url: `http://127.0.0.1/${'a'.repeat(2049)}`, events: ['payment.created'] }, 'url'],
  ];
  for (const [body, field] of cases) {
    const res = await create(body);
    assertProblem(res, 400);
    assert.equal(res.json.field, field, `${JSON.stringify(body).slice(0, 80)}: ${res.body}`);
  }
  const unknownField = await api('POST', HOOKS, { key: keyA, body: '{"url":"http://127.0.0.1:1/","events":["payment.created"],"colour":"red"}' });
  assertProblem(unknownField, 400);
  const notJson = await api('POST', HOOKS, { key: keyA, body: '{"url":' });
  assertProblem(notJson, 400);
  const badId = await api('DELETE', `${HOOKS}/${'x'.repeat(65)}`, { key: keyA });
  assertProblem(badId, 400);
  const badPage = await api('GET', `${HOOKS}/wh_000000000000000000000000/deliveries?pageSize=1000`, { key: keyA });
  assertProblem(badPage, 400);
  assert.equal(badPage.json.field, 'pageSize');
  const badToken = await api('GET', `${HOOKS}/wh_000000000000000000000000/deliveries?pageToken=%25%25`, { key: keyA });
  assertProblem(badToken, 400);
  assert.equal(badToken.json.field, 'pageToken');
});

test('SSRF: loopback, private, link-local, mapped and http targets are refused at creation', async () => {
  const refused = [
    'https://127.0.0.1/', 'https://[::1]/', 'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1/', 'https://[::ffff:127.0.0.1]/', 'https://localhost/',
    'https://192.168.1.1/', 'https://[fe80::1]/', 'https://100.64.0.1/', 'https://0.0.0.0/',
    'https://[64:ff9b::7f00:1]/', 'https://[2002:7f00:1::]/', 'http://93.184.215.14/',
  ];
  for (const url of refused) {
    const res = await rest(strict.server.baseUrl, 'POST', HOOKS,
      { key: strict.key, body: JSON.stringify({ url, events: ['payment.created'] }) });
    assertProblem(res, 400);
    assert.equal(res.json.field, 'url', `${url}: ${res.body}`);
  }
  const ok = await rest(strict.server.baseUrl, 'POST', HOOKS,
    { key: strict.key, body: JSON.stringify({ url: PUBLIC_URL, events: ['payment.created'] }) });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(ok.json.url, PUBLIC_URL);
  assert.match(strict.server.log(), /^(?!.*WARNING --webhook)/s, 'no test-only flag is on');
  assert.match(server.log(), /WARNING --webhook_allow_private_targets/);
});

test('at most 20 webhooks per integrator: the 21st is a limit-reached problem', async () => {
  const limited = await adminOk(data, ['create-integrator', '--name', 'Many']);
  for (let i = 0; i < 20; i++) {
    const res = await api('POST', HOOKS, { key: adminKey,
      body: JSON.stringify({ url: loopbackUrl(100 + i), events: ['payment.created'], integratorId: limited }) });
    assert.equal(res.status, 200, res.body);
  }
  const over = await api('POST', HOOKS, { key: adminKey,
    body: JSON.stringify({ url: loopbackUrl(200), events: ['payment.created'], integratorId: limited }) });
  assertProblem(over, 400);
  assert.equal(over.json.type, 'urn:problem-type:webhooks:limit-reached');
  const listed = await api('GET', `${HOOKS}?integratorId=${limited}`, { key: adminKey });
  assert.equal(listed.json.length, 20);
});

test('scopes and credentials: 401 without, 403 without the scope, admins must name the integrator', async () => {
  const anonymous = await api('GET', HOOKS);
  assertProblem(anonymous, 401);
  const noRead = await api('GET', HOOKS, { key: secretOnlyKey });
  assertProblem(noRead, 403);
  assert.equal(noRead.json.scope, 'read:webhooks');
  const noWrite = await create({ url: loopbackUrl(4), events: ['payment.created'] }, readOnlyKey);
  assertProblem(noWrite, 403);
  assert.equal(noWrite.json.scope, 'write:webhooks');
  const unnamed = await api('GET', HOOKS, { key: adminKey });
  assertProblem(unnamed, 400);
  assert.equal(unnamed.json.field, 'integratorId');
  const unknown = await api('GET', `${HOOKS}?integratorId=int_nobody`, { key: adminKey });
  assert.ok(unknown.status === 404 || (unknown.status === 200 && unknown.json.length === 0), unknown.body);
  const forOther = await api('GET', `${HOOKS}?integratorId=${integratorB}`, { key: keyA });
  assertProblem(forOther, 403);
});

test('a signed request lists webhooks, and its signature is spent', async () => {
  const timestamp = Date.now();
  const toSign = `${timestamp}.GET.${HOOKS}.${createHash('sha256').update('').digest('hex')}`;
  const headers = {
    'X-Integrator-Key': signingKey,
    'X-Timestamp': String(timestamp),
    'X-Signature': `sha256=${createHmac('sha256', signingSecret).update(toSign).digest('hex')}`,
  };
  const first = await api('GET', HOOKS, { headers });
  assert.equal(first.status, 200, first.body);
  assert.ok(Array.isArray(first.json));
  const replay = await api('GET', HOOKS, { headers });
  assertProblem(replay, 401);
});

test('PublishEvent writes one pending delivery per subscribed webhook, durably', async () => {
  const payments = await create({ url: loopbackUrl(5), events: ['payment.created'] });
  const accounts = await create({ url: loopbackUrl(6), events: ['account.created'] });
  assert.equal(payments.status, 200);
  const data = '{"paymentId":"pay_1","amount":12345678901234567890,"nested":{"a":[1,2,3]}}';
  const published = await publish({ integrator_id: integratorA, event_type: 'payment.created', data });
  assert.equal(published.code, S.OK, published.err?.message);
  assert.match(published.res.event_id, /^evt_[0-9a-f]{24}$/);
  assert.ok(published.res.deliveries >= 1);

  const log = await api('GET', `${HOOKS}/${payments.json.id}/deliveries`, { key: readOnlyKey });
  assert.equal(log.status, 200, log.body);
  assert.equal(log.json.deliveries.length, 1);
  const delivery = log.json.deliveries[0];
  assert.equal(delivery.eventId, published.res.event_id);
  assert.equal(delivery.eventType, 'payment.created');
  assert.ok(['pending', 'failed'].includes(delivery.status), delivery.status);
  assert.match(delivery.id, /^dlv_[0-9a-f]{48}$/);
  assert.match(delivery.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  const none = await api('GET', `${HOOKS}/${accounts.json.id}/deliveries`, { key: readOnlyKey });
  assert.deepEqual(none.json.deliveries, []);

  // Pages, newest first, with an opaque token.
  for (let i = 0; i < 3; i++) {
    assert.equal((await publish({ integrator_id: integratorA, event_type: 'payment.created', data: '{}' })).code, S.OK);
  }
  const seen = [];
  let token = '';
  for (let page = 0; page < 5; page++) {
    const res = await api('GET', `${HOOKS}/${payments.json.id}/deliveries?pageSize=3${token ? `&pageToken=${token}` : ''}`,
      { key: readOnlyKey });
    assert.equal(res.status, 200, res.body);
    seen.push(...res.json.deliveries.map((d) => d.id));
    token = res.json.nextPageToken;
    if (!token) break;
  }
  assert.equal(seen.length, 4);
  assert.equal(new Set(seen).size, 4);
});

test('PublishEvent refuses bad events and wrong callers with the right codes', async () => {
  const base = { integrator_id: integratorA, event_type: 'payment.created', data: '{}' };
  const cases = [
    [{ ...base, event_type: 'payment.exploded' }, S.INVALID_ARGUMENT, 'event_type'],
    [{ ...base, data: '[1,2]' }, S.INVALID_ARGUMENT, 'data'],
    [{ ...base, data: 'not json' }, S.INVALID_ARGUMENT, 'data'],
    [{ ...base, data: '' }, S.INVALID_ARGUMENT, 'data'],
    [{ ...base, data: `{"x":"${'a'.repeat(256 * 1024)}"}` }, S.INVALID_ARGUMENT, 'data'],
    [{ ...base, integrator_id: '' }, S.INVALID_ARGUMENT, 'integrator_id'],
  ];
  for (const [request, code, field] of cases) {
    const res = await publish(request);
    assert.equal(res.code, code, `${field}: ${res.err?.message}`);
    assert.equal(errorDetails(res.err).BadRequest?.field_violations?.[0]?.field, field);
  }
  const unknown = await publish({ ...base, integrator_id: 'int_nobody' });
  assert.equal(unknown.code, S.NOT_FOUND);
  assert.equal(errorDetails(unknown.err).ResourceInfo?.resource_type, 'integrator');
  assert.equal((await publish(base, keyA)).code, S.PERMISSION_DENIED);
  assert.equal((await publish(base, 'sk_live_nonsense')).code, S.UNAUTHENTICATED);
  // Over the gRPC receive limit altogether.
  const huge = await publish({ ...base, data: `{"x":"${'a'.repeat(600 * 1024)}"}` });
  assert.equal(huge.code, S.RESOURCE_EXHAUSTED);
  // Every other method keeps the 64 KiB body limit over gRPC too.
  const bigSecret = await call(clients.IntegratorService, 'UpdateWebhookSecret',
    { secret: 'a'.repeat(100 * 1024), integrator_id: integratorA }, { key: adminKey });
  assert.equal(bigSecret.code, S.RESOURCE_EXHAUSTED);
});

test(':enable answers the webhook with its failure count reset', async () => {
  const made = await create({ url: loopbackUrl(7), events: ['capabilities.updated'] });
  const enabled = await api('POST', `${HOOKS}/${made.json.id}:enable`, { key: keyA, body: '{}' });
  assert.equal(enabled.status, 200, enabled.body);
  assert.deepEqual(enabled.json, { ...made.json, failureCount: 0, disabled: false });
});

test('integrator-admin accepts the new scopes and refuses unknown ones', async () => {
  const bad = await admin(data, ['create-key', '--service', 'x', '--scopes', 'publish:everything']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /known: .*read:webhooks.*write:webhooks.*publish:events/);
});
