/**
 * Service configs (plattform publishes them, configContract.ts) as every process reads them. A config is
 * addressed by service and key, set globally (`orgId: null`) or per tenant; the tenant's value wins.
 */
export interface AppliedConfig {
  orgId: string | null;
  service: string;
  key: string;
  value: unknown;
  version: number;
}

export type ConfigChangeListener = (config: AppliedConfig) => void;

/** What services depend on; `ConfigClient` is the implementation that follows plattform live. */
export interface ConfigReader {
  /** The tenant's value if set, else the global value, else undefined. */
  get(service: string, key: string, orgId: string | null): unknown;
  /** Called after a value was applied with a higher version (hot reload). Returns an unsubscribe. */
  onChange(listener: ConfigChangeListener): () => void;
}

/** Typed read with a fallback, for settings that must always have a usable value. */
export function configValue<T>(
  reader: ConfigReader | undefined,
  service: string,
  key: string,
  orgId: string | null,
  fallback: T,
  accept: (value: unknown) => value is T,
): T {
  const value = reader?.get(service, key, orgId);
  return value !== undefined && accept(value) ? value : fallback;
}
