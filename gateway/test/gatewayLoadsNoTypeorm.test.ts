import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The gateway runs on @hub/runtime only: its real entry point (src/main.ts), started in a fresh Node
 * process and asked one query, loads neither TypeORM nor reflect-metadata nor the subgraph kit
 * (@hub/core), and with its own executor (the default) not @apollo/gateway either: that tree is
 * about a quarter of a cold start's modules. Jest's module registry would hide this, hence the
 * child process (real `require`).
 */
const ROOT = resolve(__dirname, '../..');
const KIT_MODULES = [/[\\/]node_modules[\\/]typeorm[\\/]/, /[\\/]node_modules[\\/]reflect-metadata[\\/]/, /[\\/]subgraphs[\\/]core[\\/]/];
/** Loaded only for GATEWAY_EXECUTOR=stock (the reference executor). */
const STOCK_GATEWAY = /[\\/]node_modules[\\/]@apollo[\\/]gateway[\\/]/;

async function modulesLoadedByGateway(): Promise<string[]> {
  const out = join(await mkdtemp(join(tmpdir(), 'gateway-modules-')), 'loaded.json');
  const child = spawn(process.execPath, ['--require', join(ROOT, 'packages/testkit/src/gateway/recordLoadedModules.cjs'), '--import', 'tsx', 'gateway/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', LOADED_MODULES_FILE: out, CONFIG_DATABASE_URL: '', REGISTRY_DATABASE_URL: '' },
  });
  const exited = once(child, 'exit');
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start:\n${output}`)), 60_000);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /"url":"([^"]+)"[^\n]*"msg":"gateway ready"/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolveUrl(ready[1]!);
      }
    });
    child.once('exit', () => reject(new Error(`the gateway exited:\n${output}`)));
  });
  // One request: modules a plugin only requires when serving (the planner, for one) are loaded too.
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
  expect(response.status).toBe(200);
  child.kill('SIGTERM');
  await exited;
  return JSON.parse(await readFile(out, 'utf8')) as string[];
}

describe('the gateway process', () => {
  let loaded: string[];
  beforeAll(async () => {
    loaded = await modulesLoadedByGateway();
  }, 90_000);

  it('loads @hub/runtime and no TypeORM, reflect-metadata or @hub/core', () => {
    // The recording worked: the gateway's own modules and the runtime package are in the list.
    expect(loaded.some((path) => path.endsWith(join('gateway', 'src', 'server.ts')))).toBe(true);
    expect(loaded.some((path) => path.includes(join('packages', 'runtime', 'src')))).toBe(true);
    expect(loaded.filter((path) => KIT_MODULES.some((pattern) => pattern.test(path)))).toEqual([]);
  });

  it('with its own executor, loads the planner but not @apollo/gateway', () => {
    expect(loaded.some((path) => /[\\/]node_modules[\\/]@apollo[\\/]federation-internals[\\/]/.test(path))).toBe(true);
    expect(loaded.filter((path) => STOCK_GATEWAY.test(path))).toEqual([]);
  });
});
