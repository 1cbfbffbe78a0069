// The image's HEALTHCHECK: GET /healthz (the process is alive) on the port this workspace serves.
// The port comes from the same variable the service reads (PORT for the gateway, <NAME>_PORT for
// a subgraph), else the service's default (kept equal to the code by test/deploy/dockerImage.test.ts).
const DEFAULT_PORTS = { gateway: 4000, plattform: 4001, 'risk-hub': 4002, trading: 4003, agent: 4004 };

const name = (process.env.WORKSPACE || 'gateway').split('/').pop();
const variable = name === 'gateway' ? 'PORT' : `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PORT`;
const port = process.env[variable] || DEFAULT_PORTS[name];

fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
