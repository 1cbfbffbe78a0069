import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { workspaceFolders } from './workspaces';

/**
 * `npm run build:workspaces [-- <workspace>...]` (the last step of `npm run build`): compiles each
 * given workspace, by default every npm workspace, to its own dist/ with `tsc -b` over their
 * tsconfig.build.json (project references put @hub/core first). The workspaces are discovered, so a
 * new `subgraphs/<name>/` is built without an edit elsewhere; one without tsconfig.build.json fails.
 */
const ROOT = resolve(__dirname, '../..');

function main(): void {
  const folders = process.argv.slice(2);
  const workspaces = folders.length > 0 ? folders : workspaceFolders(ROOT);
  const missing = workspaces.filter((workspace) => !existsSync(join(ROOT, workspace, 'tsconfig.build.json')));
  if (missing.length > 0) {
    console.error(`no tsconfig.build.json in: ${missing.join(', ')} (every workspace is compiled for its image)`);
    process.exit(1);
  }
  const configs = workspaces.map((workspace) => join(workspace, 'tsconfig.build.json'));
  console.log(`$ tsc -b ${configs.join(' ')}`);
  execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-b', ...configs], { cwd: ROOT, stdio: 'inherit' });
}

main();
