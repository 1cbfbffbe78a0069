import type { AppliedConfig, ConfigChangeListener, ConfigReader } from '@hub/core';

/**
 * A ConfigReader over values the test sets, standing in for plattform's config client until it is
 * on main. Follows the interface's contract: tenant value wins over the global one; `set` notifies.
 */
export class StaticConfigReader implements ConfigReader {
  private readonly values = new Map<string, AppliedConfig>();
  private readonly listeners = new Set<ConfigChangeListener>();

  private static keyOf(service: string, key: string, orgId: string | null): string {
    return `${orgId ?? '*'}/${service}/${key}`;
  }

  set(service: string, key: string, value: unknown, orgId: string | null = null): void {
    const id = StaticConfigReader.keyOf(service, key, orgId);
    const config = { orgId, service, key, value, version: (this.values.get(id)?.version ?? 0) + 1 };
    this.values.set(id, config);
    for (const listener of this.listeners) listener(config);
  }

  get(service: string, key: string, orgId: string | null): unknown {
    const tenant = orgId ? this.values.get(StaticConfigReader.keyOf(service, key, orgId)) : undefined;
    return (tenant ?? this.values.get(StaticConfigReader.keyOf(service, key, null)))?.value;
  }

  onChange(listener: ConfigChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
