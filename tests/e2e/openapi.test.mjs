// GET /openapi.json (DESIGN.md, "Operations"): generated at start from the
// same descriptors and google.api.http rules as the routes, valid OpenAPI 3.1
// for a real validator (@apidevtools/swagger-parser), and in agreement with
// the public contract's webhook-secret operation
// (tests/contract/integrator-openapi-excerpt.json, a copy of the excerpt in
// the project's seed): same path and method,
// `secret` a required string of at least 1 (and at most 1024) characters,
// 200, 401, 404 and 500 responses whose problems have the contract's members.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { makeDataDir, startServer, startGateway, repoRoot } from './lib/harness.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
const contract = JSON.parse(readFileSync(
  path.join(repoRoot, 'tests/contract/integrator-openapi-excerpt.json'), 'utf8'));
let data;
const running = [];
let served;

before(async () => {
  data = makeDataDir('integrator-openapi-');
  const server = await startServer(data);
  running.push(server);
  data.server = server;
  const res = await fetch(`${server.baseUrl}/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  served = await res.json();
});

after(async () => {
  for (const p of running.reverse()) await p.stop();
  data?.remove();
});

test('the served document is valid OpenAPI 3.1 for a real validator', async () => {
  assert.equal(served.openapi, '3.1.0');
  const api = await SwaggerParser.validate(structuredClone(served));
  assert.ok(Object.keys(api.paths).length >= 5);
});

test('every route of the API is an operation, additional bindings included', () => {
  const operations = Object.entries(served.paths).flatMap(([p, item]) =>
    Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'patch'].includes(k)).map((m) => `${m.toUpperCase()} ${p}`));
  for (const expected of [`PUT ${ROUTE}`, `POST ${ROUTE}`, 'GET /v1/integrator/webhooks', 'POST /v1/integrator/webhooks',
    'DELETE /v1/integrator/webhooks/{webhook_id}', 'POST /v1/integrator/webhooks/{webhook_id}:enable']) {
    assert.ok(operations.includes(expected), `${expected} missing from ${operations}`);
  }
  const ids = Object.values(served.paths).flatMap((item) => Object.values(item).map((op) => op.operationId).filter(Boolean));
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('the webhook-secret operation agrees with the public contract', async () => {
  const api = await SwaggerParser.dereference(structuredClone(served));
  const ours = api.paths[ROUTE]?.put;
  const theirs = contract.paths[ROUTE].put;
  assert.ok(ours, 'PUT /v1/integrator/webhook-secret is served');

  const schema = ours.requestBody.content['application/json'].schema;
  const want = theirs.requestBody.content['application/json'].schema;
  assert.equal(ours.requestBody.required, true);
  assert.deepEqual(want.required, ['secret']);
  assert.ok(schema.required.includes('secret'));
  assert.equal(schema.properties.secret.type, want.properties.secret.type);
  assert.equal(schema.properties.secret.minLength, want.properties.secret.minLength);
  assert.equal(schema.properties.secret.maxLength, 1024);

  for (const status of Object.keys(theirs.responses)) {
    assert.ok(ours.responses[status], `response ${status} is declared`);
    const contractSchema = theirs.responses[status].content?.['application/json']?.schema;
    if (!contractSchema) continue;  // the contract's 200 has no valid content
    const content = ours.responses[status].content;
    for (const type of ['application/problem+json', 'application/json']) {
      const ourSchema = content[type]?.schema;
      assert.ok(ourSchema, `${status} has ${type}`);
      for (const member of Object.keys(contractSchema.properties)) {
        assert.ok(ourSchema.properties[member], `${status} problem has the contract's member ${member}`);
      }
    }
  }
  // Security: a Bearer key, or the contract's signed-request headers.
  const schemes = served.components.securitySchemes;
  assert.equal(schemes.bearerAuth.scheme, 'bearer');
  for (const name of ['hmacAuth', 'integratorKey', 'timestamp']) {
    assert.equal(schemes[name].name, contract.components.securitySchemes[name].name);
    assert.equal(schemes[name].in, 'header');
  }
  assert.ok(ours.security.some((s) => 'bearerAuth' in s));
  assert.ok(ours.security.some((s) => 'hmacAuth' in s && 'integratorKey' in s && 'timestamp' in s));
});

test('proto3 JSON mapping: JSON names, enums by name, well-known types as strings', async () => {
  const api = await SwaggerParser.dereference(structuredClone(served));
  const create = api.paths['/v1/integrator/webhooks'].post.requestBody.content['application/json'].schema;
  assert.ok(create.properties.url, 'url');
  assert.equal(create.properties.events.type, 'array');
  const webhook = api.paths['/v1/integrator/webhooks'].post.responses['200'].content['application/json'].schema;
  assert.equal(webhook.properties.failureCount.type, 'integer', 'JSON name failureCount');
  const secret = api.paths[ROUTE].put.requestBody.content['application/json'].schema;
  assert.equal(secret.properties.previousSecretTtl.type, 'string', 'a Duration is a string');
  assert.match('3600s', new RegExp(secret.properties.previousSecretTtl.pattern));
  const log = api.paths['/v1/integrator/webhooks/{webhook_id}/deliveries'].get.responses['200'].content['application/json'].schema;
  const delivery = log.properties.deliveries.items;
  assert.equal(delivery.properties.createdAt.format, 'date-time', 'a Timestamp is a date-time string');
  assert.deepEqual(delivery.properties.status.enum, ['pending', 'succeeded', 'failed']);
  // response_body: the list is a bare array, as the contract shows.
  const list = api.paths['/v1/integrator/webhooks'].get.responses['200'].content['application/json'].schema;
  assert.equal(list.type, 'array');
});

test('the standalone gateway serves the same operations, learned by reflection', async () => {
  const gateway = await startGateway(data.server.address);
  running.push(gateway);
  const fromGateway = await (await fetch(`${gateway.baseUrl}/openapi.json`)).json();
  await SwaggerParser.validate(structuredClone(fromGateway));
  const ops = (doc) => Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`)).sort();
  assert.deepEqual(ops(fromGateway), ops(served));
  const routes = Number(/serving routes=(\d+)/.exec(gateway.log())[1]);
  assert.equal(ops(served).filter((o) => !o.startsWith('parameters')).length, routes);
});
