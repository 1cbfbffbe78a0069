import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPOSITORY_ROOT } from './repositoryRoot';

const ROOT = REPOSITORY_ROOT;

export interface ScratchCheckout {
  root: string;
  /** `git status --porcelain` paths (untracked folders listed file by file). */
  changedPaths(): string[];
  remove(): void;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=scratch', '-c', 'user.email=scratch@example.test', ...args], { cwd, encoding: 'utf8' });
}

/**
 * A copy of this checkout (tracked and unignored files, as they are now, plus installed packages and
 * the workspaces' build outputs where present, both ignored) in a temporary directory, committed in
 * a git repository of its own, so a command's changes show in `git status`. The workspace links in
 * node_modules are relative, so in the copy they point at the copy's folders.
 */
export function createScratchCheckout(): ScratchCheckout {
  const root = mkdtempSync(join(tmpdir(), 'hub-scratch-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(root, file));
  }
  // Installed packages as hard links (no data copied): npm may add to the copy's trees without
  // touching this checkout's, since it replaces files rather than writing into them. The one
  // file it rewrites in place, its record of the tree, is copied for real.
  const installed = ['node_modules', 'gateway/node_modules', ...readdirSync(join(ROOT, 'subgraphs')).map((name) => `subgraphs/${name}/node_modules`)];
  for (const dir of installed.filter((candidate) => existsSync(join(ROOT, candidate)))) {
    execFileSync('cp', ['-al', join(ROOT, dir), join(root, dir)]);
  }
  // Build outputs (`npm run build` leaves dist/ and tsc's build info in each workspace), copied for
  // real: a built checkout has them, and `tsc -b` then skips workspaces whose sources match their
  // build info instead of compiling @hub/core again. It writes into them, so no hard links.
  const workspaces = ['gateway', 'dashboard', ...['packages', 'subgraphs'].flatMap((group) => readdirSync(join(ROOT, group)).map((name) => `${group}/${name}`))];
  for (const dist of workspaces.map((workspace) => `${workspace}/dist`).filter((candidate) => existsSync(join(ROOT, candidate)))) {
    execFileSync('cp', ['-a', join(ROOT, dist), join(root, dist)]);
  }
  const treeRecord = join('node_modules', '.package-lock.json');
  if (existsSync(join(ROOT, treeRecord))) {
    rmSync(join(root, treeRecord));
    copyFileSync(join(ROOT, treeRecord), join(root, treeRecord));
  }
  git(root, ['init', '-q']);
  // node_modules is ignored as in this checkout (its .gitignore is copied).
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'scratch']);
  return {
    root,
    changedPaths: () =>
      git(root, ['status', '--porcelain', '--untracked-files=all'])
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(3)),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
