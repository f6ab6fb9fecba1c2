// Backups that can be restored (DESIGN.md, "Storage"): `integrator-admin
// backup` copies the live SQLite store with SQLite's online backup API while
// 16 writers keep updating secrets through REST; the copy restores to a store
// whose every row opens and whose secrets are the ones acknowledged before
// the backup began, or later; and a restore without the keys the copy needs
// is refused with their list.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { curl } from './lib/curl.mjs';
import { makeDataDir, startServer, admin, adminOk } from './lib/harness.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
const INTEGRATORS = 40;
let data;
let server;

after(async () => {
  await server?.stop();
  data?.remove();
});

test('a backup taken under write load restores to a store with the acknowledged secrets', { timeout: 120000 }, async () => {
  data = makeDataDir('integrator-backup-');
  server = await startServer(data);
  const adminKey = await adminOk(data, ['create-key', '--service', 'ops', '--scopes', 'admin:integrators,write:webhook-secret']);
  const integrators = [];
  for (let i = 0; i < INTEGRATORS; i++) integrators.push(await adminOk(data, ['create-integrator', '--name', `B${i}`]));
  // Every secret each integrator was sent, in order, and the index of the
  // last one acknowledged (answered 200).
  const sent = new Map(integrators.map((id) => [id, []]));
  const acked = new Map();
  const put = (id, secret) => curl(`${server.baseUrl}${ROUTE}`, {
    method: 'PUT', body: JSON.stringify({ secret, integratorId: id }),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` },
  });
  for (const id of integrators) {
    const secret = `whsec_initial_${id}`;
    sent.get(id).push(secret);
    assert.equal((await put(id, secret)).status, 200);
    acked.set(id, 0);
  }

  let stop = false;
  let failures = 0;
  const writers = Array.from({ length: 16 }, (_, w) => (async () => {
    for (let n = 0; !stop; n++) {
      const id = integrators[(w + n * 16) % INTEGRATORS];
      const secret = `whsec_${w}_${n}`;
      const index = sent.get(id).push(secret) - 1;
      if ((await put(id, secret)).status !== 200) {
        failures += 1;
      } else if (index > acked.get(id)) {
        acked.set(id, index);
      }
    }
  })());
  await new Promise((r) => setTimeout(r, 300));
  // What was acknowledged before the backup began: the copy must hold it or
  // something newer.
  const floor = new Map(acked);
  const backupFile = path.join(data.dir, 'backups/today.db');
  mkdirSync(path.dirname(backupFile), { recursive: true });
  const backedUp = await adminOk(data, ['backup', '--to', backupFile]);
  await new Promise((r) => setTimeout(r, 200));
  stop = true;
  await Promise.all(writers);
  assert.equal(failures, 0, 'writers kept going during the backup');
  assert.equal(statSync(backupFile).mode & 0o777, 0o600);
  const manifest = readFileSync(`${backupFile}.keys`, 'utf8');
  assert.match(manifest, /^[0-9a-f]{16} \d+\n$/);
  assert.ok(backedUp.includes(manifest.trim()));
  assert.ok(!backedUp.includes(readFileSync(data.keyFile).toString('hex')));

  // A restore without the backup's key is refused, naming it.
  const restored = makeDataDir('integrator-restored-');
  try {
    const keyId = manifest.split(' ')[0];
    const wrongKeys = path.join(restored.dir, 'other-keys');
    mkdirSync(wrongKeys, { mode: 0o700 });
    writeFileSync(path.join(wrongKeys, 'k.key'), Buffer.alloc(32, 7), { mode: 0o600 });
    const refused = await admin(restored, ['restore', '--from', backupFile], { keyFile: wrongKeys });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`needs master key id ${keyId} \\(\\d+ rows\\)`));

    // With the keys it restores, and a server starts on it.
    await adminOk({ ...restored, keyFile: data.keyFile }, ['restore', '--from', backupFile]);
    const again = await admin({ ...restored, keyFile: data.keyFile }, ['restore', '--from', backupFile]);
    assert.notEqual(again.code, 0, 'a restore never overwrites a store');
    restored.keyFile = data.keyFile;
    const verify = await adminOk(restored, ['rotate-master-key', '--verify']);
    assert.match(verify, new RegExp(`verify: ${INTEGRATORS} rows open, 0 do not`));

    // Each restored secret is one the integrator was sent, not older than
    // what was acknowledged before the backup began.
    const body = path.join(restored.dir, 'body.json');
    writeFileSync(body, '{"type":"account.updated"}');
    for (const id of integrators) {
      const printed = (await adminOk(restored, ['sign-webhook', '--integrator', id, '--body_file', body])).trim();
      const candidates = sent.get(id);
      const index = candidates.findIndex((s) => createHmac('sha256', s).update(readFileSync(body)).digest('hex') === printed);
      assert.ok(index >= 0, `${id}: the restored secret is one it was sent`);
      assert.ok(index >= floor.get(id),
        `${id}: restored secret #${index} is older than #${floor.get(id)}, acknowledged before the backup began`);
    }
    const restoredServer = await startServer(restored);
    await restoredServer.stop();
  } finally {
    restored.remove();
  }
});
