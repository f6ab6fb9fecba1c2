// Raw HTTP/1.1 over a socket, for the cases curl will not send: hostile
// framing, pipelining, slow clients. Bytes are latin1 both ways.
import net from 'node:net';

// Sends `first` on a new connection to `baseUrl`; resolves with everything
// received until the server closed the connection (closed: true) or
// `timeoutMs` passed (closed: false). `then` is written once the first
// response's header block has arrived.
export function rawExchange(baseUrl, first, { then, timeoutMs = 10000 } = {}) {
  const url = new URL(baseUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  let received = '';
  let sentThen = false;
  socket.on('data', (d) => {
    received += d.toString('latin1');
    if (then && !sentThen && /\r\n\r\n/.test(received)) {
      sentThen = true;
      socket.write(then);
    }
  });
  socket.on('error', () => { /* a reset after the answer is fine */ });
  socket.write(first);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { socket.destroy(); resolve({ received, closed: false }); }, timeoutMs);
    socket.on('close', () => { clearTimeout(timer); resolve({ received, closed: true }); });
  });
}

// The status codes of every response in `raw`, in order.
export function statusesOf(raw) {
  return [...raw.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}
