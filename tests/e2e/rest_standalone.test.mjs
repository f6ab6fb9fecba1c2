// The same REST suite against the standalone integrator-gateway in front of a
// separate integrator-server (REST off), with routes learnt by reflection and
// a gateway:forward credential so its signed-request facts are trusted.
import { writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { defineRestSuite } from './lib/rest_suite.mjs';
import { startServer, startGateway, adminOk } from './lib/harness.mjs';

async function startStandalone(data) {
  const server = await startServer(data, ['--http_address=']);
  const keyFile = path.join(data.dir, 'gateway.key');
  if (!startStandalone.key) {
    startStandalone.key = await adminOk(data, ['create-key', '--service', 'edge-gateway', '--scopes', 'gateway:forward']);
  }
  writeFileSync(keyFile, `${startStandalone.key}\n`);
  chmodSync(keyFile, 0o600);
  const gateway = await startGateway(server.address, [`--gateway_key_file=${keyFile}`, '--header_timeout=1s']);
  return {
    baseUrl: gateway.baseUrl,
    logs: () => [server.log(), gateway.log()],
    async stop() {
      await gateway.stop();
      await server.stop();
    },
    async restart() {
      await gateway.stop();
      await server.stop();
      return startStandalone(data);
    },
  };
}

defineRestSuite('standalone', startStandalone);
