// Master-key rotation without downtime (DESIGN.md, "Sealing"): a keyring
// folder, `integrator-admin rotate-master-key` re-sealing every row while 16
// writers update secrets through REST, interruption and resumption, the
// progress display on a terminal and off one, retirement of the old key, and
// the loud start-up error for rows under a key the ring lacks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { curl } from './lib/curl.mjs';
import { makeDataDir, startServer, runServerExpectingFailure, admin, adminOk, binDir } from './lib/harness.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
const INTEGRATORS = 200;
let data;
let server;
let adminKey;
const integrators = [];
const acknowledged = new Map();  // integrator -> the last secret answered 200

async function inParallel(items, width, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length > 0) await fn(queue.shift());
  }));
}

const keysDir = () => path.join(data.dir, 'data/keys');

function setSecret(id, secret) {
  return curl(`${server.baseUrl}${ROUTE}`, {
    method: 'PUT',
    body: JSON.stringify({ secret, integratorId: id }),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminKey}` },
  });
}

function runAdmin(args, { tty = false } = {}) {
  const full = [path.join(binDir, 'integrator-admin'), `--store=${data.store}`,
    `--master_key_file=${keysDir()}`, ...args];
  // `script` gives the command a pseudo-terminal, as an operator's shell would.
  const [cmd, argv] = tty
    ? ['script', ['-qec', full.map((a) => `'${a}'`).join(' '), '/dev/null']]
    : [full[0], full.slice(1)];
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onOutput = () => {};
  child.stdout.on('data', (c) => { stdout += c; onOutput(); });
  child.stderr.on('data', (c) => { stderr += c; });
  const done = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  // Resolves once the output shows `pattern` (the rotation has begun).
  const printed = (pattern) => new Promise((resolve) => {
    onOutput = () => { if (pattern.test(stdout)) resolve(); };
    onOutput();
  });
  return { child, done, printed };
}

function keyCounts(listing) {
  const counts = {};
  for (const line of listing.split('\n').slice(1)) {
    const [id, rows, ring] = line.trim().split(/\s+/);
    if (id) counts[id] = { rows: Number(rows), ring };
  }
  return counts;
}

before(async () => {
  data = makeDataDir('integrator-rotation-');
  mkdirSync(keysDir(), { recursive: true, mode: 0o700 });
  data.keyFile = keysDir();
  server = await startServer(data);
  adminKey = await adminOk(data, ['create-key', '--service', 'ops', '--scopes', 'admin:integrators,write:webhook-secret']);
  integrators.push(...(await adminOk(data, ['create-integrator', '--name', 'Bulk', '--count', String(INTEGRATORS)])).split('\n'));
  assert.equal(integrators.length, INTEGRATORS);
  await inParallel(integrators, 16, async (id) => {
    const secret = `whsec_first_${id}`;
    const res = await setSecret(id, secret);
    assert.equal(res.status, 200, res.body);
    acknowledged.set(id, secret);
  });
});

after(async () => {
  await server?.stop();
  data?.remove();
});

test('rotation under 16 REST writers: every row ends under the new key with its last acknowledged secret', { timeout: 120000 }, async () => {
  const [firstKey] = readdirSync(keysDir());
  assert.equal(firstKey, 'first.key');
  const before = keyCounts(await adminOk(data, ['master-keys']));
  const oldId = Object.keys(before).find((id) => before[id].ring === 'active');
  assert.ok(before[oldId].rows >= INTEGRATORS);

  // The runbook: the new key joins every replica's ring first (here, one
  // server restarted with it; the newest key file is the active one), then
  // the rotation re-seals what the old key still seals.
  const created = await adminOk(data, ['rotate-master-key', '--new_key_file', path.join(keysDir(), 'second.key'), '--verify']);
  assert.match(created, /created master key [0-9a-f]{16}/);
  assert.equal(statSync(path.join(keysDir(), 'second.key')).mode & 0o777, 0o600);
  const newId = /created master key ([0-9a-f]{16})/.exec(created)[1];
  await server.stop();
  server = await startServer(data);

  let stop = false;
  let failures = 0;
  let writes = 0;
  const writers = Array.from({ length: 16 }, (_, w) => (async () => {
    for (let n = 0; !stop; n++) {
      const id = integrators[(w * 13 + n * 7) % INTEGRATORS];
      const secret = `whsec_w${w}_${n}_${id}`;
      const res = await setSecret(id, secret);
      if (res.status === 200) {
        acknowledged.set(id, secret);
        writes += 1;
      } else {
        failures += 1;
      }
    }
  })());
  // Small batches: the rotation and the writers really overlap.
  const rotation = runAdmin(['rotate-master-key', '--batch_size=2']);
  const result = await rotation.done;
  stop = true;
  await Promise.all(writers);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(failures, 0, 'no request failed because of the rotation');
  assert.ok(writes > 0);
  console.log(`# ${writes} REST updates during the rotation; its last lines:\n# ${result.stdout.trim().split('\n').slice(-3).join('\n# ')}`);
  // Plain lines when stdout is not a terminal.
  assert.match(result.stdout, /rotate-master-key: \d+\/\d+ rows/);
  assert.ok(!result.stdout.includes('\r'));

  const after = keyCounts(await adminOk(data, ['master-keys']));
  assert.equal(after[newId].ring, 'active');
  assert.equal(after[oldId]?.rows ?? 0, 0, 'the old key seals nothing any more');
  assert.match(await adminOk(data, ['rotate-master-key', '--verify']), /verify: \d+ rows open, 0 do not/);

  // Each integrator's secret is the last acknowledged one: sign-webhook,
  // which opens it with the ring, agrees with an independent HMAC.
  const body = path.join(data.dir, 'body.json');
  writeFileSync(body, '{"type":"payment.completed","id":"evt_rotation"}');
  const sample = integrators.filter((_, i) => i % 10 === 0);
  await inParallel(sample, 8, async (id) => {
    const printed = (await adminOk(data, ['sign-webhook', '--integrator', id, '--body_file', body])).trim();
    const expected = createHmac('sha256', acknowledged.get(id)).update(readFileSync(body)).digest('hex');
    assert.equal(printed, expected, `the secret of ${id}`);
  });

  // Retirement: with the old key gone the server starts, and every secret
  // still opens.
  renameSync(path.join(keysDir(), 'first.key'), path.join(data.dir, 'retired.key.bak'));
  await server.stop();
  server = await startServer(data);
  assert.equal((await setSecret(integrators[0], 'whsec_after_retirement')).status, 200);
  acknowledged.set(integrators[0], 'whsec_after_retirement');
  assert.match(await adminOk(data, ['rotate-master-key', '--verify']), /, 0 do not/);

  // No key bytes, old or new, in anything printed.
  for (const keyFile of [path.join(keysDir(), 'second.key'), path.join(data.dir, 'retired.key.bak')]) {
    const bytes = readFileSync(keyFile);
    for (const text of [created, result.stdout, result.stderr, server.log()]) {
      assert.ok(!text.includes(bytes.toString('hex')) && !text.includes(bytes.toString('base64')));
    }
  }
});

test('an interrupted rotation (SIGINT, then SIGKILL) completes when run again, on a terminal with a progress bar', { timeout: 120000 }, async () => {
  const third = path.join(keysDir(), 'third.key');
  const made = await adminOk(data, ['rotate-master-key', '--new_key_file', third, '--verify']);
  const thirdId = /created master key ([0-9a-f]{16})/.exec(made)[1];
  // No restart this time: SIGHUP makes the server read its keyring again.
  server.proc.kill('SIGHUP');
  await server.waitForLog(new RegExp(`keyring reloaded, active key id ${thirdId}`));
  assert.equal((await setSecret(integrators[2], 'whsec_under_third')).status, 200);
  acknowledged.set(integrators[2], 'whsec_under_third');

  // SIGINT: the batch under way finishes, then it stops and says so.
  const first = runAdmin(['rotate-master-key', '--batch_size=1']);
  await first.printed(/re-sealing \d+ rows/);
  first.child.kill('SIGINT');
  const interrupted = await first.done;
  assert.equal(interrupted.code, 130, interrupted.stderr + interrupted.stdout);
  assert.match(interrupted.stdout, /interrupted after \d+ rows; run rotate-master-key again/);

  // SIGKILL: at most the transaction under way is lost.
  const second = runAdmin(['rotate-master-key', '--batch_size=1']);
  await second.printed(/re-sealing \d+ rows/);
  second.child.kill('SIGKILL');
  const killed = await second.done;
  // Killed mid-way, or (on a fast disk) done before the signal landed.
  assert.ok(killed.signal === 'SIGKILL' || killed.code === 0, JSON.stringify(killed));

  // Again, under a pseudo-terminal: it finishes, with the bar drawn in place.
  const last = await runAdmin(['rotate-master-key', '--batch_size=50'], { tty: true }).done;
  assert.equal(last.code, 0, last.stdout);
  assert.match(last.stdout, /\r\[[#-]{30}\] \d+\/\d+ rows/);
  const counts = keyCounts(await adminOk(data, ['master-keys']));
  for (const [id, { rows }] of Object.entries(counts)) {
    if (id !== thirdId) assert.equal(rows, 0, `${id} still seals rows`);
  }
  assert.match(await adminOk(data, ['rotate-master-key', '--verify']), /, 0 do not/);
  assert.equal((await setSecret(integrators[1], 'whsec_after_third')).status, 200);

  // A reload that would drop the key in use is refused; the ring stays.
  renameSync(third, `${third}.away`);
  server.proc.kill('SIGHUP');
  await server.waitForLog(/keyring not reloaded, the one in use stays/);
  renameSync(`${third}.away`, third);
  assert.equal((await setSecret(integrators[1], 'whsec_after_refused_reload')).status, 200);
});

test('rows under a key missing from the ring: the server refuses to start, naming the key id and the row count', async () => {
  const listing = keyCounts(await adminOk(data, ['master-keys']));
  const activeId = Object.keys(listing).find((id) => listing[id].ring === 'active');
  const rows = listing[activeId].rows;
  renameSync(path.join(keysDir(), 'third.key'), path.join(data.dir, 'third.key.away'));
  await server.stop();
  server = undefined;
  const failed = await runServerExpectingFailure(data);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, new RegExp(`${activeId} \\(${rows} rows\\)`));
  const listed = await admin(data, ['master-keys']);
  assert.equal(listed.code, 1);
  assert.match(listed.stdout, new RegExp(`${activeId}\\s+${rows}\\s+MISSING`));
  renameSync(path.join(data.dir, 'third.key.away'), path.join(keysDir(), 'third.key'));
  server = await startServer(data);
});
