// Test harness: starts the real binaries on ports they pick themselves, and
// drives them with real clients. Every process and temporary folder a test
// makes is cleaned up by the test's own `after` hook via cleanup().
import { spawn, execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptorTypes from 'protobufjs/ext/descriptor/index.js';
import { GrpcReflection } from 'grpc-js-reflection-client';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const binDir = process.env.INTEGRATOR_BIN_DIR || path.join(repoRoot, 'build/bin');
const execFileAsync = promisify(execFile);

// A temporary data folder with its store and key paths.
export function makeDataDir(prefix = 'integrator-e2e-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    store: `sqlite:${path.join(dir, 'data/integrator.db')}`,
    keyFile: path.join(dir, 'data/master.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// Starts integrator-server; resolves once it logs its gRPC port. `nofile`
// runs it under that open-file limit (soft and hard), as `ulimit -n` would.
export function startServer(data, extraArgs = [], { nofile } = {}) {
  const args = [
    '--grpc_address=127.0.0.1:0',
    '--http_address=127.0.0.1:0',
    // Several servers run at once: each admin listener on a port of its own.
    '--admin_address=127.0.0.1:0',
    `--store=${data.store}`,
    `--master_key_file=${data.keyFile}`,
    ...extraArgs,
  ];
  const binary = path.join(binDir, 'integrator-server');
  const proc = nofile
    ? spawn('prlimit', [`--nofile=${nofile}:${nofile}`, binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let stopping = false;
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
    // A server that dies on its own is a finding: show why, whatever the test.
    if (!stopping) console.error(`# integrator-server exited unexpectedly (${code ?? signal}):\n${log}`);
    resolve({ code, signal });
  }));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 20000);
    proc.stderr.on('data', (chunk) => {
      log += chunk.toString();
      // Only a whole line counts: the port numbers may arrive in pieces.
      const match = /listening grpc_port=(\d+)(?: http_port=(\d+))?(?: admin_port=(\d+))? .*\n/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve({ port: Number(match[1]), httpPort: Number(match[2] ?? 0), adminPort: Number(match[3] ?? 0) });
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${log}`));
    });
  });
  return ready.then(({ port, httpPort, adminPort }) => ({
    proc,
    port,
    httpPort,
    adminPort,
    address: `127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${httpPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    exited,
    log: () => log,
    // Resolves once the log shows `pattern`; fails after `timeoutMs`.
    async waitForLog(pattern, timeoutMs = 5000) {
      for (const end = Date.now() + timeoutMs; Date.now() < end;) {
        if (pattern.test(log)) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`the server never logged ${pattern}:\n${log}`);
    },
    // Sends a signal the test expects the server to exit on.
    signal(name) {
      stopping = true;
      proc.kill(name);
    },
    async stop(signal = 'SIGTERM') {
      stopping = true;
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  }));
}

// Starts integrator-gateway in front of `upstream`; resolves once it serves
// its routes (or, with `waitForRoutes: false`, as soon as it listens: it
// answers 503 until its upstream is up).
export function startGateway(upstream, extraArgs = [], { waitForRoutes = true } = {}) {
  const proc = spawn(path.join(binDir, 'integrator-gateway'), [
    `--upstream=${upstream}`, '--http_address=127.0.0.1:0', '--admin_address=127.0.0.1:0', ...extraArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${log}`)), 20000);
    proc.stderr.on('data', (chunk) => {
      log += chunk.toString();
      const match = /listening http_port=(\d+)(?: admin_port=(\d+))? .*\n/.exec(log);
      if (match && (!waitForRoutes || /serving routes=\d+\n/.test(log))) {
        clearTimeout(timer);
        resolve({
          proc,
          exited,
          baseUrl: `http://127.0.0.1:${match[1]}`,
          adminUrl: `http://127.0.0.1:${match[2]}`,
          log: () => log,
          async stop(signal = 'SIGTERM') {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
            return exited;
          },
        });
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code ?? signal}) before listening:\n${log}`));
    });
  });
}

// Runs a server that is expected to refuse to start; returns its exit and log.
export async function runServerExpectingFailure(data, extraArgs = []) {
  try {
    await execFileAsync(path.join(binDir, 'integrator-server'), [
      '--grpc_address=127.0.0.1:0',
      '--http_address=127.0.0.1:0',
      '--admin_address=127.0.0.1:0',
      `--store=${data.store}`,
      `--master_key_file=${data.keyFile}`,
      ...extraArgs,
    ], { timeout: 20000 });
    return { code: 0, stderr: '' };
  } catch (e) {
    return { code: e.code, stderr: e.stderr };
  }
}

// Runs integrator-admin against the data folder. Resolves {code, stdout, stderr}.
export async function admin(data, args, { keyFile } = {}) {
  const full = [`--store=${data.store}`, `--master_key_file=${keyFile ?? data.keyFile}`, ...args];
  try {
    const { stdout, stderr } = await execFileAsync(path.join(binDir, 'integrator-admin'), full);
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export async function adminOk(data, args) {
  const r = await admin(data, args);
  if (r.code !== 0) throw new Error(`integrator-admin ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

// The gRPC package object of `symbol`, built from the files the server's
// reflection serves. They go to proto-loader as they came: the reflection
// client's own Descriptor first round-trips them through a protobufjs Root,
// whose export lists a custom option's extension twice ("duplicate id" on
// reload), a bug of that client that grpcurl does not share.
export async function packageFromReflection(reflection, symbol, options) {
  const files = await reflection.resolveDescriptorRecursive(await reflection.getProtoDescriptorBySymbol(symbol));
  const set = descriptorTypes.FileDescriptorSet.create({ file: Array.from(files.values()) });
  const bytes = Buffer.from(descriptorTypes.FileDescriptorSet.encode(set).finish());
  return grpc.loadPackageDefinition(protoLoader.loadFileDescriptorSetFromBuffer(bytes, options));
}

// Builds service clients from the server's reflection alone, as grpcurl does.
// `ca` (PEM) makes every channel TLS.
export async function reflectedClients(address, { ca } = {}) {
  const credentials = () => (ca ? grpc.credentials.createSsl(ca) : grpc.credentials.createInsecure());
  const reflection = new GrpcReflection(address, credentials());
  const services = await reflection.listServices();
  const clients = {};
  for (const name of ['integrator.v1.IntegratorService', 'integrator.v1.OperatorService',
    'integrator.v1.WebhookEventService', 'grpc.health.v1.Health']) {
    const pkg = await packageFromReflection(reflection, name,
      { keepCase: true, longs: String, enums: String, defaults: true });
    const Ctor = name.split('.').reduce((o, part) => o[part], pkg);
    clients[name.split('.').pop()] = new Ctor(address, credentials());
  }
  return {
    reflection,
    services,
    ...clients,
    close() {
      for (const client of Object.values(clients)) client.close();
    },
  };
}

// A CA and a server certificate for localhost and 127.0.0.1, made with the
// openssl command in `dir`: {ca, cert, key} paths.
export function makeTlsFiles(dir) {
  const files = {
    ca: path.join(dir, 'ca.pem'),
    cert: path.join(dir, 'server.pem'),
    key: path.join(dir, 'server.key'),
  };
  const caKey = path.join(dir, 'ca.key');
  const csr = path.join(dir, 'server.csr');
  const ext = path.join(dir, 'ext.cnf');
  const run = (args) => execFileSync('openssl', args, { stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test-ca',
    '-keyout', caKey, '-out', files.ca]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', files.key, '-out', csr]);
  writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run(['x509', '-req', '-in', csr, '-CA', files.ca, '-CAkey', caKey, '-CAcreateserial', '-days', '1',
    '-extfile', ext, '-out', files.cert]);
  return files;
}

// Calls a unary method; resolves {err, res, status} and never rejects.
export function call(client, method, request, { key, metadata = {}, deadlineMs = 10000 } = {}) {
  const md = new grpc.Metadata();
  if (key) md.set('authorization', `Bearer ${key}`);
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve) => {
    client[method](request, md, { deadline: Date.now() + deadlineMs }, (err, res) => {
      resolve({ err, res, code: err ? err.code : grpc.status.OK });
    });
  });
}

const googleapis = '/usr/share/gocode/src/github.com/gogo/googleapis';
let rpcTypes;
function loadRpcTypes() {
  if (rpcTypes) return rpcTypes;
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) =>
    target.startsWith('google/rpc/') ? path.join(googleapis, target) : protobuf.util.path.resolve(origin, target);
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
  rpcTypes = root;
  return root;
}

// Decodes the google.rpc.Status details of a gRPC error into
// {ErrorInfo, ResourceInfo, BadRequest} objects (absent ones are undefined).
export function errorDetails(err) {
  const raw = err?.metadata?.get('grpc-status-details-bin')?.[0];
  if (!raw) return {};
  const root = loadRpcTypes();
  const status = root.lookupType('google.rpc.Status').decode(raw);
  const out = { message: status.message };
  for (const any of status.details) {
    const typeName = any.type_url.split('/').pop();
    if (!typeName.startsWith('google.rpc.')) continue;
    const type = root.lookupType(typeName);
    out[typeName.split('.').pop()] = type.toObject(type.decode(any.value), { defaults: true });
  }
  return out;
}

export { grpc };
