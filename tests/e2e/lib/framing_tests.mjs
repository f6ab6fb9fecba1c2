// Hostile HTTP/1.1 framing against the REST face (RFC 9112): request
// smuggling through Transfer-Encoding, Host rules, absolute-form targets,
// and the 503 over the connection cap. Part of the REST suite, so it runs
// against the embedded and the standalone gateway alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { rawExchange, statusesOf } from './raw_http.mjs';

const ROUTE = '/v1/integrator/webhook-secret';

// ctx: {target, key, signatureOf}; put(body, opts) sends a PUT with curl.
export function defineFramingTests(label, ctx, put) {
  const base = () => ctx.target.baseUrl;
  const authorizedPut = (body, target = ROUTE) =>
    `PUT ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ctx.key}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const storedSecretIs = async (secret) => {
    const probe = '{"probe":1}';
    return (await ctx.signatureOf(probe)) === createHmac('sha256', secret).update(probe).digest('hex');
  };

  test(`${label}: a body behind a Transfer-Encoding that is not chunked is never read as a request`, async () => {
    const before = await put('{"secret":"whsec_before_smuggling"}');
    assert.equal(before.status, 200);
    const smuggled = authorizedPut('{"secret":"whsec_smuggled"}');
    const variants = ['gzip', 'identity', 'xchunked', 'chunked, identity', 'chunked, gzip', ''];
    for (const te of variants) {
      const { received, closed } = await rawExchange(base(),
        `GET ${ROUTE} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n` +
        `Content-Length: ${Buffer.byteLength(smuggled)}\r\n\r\n${smuggled}`);
      assert.deepEqual(statusesOf(received), [400], `TE "${te}" with Content-Length: ${received}`);
      assert.ok(closed, `TE "${te}": the connection closes`);
      // The probe as reported: no Content-Length at all.
      const bare = await rawExchange(base(),
        `GET ${ROUTE} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n\r\n${smuggled}`);
      assert.deepEqual(statusesOf(bare.received), [400], `TE "${te}": ${bare.received}`);
      assert.ok(bare.closed, `TE "${te}": the connection closes`);
      assert.match(bare.received, /\r\nconnection: close\r\n/i);
      assert.match(bare.received, /content-type: application\/problem\+json/i);
    }
    assert.ok(await storedSecretIs('whsec_before_smuggling'), 'the smuggled secret was not stored');
  });

  test(`${label}: chunked in any letter case still carries the body`, async () => {
    for (const te of ['chunked', 'Chunked', 'CHUNKED']) {
      const body = `{"secret":"whsec_chunked_${te}"}`;
      const chunk = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      const { received } = await rawExchange(base(),
        `PUT ${ROUTE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ctx.key}\r\n` +
        `Content-Type: application/json\r\nTransfer-Encoding: ${te}\r\nConnection: close\r\n\r\n${chunk}`);
      assert.deepEqual(statusesOf(received), [200], received);
      assert.ok(await storedSecretIs(`whsec_chunked_${te}`));
    }
  });

  test(`${label}: HTTP/1.1 needs exactly one Host`, async () => {
    const body = '{"secret":"whsec_host_rule"}';
    const request = (hostLines) =>
      `PUT ${ROUTE} HTTP/1.1\r\n${hostLines}Authorization: Bearer ${ctx.key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    for (const hosts of ['', 'Host: a\r\nHost: b\r\n', 'Host: a\r\nHost: a\r\n']) {
      const { received, closed } = await rawExchange(base(), request(hosts));
      assert.deepEqual(statusesOf(received), [400], `${JSON.stringify(hosts)}: ${received}`);
      assert.match(received, /invalid-host/);
      assert.ok(closed);
    }
    assert.ok(!(await storedSecretIs('whsec_host_rule')));
    // HTTP/1.0 may omit it.
    const { received } = await rawExchange(base(), request('').replace('HTTP/1.1', 'HTTP/1.0'));
    assert.deepEqual(statusesOf(received), [200], received);
  });

  test(`${label}: an absolute-form target is served as its path`, async () => {
    const { received } = await rawExchange(base(),
      authorizedPut('{"secret":"whsec_absolute"}', `http://127.0.0.1${ROUTE}`).replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
    assert.deepEqual(statusesOf(received), [200], received);
    assert.ok(await storedSecretIs('whsec_absolute'));
    const other = await rawExchange(base(), authorizedPut('{"secret":"whsec_ftp"}', `ftp://127.0.0.1${ROUTE}`));
    assert.deepEqual(statusesOf(other.received), [400], other.received);
  });

  test(`${label}: nesting 8,000 deep is a 400 problem before anything else`, async () => {
    const deep = `{"secret":${'['.repeat(8000)}${']'.repeat(8000)}}`;
    const res = await put(deep, { key: null });
    assert.equal(res.status, 400, res.body);
    assert.match(res.json.type, /invalid-body/);
    assert.match(res.json.detail, /nested too deeply/);
  });
}
