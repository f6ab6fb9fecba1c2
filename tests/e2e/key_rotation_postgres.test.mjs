// Master-key rotation on PostgreSQL with two replicas serving (DESIGN.md,
// "Sealing"): the runbook's order, add the key to every replica's ring
// (SIGHUP, no restart), rotate while 16 writers update secrets through both
// replicas, retire the old key; nothing fails and every secret is the last
// acknowledged one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, startServer, adminOk } from './lib/harness.mjs';
import { curl } from './lib/curl.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
const INTEGRATORS = 200;
const pgScript = path.join(repoRoot, 'tests/postgres-server');
let pgDir;
let work;
let data;
const replicas = [];
let adminKey;
let integrators = [];
const acknowledged = new Map();

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'integrator-pg-rotation-'));
  pgDir = path.join(tmpdir(), `integrator-pg-${randomBytes(6).toString('hex')}`);
  const uri = execFileSync(pgScript, ['start', pgDir], { encoding: 'utf8' }).trim();
  // The keyring every replica reads: a shared store never creates a key.
  const keys = path.join(work, 'keys');
  mkdirSync(keys, { mode: 0o700 });
  writeFileSync(path.join(keys, 'first.key'), randomBytes(32), { mode: 0o600 });
  data = { dir: work, store: uri, keyFile: keys, remove: () => {} };
  adminKey = await adminOk(data, ['create-key', '--service', 'ops', '--scopes', 'admin:integrators,write:webhook-secret']);
  integrators = (await adminOk(data, ['create-integrator', '--name', 'Bulk', '--count', String(INTEGRATORS)])).split('\n');
  for (let i = 0; i < 2; i++) replicas.push(await startServer(data, ['--request_timeout=5s']));
  await Promise.all(integrators.map(async (id, i) => {
    const secret = `whsec_first_${id}`;
    const res = await put(replicas[i % 2], id, secret);
    assert.equal(res.status, 200, res.body);
    acknowledged.set(id, secret);
  }));
});

after(async () => {
  for (const replica of replicas) await replica?.stop('SIGKILL');
  try { execFileSync(pgScript, ['stop', pgDir]); } catch { /* already gone */ }
  rmSync(work, { recursive: true, force: true });
});

function put(replica, id, secret) {
  return curl(`${replica.baseUrl}${ROUTE}`, {
    method: 'PUT', body: JSON.stringify({ secret, integratorId: id }),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` },
  });
}

test('two replicas: add the key by SIGHUP, rotate under 16 writers, retire the old key', { timeout: 180000 }, async () => {
  const made = await adminOk(data, ['rotate-master-key', '--new_key_file', path.join(data.keyFile, 'second.key'), '--verify']);
  const newId = /created master key ([0-9a-f]{16})/.exec(made)[1];
  for (const replica of replicas) {
    replica.proc.kill('SIGHUP');
    await replica.waitForLog(new RegExp(`keyring reloaded, active key id ${newId}`));
  }

  let stop = false;
  let failures = 0;
  let writes = 0;
  const writers = Array.from({ length: 16 }, (_, w) => (async () => {
    for (let n = 0; !stop; n++) {
      const id = integrators[(w * 13 + n * 7) % INTEGRATORS];
      const secret = `whsec_w${w}_${n}`;
      const res = await put(replicas[(w + n) % 2], id, secret);
      if (res.status === 200) {
        acknowledged.set(id, secret);
        writes += 1;
      } else {
        failures += 1;
        console.log(`# ${res.status} ${res.body}`);
      }
    }
  })());
  const rotation = await adminOk(data, ['rotate-master-key', '--batch_size=2']);
  stop = true;
  await Promise.all(writers);
  console.log(`# ${writes} REST updates through two replicas during the rotation`);
  assert.equal(failures, 0);
  assert.match(rotation, new RegExp(`${newId} ${INTEGRATORS}\\b`));

  // Retire the old key: reload both replicas without it; all still serve.
  renameSync(path.join(data.keyFile, 'first.key'), path.join(work, 'first.key.retired'));
  for (const replica of replicas) {
    replica.proc.kill('SIGHUP');
    await replica.waitForLog(/keyring reloaded, active key id [0-9a-f]{16}\n[^]*keyring reloaded, active key id/);
  }
  assert.match(await adminOk(data, ['rotate-master-key', '--verify']), /, 0 do not/);
  const body = path.join(work, 'body.json');
  writeFileSync(body, '{"type":"payment.refunded"}');
  for (const id of integrators.filter((_, i) => i % 10 === 0)) {
    const printed = await adminOk(data, ['sign-webhook', '--integrator', id, '--body_file', body]);
    assert.equal(printed, createHmac('sha256', acknowledged.get(id)).update(readFileSync(body)).digest('hex'), id);
  }
  for (const replica of replicas) {
    assert.equal((await put(replica, integrators[0], 'whsec_after_retirement')).status, 200);
  }
});
