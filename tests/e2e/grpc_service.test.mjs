// integrator-server over gRPC, through a real client other than our C++ stub:
// Node's @grpc/grpc-js with descriptors fetched by server reflection alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { packageFromReflection,
  makeDataDir, startServer, runServerExpectingFailure, admin, adminOk,
  reflectedClients, call, errorDetails, grpc,
} from './lib/harness.mjs';

const S = grpc.status;
let data, server, clients;
let integratorA, integratorB, keyA, revokedKey, opsKey, adminKey;

before(async () => {
  data = makeDataDir();
  server = await startServer(data);
  integratorA = await adminOk(data, ['create-integrator', '--name', 'Acme']);
  integratorB = await adminOk(data, ['create-integrator', '--name', 'Bolt']);
  keyA = await adminOk(data, ['create-key', '--integrator', integratorA, '--scopes', 'write:webhook-secret']);
  revokedKey = await adminOk(data, ['create-key', '--integrator', integratorA, '--scopes', 'write:webhook-secret']);
  await adminOk(data, ['revoke-key', revokedKey.slice(0, 16)]);
  opsKey = await adminOk(data, ['create-key', '--service', 'ops', '--scopes', 'admin:integrators']);
  adminKey = await adminOk(data, ['create-key', '--service', 'billing',
    '--scopes', 'admin:integrators,write:webhook-secret']);
  clients = await reflectedClients(server.address);
});

after(async () => {
  clients?.close();
  await server?.stop();
  data?.remove();
});

const update = (request, options) => call(clients.IntegratorService, 'UpdateWebhookSecret', request, options);

test('reflection lists every service and describes each, Health included', async () => {
  for (const name of ['integrator.v1.IntegratorService', 'integrator.v1.OperatorService',
    'grpc.health.v1.Health', 'grpc.reflection.v1alpha.ServerReflection']) {
    assert.ok(clients.services.includes(name), `${name} listed in ${clients.services}`);
  }
  for (const name of clients.services) {
    const pkg = await packageFromReflection(clients.reflection, name, { keepCase: true });
    const service = name.split('.').reduce((o, part) => o?.[part], pkg);
    assert.equal(typeof service, 'function', `reflection describes ${name}`);
  }
});

test('health is SERVING, called through the reflected descriptor', async () => {
  const Health = (await packageFromReflection(clients.reflection, 'grpc.health.v1.Health',
    { keepCase: true, enums: String })).grpc.health.v1.Health;
  const health = new Health(server.address, grpc.credentials.createInsecure());
  const { err, res } = await call(health, 'Check', { service: '' });
  health.close();
  assert.equal(err, null);
  assert.equal(res.status, 'SERVING');
});

test('an update with a valid key returns secret_configured', async () => {
  const { err, res } = await update({ secret: 'whsec_first' }, { key: keyA });
  assert.equal(err, null);
  assert.equal(res.secret_configured, true);
});

test('no key is UNAUTHENTICATED with realm and scope', async () => {
  const { err } = await update({ secret: 'whsec_x' });
  assert.equal(err.code, S.UNAUTHENTICATED);
  const { ErrorInfo } = errorDetails(err);
  assert.equal(ErrorInfo.reason, 'MISSING_CREDENTIALS');
  assert.equal(ErrorInfo.metadata.realm, 'integrator-api');
  assert.equal(ErrorInfo.metadata.scope, 'write:webhook-secret');
});

test('a revoked or unknown key is UNAUTHENTICATED invalid token', async () => {
  for (const key of [revokedKey, `sk_live_${'A'.repeat(43)}`, 'garbage']) {
    const { err } = await update({ secret: 'whsec_x' }, { key });
    assert.equal(err.code, S.UNAUTHENTICATED);
    const { ErrorInfo } = errorDetails(err);
    assert.equal(ErrorInfo.reason, 'INVALID_TOKEN');
    assert.equal(ErrorInfo.metadata.realm, 'integrator-api');
    assert.ok(!err.details.includes(key), 'the key is never echoed');
  }
});

test('a key without the scope is PERMISSION_DENIED', async () => {
  const { err } = await update({ secret: 'whsec_x', integrator_id: integratorA }, { key: opsKey });
  assert.equal(err.code, S.PERMISSION_DENIED);
  assert.equal(errorDetails(err).ErrorInfo.reason, 'INSUFFICIENT_SCOPE');
});

test('an empty or 1025-character secret is INVALID_ARGUMENT naming secret', async () => {
  for (const secret of ['', 'x'.repeat(1025), 'é'.repeat(1025)]) {
    const { err } = await update({ secret }, { key: keyA });
    assert.equal(err.code, S.INVALID_ARGUMENT);
    const { BadRequest } = errorDetails(err);
    assert.equal(BadRequest.field_violations[0].field, 'secret');
    if (secret) assert.ok(!err.details.includes(secret.slice(0, 32)));
  }
  const { err } = await update({ secret: 'é'.repeat(1024) }, { key: keyA });
  assert.equal(err, null, '1024 characters are accepted even at 2 bytes each');
});

test('an admin naming an unknown integrator is NOT_FOUND with ResourceInfo', async () => {
  const { err } = await update({ secret: 'whsec_x', integrator_id: 'itg_nope' }, { key: adminKey });
  assert.equal(err.code, S.NOT_FOUND);
  const { ResourceInfo, ErrorInfo } = errorDetails(err);
  assert.equal(ResourceInfo.resource_type, 'integrator');
  assert.equal(ResourceInfo.resource_name, 'itg_nope');
  assert.equal(ErrorInfo.reason, 'INTEGRATOR_NOT_FOUND');
});

test('an admin naming a real integrator updates it', async () => {
  const { err, res } = await update({ secret: 'whsec_for_b', integrator_id: integratorB }, { key: adminKey });
  assert.equal(err, null);
  assert.equal(res.secret_configured, true);
});

test("an integrator's key naming another integrator is PERMISSION_DENIED", async () => {
  const { err } = await update({ secret: 'whsec_x', integrator_id: integratorB }, { key: keyA });
  assert.equal(err.code, S.PERMISSION_DENIED);
});

test('an internal key that names no integrator is INVALID_ARGUMENT naming integrator_id', async () => {
  const { err } = await update({ secret: 'whsec_x' }, { key: adminKey });
  assert.equal(err.code, S.INVALID_ARGUMENT);
  assert.equal(errorDetails(err).BadRequest.field_violations[0].field, 'integrator_id');
});

test('a 100 KiB request is RESOURCE_EXHAUSTED and the server keeps serving', async () => {
  const { err } = await update({ secret: 'x'.repeat(100 * 1024) }, { key: keyA });
  assert.equal(err.code, S.RESOURCE_EXHAUSTED);
  const again = await update({ secret: 'whsec_after_big' }, { key: keyA });
  assert.equal(again.err, null);
});

test('sign-webhook matches independent HMAC-SHA256 implementations', async () => {
  const secret = 'whsec_ünïcödé-✓-secret';
  assert.equal((await update({ secret }, { key: keyA })).err, null);
  const body = Buffer.concat([
    Buffer.from('{"event":"payout.completed","name":"Jürgen ✓"}'),
    Buffer.from([0x00, 0xff, 0xfe, 0x0a]),
  ]);
  const bodyFile = path.join(data.dir, 'body.bin');
  writeFileSync(bodyFile, body);
  const printed = await adminOk(data, ['sign-webhook', '--integrator', integratorA, '--body_file', bodyFile]);
  assert.equal(printed, createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex'));
  const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, bodyFile]).toString();
  assert.equal(printed, openssl.trim().split('= ').pop());
  assert.match(printed, /^[0-9a-f]{64}$/);
});

test('a gRPC caller forging the gateway facts of a signed request gains nothing', async () => {
  const [integratorKey, apiSecret] = (await adminOk(data, ['create-key', '--integrator', integratorA, '--signing'])).split('\n');
  const timestamp = String(Date.now());
  const bodyHash = createHash('sha256').update('{"secret":"whsec_forged"}').digest('hex');
  const toSign = `${timestamp}.PUT./v1/integrator/webhook-secret.${bodyHash}`;
  const signed = {
    'x-integrator-key': integratorKey,
    'x-timestamp': timestamp,
    'x-signature': `sha256=${createHmac('sha256', apiSecret).update(toSign).digest('hex')}`,
    'x-gateway-http-method': 'PUT',
    'x-gateway-http-path': '/v1/integrator/webhook-secret',
    'x-gateway-body-sha256': bodyHash,
  };
  for (const forgedCredential of [undefined, randomBytes(32).toString('hex'), keyA]) {
    const metadata = { ...signed };
    if (forgedCredential) metadata['x-gateway-credential'] = forgedCredential;
    const { err } = await update({ secret: 'whsec_forged' }, { metadata });
    assert.equal(err.code, S.UNAUTHENTICATED);
    assert.equal(errorDetails(err).ErrorInfo.reason, 'INVALID_SIGNATURE');
  }
});

test('sign-webhook says when no secret is set', async () => {
  const other = await adminOk(data, ['create-integrator', '--name', 'NoSecret']);
  const bodyFile = path.join(data.dir, 'empty.json');
  writeFileSync(bodyFile, '{}');
  const r = await admin(data, ['sign-webhook', '--integrator', other, '--body_file', bodyFile]);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no webhook secret is set/);
});

test('a set secret never appears in the clear under the data folder or in logs', async () => {
  const secret = `whsec_needle_${randomBytes(12).toString('hex')}`;
  assert.equal((await update({ secret }, { key: keyA })).err, null);
  const needle = Buffer.from(secret);
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p); else files.push(p);
    }
  };
  walk(data.dir);
  assert.ok(files.some((f) => f.endsWith('-wal')), `WAL present in ${files}`);
  for (const file of files) {
    assert.equal(readFileSync(file).indexOf(needle), -1, `secret found in ${file}`);
    if (file.includes('/data/')) assert.equal(statSync(file).mode & 0o077, 0, `${file} is 0600`);
  }
  assert.ok(!server.log().includes(secret), 'secret found in the server log');
});

test('sign-webhook with a different master key fails clearly and prints no signature', async () => {
  const otherKey = path.join(data.dir, 'other.key');
  writeFileSync(otherKey, randomBytes(32));
  chmodSync(otherKey, 0o600);
  const bodyFile = path.join(data.dir, 'body2.json');
  writeFileSync(bodyFile, '{"a":1}');
  const r = await admin(data, ['sign-webhook', '--integrator', integratorA, '--body_file', bodyFile], { keyFile: otherKey });
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /sealed with master key id [0-9a-f]{16} \(\d+ rows\), which the keyring at .* does not have/);
});

test('a server on an existing database without its key file refuses to start', async () => {
  const r = await runServerExpectingFailure({ ...data, keyFile: path.join(data.dir, 'missing/master.key') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /master keyring at .* is missing, but the store holds secrets sealed with master key id [0-9a-f]{16} \(\d+ rows\)/);
});
