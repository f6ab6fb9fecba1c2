// SIGTERM with 64 calls in flight: each completes with OK, none is
// CANCELLED, and the server exits 0. A simulated slow disk keeps the calls in
// flight long enough for the signal to arrive while they wait.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataDir, startServer, adminOk, reflectedClients, call, grpc } from './lib/harness.mjs';

let data;
let server;

after(async () => {
  await server?.stop('SIGKILL');
  data?.remove();
});

test('SIGTERM drains 64 in-flight calls, all OK, exit 0', async () => {
  data = makeDataDir('integrator-drain-');
  server = await startServer(data, ['--simulated_commit_latency=400ms', '--drain_timeout=20s']);
  const ids = [];
  const keys = [];
  for (let i = 0; i < 4; i++) {
    ids.push(await adminOk(data, ['create-integrator', '--name', `drain-${i}`]));
    keys.push(await adminOk(data, ['create-key', '--integrator', ids[i], '--scopes', 'write:webhook-secret']));
  }
  const clients = await reflectedClients(server.address);
  // Warm the connection so all 64 calls leave at once.
  await call(clients.IntegratorService, 'UpdateWebhookSecret', { secret: 'warm' }, { key: keys[0] });

  const calls = [];
  for (let i = 0; i < 64; i++) {
    calls.push(call(clients.IntegratorService, 'UpdateWebhookSecret',
      { secret: `whsec_drain_${i}` }, { key: keys[i % 4], deadlineMs: 30000 }));
  }
  await new Promise((r) => setTimeout(r, 150));
  const inFlightAtSignal = 64;
  server.signal('SIGTERM');
  const results = await Promise.all(calls);
  const codes = results.map((r) => r.code);
  assert.equal(codes.filter((c) => c === grpc.status.CANCELLED).length, 0, `codes: ${codes}`);
  assert.deepEqual(codes, new Array(inFlightAtSignal).fill(grpc.status.OK));
  assert.ok(results.every((r) => r.res.secret_configured === true));
  const { code, signal } = await server.exited;
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.match(server.log(), /draining in-flight calls/);
  clients.close();
});
