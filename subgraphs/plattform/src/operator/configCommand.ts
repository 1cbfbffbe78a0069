import { parseArgs } from 'node:util';
import { DomainError, isUuid, type DatabaseSettings } from '@hub/core';
import { ConfigSchemaRegistry } from '../configs/configSchemas';
import { ConfigService, type ConfigChangeRecord, type ServiceConfigRecord } from '../configs/configService';
import { OPERATOR_OWNED_CONFIGS } from '../configs/operatorOwnedConfigs';
import { RateLimitCeilingRule } from '../configs/rateLimitCeiling';
import { staticRateLimitCeiling } from '../config';
import { openOperatorDatabase, type OperatorDatabase } from './operatorDatabase';

export const CONFIG_COMMAND_USAGE = `Global service configs (org_id NULL: every tenant reads them unless it sets its own), and the
operator-owned configs of one organization (${OPERATOR_OWNED_CONFIGS.map((owned) => `${owned.service}/${owned.key}`).join(', ')}).

  npm run config -w @hub/plattform -- set <service> <key> <json> (--global | --org <id>) --reason "<why>"
                                          [--expected-version <n>] [--operator <name>]
  npm run config -w @hub/plattform -- get [<service> [<key>]] (--global | --org <id>)
  npm run config -w @hub/plattform -- history [--service <s>] [--key <k>] [--limit <n>] (--global | --org <id>)

<json> is a JSON value: 100, true, '"text"', '{"limit":100,"windowSeconds":60}' (put -- before
a negative number). With --org, get shows the configs in effect for that organization and history
its changes (with the global ones); set writes only operator-owned keys there. DATABASE_URL must be
the admin connection. The change is recorded under --operator, else $HUB_OPERATOR, else your login
name; tenants see that name in configHistory.
Output: one JSON object per line. Exit codes: 0 done, 1 refused (code and reason on stderr), 2 usage.`;

export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

export interface ConfigCommandOptions {
  /** plattform's database settings; only `adminUrl` and `schema` are used. */
  database: DatabaseSettings;
  /** Who the change is recorded for when `--operator` is not given. */
  defaultOperator: string;
  output: CommandOutput;
}

class UsageError extends Error {}

const HISTORY_LIMIT = { default: 50, max: 1000 };
/** PostgreSQL: a foreign key found no row (here: no organization with that id). */
const FOREIGN_KEY_VIOLATION = '23503';

/** The organization a command acts on (--org), or null for the global configs (--global). */
function parseScope(global: boolean | undefined, org: string | undefined): string | null {
  if (global && org !== undefined) throw new UsageError('give either --global or --org <id>, not both');
  if (org !== undefined) {
    if (!isUuid(org)) throw new UsageError(`--org must be an organization id (a UUID), got ${org}`);
    return org.toLowerCase();
  }
  // Tenant configs belong to their tenant's admins (setConfig in the graph); the operator
  // command says so by insisting on the scope it writes.
  if (!global) throw new UsageError('say which configs: --global, or --org <id> for operator-owned ones');
  return null;
}

function isForeignKeyViolation(error: unknown): boolean {
  const cause = (error as { driverError?: { code?: unknown }; code?: unknown } | null) ?? {};
  return cause.code === FOREIGN_KEY_VIOLATION || cause.driverError?.code === FOREIGN_KEY_VIOLATION;
}

function parseInteger(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${flag} must be an integer from ${min} to ${max}`);
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`the value must be JSON, e.g. 100, true, '"text"' or '{"limit":100}' (got ${text})`);
  }
}

const configLine = (record: ServiceConfigRecord) =>
  JSON.stringify({
    scope: record.orgId ? 'ORGANIZATION' : 'GLOBAL',
    service: record.service,
    key: record.key,
    value: record.value,
    version: record.version,
    updatedAt: record.updatedAt,
    updatedByOperator: record.updatedByOperator,
  });

const historyLine = (change: ConfigChangeRecord) =>
  JSON.stringify({
    service: change.service,
    key: change.key,
    version: change.version,
    oldValue: change.oldValue,
    newValue: change.newValue,
    operator: change.operator,
    actor: change.actor,
    reason: change.reason,
    changedAt: change.changedAt,
  });

/**
 * The operator path for global configs and the operator-owned configs of one organization
 * (e.g. its rate limit ceiling). It goes through the same ConfigService as `setConfig`,
 * so validation, the secret refusal, versioning, config_history and the outbox event
 * (`plattform.config.changed` on the global or the organization's channel) are exactly those of a tenant's change.
 * Returns the process exit code.
 */
export async function runConfigCommand(argv: readonly string[], options: ConfigCommandOptions): Promise<number> {
  const { output } = options;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        global: { type: 'boolean' },
        org: { type: 'string' },
        reason: { type: 'string' },
        'expected-version': { type: 'string' },
        operator: { type: 'string' },
        service: { type: 'string' },
        key: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    output.err(`${(error as Error).message}\n\n${CONFIG_COMMAND_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') {
    output.out(CONFIG_COMMAND_USAGE);
    return 0;
  }
  if (command === undefined) {
    output.err(CONFIG_COMMAND_USAGE);
    return 2;
  }

  let run: (configs: ConfigService, operatorDb: OperatorDatabase) => Promise<void>;
  try {
    const orgId = parseScope(values.global, values.org);
    const scope = { orgId, userId: null };
    if (command === 'set') {
      if (rest.length !== 3) throw new UsageError('set needs <service> <key> <json>');
      const [service, key, json] = rest as [string, string, string];
      if (!values.reason) throw new UsageError('set needs --reason "<why>" (kept in the history)');
      const input = {
        service,
        key,
        value: parseJson(json),
        expectedVersion: parseInteger('expected-version', values['expected-version'], 0, 2 ** 31 - 1),
        reason: values.reason,
      };
      const operator = values.operator ?? options.defaultOperator;
      run = async (configs, { database }) => {
        const record = await database.run(scope, (unit) =>
          configs.set(unit, input, { scope: orgId ? 'organization' : 'global', operator }),
        );
        output.out(configLine(record));
      };
    } else if (command === 'get') {
      if (rest.length > 2) throw new UsageError('get takes at most <service> <key>');
      const [service, key] = rest;
      run = async (configs, { database }) => {
        const records = await database.run(scope, (unit) => configs.effective(unit, service ?? null));
        for (const record of records.filter((found) => key === undefined || found.key === key)) output.out(configLine(record));
      };
    } else if (command === 'history') {
      if (rest.length > 0) throw new UsageError('history takes no positional arguments (use --service and --key)');
      const limit = parseInteger('limit', values.limit, 1, HISTORY_LIMIT.max) ?? HISTORY_LIMIT.default;
      run = async (configs, { database }) => {
        const changes = await database.run(scope, (unit) =>
          configs.history(unit, { service: values.service ?? null, key: values.key ?? null, limit }),
        );
        for (const change of changes) output.out(historyLine(change));
      };
    } else {
      throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`${error.message}\n\n${CONFIG_COMMAND_USAGE}`);
    return 2;
  }

  let operatorDb;
  try {
    operatorDb = await openOperatorDatabase(options.database);
  } catch (error) {
    output.err(
      `cannot act as the config operator: ${(error as Error).message}\n` +
        'DATABASE_URL must be the admin connection of the plattform database, migrated (npm run migrate).',
    );
    return 1;
  }
  try {
    await run(new ConfigService(new ConfigSchemaRegistry(), new RateLimitCeilingRule(staticRateLimitCeiling())), operatorDb);
    return 0;
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      output.err(`refused [NOT_FOUND]: no organization ${values.org ?? ''}`);
      return 1;
    }
    if (!(error instanceof DomainError)) throw error;
    const reason = typeof error.details?.reason === 'string' ? `/${error.details.reason}` : '';
    output.err(`refused [${error.code}${reason}]: ${error.message}`);
    return 1;
  } finally {
    await operatorDb.close();
  }
}
