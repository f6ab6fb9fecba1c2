// The served document as a contract (DESIGN.md, "Tests", item 7): Prism in
// proxy mode with --errors, loaded with GET /openapi.json, in front of a live
// server. Every exchange whose request conforms to the document goes through
// Prism to the server, and Prism checks the response against the document:
// one that does not conform comes back as Prism's error, failing the test.
// The deliberately bad requests (no credential, missing or oversized fields,
// wrong types, unknown routes) are flagged by Prism itself, which shows the
// document states the same limits as the server. Raw-socket framing cases
// bypass Prism: they are the REST suite's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { curl } from './lib/curl.mjs';
import { makeDataDir, startServer, adminOk } from './lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUTE = '/v1/integrator/webhook-secret';
let data;
let server;
let prism;
let prismUrl;
const ctx = {};
const tally = { conforming: 0, flagged: 0 };

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  data = makeDataDir('integrator-prism-');
  server = await startServer(data, ['--webhook_allow_private_targets']);
  ctx.integrator = await adminOk(data, ['create-integrator', '--name', 'Acme']);
  ctx.key = await adminOk(data, ['create-key', '--integrator', ctx.integrator,
    '--scopes', 'write:webhook-secret,read:webhooks,write:webhooks']);
  ctx.readOnlyKey = await adminOk(data, ['create-key', '--integrator', ctx.integrator, '--scopes', 'read:webhooks']);
  ctx.adminKey = await adminOk(data, ['create-key', '--service', 'billing', '--scopes', 'admin:integrators,write:webhook-secret']);

  const document = path.join(data.dir, 'openapi.json');
  writeFileSync(document, await (await fetch(`${server.baseUrl}/openapi.json`)).text());
  const port = await freePort();
  prismUrl = `http://127.0.0.1:${port}`;
  prism = spawn(path.join(here, 'node_modules/.bin/prism'),
    ['proxy', document, server.baseUrl, '--errors', '--host', '127.0.0.1', '--port', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism did not start:\n${log}`)), 60000);
    const onData = (chunk) => {
      log += chunk.toString();
      if (/Prism is listening/.test(log)) { clearTimeout(timer); resolve(); }
    };
    prism.stdout.on('data', onData);
    prism.stderr.on('data', onData);
    prism.on('exit', (code) => { clearTimeout(timer); reject(new Error(`prism exited ${code}:\n${log}`)); });
  });
});

after(async () => {
  if (prism && prism.exitCode === null) {
    const exited = new Promise((r) => prism.once('exit', r));
    prism.kill('SIGTERM');
    await exited;
  }
  await server?.stop();
  data?.remove();
  console.log(`# Prism validated ${tally.conforming} conforming exchanges and flagged ${tally.flagged} non-conforming requests`);
});

function send(method, route, { key, body, headers = {} } = {}) {
  return curl(`${prismUrl}${route}`, {
    method,
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    headers: {
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
  });
}

// A conforming exchange: the server answered (its X-Request-Id is there) and
// Prism found the response true to the document (else it answers its own
// error instead).
async function conforming(status, method, route, options) {
  const res = await send(method, route, options);
  assert.ok(!/stoplight\.io\/prism/.test(res.body), `Prism objected to ${method} ${route}: ${res.body}`);
  assert.equal(res.status, status, `${method} ${route}: ${res.body}`);
  assert.match(res.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  tally.conforming += 1;
  return res;
}

// A non-conforming request: Prism answers it, the server never sees it.
async function flagged(method, route, options) {
  const res = await send(method, route, options);
  assert.match(res.body, /stoplight\.io\/prism\/errors#/, `Prism let ${method} ${route} through: ${res.status} ${res.body}`);
  assert.equal(res.headers['x-request-id'], undefined);
  tally.flagged += 1;
  return res;
}

test('the webhook-secret operations conform, errors included', async () => {
  await conforming(200, 'PUT', ROUTE, { key: ctx.key, body: { secret: 'whsec_prism_1' } });
  await conforming(200, 'POST', ROUTE, { key: ctx.key, body: { secret: 'whsec_prism_2', previousSecretTtl: '60s' } });
  await conforming(200, 'PUT', ROUTE, { key: ctx.key, body: { secret: 'é'.repeat(1024) } });
  await conforming(401, 'PUT', ROUTE, { key: 'ik_not_a_real_key', body: { secret: 'whsec_x' } });
  await conforming(403, 'PUT', ROUTE, { key: ctx.readOnlyKey, body: { secret: 'whsec_x' } });
  const missing = await conforming(404, 'PUT', ROUTE, { key: ctx.adminKey, body: { secret: 'whsec_x', integratorId: 'itg_missing' } });
  assert.equal(missing.json.resourceType, 'integrator');
  await conforming(400, 'PUT', ROUTE, { key: ctx.adminKey, body: { secret: 'whsec_x' } });
});

test('the webhook operations conform', async () => {
  await conforming(200, 'GET', '/v1/integrator/webhooks', { key: ctx.key });
  const created = await conforming(200, 'POST', '/v1/integrator/webhooks', {
    key: ctx.key, body: { url: 'https://127.0.0.1:9/hook', events: ['payment.created', 'payment.updated'] },
  });
  const id = created.json.id;
  await conforming(200, 'GET', '/v1/integrator/webhooks', { key: ctx.key });
  await conforming(200, 'POST', `/v1/integrator/webhooks/${id}:test`, { key: ctx.key, body: {} });
  await conforming(200, 'GET', `/v1/integrator/webhooks/${id}/deliveries?pageSize=10`, { key: ctx.key });
  await conforming(200, 'POST', `/v1/integrator/webhooks/${id}:enable`, { key: ctx.key, body: {} });
  await conforming(404, 'GET', '/v1/integrator/webhooks/wh_missing/deliveries', { key: ctx.key });
  await conforming(403, 'POST', '/v1/integrator/webhooks', {
    key: ctx.readOnlyKey, body: { url: 'https://127.0.0.1:9/hook', events: ['payment.created'] },
  });
  await conforming(200, 'DELETE', `/v1/integrator/webhooks/${id}`, { key: ctx.key });
  await conforming(404, 'DELETE', `/v1/integrator/webhooks/${id}`, { key: ctx.key });
});

test('requests that break the document are flagged by Prism, as the server would refuse them', async () => {
  await flagged('PUT', ROUTE, { body: { secret: 'whsec_no_credential' } });
  await flagged('PUT', ROUTE, { key: ctx.key, body: {} });
  await flagged('PUT', ROUTE, { key: ctx.key, body: { secret: '' } });
  await flagged('PUT', ROUTE, { key: ctx.key, body: { secret: 'x'.repeat(1025) } });
  await flagged('PUT', ROUTE, { key: ctx.key, body: { secret: 42 } });
  await flagged('POST', '/v1/integrator/webhooks', { key: ctx.key, body: { url: 'https://127.0.0.1:9/hook', events: 'payment.created' } });
  await flagged('POST', '/v1/integrator/webhooks', { key: ctx.key, body: { url: 'https://127.0.0.1:9/hook', events: ['no.such.event'] } });
  await flagged('GET', '/v1/integrator/no-such-route', { key: ctx.key });
  // And the server refuses the same requests on its own, with its problems.
  for (const body of [{}, { secret: '' }, { secret: 'x'.repeat(1025) }]) {
    const direct = await curl(`${server.baseUrl}${ROUTE}`, {
      method: 'PUT', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ctx.key}` },
    });
    assert.equal(direct.status, 400);
  }
});
