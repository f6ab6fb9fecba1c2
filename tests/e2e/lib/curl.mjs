// curl as the REST client of the end-to-end tests: real HTTP/1.1 on loopback.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Runs curl; resolves {status, headers, repeatedHeaders, body, json, exit}.
// Headers are lower-cased; with several header blocks (100 Continue), the
// last one wins. repeatedHeaders names those the last block carries twice.
export function curl(url, { method = 'PUT', headers = {}, body, bodyFile, extra = [], timeoutS = 20 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'curl-'));
  const headerFile = path.join(dir, 'headers');
  const bodyOut = path.join(dir, 'body');
  const args = ['-sS', '-X', method, '-D', headerFile, '-o', bodyOut, '-w', '%{http_code}',
    '--max-time', String(timeoutS)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  if (body !== undefined) args.push('--data-binary', '@-');
  if (bodyFile !== undefined) args.push('--data-binary', `@${bodyFile}`);
  args.push(...extra, url);
  return new Promise((resolve) => {
    const child = execFile('curl', args, { encoding: 'latin1', maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) console.error(`# curl ${method} ${url} failed (${err.code}): ${stderr}`);
      let rawHeaders = '';
      let rawBody = Buffer.alloc(0);
      try { rawHeaders = readFileSync(headerFile, 'latin1'); } catch { /* none */ }
      try { rawBody = readFileSync(bodyOut); } catch { /* none */ }
      rmSync(dir, { recursive: true, force: true });
      const blocks = rawHeaders.split(/\r\n\r\n/).filter((b) => b.startsWith('HTTP/'));
      const last = blocks[blocks.length - 1] ?? '';
      const parsed = {};
      const repeatedHeaders = [];
      for (const line of last.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i <= 0) continue;
        const name = line.slice(0, i).trim().toLowerCase();
        if (name in parsed) repeatedHeaders.push(name);
        parsed[name] = line.slice(i + 1).trim();
      }
      const text = rawBody.toString('utf8');
      let json;
      try { json = JSON.parse(text); } catch { json = undefined; }
      resolve({ status: Number(stdout) || 0, headers: parsed, repeatedHeaders, blocks, body: text, rawBody, json, exit: err?.code ?? 0 });
    });
    if (body !== undefined) child.stdin.end(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  });
}
