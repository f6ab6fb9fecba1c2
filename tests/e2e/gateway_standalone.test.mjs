// What only the standalone gateway does: routes from --descriptor_set, TLS to
// the upstream, and no trust for signed requests without a gateway credential.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import path from 'node:path';
import { curl } from './lib/curl.mjs';
import { makeDataDir, startServer, startGateway, adminOk, repoRoot, makeTlsFiles } from './lib/harness.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
let data;
const running = [];
let key;
let integrator;

before(async () => {
  data = makeDataDir('integrator-gateway-');
  const server = await startServer(data, ['--http_address=']);
  running.push(server);
  integrator = await adminOk(data, ['create-integrator', '--name', 'Acme']);
  key = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhook-secret']);
  data.server = server;
});

after(async () => {
  for (const p of running.reverse()) await p.stop();
  data?.remove();
});

const put = (baseUrl, body, headers = { Authorization: `Bearer ${key}` }) =>
  curl(`${baseUrl}${ROUTE}`, { method: 'PUT', body, headers: { 'Content-Type': 'application/json', ...headers } });

test('routes can come from a --descriptor_set instead of reflection', async () => {
  const set = path.join(data.dir, 'api.pb');
  execFileSync('protoc', ['--include_imports', `--descriptor_set_out=${set}`,
    `-I${path.join(repoRoot, 'proto')}`, '-I/usr/share/gocode/src/github.com/gogo/googleapis',
    'integrator/v1/integrator.proto']);
  const gateway = await startGateway(data.server.address, [`--descriptor_set=${set}`]);
  running.push(gateway);
  const res = await put(gateway.baseUrl, '{"secret":"whsec_from_descriptor_set"}');
  assert.equal(res.status, 200, res.body);
  // The secret's PUT and POST, and the seven webhook routes.
  assert.match(gateway.log(), /routes=9/);
});

test('without a gateway credential, signed requests are not trusted', async () => {
  const gateway = await startGateway(data.server.address);
  running.push(gateway);
  const [integratorKey, apiSecret] = (await adminOk(data, ['create-key', '--integrator', integrator, '--signing'])).split('\n');
  const body = '{"secret":"whsec_untrusted"}';
  const ts = String(Date.now());
  const toSign = `${ts}.PUT.${ROUTE}.${createHash('sha256').update(body).digest('hex')}`;
  const res = await put(gateway.baseUrl, body, {
    'X-Integrator-Key': integratorKey, 'X-Timestamp': ts,
    'X-Signature': `sha256=${createHmac('sha256', apiSecret).update(toSign).digest('hex')}`,
  });
  assert.equal(res.status, 401);
  assert.equal(res.json.type, 'urn:problem-type:auth:invalid-signature');
});

test('--upstream_tls_ca speaks TLS to a TLS upstream', async () => {
  const { ca, cert, key: certKey } = makeTlsFiles(data.dir);
  const tlsData = makeDataDir('integrator-tls-');
  const tlsProcesses = [];
  try {
    const server = await startServer(tlsData, ['--http_address=', `--grpc_tls_cert_file=${cert}`, `--grpc_tls_key_file=${certKey}`]);
    tlsProcesses.push(server);
    const id = await adminOk(tlsData, ['create-integrator', '--name', 'Tls']);
    const tlsKey = await adminOk(tlsData, ['create-key', '--integrator', id, '--scopes', 'write:webhook-secret']);
    const gateway = await startGateway(`localhost:${server.port}`, [`--upstream_tls_ca=${ca}`]);
    tlsProcesses.push(gateway);
    const res = await put(gateway.baseUrl, '{"secret":"whsec_over_tls"}', { Authorization: `Bearer ${tlsKey}` });
    assert.equal(res.status, 200, res.body);
  } finally {
    for (const p of tlsProcesses.reverse()) await p.stop();
    tlsData.remove();
  }
});
