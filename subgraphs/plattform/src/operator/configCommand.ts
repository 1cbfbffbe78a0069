import { parseArgs } from 'node:util';
import { DomainError, type DatabaseSettings } from '@hub/core';
import { ConfigSchemaRegistry } from '../configs/configSchemas';
import { ConfigService, type ConfigChangeRecord, type ServiceConfigRecord } from '../configs/configService';
import { openOperatorDatabase, type OperatorDatabase } from './operatorDatabase';

export const CONFIG_COMMAND_USAGE = `Global service configs (org_id NULL: every tenant reads them unless it sets its own).

  npm run config -w @hub/plattform -- set <service> <key> <json> --global --reason "<why>"
                                          [--expected-version <n>] [--operator <name>]
  npm run config -w @hub/plattform -- get [<service> [<key>]] --global
  npm run config -w @hub/plattform -- history [--service <s>] [--key <k>] [--limit <n>] --global

<json> is a JSON value: 100, true, '"text"', '{"limit":100,"windowSeconds":60}' (put -- before
a negative number). DATABASE_URL must be the admin connection. The change is recorded under
--operator, else $HUB_OPERATOR, else your login name; tenants see that name in configHistory.
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
 * The operator path for global configs. It goes through the same ConfigService as `setConfig`,
 * so validation, the secret refusal, versioning, config_history and the outbox event
 * (`plattform.config.changed` on the global channel) are exactly those of a tenant's change.
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
    // Tenant configs belong to their tenant's admins (setConfig in the graph); the operator
    // command says so by insisting on the scope it writes.
    if (!values.global) throw new UsageError('only global configs can be changed here: add --global');
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
        const record = await database.run({ orgId: null, userId: null }, (unit) =>
          configs.set(unit, input, { scope: 'global', operator }),
        );
        output.out(configLine(record));
      };
    } else if (command === 'get') {
      if (rest.length > 2) throw new UsageError('get takes at most <service> <key>');
      const [service, key] = rest;
      run = async (configs, { database }) => {
        const records = await database.run({ orgId: null, userId: null }, (unit) => configs.effective(unit, service ?? null));
        for (const record of records.filter((found) => key === undefined || found.key === key)) output.out(configLine(record));
      };
    } else if (command === 'history') {
      if (rest.length > 0) throw new UsageError('history takes no positional arguments (use --service and --key)');
      const limit = parseInteger('limit', values.limit, 1, HISTORY_LIMIT.max) ?? HISTORY_LIMIT.default;
      run = async (configs, { database }) => {
        const changes = await database.run({ orgId: null, userId: null }, (unit) =>
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
    await run(new ConfigService(new ConfigSchemaRegistry()), operatorDb);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const reason = typeof error.details?.reason === 'string' ? `/${error.details.reason}` : '';
    output.err(`refused [${error.code}${reason}]: ${error.message}`);
    return 1;
  } finally {
    await operatorDb.close();
  }
}
