import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import { GATEWAY, TOKEN_ISSUER_SUBGRAPH, selectorFor, type Component } from '../naming.mjs';
import type { CatalogSubgraph } from '../subgraphCatalog.mjs';
import type { HubValues } from '../values.mjs';
import { REFERENCE_WORKER } from './referenceWorker.mjs';

function portOf(url: string, fallback: number): number {
  const port = new URL(url).port;
  return port ? Number(port) : fallback;
}

const DNS: INetworkPolicyEgressRule = {
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

function external(cidrs: string[], port: number): INetworkPolicyEgressRule {
  return { to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port }] };
}

function toPods(name: string, component: Component, port: number): INetworkPolicyEgressRule {
  return { to: [{ podSelector: { matchLabels: selectorFor(name, component) } }], ports: [{ protocol: 'TCP', port }] };
}

/**
 * Who may talk to whom. Ingress: nothing by default; the gateway from anywhere (it is the graph's
 * entry); a subgraph only from the gateway, and the token issuer (plattform) also from the other
 * subgraphs, which fetch its token keys and revocation record. Egress: only subgraphs (and the
 * migration Job, which runs their images) reach PostgreSQL; the gateway reaches the subgraphs and
 * Redis; the reference worker only the gateway. DNS is allowed to all.
 */
export function networkPolicies(values: HubValues, catalog: CatalogSubgraph[]): NetworkPolicy[] {
  const namespace = values.namespace;
  const postgres = external(values.database.egressCidrs, portOf(values.database.adminUrl, 5432));
  const redis = external(values.redis.egressCidrs, portOf(values.redis.url, 6379));
  const issuer = catalog.find((subgraph) => subgraph.name === TOKEN_ISSUER_SUBGRAPH)!;
  const fromPods = (name: string, component: Component) => ({ podSelector: { matchLabels: selectorFor(name, component) } });
  const policies = [
    new NetworkPolicy({
      metadata: { name: 'default-deny', namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    }),
    new NetworkPolicy({
      metadata: { name: GATEWAY.name, namespace },
      spec: {
        podSelector: { matchLabels: selectorFor(GATEWAY.name, 'gateway') },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: GATEWAY.port }] }],
        egress: [DNS, redis, ...catalog.map((subgraph) => toPods(subgraph.name, 'subgraph', subgraph.port))],
      },
    }),
    ...catalog.map(
      (subgraph) =>
        new NetworkPolicy({
          metadata: { name: subgraph.name, namespace },
          spec: {
            podSelector: { matchLabels: selectorFor(subgraph.name, 'subgraph') },
            policyTypes: ['Ingress', 'Egress'],
            ingress: [
              {
                from: [
                  fromPods(GATEWAY.name, 'gateway'),
                  ...(subgraph === issuer ? catalog.filter((other) => other !== issuer).map((other) => fromPods(other.name, 'subgraph')) : []),
                ],
                ports: [{ protocol: 'TCP', port: subgraph.port }],
              },
            ],
            egress: [
              DNS,
              postgres,
              redis,
              toPods(GATEWAY.name, 'gateway', GATEWAY.port),
              ...(subgraph === issuer ? [] : [toPods(issuer.name, 'subgraph', issuer.port)]),
            ],
          },
        }),
    ),
    new NetworkPolicy({
      metadata: { name: 'migrations', namespace },
      spec: {
        podSelector: { matchLabels: selectorFor('migrations', 'migrations') },
        policyTypes: ['Ingress', 'Egress'],
        egress: [DNS, postgres],
      },
    }),
  ];
  if (values.referenceWorker.enabled) {
    policies.push(
      new NetworkPolicy({
        metadata: { name: REFERENCE_WORKER.name, namespace },
        spec: {
          podSelector: { matchLabels: selectorFor(REFERENCE_WORKER.name, 'reference-worker') },
          policyTypes: ['Ingress', 'Egress'],
          egress: [DNS, toPods(GATEWAY.name, 'gateway', GATEWAY.port)],
        },
      }),
    );
  }
  return policies;
}
