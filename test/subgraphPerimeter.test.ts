import { randomUUID } from 'node:crypto';
import {
  bodyDigest,
  GATEWAY_ASSERTION_ENTRY_HEADER,
  GATEWAY_ASSERTION_HEADER,
  GATEWAY_ASSERTION_ISSUER,
  GATEWAY_ASSERTION_MAX_ENTRIES,
  GATEWAY_ASSERTION_PARAM,
  GATEWAY_ASSERTION_TYPE,
  gatewayAssertionHeader,
  gatewayAssertionHeaders,
  generateGatewaySigningKey,
  requestDigest,
  signGatewayAssertion,
  type AssertedRequest,
  type HubSubgraphModule,
} from '@hub/core';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { createRiskHubModule } from '@hub/risk-hub';
import { errorCodes, postGraphQL, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { gatewayConnectionParams, gatewaySignatureHeaders, testGatewayKey } from '@hub/testkit/gatewaySignature';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';

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

/** The request `send` makes with BODY, as an entry of a batch for `audience`. */
function listRequest(audience = 'risk-hub', body = BODY): AssertedRequest {
  return { audience, method: 'POST', path: '/graphql', body };
}

/** An assertion made by hand with the gateway's real key, to set times (or batches) the signer never would. */
async function handMade(claims: { iat: number; exp: number; rd?: string[] }, audience = 'risk-hub'): Promise<Record<string, string>> {
  const key = await testGatewayKey();
  const assertion = await new SignJWT({ rd: claims.rd ?? [requestDigest(listRequest(audience))], iat: claims.iat })
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

  it('the one-request format of gateways before batch signing is still accepted (rolling upgrade), with the same checks', async () => {
    const key = await testGatewayKey();
    const now = Math.floor(Date.now() / 1000);
    const previousFormat = async (body: string, entry?: string) => ({
      [GATEWAY_ASSERTION_HEADER]: await new SignJWT({ htm: 'POST', htu: '/graphql', bh: bodyDigest(body) })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: GATEWAY_ASSERTION_TYPE })
        .setIssuer(GATEWAY_ASSERTION_ISSUER)
        .setAudience('risk-hub')
        .setIssuedAt(now)
        .setExpirationTime(now + 30)
        .setJti(randomUUID())
        .sign(key.privateKey),
      ...(entry === undefined ? {} : { [GATEWAY_ASSERTION_ENTRY_HEADER]: entry }),
    });
    const accepted = await previousFormat(BODY);
    expect((await send(riskHubUrl, accepted, owner.token)).status).toBe(200);
    expect(refusal(await send(riskHubUrl, accepted, owner.token))).toEqual([403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_REPLAYED', null]);
    const otherBody = await previousFormat(JSON.stringify({ query: '{ __typename }' }));
    expect(refusal(await send(riskHubUrl, otherBody, owner.token))).toEqual([403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_WRONG_REQUEST', null]);
    // It covers one request: an entry index other than 0 does not fit it.
    expect(refusal(await send(riskHubUrl, await previousFormat(BODY, '1'), owner.token))).toEqual([403, ['FORBIDDEN'], 'GATEWAY_SIGNATURE_INVALID', null]);
  });

  it('a WebSocket straight to a subgraph is closed unless its connection_init carries the gateway signature', async () => {
    const authorization = `Bearer ${owner.token}`;
    expect(await connectionOutcome(riskHubUrl, { authorization })).toBe('closed 4403');
    const forger = await generateGatewaySigningKey();
    const forged = gatewayAssertionHeader(forger, { audience: 'risk-hub', method: 'GET', path: '/graphql', body: '' });
    expect(await connectionOutcome(riskHubUrl, { authorization, [GATEWAY_ASSERTION_PARAM]: forged[GATEWAY_ASSERTION_HEADER] })).toBe('closed 4403');
    expect(await connectionOutcome(riskHubUrl, { authorization, ...(await gatewayConnectionParams('risk-hub', riskHubUrl)) })).toBe('connected');
  });

  describe('batch assertions (one signature over several requests)', () => {
    const OTHER_BODIES = [JSON.stringify({ query: '{ __typename }', variables: {} }), JSON.stringify({ query: LIST, variables: { unused: 1 } })];

    /** A batch as the gateway signs it: the list request to risk-hub, two other risk-hub requests, one to trading. */
    async function batch(): Promise<Array<Record<string, string>>> {
      const requests = [listRequest(), ...OTHER_BODIES.map((body) => listRequest('risk-hub', body)), listRequest('trading')];
      return gatewayAssertionHeaders(await testGatewayKey(), requests);
    }

    const reasonOf = async (headers: Record<string, string>, body = BODY) => {
      const response = await send(riskHubUrl, headers, owner.token, body);
      return response.status === 200 ? 'accepted' : response.errors?.[0]?.extensions?.reason;
    };

    it('each entry is accepted once, at its own index only; entries of one batch are independent', async () => {
      const entries = await batch();
      // Entry 1 is another request: the list body at index 1 does not match its digest.
      expect(await reasonOf(entries[1]!)).toBe('GATEWAY_SIGNATURE_WRONG_REQUEST');
      expect(await reasonOf(entries[0]!)).toBe('accepted');
      expect(await reasonOf(entries[0]!)).toBe('GATEWAY_SIGNATURE_REPLAYED');
      // Same batch, other entries: each accepted once.
      expect(await reasonOf(entries[2]!, OTHER_BODIES[1])).toBe('accepted');
      expect(await reasonOf(entries[1]!, OTHER_BODIES[0])).toBe('accepted');
      expect(await reasonOf(entries[1]!, OTHER_BODIES[0])).toBe('GATEWAY_SIGNATURE_REPLAYED');
      // The trading entry at risk-hub: risk-hub is in `aud`, but the digest names trading.
      expect(await reasonOf(entries[3]!)).toBe('GATEWAY_SIGNATURE_WRONG_REQUEST');
    });

    it('an entry index past the batch, negative, or not a plain number is refused', async () => {
      const [first] = await batch();
      const withEntry = (entry: string) => ({ ...first!, [GATEWAY_ASSERTION_ENTRY_HEADER]: entry });
      const reasons = [];
      for (const entry of ['4', '31', '999', '-1', 'x', '0x0', '00', '1e0', ' ', '1000']) reasons.push([entry, await reasonOf(withEntry(entry))]);
      expect(reasons).toEqual([
        ['4', 'GATEWAY_SIGNATURE_WRONG_REQUEST'],
        ['31', 'GATEWAY_SIGNATURE_WRONG_REQUEST'],
        ['999', 'GATEWAY_SIGNATURE_WRONG_REQUEST'],
        ['-1', 'GATEWAY_SIGNATURE_INVALID'],
        ['x', 'GATEWAY_SIGNATURE_INVALID'],
        ['0x0', 'GATEWAY_SIGNATURE_INVALID'],
        ['00', 'GATEWAY_SIGNATURE_INVALID'],
        ['1e0', 'GATEWAY_SIGNATURE_INVALID'],
        [' ', 'GATEWAY_SIGNATURE_INVALID'],
        ['1000', 'GATEWAY_SIGNATURE_INVALID'],
      ]);
      // None of those used up entry 0.
      expect(await reasonOf(first!)).toBe('accepted');
    });

    it('a batch by another key, a batch with a tampered digest list, and one for another subgraph are refused', async () => {
      const forger = await generateGatewaySigningKey();
      const [forged] = gatewayAssertionHeaders(forger, [listRequest(), listRequest('trading')]);
      expect(await reasonOf(forged!)).toBe('GATEWAY_SIGNATURE_INVALID');

      // rd swapped for one naming another body, signature kept.
      const [genuine] = await batch();
      const [header, payload, signature] = genuine![GATEWAY_ASSERTION_HEADER]!.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { rd: string[] };
      const tamperedClaims = { ...claims, rd: [requestDigest(listRequest('risk-hub', OTHER_BODIES[0])), ...claims.rd.slice(1)] };
      const tampered = `${header}.${Buffer.from(JSON.stringify(tamperedClaims)).toString('base64url')}.${signature}`;
      expect(await reasonOf({ [GATEWAY_ASSERTION_HEADER]: tampered }, OTHER_BODIES[0])).toBe('GATEWAY_SIGNATURE_INVALID');
      // The untampered assertion is still unused.
      expect(await reasonOf(genuine!)).toBe('accepted');

      // A batch for trading and plattform only, sent to risk-hub.
      const elsewhere = gatewayAssertionHeaders(await testGatewayKey(), [listRequest('trading'), listRequest('plattform')]);
      expect(await reasonOf(elsewhere[0]!)).toBe('GATEWAY_SIGNATURE_WRONG_AUDIENCE');
    });

    it('a batch longer than the cap is neither signed nor accepted', async () => {
      const tooMany = Array.from({ length: GATEWAY_ASSERTION_MAX_ENTRIES + 1 }, () => listRequest());
      expect(() => signGatewayAssertion({} as never, tooMany)).toThrow(RangeError);
      // Signed by hand with the gateway's key: entry 0 matches, but 33 digests are refused.
      const now = Math.floor(Date.now() / 1000);
      const overLong = await handMade({ iat: now, exp: now + 30, rd: tooMany.map(requestDigest) });
      expect(await reasonOf(overLong)).toBe('GATEWAY_SIGNATURE_INVALID');
      const atTheCap = await handMade({ iat: now, exp: now + 30, rd: tooMany.slice(1).map(requestDigest) });
      expect(await reasonOf(atTheCap)).toBe('accepted');
    });
  });

  it('health probes stay open to the orchestrator', async () => {
    const { port } = new URL(riskHubUrl);
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  });
});
