import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';

/**
 * `npx tsx scripts/testkit/rewriteImports.ts`: points every relative import of the old test support
 * folders (`test/support/…`, `gateway/test/support/…`) at the @hub/testkit package, which holds them
 * now (`@hub/testkit/<file>`, `@hub/testkit/gateway/<file>`), and every path string that names a file
 * there from the checkout's root. Idempotent: re-run it after merging a branch that adds tests the
 * old way. Prints the files it changed.
 */
const ROOT = resolve(__dirname, '../..');
const MOVED: Array<{ from: string; to: string }> = [
  // The longer prefix first: gateway/test/support is not under test/support, but keep the order explicit.
  { from: 'gateway/test/support', to: '@hub/testkit/gateway' },
  { from: 'test/support', to: '@hub/testkit' },
];
const PATH_STRINGS: Array<{ from: string; to: string }> = [
  { from: 'gateway/test/support/', to: 'packages/testkit/src/gateway/' },
  { from: 'test/support/', to: 'packages/testkit/src/' },
];
/** The scaffold's templates are rendered into subgraphs/<name>/: their imports are relative to that. */
const TEMPLATE_FOLDER = 'scripts/subgraphTemplate';
const SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\(\s*|\bjest\.mock\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;
const PATH_STRING = /(['"`])((?:gateway\/)?test\/support\/[^'"`]*)\1/g;

function placedAt(file: string): string {
  return file.startsWith(`${TEMPLATE_FOLDER}/`) ? join('subgraphs/scaffolded', file.slice(TEMPLATE_FOLDER.length + 1)) : file;
}

function packageSpecifier(file: string, specifier: string): string | null {
  const target = relative(ROOT, resolve(ROOT, dirname(placedAt(file)), specifier)).split('\\').join('/');
  for (const { from, to } of MOVED) {
    if (target === from) return to;
    if (target.startsWith(`${from}/`)) return posix.join(to, target.slice(from.length + 1));
  }
  return null;
}

function rewrite(file: string, text: string): string {
  const imports = text.replace(SPECIFIER, (whole, lead: string, quote: string, specifier: string) => {
    const replacement = packageSpecifier(file, specifier);
    return replacement ? `${lead}${quote}${replacement}${quote}` : whole;
  });
  return imports.replace(PATH_STRING, (whole, quote: string, path: string) => {
    const moved = PATH_STRINGS.find(({ from }) => path.startsWith(from));
    return moved ? `${quote}${moved.to}${path.slice(moved.from.length)}${quote}` : whole;
  });
}

const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((file) => /\.(ts|mts|cts|tmpl)$/.test(file) && !file.startsWith('packages/testkit/') && !file.startsWith('scripts/testkit/'));
for (const file of files) {
  const path = join(ROOT, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    continue; // listed by git, deleted in the working tree
  }
  const rewritten = rewrite(file, text);
  if (rewritten === text) continue;
  writeFileSync(path, rewritten);
  console.log(file);
}
