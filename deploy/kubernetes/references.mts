import type { ManifestObject } from './models.mjs';

interface PodTemplateSpec {
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  volumes?: Array<{ name: string; secret?: { secretName: string; items?: Array<{ key: string }> }; configMap?: { name: string; items?: Array<{ key: string }> } }>;
}
interface ContainerSpec {
  name: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }>;
  volumeMounts?: Array<{ name: string }>;
  livenessProbe?: { httpGet?: { port: string | number } };
  readinessProbe?: { httpGet?: { port: string | number } };
  startupProbe?: { httpGet?: { port: string | number } };
}

/** The pod template of a Deployment or Job. */
export function podSpecOf(object: ManifestObject): PodTemplateSpec | undefined {
  const spec = object.spec as { template?: { spec?: PodTemplateSpec } } | undefined;
  return spec?.template?.spec;
}

function keysOf(objects: ManifestObject[], kind: 'Secret' | 'ConfigMap'): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const object of objects.filter((candidate) => candidate.kind === kind)) {
    const data = { ...(object.data as Record<string, string> | undefined), ...(object.stringData as Record<string, string> | undefined) };
    keys.set(`${object.metadata.namespace}/${object.metadata.name}`, new Set(Object.keys(data)));
  }
  return keys;
}

/**
 * What the pods refer to that is not there: Secret and ConfigMap keys (env and volumes), volumes
 * of mounts, named ports of probes, Services whose targetPort no selected pod has.
 */
export function referenceProblems(objects: ManifestObject[]): string[] {
  const problems: string[] = [];
  const secrets = keysOf(objects, 'Secret');
  const configMaps = keysOf(objects, 'ConfigMap');
  const lookup = (store: Map<string, Set<string>>, kind: string, namespace: string | undefined, name: string, key: string, where: string) => {
    const keys = store.get(`${namespace}/${name}`);
    if (!keys) problems.push(`${where}: ${kind} ${name} does not exist`);
    else if (!keys.has(key)) problems.push(`${where}: ${kind} ${name} has no key ${key}`);
  };
  for (const object of objects) {
    const pod = podSpecOf(object);
    if (!pod) continue;
    const namespace = object.metadata.namespace;
    const volumes = new Map((pod.volumes ?? []).map((volume) => [volume.name, volume]));
    for (const volume of volumes.values()) {
      const where = `${object.kind} ${object.metadata.name} volume ${volume.name}`;
      if (volume.secret) {
        if (!secrets.has(`${namespace}/${volume.secret.secretName}`)) problems.push(`${where}: Secret ${volume.secret.secretName} does not exist`);
        for (const item of volume.secret.items ?? []) lookup(secrets, 'Secret', namespace, volume.secret.secretName, item.key, where);
      }
      if (volume.configMap) {
        if (!configMaps.has(`${namespace}/${volume.configMap.name}`)) problems.push(`${where}: ConfigMap ${volume.configMap.name} does not exist`);
        for (const item of volume.configMap.items ?? []) lookup(configMaps, 'ConfigMap', namespace, volume.configMap.name, item.key, where);
      }
    }
    for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const where = `${object.kind} ${object.metadata.name} container ${container.name}`;
      for (const env of container.env ?? []) {
        const secretRef = env.valueFrom?.secretKeyRef;
        if (secretRef) lookup(secrets, 'Secret', namespace, secretRef.name, secretRef.key, `${where} env ${env.name}`);
        const configMapRef = env.valueFrom?.configMapKeyRef;
        if (configMapRef) lookup(configMaps, 'ConfigMap', namespace, configMapRef.name, configMapRef.key, `${where} env ${env.name}`);
      }
      for (const mount of container.volumeMounts ?? []) if (!volumes.has(mount.name)) problems.push(`${where}: no volume ${mount.name}`);
      const ports = new Set<string | number>((container.ports ?? []).flatMap((port) => [port.containerPort, ...(port.name ? [port.name] : [])]));
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
        if (probe?.httpGet && !ports.has(probe.httpGet.port)) problems.push(`${where}: probe port ${probe.httpGet.port} is not a port of the container`);
      }
    }
  }
  for (const service of objects.filter((object) => object.kind === 'Service')) {
    const spec = service.spec as { selector: Record<string, string>; ports: Array<{ targetPort: string | number }> };
    const pods = objects.filter((object) => {
      const labels = (object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ?? {};
      return object.kind === 'Deployment' && Object.entries(spec.selector).every(([key, value]) => labels[key] === value);
    });
    if (pods.length === 0) problems.push(`Service ${service.metadata.name}: selects no Deployment`);
    for (const port of spec.ports) {
      const served = pods.some((pod) => (podSpecOf(pod)?.containers ?? []).some((container) => (container.ports ?? []).some((p) => p.name === port.targetPort || p.containerPort === port.targetPort)));
      if (!served) problems.push(`Service ${service.metadata.name}: targetPort ${port.targetPort} is no port of its pods`);
    }
  }
  return problems;
}
