import {
  BadUserInputError,
  CONFIG_CHANGED_EVENT,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  type ConfigChangedData,
  type UnitOfWork,
} from '@hub/core';
import type { ConfigSchemaRegistry } from './configSchemas';
import { isOperatorOwned } from './operatorOwnedConfigs';
import type { RateLimitCeilingRule } from './rateLimitCeiling';
import { findSecret, isSecretKeyName } from './secretDetector';

export interface ServiceConfigRecord {
  orgId: string | null;
  service: string;
  key: string;
  value: unknown;
  version: number;
  updatedAt: Date;
  updatedBy: string | null;
  /** Set when a platform operator wrote this version with the operator command (then updatedBy is null). */
  updatedByOperator: string | null;
}

export interface ConfigChangeRecord {
  orgId: string | null;
  service: string;
  key: string;
  version: number;
  oldValue: unknown;
  newValue: unknown;
  actor: string | null;
  /** The platform operator who made the change outside the graph; null for changes by a user. */
  operator: string | null;
  reason: string;
  changedAt: Date;
}

/**
 * Where a config is written and by whom. A tenant's config is written by the unit's caller
 * (`actor` is the unit's user). A platform operator, whom the history names, writes global
 * configs and the operator-owned configs of one organization (operatorOwnedConfigs.ts), only in
 * a unit running as the operator role (the database refuses everyone else).
 */
export type ConfigTarget =
  | { scope: 'organization'; operator?: undefined }
  | { scope: 'global' | 'organization'; operator: string };

export interface SetConfigInput {
  service: string;
  key: string;
  value: unknown;
  /** The version the caller last saw (0: the key must not exist yet); absent: last write wins. */
  expectedVersion?: number | null;
  reason: string;
}

export interface ConfigHistoryFilter {
  service?: string | null;
  key?: string | null;
  actorId?: string | null;
  from?: Date | null;
  to?: Date | null;
  limit: number;
}

const SERVICE = /^[a-z][a-z0-9-]{0,62}$/;
const KEY = /^[a-zA-Z][a-zA-Z0-9_.-]{0,127}$/;
/** Configs are small settings, not documents. */
const MAX_VALUE_BYTES = 64 * 1024;
/** Same rule as the database's CHECK on `config_history.operator`. */
const OPERATOR = /^[A-Za-z0-9][A-Za-z0-9._@+:/-]{0,99}$/;

interface ConfigRow {
  org_id: string | null;
  service: string;
  key: string;
  value: unknown;
  version: number;
  updated_at: Date;
  updated_by: string | null;
  updated_by_operator: string | null;
}

interface HistoryRow {
  org_id: string | null;
  service: string;
  key: string;
  version: number;
  old_value: unknown;
  new_value: unknown;
  actor: string | null;
  operator: string | null;
  reason: string;
  changed_at: Date;
}

const toRecord = (row: ConfigRow): ServiceConfigRecord => ({
  orgId: row.org_id,
  service: row.service,
  key: row.key,
  value: row.value,
  version: row.version,
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
  updatedByOperator: row.updated_by_operator,
});

const CONFIG_COLUMNS = 'org_id, service, key, value, version, updated_at, updated_by, updated_by_operator';

/**
 * Versioned service configs (seed area D): one transaction bumps the version, appends the
 * history row and writes the change event (`{service, key, version}`, never the value).
 */
export class ConfigService {
  constructor(
    private readonly schemas: ConfigSchemaRegistry,
    private readonly rateLimitCeiling: RateLimitCeilingRule,
  ) {}

  /**
   * Sets a config of the unit's organization, or a global one for an operator (see ConfigTarget).
   * Writers of one key are serialized, so versions have no gaps.
   */
  async set(unit: UnitOfWork, input: SetConfigInput, target: ConfigTarget): Promise<ServiceConfigRecord> {
    this.validate(input);
    const orgId = target.scope === 'global' ? null : unit.scope.orgId;
    if (target.scope === 'organization' && !orgId) throw new BadUserInputError('A tenant config needs an organization');
    // An operator is nobody in the users table: the history names them in a column of their own.
    const operator = target.operator ?? null;
    const actor = operator === null ? unit.scope.userId : null;
    if (operator !== null && !OPERATOR.test(operator)) {
      throw new BadUserInputError('operator must be 1 to 100 letters, digits or . _ @ + : / - (starting with a letter or digit)', {
        field: 'operator',
      });
    }
    const operatorOwned = isOperatorOwned(input.service, input.key);
    if (operatorOwned && operator === null) {
      throw new ForbiddenError(`${input.service}/${input.key} is set by the platform operators, not by the organization`);
    }
    if (orgId && operator !== null && !operatorOwned) {
      throw new BadUserInputError(
        `${input.service}/${input.key} of an organization belongs to its admins (setConfig); operators set it globally`,
      );
    }
    if (orgId && operator === null && this.rateLimitCeiling.appliesTo(input.service, input.key)) {
      await this.rateLimitCeiling.check(unit, orgId, input.value);
    }
    const { manager } = unit;
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `config/${orgId ?? 'global'}/${input.service}/${input.key}`,
    ]);
    const [current] = (await manager.query(
      `SELECT ${CONFIG_COLUMNS} FROM service_configs
        WHERE org_id IS NOT DISTINCT FROM $1 AND service = $2 AND key = $3 FOR UPDATE`,
      [orgId, input.service, input.key],
    )) as ConfigRow[];
    const currentVersion = current?.version ?? 0;
    if (input.expectedVersion !== undefined && input.expectedVersion !== null && input.expectedVersion !== currentVersion) {
      throw new ConflictError(
        `Config ${input.service}/${input.key} is at version ${currentVersion}, not ${input.expectedVersion}; reload and retry`,
      );
    }
    const version = currentVersion + 1;
    const valueJson = JSON.stringify(input.value);
    const written = (await manager.query(
      current
        ? `UPDATE service_configs SET value = $4::jsonb, version = $5, updated_at = now(), updated_by = $6, updated_by_operator = $7
            WHERE org_id IS NOT DISTINCT FROM $1 AND service = $2 AND key = $3
            RETURNING ${CONFIG_COLUMNS}`
        : `INSERT INTO service_configs (org_id, service, key, value, version, updated_by, updated_by_operator)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
            RETURNING ${CONFIG_COLUMNS}`,
      [orgId, input.service, input.key, valueJson, version, actor, operator],
    )) as ConfigRow[] | [ConfigRow[], number];
    // TypeORM answers UPDATE ... RETURNING with [rows, affected], INSERT ... RETURNING with rows.
    const row = current ? (written as [ConfigRow[], number])[0][0] : (written as ConfigRow[])[0];
    await manager.query(
      `INSERT INTO config_history (org_id, service, key, version, old_value, new_value, actor, operator, reason)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9)`,
      [
        orgId,
        input.service,
        input.key,
        version,
        current ? JSON.stringify(current.value) : null,
        valueJson,
        actor,
        operator,
        input.reason.trim(),
      ],
    );
    const data: ConfigChangedData = { service: input.service, key: input.key, version };
    await unit.emit({ type: CONFIG_CHANGED_EVENT, subject: `${input.service}/${input.key}`, orgId, data: { ...data } });
    return toRecord(row!);
  }

  /** The configs in effect for the unit's organization: its own, else the global value. */
  async effective(unit: UnitOfWork, service?: string | null): Promise<ServiceConfigRecord[]> {
    const rows = (await unit.manager.query(
      `SELECT DISTINCT ON (service, key) ${CONFIG_COLUMNS}
         FROM service_configs
        WHERE (org_id = $1 OR org_id IS NULL) AND ($2::text IS NULL OR service = $2)
        ORDER BY service, key, org_id NULLS LAST`,
      [unit.scope.orgId, service ?? null],
    )) as ConfigRow[];
    return rows.map(toRecord);
  }

  async one(unit: UnitOfWork, service: string, key: string): Promise<ServiceConfigRecord | null> {
    const rows = await this.effective(unit, service);
    return rows.find((row) => row.key === key) ?? null;
  }

  /**
   * A config exactly as a change event announced it (from the history, so a subscriber sees every
   * version even when changes follow each other faster than delivery), as this unit may see it.
   */
  async atVersion(unit: UnitOfWork, orgId: string | null, service: string, key: string, version: number): Promise<ServiceConfigRecord> {
    const [row] = (await unit.manager.query(
      `SELECT org_id, service, key, new_value AS value, version, changed_at AS updated_at, actor AS updated_by,
              operator AS updated_by_operator
         FROM config_history WHERE org_id IS NOT DISTINCT FROM $1 AND service = $2 AND key = $3 AND version = $4`,
      [orgId, service, key, version],
    )) as ConfigRow[];
    if (!row) throw new NotFoundError(`Config ${service}/${key} version ${version} not found`);
    return toRecord(row);
  }

  /** Audit: changes of the unit's organization (and global ones), newest first. */
  async history(unit: UnitOfWork, filter: ConfigHistoryFilter): Promise<ConfigChangeRecord[]> {
    const rows = (await unit.manager.query(
      `SELECT org_id, service, key, version, old_value, new_value, actor, operator, reason, changed_at
         FROM config_history
        WHERE (org_id = $1 OR org_id IS NULL)
          AND ($2::text IS NULL OR service = $2)
          AND ($3::text IS NULL OR key = $3)
          AND ($4::uuid IS NULL OR actor = $4)
          AND ($5::timestamptz IS NULL OR changed_at >= $5)
          AND ($6::timestamptz IS NULL OR changed_at < $6)
        ORDER BY changed_at DESC, id DESC
        LIMIT $7`,
      [
        unit.scope.orgId,
        filter.service ?? null,
        filter.key ?? null,
        filter.actorId ?? null,
        filter.from ?? null,
        filter.to ?? null,
        filter.limit,
      ],
    )) as HistoryRow[];
    return rows.map((row) => ({
      orgId: row.org_id,
      service: row.service,
      key: row.key,
      version: row.version,
      oldValue: row.old_value,
      newValue: row.new_value,
      actor: row.actor,
      operator: row.operator,
      reason: row.reason,
      changedAt: row.changed_at,
    }));
  }

  private validate(input: SetConfigInput): void {
    if (!SERVICE.test(input.service)) throw new BadUserInputError('service must match ^[a-z][a-z0-9-]{0,62}$');
    if (!KEY.test(input.key)) throw new BadUserInputError('key must match ^[a-zA-Z][a-zA-Z0-9_.-]{0,127}$');
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > 500) throw new BadUserInputError('reason must be 1 to 500 characters');
    if (input.expectedVersion !== undefined && input.expectedVersion !== null && input.expectedVersion < 0) {
      throw new BadUserInputError('expectedVersion cannot be negative');
    }
    if (input.value === undefined || input.value === null) throw new BadUserInputError('value is required');
    if (Buffer.byteLength(JSON.stringify(input.value)) > MAX_VALUE_BYTES) {
      throw new BadUserInputError(`value is larger than ${MAX_VALUE_BYTES} bytes`);
    }
    if (isSecretKeyName(input.key)) {
      throw new BadUserInputError('Configs are not a secret store: the key is named like a secret', { reason: 'SECRET_REFUSED' });
    }
    const secret = findSecret(input.value);
    if (secret) throw new BadUserInputError(`Configs are not a secret store: ${secret}`, { reason: 'SECRET_REFUSED' });
    const invalid = this.schemas.check(input.service, input.key, input.value);
    if (invalid) throw new BadUserInputError(`value does not match the schema of ${input.service}/${input.key}: ${invalid}`);
  }
}
