// A REST call into the service core (the embedded gateway's direct path,
// no gRPC deadline on the way) still ends within --request_timeout: a 504
// problem, and the server keeps serving.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataDir, startServer, adminOk } from './lib/harness.mjs';
import { curl } from './lib/curl.mjs';
import { assertProblem } from './lib/rest_suite.mjs';

const data = makeDataDir('integrator-deadline-');
let server;
after(async () => {
  await server?.stop();
  data.remove();
});

test('a call the store does not answer in time is a 504 problem', async () => {
  server = await startServer(data, ['--simulated_commit_latency=1500ms', '--request_timeout=300ms']);
  const integrator = await adminOk(data, ['create-integrator', '--name', 'Slow']);
  const key = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhook-secret']);
  const started = Date.now();
  const res = await curl(`${server.baseUrl}/v1/integrator/webhook-secret`, {
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: '{"secret":"whsec_slow"}',
  });
  const tookMs = Date.now() - started;
  assertProblem(res, 504);
  assert.match(res.json.type, /deadline-exceeded/);
  assert.ok(tookMs < 1400, `answered at the deadline, not after the commit (${tookMs} ms)`);
  // Authentication failures answer at once, within the deadline.
  const bad = await curl(`${server.baseUrl}/v1/integrator/webhook-secret`, {
    headers: { Authorization: 'Bearer sk_live_nope', 'Content-Type': 'application/json' },
    body: '{"secret":"whsec_x"}',
  });
  assert.equal(bad.status, 401);
});
