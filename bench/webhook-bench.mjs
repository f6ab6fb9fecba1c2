// Webhook delivery figures on the SQLite store (reported, never asserted):
// publish->delivery latency when not saturated, and deliveries per second
// when saturated, to a Node receiver on loopback. The receiver's own
// capacity under wrk, measured in the same run, is the baseline the
// throughput is compared with.
//   node bench/webhook-bench.mjs   (run by bench/run-webhook-bench)
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  makeDataDir, startServer, adminOk, reflectedClients, call,
} from '../tests/e2e/lib/harness.mjs';

const LATENCY_EVENTS = Number(process.env.LATENCY_EVENTS ?? 500);
const THROUGHPUT_EVENTS = Number(process.env.THROUGHPUT_EVENTS ?? 5000);
const PUBLISHERS = 32;

const arrivals = new Map();  // event id -> arrival time (ms, hrtime)
const now = () => Number(process.hrtime.bigint() / 1000n) / 1000;
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.headers['webhook-id']) {
      const id = JSON.parse(Buffer.concat(chunks)).id;
      if (!arrivals.has(id)) arrivals.set(id, now());
    }
    res.writeHead(204);
    res.end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${receiver.address().port}/hook`;

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const waitFor = async (predicate, timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return predicate();
};

const data = makeDataDir('webhook-bench-');
const server = await startServer(data, ['--webhook_allow_http', '--webhook_allow_private_targets']);
try {
  const integrator = await adminOk(data, ['create-integrator', '--name', 'Bench']);
  const key = await adminOk(data, ['create-key', '--integrator', integrator, '--scopes', 'write:webhooks']);
  const publisher = await adminOk(data, ['create-key', '--service', 'bench', '--scopes', 'publish:events']);
  execFileSync('curl', ['-sf', '-o', '/dev/null', '-X', 'POST', `${server.baseUrl}/v1/integrator/webhooks`,
    '-H', `Authorization: Bearer ${key}`, '-H', 'Content-Type: application/json',
    '--data-binary', JSON.stringify({ url, events: ['payment.created'] })]);
  const clients = await reflectedClients(server.address);
  const publish = async (n) => {
    const started = now();
    const res = await call(clients.WebhookEventService, 'PublishEvent',
      { integrator_id: integrator, event_type: 'payment.created', data: `{"n":${n},"amount":1999}` },
      { key: publisher });
    if (res.err) throw res.err;
    return { id: res.res.event_id, started };
  };

  // Baseline: what the receiver itself takes (wrk, 64 connections, POST).
  let receiverRate = NaN;
  try {
    const lua = path.join(data.dir, 'post.lua');
    writeFileSync(lua, 'wrk.method = "POST"\nwrk.body = \'{"id":"x"}\'\n');
    // Asynchronously: the receiver answers from this process's event loop.
    const { stdout: out } = await promisify(execFile)('wrk', ['-t2', '-c64', '-d5s', '-s', lua, url],
      { encoding: 'utf8' });
    receiverRate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  } catch { /* wrk missing: no baseline */ }

  // Latency, not saturated: one event at a time, 100 per second.
  const latencies = [];
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    const { id, started } = await publish(i);
    await waitFor(() => arrivals.has(id), 10000);
    latencies.push(arrivals.get(id) - started);
    await new Promise((r) => setTimeout(r, 10));
  }

  // Throughput, saturated: 32 publishers as fast as they can.
  arrivals.clear();
  const ids = [];
  const t0 = now();
  let next = 0;
  await Promise.all(Array.from({ length: PUBLISHERS }, async () => {
    while (next < THROUGHPUT_EVENTS) {
      const n = next++;
      ids.push((await publish(n)).id);
    }
  }));
  const published = now();
  const all = await waitFor(() => ids.every((id) => arrivals.has(id)), 120000);
  const done = Math.max(...ids.map((id) => arrivals.get(id) ?? now()));
  clients.close();

  const rate = (THROUGHPUT_EVENTS / (done - t0)) * 1000;
  console.log(`machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, store sqlite, 16 workers`);
  console.log(`latency publish->delivery (${LATENCY_EVENTS} events, 100/s): ` +
    `p50=${percentile(latencies, 50).toFixed(1)}ms p99=${percentile(latencies, 99).toFixed(1)}ms`);
  console.log(`throughput: ${THROUGHPUT_EVENTS} events published in ${(published - t0).toFixed(0)}ms, ` +
    `all delivered=${all} in ${(done - t0).toFixed(0)}ms: ${rate.toFixed(0)} deliveries/s`);
  console.log(`receiver baseline (wrk, 64 connections): ${receiverRate.toFixed(0)} req/s; ` +
    `deliveries/receiver=${(rate / receiverRate).toFixed(2)}`);
} finally {
  await server.stop();
  receiver.close();
  data.remove();
}
