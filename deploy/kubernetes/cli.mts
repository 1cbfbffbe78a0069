import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import type { ManifestObject } from './models.mjs';
import { InvalidManifests, manifestProblems, renderManifests } from './render.mjs';
import { readSubgraphCatalog } from './subgraphCatalog.mjs';
import { DEFAULT_VALUES, mergeValues, type HubValues } from './values.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function toYaml(objects: ManifestObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}

/**
 * `npm run deploy:render -- [--values <file.yaml>]... [--set <path>=<json>]... [--out <dir>]`:
 * renders, validates and writes `<dir>/1-migrations.yaml` and `<dir>/2-graph.yaml` (or both to
 * stdout without --out). Exits 1 naming every problem when an object is invalid.
 * `npm run deploy:render -- --check <file.yaml>...`: validates manifests already rendered.
 */
function main(): void {
  const argv = process.argv.slice(2);
  let values: HubValues = DEFAULT_VALUES;
  let out: string | undefined;
  const checks: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const next = () => argv[(index += 1)] ?? '';
    if (arg === '--values') values = mergeValues(values, parseAllDocuments(readFileSync(next(), 'utf8'))[0]?.toJS());
    else if (arg === '--set') {
      const [path = '', ...json] = next().split('=');
      const override = path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), JSON.parse(json.join('=')));
      values = mergeValues(values, override);
    } else if (arg === '--out') out = next();
    else if (arg === '--check') checks.push(next());
    else throw new Error(`unknown argument ${arg}`);
  }
  if (checks.length > 0) {
    const objects = checks.flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as ManifestObject)).filter(Boolean);
    const problems = manifestProblems(objects);
    if (problems.length > 0) throw new InvalidManifests(problems);
    console.log(`${objects.length} objects valid`);
    return;
  }
  const supergraphSdl = readFileSync(join(ROOT, 'supergraph.graphql'), 'utf8');
  const rendered = renderManifests(values, readSubgraphCatalog(ROOT), supergraphSdl);
  if (!out) {
    process.stdout.write(`${toYaml(rendered.migrations)}---\n${toYaml(rendered.graph)}`);
    return;
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, '1-migrations.yaml'), toYaml(rendered.migrations));
  writeFileSync(join(out, '2-graph.yaml'), toYaml(rendered.graph));
  console.error(`wrote ${join(out, '1-migrations.yaml')} (${rendered.migrations.length} objects), ${join(out, '2-graph.yaml')} (${rendered.graph.length} objects)`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
