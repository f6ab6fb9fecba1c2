// Over the REST connection cap, a new connection is told why it is closed:
// a 503 problem with Retry-After and Connection: close, never silence; and
// once a slot frees, connections are served again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { makeDataDir, startServer } from './lib/harness.mjs';
import { rawExchange, statusesOf } from './lib/raw_http.mjs';

const data = makeDataDir('integrator-cap-');
let server;
after(async () => {
  await server?.stop();
  data.remove();
});

test('a connection over the cap gets a 503 with Retry-After, then close', async () => {
  server = await startServer(data, ['--max_connections=2', '--header_timeout=5s']);
  const held = [];
  for (let i = 0; i < 2; i += 1) {
    const socket = net.connect(server.httpPort, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    held.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const request = 'GET /v1/integrator/webhook-secret HTTP/1.1\r\nHost: x\r\n\r\n';
  const over = await rawExchange(server.baseUrl, request, { timeoutMs: 5000 });
  assert.deepEqual(statusesOf(over.received), [503], over.received);
  assert.ok(over.closed, 'the connection is closed after the answer');
  assert.match(over.received, /\r\nretry-after: 1\r\n/i);
  assert.match(over.received, /\r\nconnection: close\r\n/i);
  assert.match(over.received, /content-type: application\/problem\+json/i);
  assert.match(over.received, /too-many-connections/);

  for (const socket of held) socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const served = await rawExchange(server.baseUrl, request.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
  assert.deepEqual(statusesOf(served.received), [405], served.received);
});
