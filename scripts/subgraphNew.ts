import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
// A narrow entry, not the @hub/core barrel, which loads the whole kit (seconds of CPU).
import { readSupergraphEntries, SUPERGRAPH_CONFIG_FILE } from '@hub/core/supergraphEntries';

/**
 * `npm run subgraph:new -- <name>`: a working subgraph on the core kit in `subgraphs/<name>/`
 * (from scripts/subgraphTemplate/), its line in supergraph.yaml with the next free port, and the
 * generated files brought up to date (package-lock.json, resolver types, supergraph.graphql,
 * docker-compose.yml). Nothing else needs an edit: everything else discovers the folder.
 */
const ROOT = resolve(__dirname, '..');
const TEMPLATE_DIR = join(__dirname, 'subgraphTemplate');
const TEMPLATE_SUFFIX = '.tmpl';
/** Lower-case words joined by dashes: a package name, a compose service, a PostgreSQL schema. */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Folders under subgraphs/, workspace packages (@hub/<name>) and services that are not subgraphs of their own. */
const RESERVED = new Set(['core', 'runtime', 'stack', 'testkit', 'gateway', 'dashboard', 'postgres', 'redis']);
/** The gateway's port: never given to a subgraph. */
const GATEWAY_PORT = 4000;

function words(name: string): string[] {
  return name.split('-');
}

/** The names the templates use, from `field-notes`: FieldNotes, fieldNotes, field_notes. */
function tokensFor(name: string): Record<string, string> {
  const pascal = words(name).map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  return {
    name,
    Pascal: pascal,
    camel: pascal[0]!.toLowerCase() + pascal.slice(1),
    schema: words(name).join('_'),
    // TypeORM orders migrations by this number.
    timestamp: String(Date.now()),
  };
}

function fill(text: string, tokens: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (placeholder, token: string) => {
    const value = tokens[token];
    if (value === undefined) throw new Error(`template placeholder ${placeholder} is unknown`);
    return value;
  });
}

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(join(dir, entry.name)) : entry.name.endsWith(TEMPLATE_SUFFIX) ? [join(dir, entry.name)] : [],
  );
}

function run(command: string, args: string[]): void {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });
}

function main(): void {
  const name = process.argv[2] ?? '';
  if (!NAME.test(name) || RESERVED.has(name)) {
    console.error('usage: npm run subgraph:new -- <name>   (lower-case words joined by dashes, e.g. field-notes)');
    process.exit(2);
  }
  const configPath = join(ROOT, SUPERGRAPH_CONFIG_FILE);
  const entries = readSupergraphEntries(configPath);
  const folder = join(ROOT, 'subgraphs', name);
  if (existsSync(folder) || entries.some((entry) => entry.name === name)) {
    console.error(`subgraph "${name}" exists already (subgraphs/${name} or ${SUPERGRAPH_CONFIG_FILE})`);
    process.exit(1);
  }
  const port = Math.max(GATEWAY_PORT, ...entries.map((entry) => entry.port)) + 1;

  const tokens = tokensFor(name);
  for (const template of templateFiles(TEMPLATE_DIR)) {
    const target = join(folder, fill(relative(TEMPLATE_DIR, template), tokens).slice(0, -TEMPLATE_SUFFIX.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, fill(readFileSync(template, 'utf8'), tokens));
  }
  const config = readFileSync(configPath, 'utf8');
  appendFileSync(
    configPath,
    `${config.endsWith('\n') ? '' : '\n'}  ${name}:\n    routing_url: http://127.0.0.1:${port}/graphql\n    schema:\n      file: ./subgraphs/${name}/schema.graphql\n`,
  );
  console.log(`subgraphs/${name}/ created; ${SUPERGRAPH_CONFIG_FILE}: ${name} on port ${port}`);

  // The new workspace into package-lock.json and node_modules (its dependencies are the kit's, already locked).
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
  run('npm', ['run', 'codegen']);
  run('npm', ['run', 'compose']);
  console.log(`\nDone. Try it: npx jest subgraphs/${name}, then npm start.`);
}

main();
