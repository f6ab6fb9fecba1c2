// The REST suite against the gateway embedded in integrator-server.
import { defineRestSuite } from './lib/rest_suite.mjs';
import { startServer } from './lib/harness.mjs';

async function startEmbedded(data) {
  const server = await startServer(data, ['--header_timeout=1s']);
  const target = {
    baseUrl: server.baseUrl,
    stop: () => server.stop(),
    logs: () => [server.log()],
    async restart() {
      await server.stop();
      return startEmbedded(data);
    },
  };
  return target;
}

defineRestSuite('embedded', startEmbedded);
