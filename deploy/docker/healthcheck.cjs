// The image's HEALTHCHECK: GET /healthz (the process is alive) on the port this workspace serves,
// found as the service finds it: the variable it reads (PORT for the gateway, <NAME>_PORT for a
// subgraph), else the gateway's default, else the port of the subgraph's routing_url in the
// nearest supergraph.yaml above this file (/app/supergraph.yaml in the image). No list of services
// here: a new subgraph is checked on its port as soon as supergraph.yaml names it.
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { parse } = require('yaml');

const GATEWAY_DEFAULT_PORT = 4000;

function supergraphConfigPath(from) {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'supergraph.yaml'))) return join(dir, 'supergraph.yaml');
    if (dirname(dir) === dir) throw new Error('no supergraph.yaml above ' + from);
  }
}

/** The port the service of `workspace` (`gateway`, `subgraphs/<name>`) listens on under `env`. */
function healthcheckPort(workspace, env) {
  const name = workspace.split('/').pop();
  if (name === 'gateway') return Number(env.PORT || GATEWAY_DEFAULT_PORT);
  const variable = `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PORT`;
  if (env[variable]) return Number(env[variable]);
  const entry = parse(readFileSync(supergraphConfigPath(__dirname), 'utf8')).subgraphs?.[name];
  if (!entry) throw new Error(`${name} is not in supergraph.yaml and ${variable} is unset`);
  return Number(new URL(entry.routing_url).port);
}

module.exports = { healthcheckPort };

if (require.main === module) {
  let port;
  try {
    port = healthcheckPort(process.env.WORKSPACE || 'gateway', process.env);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) }).then(
    (response) => process.exit(response.ok ? 0 : 1),
    () => process.exit(1),
  );
}
