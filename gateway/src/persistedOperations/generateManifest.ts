import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildOperationManifest } from './operationManifest';

async function graphqlFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return graphqlFiles(child);
      return Promise.resolve(/\.(graphql|gql)$/.test(entry.name) ? [child] : []);
    }),
  );
  return nested.flat().sort();
}

/**
 * `npm run persisted-manifest -w gateway -- <out.json> <file-or-dir>...`: writes the safelist
 * the gateway reads from GATEWAY_PERSISTED_OPERATIONS, and prints operation name → hash for clients.
 */
async function main(argv: string[]): Promise<void> {
  const [out, ...inputs] = argv;
  if (!out || inputs.length === 0) throw new Error('usage: generateManifest <out.json> <file-or-dir>...');
  const files = (await Promise.all(inputs.map((input) => graphqlFiles(resolve(input))))).flat();
  const documents = await Promise.all(files.map((file) => readFile(file, 'utf8')));
  const { manifest, byName } = buildOperationManifest(documents);
  await writeFile(resolve(out), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(byName, null, 2)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
