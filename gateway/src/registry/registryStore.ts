import type { Pool, PoolClient } from 'pg';
import type { CheckedChange } from './schemaChanges';

/** One subgraph as registered: where the gateway routes to it and its schema. */
export interface RegisteredSubgraph {
  name: string;
  url: string;
  sdl: string;
}

export interface RegistryVersion {
  version: number;
  createdAt: Date;
  author: string;
  action: 'publish' | 'rollback';
  /** The subgraph a publish changed (null for a rollback). */
  subgraph: string | null;
  routingUrl: string | null;
  subgraphs: RegisteredSubgraph[];
  supergraphSdl: string;
  changes: CheckedChange[];
  forced: boolean;
  forceReason: string | null;
  /** For a rollback: the version whose supergraph it restored. */
  restoredVersion: number | null;
}

export type NewRegistryVersion = Omit<RegistryVersion, 'version' | 'createdAt'>;

interface VersionRow {
  version: number;
  created_at: Date;
  author: string;
  action: 'publish' | 'rollback';
  subgraph: string | null;
  routing_url: string | null;
  subgraphs: RegisteredSubgraph[];
  supergraph_sdl: string;
  changes: CheckedChange[];
  forced: boolean;
  force_reason: string | null;
  restored_version: number | null;
}

const COLUMNS = 'version, created_at, author, action, subgraph, routing_url, subgraphs, supergraph_sdl, changes, forced, force_reason, restored_version';
/** Serializes publishes and rollbacks across processes (transaction-scoped advisory lock). */
const PUBLISH_LOCK_KEY = 1_765_440_000;

function fromRow(row: VersionRow): RegistryVersion {
  return {
    version: row.version,
    createdAt: row.created_at,
    author: row.author,
    action: row.action,
    subgraph: row.subgraph,
    routingUrl: row.routing_url,
    subgraphs: row.subgraphs,
    supergraphSdl: row.supergraph_sdl,
    changes: row.changes,
    forced: row.forced,
    forceReason: row.force_reason,
    restoredVersion: row.restored_version,
  };
}

/** What a serialized registry change sees: the current version, and how to add the next one. */
export interface RegistryWriter {
  latest: RegistryVersion | null;
  append(entry: NewRegistryVersion): Promise<RegistryVersion>;
}

/** The registry's history in PostgreSQL: versions are only ever added. */
export class RegistryStore {
  constructor(private readonly pool: Pool) {}

  async latest(client: Pool | PoolClient = this.pool): Promise<RegistryVersion | null> {
    const { rows } = await client.query<VersionRow>(`SELECT ${COLUMNS} FROM schema_registry.versions ORDER BY version DESC LIMIT 1`);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** Only the number and the supergraph: what a following gateway needs. */
  async latestSupergraph(): Promise<{ version: number; supergraphSdl: string } | null> {
    const { rows } = await this.pool.query<{ version: number; supergraph_sdl: string }>(
      'SELECT version, supergraph_sdl FROM schema_registry.versions ORDER BY version DESC LIMIT 1',
    );
    return rows[0] ? { version: rows[0].version, supergraphSdl: rows[0].supergraph_sdl } : null;
  }

  async version(version: number): Promise<RegistryVersion | null> {
    const { rows } = await this.pool.query<VersionRow>(`SELECT ${COLUMNS} FROM schema_registry.versions WHERE version = $1`, [version]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** Newest first. */
  async history(limit = 50): Promise<RegistryVersion[]> {
    const { rows } = await this.pool.query<VersionRow>(`SELECT ${COLUMNS} FROM schema_registry.versions ORDER BY version DESC LIMIT $1`, [limit]);
    return rows.map(fromRow);
  }

  /** Runs one registry change at a time; nothing is stored unless `work` appends and succeeds. */
  async serialized<T>(work: (writer: RegistryWriter) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [PUBLISH_LOCK_KEY]);
      const latest = await this.latest(client);
      const result = await work({
        latest,
        append: async (entry) => {
          const { rows } = await client.query<VersionRow>(
            `INSERT INTO schema_registry.versions
               (version, author, action, subgraph, routing_url, subgraphs, supergraph_sdl, changes, forced, force_reason, restored_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             RETURNING ${COLUMNS}`,
            [
              (latest?.version ?? 0) + 1,
              entry.author,
              entry.action,
              entry.subgraph,
              entry.routingUrl,
              JSON.stringify(entry.subgraphs),
              entry.supergraphSdl,
              JSON.stringify(entry.changes),
              entry.forced,
              entry.forceReason,
              entry.restoredVersion,
            ],
          );
          return fromRow(rows[0]!);
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
