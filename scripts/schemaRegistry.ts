import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEventBus, createLogger, envInt, envOptional } from '@hub/runtime';
import {
  fetchSubgraphSdl,
  readSupergraphConfig,
  registryDatabaseSettings,
  registryPool,
  RegistryStore,
  SchemaPublisher,
  UnknownVersionError,
  RoutingUrlRequiredError,
  checkSchema,
  composeSupergraph,
  type CheckedChange,
  type SchemaCheckReport,
} from '@hub/gateway/registry';
import { migrateRegistry } from '@hub/gateway/migrations';

/**
 * `npm run schema:check|schema:publish|schema:rollback|schema:history -- …` (docs/schema-registry.md,
 * *Schema registry and checks*). Exit codes are part of the contract: CI scripts branch on them.
 */
const EXIT = {
  ok: 0,
  /** The command could not run: database, network, unreadable file. */
  failure: 1,
  /** Bad arguments, unknown subgraph or version. */
  usage: 2,
  /** The proposed schema does not compose with the others. */
  composition: 3,
  /** A breaking change takes away something clients used. */
  breakingUsed: 4,
} as const;

class UsageError extends Error {}

const USAGE = `usage:
  schema:check    -- <subgraph> [--schema <file> | --introspect] [--url <routing url>] [--manifest <file>]... [--days <n>] [--json]
  schema:publish  -- <subgraph> --url <routing url> [--schema <file> | --introspect] [--manifest <file>]... [--days <n>]
                     [--force --reason "<why>"] [--author <name>] [--json]
  schema:rollback -- <version> [--author <name>]
  schema:history  [-- --limit <n>] [--json]`;

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        schema: { type: 'string' },
        url: { type: 'string' },
        introspect: { type: 'boolean', default: false },
        manifest: { type: 'string', multiple: true, default: [] },
        days: { type: 'string' },
        force: { type: 'boolean', default: false },
        reason: { type: 'string' },
        author: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(EXIT.usage);
  }
})();

function positiveInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function author(): string {
  return values.author ?? envOptional('SCHEMA_AUTHOR') ?? `${userInfo().username}@${hostname()}`;
}

async function proposedSdl(subgraph: string, registeredUrl: string | undefined): Promise<string> {
  if (values.schema) return readFile(resolve(values.schema), 'utf8');
  if (values.introspect) {
    const url = values.url ?? registeredUrl;
    if (!url) throw new UsageError(`--introspect needs --url for "${subgraph}"`);
    return fetchSubgraphSdl(subgraph, url);
  }
  const local = (await readSupergraphConfig(resolve('supergraph.yaml'))).subgraphs.find((entry) => entry.name === subgraph);
  if (!local) throw new UsageError(`"${subgraph}" is not in supergraph.yaml; give its schema with --schema <file>`);
  return readFile(local.schemaFile, 'utf8');
}

function describeChange(change: CheckedChange): string[] {
  const lines = [`  ${change.level.toUpperCase().padEnd(9)} ${change.message}${change.path ? `  [${change.path}]` : ''}`];
  if (change.level !== 'breaking') return lines;
  if (change.usedBy.length === 0) {
    lines.push('            warning: breaking, but no client used it in the window');
    return lines;
  }
  for (const use of change.usedBy) {
    const seen = use.count !== undefined ? ` (${use.count} executions, last ${use.lastSeen})` : '';
    lines.push(`            used by operation ${use.operation}, client ${use.client}${seen}`);
  }
  return lines;
}

function printReport(report: SchemaCheckReport, against: string): void {
  console.log(`checked against ${against}`);
  if (report.status === 'composition-failed') {
    console.log('composition: FAILED');
    for (const error of report.compositionErrors) console.log(`  - ${error}`);
    return;
  }
  console.log('composition: ok');
  const count = (level: string) => report.changes.filter((change) => change.level === level).length;
  console.log(`changes: ${count('breaking')} breaking, ${count('dangerous')} dangerous, ${count('safe')} safe`);
  // Safe changes only as a count (--json lists them): the breaking and dangerous ones are the news.
  for (const change of report.changes.filter((entry) => entry.level !== 'safe')) for (const line of describeChange(change)) console.log(line);
}

function exitFor(report: SchemaCheckReport): number {
  if (report.status === 'composition-failed') return EXIT.composition;
  return report.status === 'breaking-used' ? EXIT.breakingUsed : EXIT.ok;
}

async function main(): Promise<number> {
  const [command, target] = positionals;
  const settings = registryDatabaseSettings();
  // Idempotent; the admin connection (DATABASE_URL) is used for nothing else.
  await migrateRegistry(settings);
  const pool = registryPool(settings.appUrl, 3);
  const store = new RegistryStore(pool);
  const logger = createLogger('schema-registry');
  const usage = {
    manifests: [...(values.manifest ?? []), ...(envOptional('GATEWAY_PERSISTED_OPERATIONS') ? [envOptional('GATEWAY_PERSISTED_OPERATIONS')!] : [])],
    recorded: { pool, days: positiveInt(values.days, '--days', envInt('SCHEMA_USAGE_DAYS', 30)) },
  };
  try {
    switch (command) {
      case 'check': {
        if (!target) throw new UsageError('which subgraph?');
        const latest = await store.latest();
        // An empty registry: check against the local supergraph.yaml (development).
        const local = latest ? null : await readSupergraphConfig(resolve('supergraph.yaml'));
        const current = latest
          ? { subgraphs: latest.subgraphs, supergraphSdl: latest.supergraphSdl }
          : {
              subgraphs: await Promise.all(local!.subgraphs.map(async (entry) => ({ name: entry.name, url: entry.routingUrl, sdl: await readFile(entry.schemaFile, 'utf8') }))),
              supergraphSdl: await composeSupergraph(local!.subgraphs),
            };
        const sdl = await proposedSdl(target, current.subgraphs.find((entry) => entry.name === target)?.url);
        const report = await checkSchema({ current, proposed: { name: target, sdl, url: values.url }, usage });
        if (values.json) console.log(JSON.stringify({ status: report.status, compositionErrors: report.compositionErrors, changes: report.changes }, null, 2));
        else printReport(report, latest ? `registry version ${latest.version}` : 'supergraph.yaml (the registry is empty)');
        return exitFor(report);
      }
      case 'publish': {
        if (!target) throw new UsageError('which subgraph?');
        if (!values.url) throw new UsageError('--url <routing url> is required');
        if (values.force && !values.reason?.trim()) throw new UsageError('--force needs --reason "<why>" (it is recorded)');
        const latest = await store.latest();
        const sdl = await proposedSdl(target, latest?.subgraphs.find((entry) => entry.name === target)?.url);
        const bus = createEventBus({ redisUrl: envOptional('REDIS_URL'), logger });
        try {
          const result = await new SchemaPublisher(store, bus, logger).publish({
            subgraph: target,
            sdl,
            url: values.url,
            author: author(),
            force: values.force ? { reason: values.reason!.trim() } : undefined,
            usage,
          });
          if (values.json) console.log(JSON.stringify({ outcome: result.outcome, version: result.version?.version ?? null, status: result.report.status, compositionErrors: result.report.compositionErrors, changes: result.report.changes }, null, 2));
          else {
            printReport(result.report, latest ? `registry version ${latest.version}` : 'an empty registry');
            const messages = {
              published: `published version ${result.version?.version}`,
              forced: `published version ${result.version?.version} DESPITE used breaking changes (forced: "${values.reason}")`,
              unchanged: `nothing to publish: the supergraph is version ${result.version?.version} already`,
              refused: 'publish REFUSED: nothing was stored',
            };
            console.log(messages[result.outcome]);
          }
          return result.outcome === 'refused' ? exitFor(result.report) : EXIT.ok;
        } finally {
          await bus.close();
        }
      }
      case 'rollback': {
        const version = positiveInt(target, 'version', 0);
        const bus = createEventBus({ redisUrl: envOptional('REDIS_URL'), logger });
        try {
          const result = await new SchemaPublisher(store, bus, logger).rollback(version, author());
          console.log(
            result.outcome === 'rolled-back'
              ? `version ${result.version!.version} restores the supergraph of version ${version}`
              : `nothing to do: version ${version}'s supergraph is current (version ${result.version?.version})`,
          );
          return EXIT.ok;
        } finally {
          await bus.close();
        }
      }
      case 'history': {
        const versions = await store.history(positiveInt(values.limit, '--limit', 20));
        if (values.json) {
          console.log(JSON.stringify(versions.map(({ supergraphSdl: _sdl, subgraphs, ...rest }) => ({ ...rest, subgraphs: subgraphs.map(({ name, url }) => ({ name, url })) })), null, 2));
          return EXIT.ok;
        }
        if (versions.length === 0) console.log('the registry is empty');
        for (const entry of versions) {
          const what = entry.action === 'rollback' ? `rollback to version ${entry.restoredVersion}` : `publish ${entry.subgraph} (${entry.routingUrl})`;
          const count = (level: string) => entry.changes.filter((change) => change.level === level).length;
          const forced = entry.forced ? `  FORCED: ${entry.forceReason}` : '';
          console.log(`${String(entry.version).padStart(4)}  ${entry.createdAt.toISOString()}  ${entry.author}  ${what}  changes: ${count('breaking')} breaking, ${count('dangerous')} dangerous, ${count('safe')} safe${forced}`);
        }
        return EXIT.ok;
      }
      default:
        throw new UsageError(`unknown command "${command ?? ''}"`);
    }
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof UnknownVersionError || error instanceof RoutingUrlRequiredError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exit(EXIT.usage);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(EXIT.failure);
  },
);
