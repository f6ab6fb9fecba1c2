// The REST end-to-end suite, driven with curl. It is defined once and run
// against each way of serving REST: the gateway embedded in integrator-server,
// and the standalone integrator-gateway in front of a separate server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { curl } from './curl.mjs';
import { defineFramingTests } from './framing_tests.mjs';
import { rawExchange as exchangeRaw } from './raw_http.mjs';
import { makeDataDir, adminOk } from './harness.mjs';

const ROUTE = '/v1/integrator/webhook-secret';
const UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// A problem must follow RFC 9457 and the seed's schema, and leak nothing.
export function assertProblem(res, status, { forbidden = [] } = {}) {
  assert.equal(res.status, status, `HTTP status; body: ${res.body}`);
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.deepEqual(res.repeatedHeaders, [], 'no header is sent twice');
  assert.ok(res.json, `problem body is JSON: ${res.body}`);
  assert.equal(typeof res.json.title, 'string');
  assert.ok(res.json.title.length > 0);
  assert.equal(res.json.status, status, 'status member equals the HTTP status');
  assert.equal(typeof res.json.type, 'string');
  assert.match(res.json.instance, UUID);
  assert.equal(res.json.instance, `urn:uuid:${res.headers['x-request-id']}`);
  for (const needle of forbidden) {
    assert.ok(!res.body.includes(needle), `problem must not contain ${JSON.stringify(needle)}: ${res.body}`);
  }
}

// RFC 6750 challenge: Bearer, then comma-separated auth-params.
export function assertChallenge(res, { error } = {}) {
  const challenge = res.headers['www-authenticate'];
  assert.match(challenge, /^Bearer realm="integrator-api", scope="[^"]+"(, error="[a-z_]+")?$/, challenge);
  if (error) assert.ok(challenge.endsWith(`, error="${error}"`), challenge);
  else assert.ok(!challenge.includes('error='), challenge);
  assert.equal(res.json.realm, 'integrator-api');
  assert.equal(res.json.scope, 'write:webhook-secret');
}

// startTarget(data) -> {baseUrl, stop(), restart()}: the REST endpoint to test.
export function defineRestSuite(label, startTarget, extraTests) {
  const ctx = {};
  let target;
  let data;

  before(async () => {
    data = makeDataDir(`integrator-rest-${label}-`);
    ctx.data = data;
    target = await startTarget(data);
    ctx.target = target;
    ctx.integrator = await adminOk(data, ['create-integrator', '--name', 'Acme']);
    ctx.key = await adminOk(data, ['create-key', '--integrator', ctx.integrator, '--scopes', 'write:webhook-secret']);
    ctx.noScopeKey = await adminOk(data, ['create-key', '--service', 'ops', '--scopes', 'admin:integrators']);
    ctx.adminKey = await adminOk(data, ['create-key', '--service', 'billing', '--scopes', 'admin:integrators,write:webhook-secret']);
    const signing = (await adminOk(data, ['create-key', '--integrator', ctx.integrator, '--signing'])).split('\n');
    [ctx.integratorKey, ctx.apiSecret] = signing;
  });
  after(async () => {
    await target?.stop();
    data?.remove();
  });

  const put = (body, { key = ctx.key, headers = {}, method = 'PUT', contentType = 'application/json', path: p = ROUTE, ...rest } = {}) =>
    curl(`${target.baseUrl}${p}`, {
      method,
      body,
      headers: { ...(contentType ? { 'Content-Type': contentType } : {}), ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers },
      ...rest,
    });

  const signatureOf = async (bodyText) => {
    const bodyFile = path.join(data.dir, 'sig-body.json');
    writeFileSync(bodyFile, bodyText);
    return adminOk(data, ['sign-webhook', '--integrator', ctx.integrator, '--body_file', bodyFile]);
  };
  ctx.signatureOf = signatureOf;

  // The public contract's hmacAuth headers for one request.
  const signedHeaders = (method, target, body, { secret = ctx.apiSecret, timestamp = Date.now() } = {}) => {
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const toSign = `${timestamp}.${method}.${target}.${bodyHash}`;
    return {
      'X-Integrator-Key': ctx.integratorKey,
      'X-Timestamp': String(timestamp),
      'X-Signature': `sha256=${createHmac('sha256', secret).update(toSign).digest('hex')}`,
    };
  };
  ctx.signedHeaders = signedHeaders;

  test(`${label}: a correctly signed request sets the secret`, async () => {
    assert.match(ctx.integratorKey, /^int_[0-9a-f]+$/);
    const body = JSON.stringify({ secret: 'whsec_signed' });
    const res = await put(body, { key: null, headers: signedHeaders('PUT', ROUTE, body) });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(res.json, { secretConfigured: true });
    const check = '{"signed":true}';
    assert.equal(await signatureOf(check), createHmac('sha256', 'whsec_signed').update(check).digest('hex'));
    // The raw target, query part included, is what is signed, exactly as sent.
    const withQuery = `${ROUTE}?`;
    const res2 = await put(body, { key: null, path: withQuery, headers: signedHeaders('PUT', withQuery, body) });
    assert.equal(res2.status, 200, res2.body);
    const mismatched = await put(body, { key: null, path: withQuery, headers: signedHeaders('PUT', ROUTE, body) });
    assertProblem(mismatched, 401);
  });

  test(`${label}: a wrong signature, a stale timestamp and a replay are 401`, async () => {
    const body = '{"secret":"whsec_sig"}';
    const wrong = await put(body, { key: null, headers: signedHeaders('PUT', ROUTE, body, { secret: 'not-the-secret' }) });
    assertProblem(wrong, 401);
    assertChallenge(wrong, { error: 'invalid_token' });
    assert.equal(wrong.json.type, 'urn:problem-type:auth:invalid-signature');

    const stale = await put(body, { key: null, headers: signedHeaders('PUT', ROUTE, body, { timestamp: Date.now() - 301_000 }) });
    assertProblem(stale, 401);
    assertChallenge(stale, { error: 'invalid_token' });
    assert.equal(stale.json.type, 'urn:problem-type:auth:stale-timestamp');

    const headers = signedHeaders('PUT', ROUTE, body);
    assert.equal((await put(body, { key: null, headers })).status, 200);
    const replay = await put(body, { key: null, headers });
    assertProblem(replay, 401);
    assertChallenge(replay, { error: 'invalid_token' });
    assert.equal(replay.json.type, 'urn:problem-type:auth:replayed-signature');
    ctx.usedSignedHeaders = headers;
  });

  test(`${label}: a replayed signature is refused after a restart too`, async () => {
    target = await target.restart();
    ctx.target = target;
    const replay = await put('{"secret":"whsec_sig"}', { key: null, headers: ctx.usedSignedHeaders });
    assertProblem(replay, 401);
    assert.equal(replay.json.type, 'urn:problem-type:auth:replayed-signature');
  });

  test(`${label}: PUT and POST with a Bearer key set the secret`, async () => {
    for (const method of ['PUT', 'POST']) {
      const secret = `whsec_${method.toLowerCase()}_ünï`;
      const res = await put(JSON.stringify({ secret }), { method });
      assert.equal(res.status, 200, res.body);
      assert.match(res.headers['content-type'], /^application\/json/);
      assert.deepEqual(res.repeatedHeaders, [], 'no header is sent twice');
      assert.deepEqual(res.json, { secretConfigured: true });
      const body = '{"event":"test"}';
      assert.equal(await signatureOf(body), createHmac('sha256', secret).update(body).digest('hex'));
    }
  });

  test(`${label}: a form-encoded body works like JSON`, async () => {
    const res = await put('secret=whsec_form+value%21', { contentType: 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 200, res.body);
    const body = '{}';
    assert.equal(await signatureOf(body), createHmac('sha256', 'whsec_form value!').update(body).digest('hex'));
  });

  test(`${label}: Expect: 100-continue works`, async () => {
    const res = await put('{"secret":"whsec_continue"}', { headers: { Expect: '100-continue' } });
    assert.equal(res.status, 200, res.body);
    assert.ok(res.blocks.some((b) => b.startsWith('HTTP/1.1 100')), `interim 100: ${res.blocks}`);
  });

  test(`${label}: no credentials is a 401 challenge without an error parameter`, async () => {
    const res = await put('{"secret":"whsec_x"}', { key: null });
    assertProblem(res, 401);
    assertChallenge(res, {});
    assert.equal(res.json.type, 'urn:problem-type:auth:missing-credentials');
  });

  test(`${label}: a bad key is a 401 invalid_token`, async () => {
    for (const key of [`sk_live_${'B'.repeat(43)}`, 'nonsense']) {
      const res = await put('{"secret":"whsec_x"}', { key });
      assertProblem(res, 401, { forbidden: [key] });
      assertChallenge(res, { error: 'invalid_token' });
      assert.equal(res.json.type, 'urn:problem-type:auth:invalid-token');
    }
  });

  // Credentials are cached for 2 s (the admin tool is another process).
  test(`${label}: a key revoked with integrator-admin is refused within 5 s`, async () => {
    const doomed = await adminOk(data, ['create-key', '--integrator', ctx.integrator, '--scopes', 'write:webhook-secret']);
    assert.equal((await put('{"secret":"whsec_before"}', { key: doomed })).status, 200);
    await adminOk(data, ['revoke-key', doomed.slice(0, 16)]);
    const deadline = Date.now() + 5000;
    let res;
    do {
      res = await put('{"secret":"whsec_after"}', { key: doomed });
    } while (res.status !== 401 && Date.now() < deadline);
    assertProblem(res, 401);
    assert.equal(res.json.type, 'urn:problem-type:auth:invalid-token');
  });

  test(`${label}: a key without the scope is a 403 insufficient_scope`, async () => {
    const res = await put(JSON.stringify({ secret: 'whsec_x', integratorId: ctx.integrator }), { key: ctx.noScopeKey });
    assertProblem(res, 403);
    assert.match(res.headers['www-authenticate'], /error="insufficient_scope"$/);
  });

  test(`${label}: an admin naming an unknown integrator is a 404 with the resource`, async () => {
    const res = await put('{"secret":"whsec_x","integratorId":"itg_missing"}', { key: ctx.adminKey });
    assertProblem(res, 404);
    assert.equal(res.json.resourceType, 'integrator');
    assert.equal(res.json.resourceId, 'itg_missing');
  });

  test(`${label}: an internal caller without integratorId gets a 400 naming it`, async () => {
    const res = await put('{"secret":"whsec_x"}', { key: ctx.adminKey });
    assertProblem(res, 400);
    assert.equal(res.json.field, 'integratorId');
  });

  test(`${label}: bad bodies are 400 problems that name the field and leak nothing`, async () => {
    const cases = [
      // An empty body is read as {} (as grpc-gateway and Envoy do); the
      // service's own validation then names the missing field.
      ['', 'secret'],
      ['{}', 'secret'],
      ['{"secret":""}', 'secret'],
      ['{"secret":123}', 'secret'],
      ['{"secret":"whsec_leaky","extra":1}', 'extra'],
      [JSON.stringify({ secret: 'x'.repeat(1025) }), 'secret'],
    ];
    for (const [body, field] of cases) {
      const res = await put(body);
      assertProblem(res, 400, { forbidden: ['whsec_leaky', 'xxxxxxxxxx'] });
      assert.equal(res.json.field, field, body);
    }
    const malformed = [
      Buffer.from('{"secret":"whsec_leaky"'),
      Buffer.from('{"secret": whsec_leaky}'),
      Buffer.concat([Buffer.from('{"secret":"whsec_leaky'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    ];
    for (const body of malformed) {
      const res = await put(body);
      assertProblem(res, 400, { forbidden: ['whsec_leaky', 'Unexpected', 'Expected', 'invalid JSON'] });
    }
    const form = await put('secret=%FF%FE', { contentType: 'application/x-www-form-urlencoded' });
    assertProblem(form, 400);
  });

  test(`${label}: size limits answer 413 at once`, async () => {
    const big = await put(JSON.stringify({ secret: 'x'.repeat(1 << 20) }));
    assertProblem(big, 413);
    // A huge Content-Length with no body is refused from the header alone.
    const res = await curl(`${target.baseUrl}${ROUTE}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '1073741824', Authorization: `Bearer ${ctx.key}` },
      timeoutS: 30,
    });
    assertProblem(res, 413);
  });

  test(`${label}: wrong and multipart content types are 415`, async () => {
    const plain = await put('secret=x', { contentType: 'text/plain' });
    assertProblem(plain, 415);
    const multipart = await curl(`${target.baseUrl}${ROUTE}`, {
      method: 'PUT', headers: { Authorization: `Bearer ${ctx.key}` }, extra: ['-F', 'secret=whsec_x'],
    });
    assertProblem(multipart, 415);
    assert.match(multipart.json.detail, /multipart\/form-data is not supported/);
  });

  test(`${label}: routing: 405 with Allow, 404 route problem, trailing slash`, async () => {
    const get = await put(undefined, { method: 'GET', contentType: null });
    assertProblem(get, 405);
    assert.equal(get.headers.allow, 'POST, PUT');
    const unknown = await put('{}', { path: '/v1/nowhere' });
    assertProblem(unknown, 404);
    assert.equal(unknown.json.resourceType, 'route');
    assert.equal(unknown.json.resourceId, '/v1/nowhere');
    const slash = await put('{"secret":"whsec_x"}', { path: `${ROUTE}/` });
    assertProblem(slash, 404);
  });

  test(`${label}: a header block over 16 KiB is a 431`, async () => {
    const res = await put('{"secret":"whsec_x"}', { headers: { 'X-Padding': 'p'.repeat(17 * 1024) } });
    assertProblem(res, 431);
  });

  test(`${label}: illegal bytes in forwarded headers are a 400, not a crash`, async () => {
    for (const [name, value] of [
      ['X-Request-Id', 'abc\x7fdef'], ['X-Request-Id', 'caf\xe9'], ['Authorization', 'Bearer \xff\xfe'],
      ['Authorization', 'Bearer a\x01b'],
    ]) {
      const res = await put('{"secret":"whsec_x"}', { headers: { [name]: value }, key: null });
      assertProblem(res, 400);
    }
    const ok = await put('{"secret":"whsec_still_serving"}');
    assert.equal(ok.status, 200);
  });

  test(`${label}: X-Request-Id is honoured only as a UUID`, async () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const honoured = await put('{"secret":""}', { headers: { 'X-Request-Id': id } });
    assert.equal(honoured.json.instance, `urn:uuid:${id}`);
    const replaced = await put('{"secret":""}', { headers: { 'X-Request-Id': 'not-a-uuid' } });
    assert.match(replaced.json.instance, UUID);
  });

  test(`${label}: Accept without problem+json or */* gets application/json`, async () => {
    const res = await put('{"secret":""}', { headers: { Accept: 'application/json' } });
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type'], /^application\/json/);
    assert.equal(res.json.status, 400);
  });

  test(`${label}: a slowloris connection is cut off while others are served`, async () => {
    const url = new URL(target.baseUrl);
    const socket = net.connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (d) => { received += d.toString(); });
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write(`PUT ${ROUTE} HTTP/1.1\r\nHost: x\r\n`);
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
    try {
      const res = await put('{"secret":"whsec_during_slowloris"}');
      assert.equal(res.status, 200, 'a normal client is served meanwhile');
      await closed;
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    assert.ok(received.startsWith('HTTP/1.1 408'), `a 408 before the close: ${received}`);
    assert.match(received, /request-timeout/);
  });

  const rawExchange = async (first, then) =>
    (await exchangeRaw(target.baseUrl, first, { then })).received;

  test(`${label}: a slow second request on a kept-alive connection also gets its 408`, async () => {
    const body = '{"secret":""}';
    const received = await rawExchange(
      `PUT ${ROUTE} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
      `PUT ${ROUTE} HTTP/1.1\r\nHost: x\r\n`);
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [401, 408], received);
  });

  test(`${label}: a chunk line longer than the buffer is a 400, not a growing buffer`, async () => {
    const received = await rawExchange(
      `PUT ${ROUTE} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Transfer-Encoding: chunked\r\n\r\n1;${'x'.repeat(64 * 1024)}`);
    assert.ok(received.startsWith('HTTP/1.1 400'), `a 400, before any timeout: ${received.slice(0, 200)}`);
    const ok = await put('{"secret":"whsec_after_long_chunk_line"}');
    assert.equal(ok.status, 200);
  });

  test(`${label}: keep-alive and pipelined requests are answered in order`, async () => {
    const url = new URL(target.baseUrl);
    const socket = net.connect(Number(url.port), url.hostname);
    const bodies = ['{"secret":""}', '{"secret":"whsec_p2"}', 'not json'];
    let raw = '';
    socket.on('data', (d) => { raw += d.toString(); });
    const requests = bodies.map((b) => `PUT ${ROUTE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ctx.key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`).join('');
    socket.write(requests);
    const deadline = Date.now() + 10000;
    while ((raw.match(/HTTP\/1\.1 /g) ?? []).length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    socket.destroy();
    const statuses = [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [400, 200, 400]);
  });

  defineFramingTests(label, ctx, put);
  if (extraTests) extraTests(ctx, put);

  test(`${label}: after all of that the server still serves and never answered 500`, async () => {
    const res = await put('{"secret":"whsec_final"}');
    assert.equal(res.status, 200);
    for (const log of target.logs ? target.logs() : []) {
      assert.ok(!/ status=5\d\d/.test(log), `a 5xx was answered:\n${log.match(/.* status=5\d\d.*/)}`);
      assert.ok(!log.includes('whsec_'), 'a secret reached a log');
    }
  });
}
