// Durability: 16 concurrent clients update 16 integrators in a loop; the
// server is killed with SIGKILL mid-run and restarted. For every integrator
// the stored secret must be the last acknowledged one, or the one whose call
// was still in flight. Three rounds, on the same store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDataDir, startServer, adminOk, reflectedClients, call } from './lib/harness.mjs';

const WRITERS = 16;
const ROUNDS = 3;
let data;
let server;
const integrators = [];
const keys = [];
let adminKey;

before(async () => {
  data = makeDataDir('integrator-durability-');
  server = await startServer(data);
  for (let i = 0; i < WRITERS; i++) {
    const id = await adminOk(data, ['create-integrator', '--name', `writer-${i}`]);
    integrators.push(id);
    keys.push(await adminOk(data, ['create-key', '--integrator', id, '--scopes', 'write:webhook-secret']));
  }
  adminKey = await adminOk(data, ['create-key', '--service', 'ops', '--scopes', 'admin:integrators']);
});

after(async () => {
  await server?.stop('SIGKILL');
  data?.remove();
});

const secretFor = (round, writer, n) => `whsec_r${round}_w${writer}_n${n}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (let round = 1; round <= ROUNDS; round++) {
  test(`round ${round}: SIGKILL mid-run loses nothing acknowledged`, async () => {
    const clients = await reflectedClients(server.address);
    const acked = new Array(WRITERS).fill(0);
    const sent = new Array(WRITERS).fill(0);
    const failures = [];
    let stop = false;
    const loops = integrators.map(async (_, w) => {
      while (!stop) {
        const n = sent[w] + 1;
        sent[w] = n;
        const { err } = await call(clients.IntegratorService, 'UpdateWebhookSecret',
          { secret: secretFor(round, w, n) }, { key: keys[w] });
        if (err) {
          if (!stop) failures.push(`${w}: ${err.code} ${err.details}`);
          return;
        }
        acked[w] = n;
      }
    });

    // Let every writer get acknowledgements, then read the live settings.
    const deadline = Date.now() + 20000;
    while (acked.some((n) => n < 3) && Date.now() < deadline) await sleep(20);
    assert.ok(acked.every((n) => n >= 3), `every writer acknowledged: ${acked}`);
    const stats = await call(clients.OperatorService, 'GetStoreStats', {}, { key: adminKey });
    assert.equal(stats.err, null);
    assert.equal(stats.res.backend, 'sqlite');
    assert.equal(stats.res.journal_mode, 'wal');
    assert.equal(stats.res.synchronous, 'full');
    const commits = Number(stats.res.commits);
    const updates = Number(stats.res.updates);
    assert.ok(commits < updates, `group commit observed: ${commits} commits < ${updates} updates`);
    console.log(`# round ${round}: commits=${commits} updates=${updates}`);

    await sleep(100);
    stop = true;
    await server.stop('SIGKILL');
    await Promise.all(loops);
    clients.close();
    assert.deepEqual(failures, [], 'no call failed before the kill');

    server = await startServer(data);
    const bodyFile = path.join(data.dir, `body-${round}.json`);
    const body = `{"round":${round},"check":"durability"}`;
    writeFileSync(bodyFile, body);
    for (let w = 0; w < WRITERS; w++) {
      const printed = await adminOk(data, ['sign-webhook', '--integrator', integrators[w], '--body_file', bodyFile]);
      const allowed = [acked[w]];
      if (sent[w] > acked[w]) allowed.push(sent[w]);
      const matches = allowed.filter(
        (n) => createHmac('sha256', secretFor(round, w, n)).update(body).digest('hex') === printed);
      assert.equal(matches.length, 1,
        `writer ${w}: stored secret is the last acknowledged (${acked[w]}) or in-flight (${sent[w]}) one`);
    }
  });
}
