import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';

/**
 * `npx tsx scripts/testkit/rewriteImports.ts`: first moves any file still in the old test support
 * folders (`test/support/…`, `gateway/test/support/…`, e.g. added by a branch merged later) into
 * packages/testkit/src (`git mv`, its own relative imports adjusted); then points every relative
 * import of those folders at the @hub/testkit package (`@hub/testkit/<file>`,
 * `@hub/testkit/gateway/<file>`), and every path string that names a file there from the checkout's
 * root. Idempotent. Prints what it moved and the files it changed.
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

const TESTKIT_SOURCE = 'packages/testkit/src';

/** Where a file of an old support folder lives in the package (null: not in one). */
function movedPath(file: string): string | null {
  for (const { from, to } of MOVED) {
    if (file.startsWith(`${from}/`)) return posix.join(TESTKIT_SOURCE, to.slice('@hub/testkit'.length), file.slice(from.length + 1));
  }
  return null;
}

/** Moves the old folders' files into the package; their relative imports keep pointing where they did. */
function moveLeftovers(): void {
  const tracked = execFileSync('git', ['ls-files', '-z', '--', ...MOVED.map(({ from }) => from)], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    const target = movedPath(file)!;
    if (existsSync(join(ROOT, target))) {
      console.error(`not moved: ${file} (${target} exists; merge the two by hand)`);
      continue;
    }
    const text = readFileSync(join(ROOT, file), 'utf8').replace(SPECIFIER, (whole, lead: string, quote: string, specifier: string) => {
      const pointsAt = relative(ROOT, resolve(ROOT, dirname(file), specifier)).split('\\').join('/');
      const inPackage = movedPath(pointsAt) ?? pointsAt;
      let moved = posix.relative(posix.dirname(target), inPackage);
      if (!moved.startsWith('.')) moved = `./${moved}`;
      return `${lead}${quote}${moved}${quote}`;
    });
    mkdirSync(dirname(join(ROOT, target)), { recursive: true });
    execFileSync('git', ['mv', file, target], { cwd: ROOT });
    writeFileSync(join(ROOT, target), text);
    console.log(`moved ${file} -> ${target}`);
  }
}

moveLeftovers();
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
