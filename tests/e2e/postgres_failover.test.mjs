// High availability with PostgreSQL's own replication: a primary with a
// synchronous standby (tests/postgres-server), two integrator-server
// replicas given both hosts in one libpq URI (target_session_attrs=
// read-write). Under 16 writers the primary is SIGKILLed and the standby
// promoted: no acknowledged write is lost, and both replicas serve again
// within 30 s without a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, startServer, adminOk, reflectedClients, call, grpc } from './lib/harness.mjs';
import { curl } from './lib/curl.mjs';

const pgScript = path.join(repoRoot, 'tests/postgres-server');
const pg = (...args) => execFileSync(pgScript, args, { encoding: 'utf8' }).trim();
const freshDir = () => path.join(tmpdir(), `integrator-pg-${randomBytes(6).toString('hex')}`);
let work, primaryDir, standbyDir, primaryPort, data, replicas = [];
const psql = (port, sql) => execFileSync('/usr/lib/postgresql/15/bin/psql',
  ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-Atc', sql], { encoding: 'utf8' }).trim();

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'integrator-failover-'));
  primaryDir = freshDir();
  standbyDir = freshDir();
  const primary = new URL(pg('start', primaryDir));
  primaryPort = primary.port;
  const standby = new URL(pg('standby', standbyDir, primaryDir));
  const uri = `postgresql://postgres@127.0.0.1:${primary.port},127.0.0.1:${standby.port}/postgres` +
    '?target_session_attrs=read-write&connect_timeout=2';
  const keyFile = path.join(work, 'master.key');
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  data = { dir: work, store: uri, keyFile, remove: () => {} };
  for (let i = 0; i < 2; i++) replicas.push(await startServer(data, ['--request_timeout=5s']));
});

after(async () => {
  for (const replica of replicas) await replica?.stop('SIGKILL');
  for (const dir of [primaryDir, standbyDir]) {
    try { pg('stop', dir); } catch { /* gone */ }
  }
  rmSync(work, { recursive: true, force: true });
});

const hmac = (secret, text) => createHmac('sha256', secret).update(text).digest('hex');

// Starts the halted standby again and waits until the primary has it as its
// synchronous standby once more.
async function resumeStandby() {
  pg('resume', standbyDir);
  for (let i = 0; i < 200; i++) {
    if (psql(primaryPort, "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'") === 'sync') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the standby did not become synchronous again');
}

// PostgreSQL reports success for a commit whose wait for the synchronous
// standby was cancelled, with only a warning: such a write could be lost in
// a failover, so the caller must not hear OK.
test('a commit the synchronous standby never confirmed is not acknowledged', async () => {
  const integrator = await adminOk(data, ['create-integrator', '--name', 'unconfirmed']);
  const key = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhook-secret']);
  const clients = await reflectedClients(replicas[0].address);
  pg('halt', standbyDir);
  try {
    const pending = call(clients.IntegratorService, 'UpdateWebhookSecret',
      { secret: 'whsec_unconfirmed' }, { key, deadlineMs: 30000 });
    let cancelled = '';
    for (let waited = 0; cancelled !== 't' && waited < 10000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      cancelled = psql(primaryPort,
        "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event = 'SyncRep' LIMIT 1");
    }
    assert.equal(cancelled, 't', 'a commit waited for the standby');
    const { code } = await pending;
    assert.equal(code, grpc.status.UNAVAILABLE, 'an unconfirmed commit is not OK');
  } finally {
    clients.close();
    await resumeStandby();
  }
});

// statement_timeout does not bound a commit's wait for the standby: the
// server cancels it itself (5 s + 1 s) and answers UNAVAILABLE.
test('a commit waiting for a standby that is gone ends UNAVAILABLE within the store\'s bound', async () => {
  const integrator = await adminOk(data, ['create-integrator', '--name', 'bounded']);
  const key = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhook-secret']);
  const clients = await reflectedClients(replicas[1].address);
  pg('halt', standbyDir);
  try {
    const started = Date.now();
    const { code } = await call(clients.IntegratorService, 'UpdateWebhookSecret',
      { secret: 'whsec_bounded' }, { key, deadlineMs: 30000 });
    assert.equal(code, grpc.status.UNAVAILABLE);
    const ms = Date.now() - started;
    assert.ok(ms >= 5000 && ms < 15000, `answered after ${ms} ms`);
  } finally {
    clients.close();
    await resumeStandby();
  }
});

test('SIGKILL of the primary under 16 writers, standby promoted: nothing acknowledged is lost', async () => {
  const writers = [];
  for (let w = 0; w < 16; w++) {
    writers.push({ id: await adminOk(data, ['create-integrator', '--name', `ha-${w}`]), acked: -1, ackedAfterKill: false });
  }
  const adminKey = await adminOk(data, ['create-key', '--service', 'ha-writers',
    '--scopes', 'admin:integrators,write:webhook-secret']);
  let killedAt = 0;
  const writeAll = writers.map(async (writer, w) => {
    for (let i = 0; ; i++) {
      if (killedAt && (writer.ackedAfterKill || Date.now() - killedAt > 30000)) return;
      const res = await curl(`${replicas[(w + i) % 2].baseUrl}/v1/integrator/webhook-secret`, {
        body: JSON.stringify({ secret: `whsec_ha${w}_${i}`, integratorId: writer.id }),
        timeoutS: 10,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` },
      });
      if (res.status === 200) {
        writer.acked = i;
        if (killedAt) writer.ackedAfterKill = true;
      } else {
        assert.ok([503, 504].includes(res.status), `writer ${w}: ${res.status} ${res.body}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (w === 0 && i === 10 && !killedAt) {
        pg('kill', primaryDir);
        killedAt = Date.now();
        pg('promote', standbyDir);
      }
    }
  });
  await Promise.all(writeAll);
  assert.ok(killedAt, 'the primary was killed');
  for (const [w, writer] of writers.entries()) {
    assert.ok(writer.ackedAfterKill, `writer ${w} got no 200 within 30 s of the failover`);
    const bodyFile = path.join(work, 'probe.json');
    writeFileSync(bodyFile, '{"probe":true}');
    const signature = await adminOk(data, ['sign-webhook', '--integrator', writer.id, '--body_file', bodyFile]);
    const allowed = [writer.acked, writer.acked + 1].map((i) => hmac(`whsec_ha${w}_${i}`, '{"probe":true}'));
    assert.ok(allowed.includes(signature), `writer ${w}: the stored secret is older than its last 200 (#${writer.acked})`);
  }
  for (const replica of replicas) assert.equal(replica.proc.exitCode, null, 'no replica restarted');
});
