import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { agentModule } from '@hub/agent';
import type { HubSubgraphModule } from '@hub/core';
import { createRiskHubModule, riskHubSettingsFromEnv } from '@hub/risk-hub';
import { tradingModule } from '@hub/trading';
import { parse } from 'graphql';
import { entityFuzzRequests, fuzzRequests, inBatches, type FuzzRequest } from '@hub/testkit/schemaFuzz';
import { serviceAccountToken } from '@hub/testkit/serviceAccounts';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { gatewaySignatureHeaders } from '@hub/testkit/gatewaySignature';
import { machineTime } from '@hub/testkit/machineTime';

/**
 * Hostile text in every String/ID/JSON input of the API, generated from each subgraph's schema,
 * sent through the gateway and straight at the subgraph with a valid owner's token (worker
 * protocol fields with a worker's): every answer is a clear client error or data, never INTERNAL
 * and never an HTTP 5xx.
 */

const SUBGRAPHS = ['plattform', 'risk-hub', 'trading', 'agent'] as const;
/** The worker protocol needs the `agent.worker` scope, which people never hold. */
const WORKER_FIELDS = new Set(['registerAgent', 'claimAgentTask', 'heartbeat', 'reportProgress', 'completeTask', 'failTask']);
/** Fields that would end the owner's own session (and so stop the rest of the run). */
const SESSION_ENDING = new Set(['logout']);

interface Outcome {
  label: string;
  status: number;
  codes: string[];
}

function schemaOf(subgraph: string) {
  const typeDefs = parse(readFileSync(join(__dirname, '..', 'subgraphs', subgraph, 'schema.graphql'), 'utf8'));
  return buildSubgraphSchema([{ typeDefs }]);
}

/** `signedFor`: straight at that subgraph, signed as the gateway signs (the subgraph's own input handling). */
async function send(url: string, request: FuzzRequest, token: string, signedFor?: string): Promise<Outcome> {
  const body = JSON.stringify({ query: request.query, variables: request.variables });
  const signature = signedFor ? await gatewaySignatureHeaders(signedFor, url, body) : {};
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...signature },
    body,
  });
  const text = await response.text();
  let codes: string[] = [];
  try {
    const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> };
    codes = (body.errors ?? []).map((error) => error.extensions?.code ?? 'NO_CODE');
  } catch {
    codes = ['NOT_JSON'];
  }
  return { label: request.label, status: response.status, codes };
}

function histogram(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    for (const code of outcome.codes.length ? new Set(outcome.codes) : ['OK']) counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

describe('fuzzed text inputs never yield INTERNAL (gateway and each subgraph)', () => {
  let stack: TestStack;
  let owner: TestAccount;
  let worker: string;
  const previousRateLimit = process.env.GATEWAY_RATE_LIMIT;

  beforeAll(async () => {
    // Hundreds of requests from one tenant in a few seconds: the rate limit is not under test here.
    process.env.GATEWAY_RATE_LIMIT = '0';
    const riskHub = createRiskHubModule({ settings: { ...riskHubSettingsFromEnv(), overdueCheckIntervalMs: 0 } }) as unknown as HubSubgraphModule;
    stack = await startTestStack({ hubs: [riskHub, tradingModule, agentModule as HubSubgraphModule] });
    owner = await signUpAccount(stack, 'Fuzz Tenant');
    worker = await serviceAccountToken(stack, owner);
  }, machineTime(60_000));

  afterAll(async () => {
    if (previousRateLimit === undefined) delete process.env.GATEWAY_RATE_LIMIT;
    else process.env.GATEWAY_RATE_LIMIT = previousRateLimit;
    await stack?.stop();
  });

  it.each(SUBGRAPHS)('%s: through the gateway and straight at the subgraph', async (subgraph) => {
    const schema = schemaOf(subgraph);
    const requests = fuzzRequests(schema).filter((request) => !SESSION_ENDING.has(request.label.split(/[.(]/)[1]!));
    const tokenFor = (request: FuzzRequest) => (WORKER_FIELDS.has(request.label.split(/[.(]/)[1]!) ? worker : owner.token);
    // Entity lookups are not exposed by the gateway; only a caller that bypasses it can send them.
    const targets = {
      gateway: { url: stack.gatewayUrl, requests, signedFor: undefined },
      direct: { url: stack.subgraphUrls[subgraph]!, requests: [...requests, ...entityFuzzRequests(schema)], signedFor: subgraph },
    };
    const reports = await Promise.all(
      Object.entries(targets).map(async ([target, { url, requests, signedFor }]) => {
        const started = Date.now();
        const outcomes = await inBatches(requests, 4, (request) => send(url, request, tokenFor(request), signedFor));
        const internal = outcomes.filter((outcome) => outcome.codes.includes('INTERNAL')).map((outcome) => outcome.label);
        const serverErrors = outcomes.filter((outcome) => outcome.status >= 500).map((outcome) => outcome.label);
        console.log(
          `${subgraph} via ${target}: ${outcomes.length} requests in ${Date.now() - started} ms, ` +
            `${internal.length} INTERNAL, ${serverErrors.length} HTTP 5xx, codes ${JSON.stringify(histogram(outcomes))}` +
            (internal.length ? `\n  INTERNAL: ${internal.slice(0, 40).join('\n  ')}` : ''),
        );
        return { target, internal, serverErrors };
      }),
    );
    expect(reports).toEqual(Object.keys(targets).map((target) => ({ target, internal: [], serverErrors: [] })));
  }, machineTime(60_000));
});
