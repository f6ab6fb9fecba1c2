// The gateway serves any annotated API: the conformance API
// (tests/conformance/conformance.proto), every rule shape of
// google/api/http.proto, answered by an echo upstream and driven through
// integrator-gateway with routes from --descriptor_set and from reflection.
// Expected results follow http.proto; where grpc-gateway v2 and Envoy's
// transcoder differ, the case says which one we follow and why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { curl } from './lib/curl.mjs';
import { makeDataDir, startGateway } from './lib/harness.mjs';
import { startEchoUpstream, conformanceProto, googleapisDir } from './lib/echo_upstream.mjs';

// [name, method, target, body (or undefined), expected status, expected JSON subset]
const cases = [
  ['every scalar, enum, repeated, nested and well-known type from the query', 'GET',
    '/v1/messages/m1?i32=-5&i64=9007199254740993&u32=7&u64=18446744073709551615&s32=-3&f64=12' +
    '&dbl=1.5&flt=2.5&flag=true&text=hi%20there&data=aGk&color=RED&labels=a&labels=b&numbers=1' +
    '&numbers=2&sub.name=n&sub.level=3&start_time=2017-01-15T01:30:15.01Z&timeout=1.5s' +
    '&mask=a.b,c&count=5&enabled=false&note=x&colors=GREEN&colors=1',
    undefined, 200, {
      messageId: 'm1', i32: -5, i64: '9007199254740993', u32: 7, u64: '18446744073709551615',
      s32: -3, f64: '12', dbl: 1.5, flt: 2.5, flag: true, text: 'hi there', data: 'aGk=',
      color: 'RED', labels: ['a', 'b'], numbers: [1, 2], sub: { name: 'n', level: 3 },
      startTime: '2017-01-15T01:30:15.010Z', timeout: '1.500s', mask: 'a.b,c', count: 5,
      enabled: false, note: 'x', colors: ['GREEN', 'RED'],
    }],
  ['bytes in the URL-safe alphabet, unpadded (both references accept it)', 'GET',
    '/v1/messages/m1?data=-_8', undefined, 200, { data: '+/8=' }],
  ['an additional binding', 'GET', '/v1/users/u1/messages/m2', undefined, 200,
    { userId: 'u1', messageId: 'm2' }],
  ['nested fields in the path', 'GET', '/v1/shelves/s1/books/b1', undefined, 200,
    { shelf: { id: 's1', theme: '' }, book: { id: 'b1', title: '', author: '' } }],
  ['a single-segment variable decodes %2F', 'GET', '/v1/shelves/s1/books/b%2F1', undefined, 200,
    { book: { id: 'b/1', title: '', author: '' } }],
  ['a multi-segment variable', 'GET', '/v1/publishers/p1/books/b1', undefined, 200,
    { name: 'publishers/p1/books/b1' }],
  // http.proto: a multi-segment match keeps %2F escaped; both references agree.
  ['`**` takes the rest of the path', 'GET', '/v1/files/a/b%2Fc/d.txt', undefined, 200,
    { path: 'a/b%2Fc/d.txt' }],
  ['`**` followed by a literal and a variable', 'GET', '/v1/trees/oak/branch%2F2/leaves/l1',
    undefined, 200, { path: 'trees/oak/branch%2F2', name: 'l1' }],
  ['`**` taking no segment before its tail', 'GET', '/v1/trees/leaves/l2', undefined, 200,
    { path: 'trees', name: 'l2' }],
  ['`**` inside a variable with a tail and a verb', 'POST', '/v1/archives/a1/2024/11/items/i9:restore',
    undefined, 200, { name: 'archives/a1/2024/11/items/i9' }],
  ['the root template', 'GET', '/', undefined, 200, { name: '', path: '' }],
  ['a custom verb', 'POST', '/v1/messages/m1:cancel', undefined, 200, { messageId: 'm1' }],
  ['body "*"', 'POST', '/v1/messages', '{"messageId":"m9","text":"t","sub":{"name":"x"}}', 200,
    { messageId: 'm9', text: 't', sub: { name: 'x', level: 0 } }],
  ['an empty body on body "*" is {} (grpc-gateway and Envoy alike)', 'POST',
    '/v1/messages/m3:clear', '', 200, { messageId: 'm3', text: '' }],
  ['body naming a field, the path wins, PATCH with a field mask', 'PATCH',
    '/v1/books/b1?update_mask=title,author', '{"title":"Dune","id":"ignored"}', 200,
    { book: { id: 'b1', title: 'Dune', author: '' }, updateMask: 'title,author' }],
  ['body naming a repeated field', 'PUT', '/v1/tags/t1', '["x","y"]', 200,
    { id: 't1', tags: ['x', 'y'] }],
  ['response_body naming a message field', 'GET', '/v1/envelopes/b7', undefined, 200,
    { id: 'b7', title: '', author: '' }],
  ['response_body naming a repeated field is a JSON array', 'GET',
    '/v1/shelves/s1/books?page_size=2', undefined, 200,
    [{ id: 's1-0', title: 'T0', author: '' }, { id: 's1-1', title: 'T1', author: '' }]],
  ['an empty repeated response_body is []', 'GET', '/v1/shelves/s1/books', undefined, 200, []],
  ['DELETE', 'DELETE', '/v1/books/b1', undefined, 200, {}],
  // grpc-gateway v2 and Envoy (ignore_unknown_query_parameters off) both refuse.
  ['an unknown query parameter is a 400', 'GET', '/v1/messages/m1?nope=1', undefined, 400,
    { field: 'nope' }],
  ['a bad well-known value is a 400 naming the field', 'GET',
    '/v1/messages/m1?start_time=yesterday', undefined, 400, { field: 'startTime' }],
  ['a repeated body is exactly one JSON value', 'PUT', '/v1/tags/t1', '[],"id":"x"', 400, {}],
  ['a message field cannot come from the query', 'GET', '/v1/messages/m1?sub=x', undefined, 400,
    { field: 'sub' }],
];

function assertSubset(actual, expected, where) {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: length`);
    expected.forEach((e, i) => assertSubset(actual[i], e, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual),
      `${where}: an object, got ${JSON.stringify(actual)}`);
    for (const [key, value] of Object.entries(expected)) assertSubset(actual[key], value, `${where}.${key}`);
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

let upstream;
let data;
let descriptorSet;
before(async () => {
  data = makeDataDir('integrator-conformance-');
  descriptorSet = path.join(data.dir, 'conformance.pb');
  execFileSync('protoc', ['--include_imports', `--descriptor_set_out=${descriptorSet}`,
    `-I${path.dirname(conformanceProto)}`, `-I${googleapisDir}`, conformanceProto]);
  upstream = await startEchoUpstream(readFileSync(descriptorSet));
});
after(async () => {
  await upstream?.stop();
  data?.remove();
});

async function runSuite(mode, extraArgs) {
  const gateway = await startGateway(upstream.address, extraArgs);
  try {
    for (const [name, method, target, body, status, expected] of cases) {
      const res = await curl(`${gateway.baseUrl}${target}`, {
        method,
        body,
        headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
      });
      assert.equal(res.status, status, `${mode}: ${name}: ${res.status} ${res.body}`);
      assert.ok(res.json !== undefined, `${mode}: ${name}: JSON body: ${res.body}`);
      assertSubset(res.json, expected, `${mode}: ${name}`);
    }
    assert.equal(gateway.proc.exitCode, null, `${mode}: the gateway is alive after the suite`);
    assert.doesNotMatch(gateway.log(), /route not served/, `${mode}: every rule is served`);
  } finally {
    await gateway.stop();
  }
}

test('conformance through integrator-gateway with --descriptor_set', async () => {
  await runSuite('descriptor set', [`--descriptor_set=${descriptorSet}`]);
});

test('conformance through integrator-gateway with reflection', async () => {
  await runSuite('reflection', []);
});
