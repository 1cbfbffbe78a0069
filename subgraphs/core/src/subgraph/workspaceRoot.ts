import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder of the nearest package.json above `fromDir`: a workspace's own files (schema.graphql,
 * sample data) are found the same way from `src/` under tsx and from `dist/src/` when compiled.
 */
export function workspaceRoot(fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${fromDir}`);
  }
}
