// The conformance API's upstream: a grpc-js server that answers each call
// with the request it received (or a response built from it), so a test
// sees exactly what the gateway bound. It serves gRPC reflection (v1alpha)
// from the API's own FileDescriptorSet, file by file as protoc wrote them,
// as a C++ or Go server does. (@grpc/reflection re-synthesizes descriptors
// through protobufjs, which moves google.api.http into MethodOptions and
// breaks any real reflection client.)
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { repoRoot } from './harness.mjs';

export const conformanceProto = path.join(repoRoot, 'tests/conformance/conformance.proto');
export const googleapisDir = '/usr/share/gocode/src/github.com/gogo/googleapis';
const reflectionProto = '/usr/share/grpc-proto/grpc/reflection/v1alpha/reflection.proto';

// The raw FileDescriptorProto bytes of a FileDescriptorSet (field 1,
// length-delimited), kept byte for byte.
function splitFiles(set) {
  const files = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = set[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < set.length) {
    if (varint() !== 0x0a) throw new Error('not a FileDescriptorSet');
    const length = varint();
    files.push(set.subarray(at, at + length));
    at += length;
  }
  return files;
}

// name -> {bytes, deps}, and symbol -> file name.
function indexFiles(set) {
  const byName = new Map();
  const bySymbol = new Map();
  for (const bytes of splitFiles(set)) {
    const file = descriptor.FileDescriptorProto.decode(bytes);
    byName.set(file.name, { bytes, deps: file.dependency ?? [] });
    const prefix = file.package ? `${file.package}.` : '';
    const addMessages = (messages, scope) => {
      for (const m of messages ?? []) {
        bySymbol.set(`${scope}${m.name}`, file.name);
        addMessages(m.nestedType, `${scope}${m.name}.`);
        for (const e of m.enumType ?? []) bySymbol.set(`${scope}${m.name}.${e.name}`, file.name);
      }
    };
    addMessages(file.messageType, prefix);
    for (const e of file.enumType ?? []) bySymbol.set(`${prefix}${e.name}`, file.name);
    for (const s of file.service ?? []) {
      bySymbol.set(`${prefix}${s.name}`, file.name);
      for (const m of s.method ?? []) bySymbol.set(`${prefix}${s.name}.${m.name}`, file.name);
    }
  }
  return { byName, bySymbol };
}

function reflectionHandler(set, services) {
  const { byName, bySymbol } = indexFiles(set);
  // A file and everything it imports, each once.
  const withDeps = (name, out = new Map()) => {
    const file = byName.get(name);
    if (!file || out.has(name)) return out;
    out.set(name, file.bytes);
    for (const dep of file.deps) withDeps(dep, out);
    return out;
  };
  const answer = (request) => {
    const base = { valid_host: request.host, original_request: request };
    const name = request.file_by_filename ?? bySymbol.get(request.file_containing_symbol);
    if (request.list_services !== undefined) {
      return { ...base, list_services_response: { service: services.map((s) => ({ name: s })) } };
    }
    if (name && byName.has(name)) {
      return { ...base, file_descriptor_response: { file_descriptor_proto: [...withDeps(name).values()] } };
    }
    return { ...base, error_response: { error_code: grpc.status.NOT_FOUND, error_message: 'not found' } };
  };
  return (call) => {
    call.on('data', (request) => call.write(answer(request)));
    call.on('end', () => call.end());
  };
}

// `descriptorSet`: the API's FileDescriptorSet (protoc --include_imports).
export async function startEchoUpstream(descriptorSet) {
  const options = { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true };
  const api = grpc.loadPackageDefinition(protoLoader.loadFileDescriptorSetFromBuffer(descriptorSet, options));
  const reflection = grpc.loadPackageDefinition(protoLoader.loadSync(reflectionProto, options));
  const server = new grpc.Server();
  const serviceName = 'conformance.v1.ConformanceService';
  server.addService(reflection.grpc.reflection.v1alpha.ServerReflection.service, {
    ServerReflectionInfo: reflectionHandler(descriptorSet, [serviceName, 'grpc.reflection.v1alpha.ServerReflection']),
  });
  const echo = (call, callback) => callback(null, call.request);
  server.addService(api.conformance.v1.ConformanceService.service, {
    GetMessage: echo,
    GetBook: echo,
    GetResource: echo,
    GetLeaf: echo,
    CancelMessage: echo,
    CreateMessage: echo,
    UpdateBook: echo,
    SetTags: echo,
    GetEnvelope: (call, callback) => callback(null, { book: call.request.book, etag: 'e1' }),
    ListBooks: (call, callback) => {
      const { shelf_id: shelf, page_size: size = 0 } = call.request;
      const books = Array.from({ length: size }, (_, i) => ({ id: `${shelf}-${i}`, title: `T${i}` }));
      callback(null, { books, next_page_token: 'next' });
    },
    DeleteBook: (call, callback) => callback(null, {}),
  });
  const port = await new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}
