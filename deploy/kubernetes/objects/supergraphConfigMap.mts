import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { SUPERGRAPH_CONFIG_MAP } from '../naming.mjs';
import type { HubValues } from '../values.mjs';

/**
 * The composed supergraph the gateway serves. Mounted as a directory (not subPath), so a changed
 * ConfigMap reaches the running gateways, which reload it without a restart (SUPERGRAPH_WATCH_MS).
 */
export function supergraphConfigMap(values: HubValues, supergraphSdl: string): ConfigMap {
  return new ConfigMap({
    metadata: { name: SUPERGRAPH_CONFIG_MAP.name, namespace: values.namespace },
    data: { [SUPERGRAPH_CONFIG_MAP.key]: supergraphSdl },
  });
}
