import { basename } from 'node:path';
import { parse, type GraphQLSchema } from 'graphql';
import type { Pool } from 'pg';
import { readOperationManifest } from '../persistedOperations/operationManifest';
import { operationCoordinates, selectedOperation } from '../usage/schemaCoordinates';
import type { ClientUse } from './schemaChanges';

/** Where clients' use of the graph is known: persisted-operation manifests and recorded usage. */
export interface ClientUsageSources {
  /** Manifest files (`{ "format": 1, "operations": … }`). */
  manifests: readonly string[];
  /** Recorded field usage (the gateways' `schema_registry.field_usage`); null → not consulted. */
  recorded: { pool: Pool; days: number } | null;
}

interface UsageRow {
  coordinate: string;
  operation_name: string;
  client_name: string;
  client_version: string;
  count: string;
  last_seen: string;
}

/** Operations of the manifests, by the coordinates they select in `schema` (the current graph). */
async function manifestUses(schema: GraphQLSchema, files: readonly string[], coordinates: ReadonlySet<string>): Promise<Map<string, ClientUse[]>> {
  const uses = new Map<string, ClientUse[]>();
  for (const file of files) {
    const manifest = await readOperationManifest(file);
    for (const [hash, body] of Object.entries(manifest.operations)) {
      const document = parse(body);
      const operation = selectedOperation(document);
      if (!operation) continue;
      const name = operation.name?.value ?? `(anonymous ${hash.slice(0, 12)})`;
      for (const coordinate of operationCoordinates(schema, document, operation)) {
        if (!coordinates.has(coordinate)) continue;
        const list = uses.get(coordinate) ?? [];
        list.push({ operation: name, client: `manifest:${basename(file)}` });
        uses.set(coordinate, list);
      }
    }
  }
  return uses;
}

/** Recorded executions in the last `days` days (today included), by coordinate. */
async function recordedUses(pool: Pool, days: number, coordinates: ReadonlySet<string>): Promise<Map<string, ClientUse[]>> {
  const uses = new Map<string, ClientUse[]>();
  if (coordinates.size === 0) return uses;
  const { rows } = await pool.query<UsageRow>(
    `SELECT coordinate, operation_name, client_name, client_version, sum(count)::text AS count, max(day)::text AS last_seen
       FROM schema_registry.field_usage
      WHERE coordinate = ANY($1) AND day > (now() AT TIME ZONE 'UTC')::date - $2::int
      GROUP BY coordinate, operation_name, client_name, client_version
      ORDER BY coordinate, sum(count) DESC`,
    [[...coordinates], days],
  );
  for (const row of rows) {
    const list = uses.get(row.coordinate) ?? [];
    list.push({ operation: row.operation_name, client: `${row.client_name}@${row.client_version}`, count: Number(row.count), lastSeen: row.last_seen });
    uses.set(row.coordinate, list);
  }
  return uses;
}

/** For each coordinate, the operations and clients that use it (manifests first, then recorded usage). */
export async function clientUses(schema: GraphQLSchema, coordinates: ReadonlySet<string>, sources: ClientUsageSources): Promise<Map<string, ClientUse[]>> {
  const found = await manifestUses(schema, sources.manifests, coordinates);
  if (sources.recorded) {
    for (const [coordinate, uses] of await recordedUses(sources.recorded.pool, sources.recorded.days, coordinates)) {
      found.set(coordinate, [...(found.get(coordinate) ?? []), ...uses]);
    }
  }
  return found;
}
