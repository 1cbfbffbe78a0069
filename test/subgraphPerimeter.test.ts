import { randomUUID } from 'node:crypto';
import {
  GATEWAY_ASSERTION_HEADER,
  GATEWAY_ASSERTION_ISSUER,
  GATEWAY_ASSERTION_PARAM,
  GATEWAY_ASSERTION_TYPE,
  bodyDigest,
  gatewayAssertionHeader,
  generateGatewaySigningKey,
  type HubSubgraphModule,
} from '@hub/core';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { createRiskHubModule } from '@hub/risk-hub';
import { errorCodes, postGraphQL, type GraphQLResponse } from './support/graphqlClient';
import { gatewayConnectionParams, gatewaySignatureHeaders, testGatewayKey } from './support/gatewaySignature';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from './support/testStack';

const LIST = '{ riskAssessments(first: 5) { nodes { id } } }';
const BODY = JSON.stringify({ query: LIST, variables: {} });

/** What a subgraph answered to a hand-made request. */
async function send(url: string, headers: Record<string, string>, token: string, body = BODY): Promise<GraphQLResponse> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body });
  return { ...((await response.json()) as GraphQLResponse), status: response.status, headers: response.headers };
}

function refusal(response: GraphQLResponse): unknown[] {
  return [response.status, errorCodes(response), response.errors?.[0]?.extensions?.reason, response.data ?? null];
}

/** An assertion made by hand with the gateway's real key, to set times the signer never would. */
async function handMade(claims: { iat: number; exp: number }, audience = 'risk-hub'): Promise<Record<string, string>> {
  const key = await testGatewayKey();
  const assertion = await new SignJWT({ htm: 'POST', htu: '/graphql', bh: bodyDigest(BODY), iat: claims.iat })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: GATEWAY_ASSERTION_TYPE })
    .setIssuer(GATEWAY_ASSERTION_ISSUER)
    .setAudience(audience)
    .setExpirationTime(claims.exp)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { [GATEWAY_ASSERTION_HEADER]: assertion };
}

/** How a graphql-transport-ws connection to `url` ends up: acknowledged, or closed with a code. */
function connectionOutcome(url: string, connectionParams: Record<string, unknown>): Promise<string> {
  return new Promise((resolve) => {
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams,
      onNonLazyError: () => undefined,
      on: {
        connected: () => {
          resolve('connected');
          void client.dispose();
        },
        closed: (event) => resolve(`closed ${(event as { code: number }).code}`),
      },
    });
  });
}

describe('subgraphs answer only the gateway', () => {
  let stack: TestStack;
  let owner: TestAccount;
  let riskHubUrl: string;

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [createRiskHubModule() as unknown as HubSubgraphModule] });
    owner = await signUpAccount(stack, 'Perimeter Org');
    riskHubUrl = stack.subgraphUrls['risk-hub']!;
  });
  afterAll(() => stack?.stop());

  it('the gateway path works (its calls are signed)', async () => {
    const response = await stack.query<{ riskAssessments: { nodes: unknown[] } }>(LIST, {}, owner.token);
    expect([response.errors, response.data?.riskAssessments.nodes]).toEqual([undefined, []]);
  });

  it('subgraphs listen on loopback by default', () => {
    for (const url of Object.values(stack.subgraphUrls)) expect(new URL(url).hostname).toBe('127.0.0.1');
  });

  it('a request straight to a subgraph without the signature is refused (every subgraph)', async () => {
    for (const [name, url] of Object.entries(stack.subgraphUrls)) {
      const response = await postGraphQL(url, '{ __typename }', {}, owner.token);
      expect([name, ...refusal(response)]).toEqual([name, 403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_MISSING', null]);
    }
  });

  it('the same request signed as the gateway answers', async () => {
    const response = await send(riskHubUrl, await gatewaySignatureHeaders('risk-hub', riskHubUrl, BODY), owner.token);
    expect([response.status, response.errors, response.data]).toEqual([200, undefined, { riskAssessments: { nodes: [] } }]);
  });

  it('a signature by another key (forged) is refused', async () => {
    const forger = await generateGatewaySigningKey();
    const headers = gatewayAssertionHeader(forger, { audience: 'risk-hub', method: 'POST', path: '/graphql', body: BODY });
    expect(refusal(await send(riskHubUrl, headers, owner.token))).toEqual([403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_INVALID', null]);
    const tampered = (await gatewaySignatureHeaders('risk-hub', riskHubUrl, BODY))[GATEWAY_ASSERTION_HEADER]!.slice(0, -4) + 'AAAA';
    expect(refusal(await send(riskHubUrl, { [GATEWAY_ASSERTION_HEADER]: tampered }, owner.token))[2]).toBe('GATEWAY_SIGNATURE_INVALID');
  });

  it('an expired signature, and one older than the replay window, are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await handMade({ iat: now - 120, exp: now - 60 });
    expect(refusal(await send(riskHubUrl, expired, owner.token))).toEqual([403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_EXPIRED', null]);
    // Still before its own exp, but issued longer ago than the 30 s window.
    const tooOld = await handMade({ iat: now - 45, exp: now + 600 });
    expect(refusal(await send(riskHubUrl, tooOld, owner.token))).toEqual([403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_EXPIRED', null]);
    const fresh = await handMade({ iat: now, exp: now + 30 });
    expect((await send(riskHubUrl, fresh, owner.token)).status).toBe(200);
  });

  it('a signature for another subgraph (wrong audience) is refused', async () => {
    const headers = await gatewaySignatureHeaders('trading', riskHubUrl, BODY);
    expect(refusal(await send(riskHubUrl, headers, owner.token))).toEqual([403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_WRONG_AUDIENCE', null]);
  });

  it('a signature over another body is refused', async () => {
    const headers = await gatewaySignatureHeaders('risk-hub', riskHubUrl, JSON.stringify({ query: '{ __typename }' }));
    expect(refusal(await send(riskHubUrl, headers, owner.token))).toEqual([403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_WRONG_REQUEST', null]);
  });

  it('a signed request replayed is refused', async () => {
    const headers = await gatewaySignatureHeaders('risk-hub', riskHubUrl, BODY);
    expect((await send(riskHubUrl, headers, owner.token)).status).toBe(200);
    expect(refusal(await send(riskHubUrl, headers, owner.token))).toEqual([403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_REPLAYED', null]);
  });

  it('a WebSocket straight to a subgraph is closed unless its connection_init carries the gateway signature', async () => {
    const authorization = `Bearer ${owner.token}`;
    expect(await connectionOutcome(riskHubUrl, { authorization })).toBe('closed 4403');
    const forger = await generateGatewaySigningKey();
    const forged = gatewayAssertionHeader(forger, { audience: 'risk-hub', method: 'GET', path: '/graphql', body: '' });
    expect(await connectionOutcome(riskHubUrl, { authorization, [GATEWAY_ASSERTION_PARAM]: forged[GATEWAY_ASSERTION_HEADER] })).toBe('closed 4403');
    expect(await connectionOutcome(riskHubUrl, { authorization, ...(await gatewayConnectionParams('risk-hub', riskHubUrl)) })).toBe('connected');
  });

  it('health probes stay open to the orchestrator', async () => {
    const { port } = new URL(riskHubUrl);
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  });
});
