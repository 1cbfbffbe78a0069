import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { workspaceFolders } from './workspaces';

/**
 * `npm run build:workspaces [-- <workspace>...]` (a step of `npm run build`): compiles each given
 * workspace, by default every npm workspace with a tsconfig.build.json (the services, @hub/runtime and @hub/core;
 * the dashboard is built by Vite instead), to its own dist/ with one `tsc -b` (project references
 * put @hub/runtime and @hub/core first). The workspaces are discovered, so a new `subgraphs/<name>/` is built
 * without an edit elsewhere.
 */
const ROOT = resolve(__dirname, '../..');
const BUILD_CONFIG = 'tsconfig.build.json';

function main(): void {
  const given = process.argv.slice(2);
  const workspaces = given.length > 0 ? given : workspaceFolders(ROOT).filter((workspace) => existsSync(join(ROOT, workspace, BUILD_CONFIG)));
  const missing = workspaces.filter((workspace) => !existsSync(join(ROOT, workspace, BUILD_CONFIG)));
  if (missing.length > 0 || workspaces.length === 0) {
    console.error(`no ${BUILD_CONFIG} in: ${missing.join(', ') || '(no workspace)'}`);
    process.exit(1);
  }
  const configs = workspaces.map((workspace) => join(workspace, BUILD_CONFIG));
  console.log(`$ tsc -b ${configs.join(' ')}`);
  execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-b', ...configs], { cwd: ROOT, stdio: 'inherit' });
}

main();
