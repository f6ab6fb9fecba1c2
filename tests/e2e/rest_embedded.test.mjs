// The REST suite against the gateway embedded in integrator-server.
import { defineRestSuite } from './lib/rest_suite.mjs';
import { startServer } from './lib/harness.mjs';

defineRestSuite('embedded', async (data) => {
  const server = await startServer(data, ['--header_timeout=1s']);
  return { baseUrl: server.baseUrl, stop: () => server.stop(), logs: () => [server.log()], server };
});
