// A real HTTP receiver for webhook tests, on loopback only: it records every
// request's method, path, headers and raw body bytes, and answers each path
// as the test says: a status code, {status, headers, body}, or 'hang' to
// never answer.
import http from 'node:http';

export async function startReceiver() {
  const requests = [];
  const hanging = [];
  // path -> (attemptNumberForPath) => status | {status, headers, body} | 'hang'
  const behaviours = new Map();
  const counts = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const n = (counts.get(req.url) ?? 0) + 1;
      counts.set(req.url, n);
      requests.push({
        method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks), at: Date.now(), n,
      });
      const answer = (behaviours.get(req.url) ?? (() => 200))(n);
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      const { status, headers = {}, body = 'received\n' } = typeof answer === 'object' ? answer : { status: answer };
      res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 30000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    requests,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    on(path, behaviour) { behaviours.set(path, behaviour); },
    to: (path) => requests.filter((r) => r.path === path),
    // Resolves once `predicate()` holds; rejects after `timeoutMs`.
    async waitFor(predicate, timeoutMs = 10000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
