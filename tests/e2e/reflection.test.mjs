// Server reflection as grpcurl, grpcui and Postman use it, over both
// grpc.reflection.v1 and v1alpha, driven on the raw stream with @grpc/grpc-js;
// and health per service name, as load balancers and Kubernetes ask.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import grpcLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { makeDataDir, startServer, adminOk, reflectedClients, call, grpc, binDir } from './lib/harness.mjs';

const protoDir = '/usr/share/grpc-proto';
// Freed memory waits in ASan's quarantine, so RSS says nothing there.
const sanitized = /asan/.test(binDir);
let data, server, key, clients;

before(async () => {
  data = makeDataDir('integrator-reflection-');
  server = await startServer(data, ['--simulated_commit_latency=300ms', '--drain_timeout=20s']);
  const id = await adminOk(data, ['create-integrator', '--name', 'Reflect']);
  key = await adminOk(data, ['create-key', '--integrator', id, '--scopes', 'write:webhook-secret']);
  clients = await reflectedClients(server.address);
});

after(async () => {
  clients?.close();
  await server?.stop('SIGKILL');
  data?.remove();
});

// A raw reflection stream of `version` (v1 or v1alpha): ask() sends one
// request and resolves its response, in order.
function openStream(version) {
  const definition = grpcLoader.loadSync(`grpc/reflection/${version}/reflection.proto`,
    { includeDirs: [protoDir], keepCase: true, longs: Number, defaults: false, oneofs: true });
  const Reflection = grpc.loadPackageDefinition(definition).grpc.reflection[version].ServerReflection;
  const client = new Reflection(server.address, grpc.credentials.createInsecure());
  const stream = client.ServerReflectionInfo();
  const waiting = [];
  stream.on('data', (response) => waiting.shift()?.resolve(response));
  stream.on('error', (err) => { for (const w of waiting.splice(0)) w.reject(err); });
  return {
    ask(request) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        stream.write({ host: 'localhost', ...request });
      });
    },
    close() { stream.end(); client.close(); },
  };
}

const files = (response) =>
  (response.file_descriptor_response?.file_descriptor_proto ?? [])
    .map((bytes) => descriptor.FileDescriptorProto.decode(bytes));

function fieldsOf(messages, out = []) {
  for (const message of messages ?? []) {
    for (const field of message.field ?? []) out.push([`${message.name}.${field.name}`, field]);
    fieldsOf(message.nestedType, out);
  }
  return out;
}

const rssKb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

for (const version of ['v1', 'v1alpha']) {
  test(`${version}: each file once per stream, the asked one first, every field with its json_name`, async () => {
    const stream = openStream(version);
    try {
      const listed = await stream.ask({ list_services: '' });
      const names = listed.list_services_response.service.map((s) => s.name);
      for (const name of ['integrator.v1.IntegratorService', 'integrator.v1.OperatorService',
        'grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection']) {
        assert.ok(names.includes(name), `${name} listed in ${names}`);
      }

      const first = files(await stream.ask({ file_containing_symbol: 'integrator.v1.IntegratorService' }));
      assert.equal(first[0].name, 'integrator/v1/integrator.proto');
      const sent = new Set();
      for (const file of first) {
        assert.ok(!sent.has(file.name), `${file.name} sent twice in one answer`);
        sent.add(file.name);
      }
      const second = files(await stream.ask({ file_containing_symbol: 'google.rpc.ErrorInfo' }));
      assert.equal(second[0].name, 'google/rpc/error_details.proto');
      for (const file of second.slice(1)) {
        assert.ok(!sent.has(file.name), `${file.name} was already sent on this stream`);
        sent.add(file.name);
      }
      for (const file of [...first, ...second]) {
        for (const [name, field] of fieldsOf(file.messageType)) {
          assert.ok(field.jsonName, `${file.name}: ${name} has no json_name`);
        }
      }
      const secretConfigured = fieldsOf(first[0].messageType)
        .find(([name]) => name.endsWith('.secret_configured'))[1];
      assert.equal(secretConfigured.jsonName, 'secretConfigured');

      const unknown = await stream.ask({ file_containing_symbol: 'no.such.Symbol' });
      assert.equal(unknown.error_response.error_code, grpc.status.NOT_FOUND);
    } finally {
      stream.close();
    }
  });

  test(`${version}: one stream answers 1,000 requests with bounded memory`, async () => {
    const stream = openStream(version);
    try {
      await stream.ask({ file_containing_symbol: 'integrator.v1.IntegratorService' });
      await stream.ask({ file_containing_symbol: 'google.rpc.ErrorInfo' });
      const before = rssKb(server.proc.pid);
      for (let i = 0; i < 1000; i++) {
        const symbol = i % 2 ? 'google.rpc.ErrorInfo' : 'integrator.v1.IntegratorService';
        const answer = await stream.ask({ file_containing_symbol: symbol });
        assert.equal(files(answer).length, 1, 'only the asked file, once the rest was sent');
      }
      const grownKb = rssKb(server.proc.pid) - before;
      if (!sanitized) assert.ok(grownKb < 16 * 1024, `RSS grew by ${grownKb} KiB over 1,000 requests`);
    } finally {
      stream.close();
    }
  });
}

// A client that knows nothing but what reflection sent decodes the
// ErrorInfo of a call without credentials: reason, realm and scope.
test('error details decode with types built from reflection alone', async () => {
  const stream = openStream('v1');
  const set = { file: [] };
  try {
    for (const symbol of ['integrator.v1.IntegratorService', 'google.rpc.Status', 'google.rpc.ErrorInfo']) {
      set.file.push(...files(await stream.ask({ file_containing_symbol: symbol })));
    }
  } finally {
    stream.close();
  }
  const root = protobuf.Root.fromDescriptor(set);
  const Request = root.lookupType('integrator.v1.UpdateWebhookSecretRequest');
  const Response = root.lookupType('integrator.v1.UpdateWebhookSecretResponse');
  const Client = grpc.makeGenericClientConstructor({
    UpdateWebhookSecret: {
      path: '/integrator.v1.IntegratorService/UpdateWebhookSecret',
      requestStream: false,
      responseStream: false,
      requestSerialize: (message) => Buffer.from(Request.encode(message).finish()),
      responseDeserialize: (bytes) => Response.decode(bytes),
    },
  });
  const client = new Client(server.address, grpc.credentials.createInsecure());
  const { err } = await call(client, 'UpdateWebhookSecret', { secret: 'whsec_reflected' });
  client.close();
  assert.equal(err?.code, grpc.status.UNAUTHENTICATED);
  const status = root.lookupType('google.rpc.Status')
    .decode(err.metadata.get('grpc-status-details-bin')[0]);
  // Field names as the reflected descriptors spell them.
  const typeUrl = (d) => d.type_url ?? d.typeUrl;
  const any = status.details.find((d) => typeUrl(d).endsWith('/google.rpc.ErrorInfo'));
  assert.ok(any, `an ErrorInfo among ${status.details.map(typeUrl)}`);
  const info = root.lookupType('google.rpc.ErrorInfo').decode(any.value);
  assert.equal(info.reason, 'MISSING_CREDENTIALS');
  // protobufjs builds a map field from a descriptor as its entries.
  const metadata = Array.isArray(info.metadata)
    ? Object.fromEntries(info.metadata.map((e) => [e.key, e.value]))
    : info.metadata;
  assert.equal(metadata.realm, 'integrator-api');
  assert.equal(metadata.scope, 'write:webhook-secret');
});

test('health answers per service name: SERVING, NOT_FOUND for others, NOT_SERVING while draining', async () => {
  const health = clients.Health;
  for (const service of ['', 'integrator.v1.IntegratorService', 'integrator.v1.OperatorService']) {
    const { err, res } = await call(health, 'Check', { service });
    assert.equal(err, null, `Check(${service})`);
    assert.equal(res.status, 'SERVING', `Check(${service})`);
  }
  const unknown = await call(health, 'Check', { service: 'nope' });
  assert.equal(unknown.code, grpc.status.NOT_FOUND);

  // Watch from before the signal sees the service stop serving; a slow
  // commit keeps one call in flight so the drain lasts.
  const statuses = [];
  const watch = health.Watch({ service: 'integrator.v1.IntegratorService' });
  const sawNotServing = new Promise((resolve) => {
    watch.on('data', (m) => { statuses.push(m.status); if (m.status === 'NOT_SERVING') resolve(); });
    watch.on('error', () => resolve());
  });
  for (let waited = 0; statuses.length === 0; waited += 20) {
    assert.ok(waited < 10000, 'Watch sent no first status');
    await new Promise((r) => setTimeout(r, 20));
  }
  // The same client's connection is warm, so the slow call reaches the
  // server long before the signal (each commit takes 300 ms).
  await call(clients.IntegratorService, 'UpdateWebhookSecret', { secret: 'whsec_warm' }, { key });
  const inFlight = call(clients.IntegratorService, 'UpdateWebhookSecret', { secret: 'whsec_slow' },
    { key, deadlineMs: 20000 });
  await new Promise((r) => setTimeout(r, 150));
  server.signal('SIGTERM');
  await sawNotServing;
  assert.deepEqual(statuses.slice(0, 2), ['SERVING', 'NOT_SERVING']);
  assert.equal((await inFlight).code, grpc.status.OK);
  watch.cancel();
});
