import { execFileSync } from 'node:child_process';

/**
 * The npm workspaces of the checkout at `root`, as npm itself resolves the root package.json's
 * `workspaces` globs (`gateway`, `subgraphs/<name>`): the one list of packages. Paths relative to root.
 */
export function workspaceFolders(root: string): string[] {
  const output = execFileSync('npm', ['query', '.workspace'], { cwd: root, encoding: 'utf8' });
  return (JSON.parse(output) as Array<{ location: string }>).map((workspace) => workspace.location).sort();
}
