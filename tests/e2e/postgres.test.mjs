// Two integrator-server replicas on one real PostgreSQL server
// (tests/postgres-server), driven over REST with curl: they share secrets,
// spent signatures and revocations; a replica killed mid-run loses no
// acknowledged write; a database outage gives 503 problems or 200s within
// the deadline, and the replicas recover by themselves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, startServer, adminOk, reflectedClients, call } from './lib/harness.mjs';
import { curl } from './lib/curl.mjs';
import { startReceiver } from './lib/webhook_receiver.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
// Webhooks in these tests go to a receiver on loopback.
const REPLICA_FLAGS = ['--request_timeout=5s', '--webhook_allow_http', '--webhook_allow_private_targets'];
const pgScript = path.join(repoRoot, 'tests/postgres-server');
let pgDir, pgUri, work, data, replicas = [];
let integrator, key, integratorKey, apiSecret;

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'integrator-pg-e2e-'));
  // Not inside `work`: the server runs as the postgres user, who cannot
  // enter a root-only folder.
  pgDir = path.join(tmpdir(), `integrator-pg-${randomBytes(6).toString('hex')}`);
  const uri = execFileSync(pgScript, ['start', pgDir], { encoding: 'utf8' }).trim();
  pgUri = uri;
  const keyFile = path.join(work, 'master.key');
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  data = { dir: work, store: uri, keyFile, remove: () => {} };
  integrator = await adminOk(data, ['create-integrator', '--name', 'Replicated']);
  key = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhook-secret']);
  [integratorKey, apiSecret] =
    (await adminOk(data, ['create-key', '--integrator', integrator, '--signing'])).split('\n');
  for (let i = 0; i < 2; i++) replicas.push(await startServer(data, REPLICA_FLAGS));
});

after(async () => {
  for (const replica of replicas) await replica?.stop('SIGKILL');
  try { execFileSync(pgScript, ['stop', pgDir]); } catch { /* already gone */ }
  rmSync(work, { recursive: true, force: true });
});

const put = (replica, body, { bearer = key, headers = {}, timeoutS = 20 } = {}) =>
  curl(`${replica.baseUrl}${ROUTE}`, {
    body,
    timeoutS,
    headers: { 'Content-Type': 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}), ...headers },
  });

async function signatureOf(bodyText) {
  const bodyFile = path.join(work, 'sig-body.json');
  writeFileSync(bodyFile, bodyText);
  return adminOk(data, ['sign-webhook', '--integrator', integrator, '--body_file', bodyFile]);
}
const hmac = (secret, text) => createHmac('sha256', secret).update(text).digest('hex');

test('a secret set through one replica is read by the other and signs webhooks', async () => {
  const res = await put(replicas[0], JSON.stringify({ secret: 'whsec_replica_a' }));
  assert.equal(res.status, 200, res.body);
  const res2 = await put(replicas[1], JSON.stringify({ secret: 'whsec_replica_b' }));
  assert.equal(res2.status, 200, res2.body);
  assert.equal(await signatureOf('{"n":1}'), hmac('whsec_replica_b', '{"n":1}'));
});

test('gRPC on one replica and REST on the other see the same secret', async () => {
  const clients = await reflectedClients(replicas[1].address);
  try {
    const { err, res } = await call(clients.IntegratorService, 'UpdateWebhookSecret',
      { secret: 'whsec_over_grpc' }, { key });
    assert.equal(err, null);
    assert.equal(res.secret_configured, true);
  } finally {
    clients.close();
  }
  assert.equal(await signatureOf('{"n":2}'), hmac('whsec_over_grpc', '{"n":2}'));
  assert.equal((await put(replicas[0], '{"secret":"whsec_over_rest"}')).status, 200);
  assert.equal(await signatureOf('{"n":3}'), hmac('whsec_over_rest', '{"n":3}'));
});

test('a signed request replayed to the other replica is refused', async () => {
  const body = JSON.stringify({ secret: 'whsec_signed_once' });
  const timestamp = Date.now();
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const headers = {
    'X-Integrator-Key': integratorKey,
    'X-Timestamp': String(timestamp),
    'X-Signature': `sha256=${hmac(apiSecret, `${timestamp}.PUT.${ROUTE}.${bodyHash}`)}`,
  };
  const first = await put(replicas[0], body, { bearer: null, headers });
  assert.equal(first.status, 200, first.body);
  const replay = await put(replicas[1], body, { bearer: null, headers });
  assert.equal(replay.status, 401, replay.body);
  assert.match(replay.body, /already used/);
});

test('a key revoked with integrator-admin is refused by every replica within 5 s', async () => {
  const doomed = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhook-secret']);
  for (const replica of replicas) {
    assert.equal((await put(replica, '{"secret":"whsec_before"}', { bearer: doomed })).status, 200);
  }
  await adminOk(data, ['revoke-key', doomed.slice(0, 16)]);
  const deadline = Date.now() + 5000;
  for (const replica of replicas) {
    let status;
    do {
      status = (await put(replica, '{"secret":"whsec_after"}', { bearer: doomed })).status;
    } while (status !== 401 && Date.now() < deadline);
    assert.equal(status, 401);
  }
});

// 16 writers, each on an integrator of its own, alternate between the two
// replicas; one replica is killed mid-run. Afterwards each integrator's
// secret is its writer's last acknowledged one, or the one after it (sent,
// committed, then the replica died before answering).
test('SIGKILL of one replica under 16 writers loses no acknowledged write', async () => {
  const writers = [];
  for (let w = 0; w < 16; w++) {
    writers.push({ id: await adminOk(data, ['create-integrator', '--name', `writer-${w}`]), acked: -1 });
  }
  const adminKey = await adminOk(data, ['create-key', '--service', 'writers',
    '--scopes', 'admin:integrators,write:webhook-secret']);
  let killed = false;
  const run = writers.map(async (writer, w) => {
    for (let i = 0; i < 12; i++) {
      const replica = replicas[(w + i) % 2];
      if (replica === replicas[1] && killed) continue;
      const res = await put(replica, JSON.stringify({ secret: `whsec_w${w}_${i}`, integratorId: writer.id }),
        { bearer: adminKey, timeoutS: 10 });
      if (res.status === 200) writer.acked = i;
      if (w === 0 && i === 4 && !killed) {
        killed = true;
        replicas[1].signal('SIGKILL');
      }
    }
  });
  await Promise.all(run);
  assert.ok(killed);
  for (const [w, writer] of writers.entries()) {
    assert.ok(writer.acked >= 0, `writer ${w} got no 200 at all`);
    const bodyFile = path.join(work, 'probe.json');
    writeFileSync(bodyFile, '{"probe":true}');
    const signature = await adminOk(data, ['sign-webhook', '--integrator', writer.id, '--body_file', bodyFile]);
    const allowed = [writer.acked, writer.acked + 1].map((i) => hmac(`whsec_w${w}_${i}`, '{"probe":true}'));
    assert.ok(allowed.includes(signature), `writer ${w}: stored secret is older than its last 200 (#${writer.acked})`);
  }
  replicas[1] = await startServer(data, REPLICA_FLAGS);
});

test('PostgreSQL down under load: 503 problems or 200s within the deadline; back up: 200 without a restart', async () => {
  // 16 clients keep writing through both replicas while the database stops.
  let stopping = false;
  const answers = [];
  const load = Array.from({ length: 16 }, async (_, c) => {
    while (!stopping) {
      const started = Date.now();
      const res = await put(replicas[c % 2], '{"secret":"whsec_outage"}', { timeoutS: 15 });
      answers.push({ res, ms: Date.now() - started });
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  execFileSync(pgScript, ['halt', pgDir]);
  await new Promise((r) => setTimeout(r, 2000));
  stopping = true;
  await Promise.all(load);
  try {
    assert.ok(answers.some(({ res }) => res.status === 503), 'the outage was seen');
    for (const { res, ms } of answers) {
      assert.ok(res.status === 503 || res.status === 200, `status ${res.status}: ${res.body}`);
      assert.ok(ms < 10000, `answered in ${ms} ms, past the deadline`);
      if (res.status === 503) {
        assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
        assert.ok(res.headers['retry-after'], 'a 503 says when to retry');
      }
    }
  } finally {
    execFileSync(pgScript, ['resume', pgDir]);
  }
  for (const replica of replicas) {
    let status;
    const deadline = Date.now() + 15000;
    do {
      status = (await put(replica, '{"secret":"whsec_recovered"}')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    } while (status !== 200 && Date.now() < deadline);
    assert.equal(status, 200, 'the replica recovered by itself');
  }
  for (const replica of replicas) assert.equal(replica.proc.exitCode, null, 'the replica survived');
});

test('two replicas share the outbox: events published through both are each delivered, signed', async () => {
  const receiver = await startReceiver();
  const hooksKey = await adminOk(data, ['create-key', '--integrator', integrator,
    '--scopes', 'read:webhooks,write:webhooks,write:webhook-secret']);
  const publisher = await adminOk(data, ['create-key', '--service', 'payments', '--scopes', 'publish:events']);
  const clients = await Promise.all(replicas.map((r) => reflectedClients(r.address)));
  try {
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${hooksKey}` };
    const made = await curl(`${replicas[0].baseUrl}/v1/integrator/webhooks`, { method: 'POST', headers,
      body: JSON.stringify({ url: receiver.url('/replicated'), events: ['payment.completed'] }) });
    assert.equal(made.status, 200, made.body);
    assert.equal((await put(replicas[1], '{"secret":"shared-signing-secret"}', { bearer: hooksKey })).status, 200);
    // A publisher as the API expects one: after the outage test, a pooled
    // connection may fail once (UNAVAILABLE, retry), and a retry with the
    // same idempotency key never publishes twice.
    const published = new Set();
    let retries = 0;
    for (let i = 0; i < 100; i++) {
      let res;
      for (let attempt = 0; attempt < 5; attempt++) {
        res = await call(clients[(i + attempt) % 2].WebhookEventService, 'PublishEvent',
          { integrator_id: integrator, event_type: 'payment.completed', data: `{"i":${i}}`,
            idempotency_key: `replicated-${i}` }, { key: publisher });
        if (res.code !== 14) break;
        retries++;
      }
      assert.equal(res.code, 0, res.err?.message);
      published.add(res.res.event_id);
    }
    assert.ok(retries <= 16, `${retries} retries`);
    const received = () => new Set(receiver.to('/replicated').map((r) => JSON.parse(r.body).id));
    await receiver.waitFor(() => received().size === 100, 30000, '100 events');
    assert.deepEqual(received(), published);
    for (const r of receiver.to('/replicated')) {
      assert.equal(r.headers.signature, hmac('shared-signing-secret', r.body));
    }
    const repeats = receiver.to('/replicated').length - 100;
    assert.equal(repeats, 0, 'no crash, so no delivery is sent twice (SKIP LOCKED leases)');
    // The delivery log, read through the other replica.
    const log = await curl(`${replicas[1].baseUrl}/v1/integrator/webhooks/${made.json.id}/deliveries?pageSize=100`,
      { method: 'GET', headers: { Authorization: `Bearer ${hooksKey}` } });
    assert.equal(log.json.deliveries.length, 100);
  } finally {
    for (const c of clients) c.close();
    await receiver.close();
  }
});

test('no secret or key reaches the database or its log in the clear', async () => {
  const port = new URL(pgUri).port;
  const dump = execFileSync('/usr/lib/postgresql/15/bin/pg_dump',
    ['-h', '127.0.0.1', '-p', port, '-U', 'postgres', 'postgres'], { encoding: 'utf8' });
  assert.match(dump, /webhook_secrets/, 'the dump holds the tables');
  const log = readFileSync(path.join(pgDir, 'server.log'), 'utf8');
  assert.match(log, /statement: /, 'the log holds every statement');
  for (const [name, text] of [['pg_dump', dump], ['the PostgreSQL log', log]]) {
    assert.ok(!text.includes('whsec_'), `a webhook secret is in ${name}`);
    assert.ok(!text.includes('shared-signing-secret'), `a webhook secret is in ${name}`);
    assert.ok(!text.includes(key), `an API key is in ${name}`);
    assert.ok(!text.includes(apiSecret), `an API secret is in ${name}`);
  }
});
