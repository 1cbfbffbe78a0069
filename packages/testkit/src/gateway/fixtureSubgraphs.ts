import { randomUUID } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { createTokenVerifier, listen, type RunningServer, type TokenVerifier } from '@hub/core';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';

export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@authenticated", "@requiresScopes"])';

export interface FixtureSubgraph {
  name: string;
  typeDefs: string;
  url: string;
  port: number;
  /** Requests this subgraph has received, with their headers. */
  requests: Array<{ headers: Headers; body: string }>;
  stop(): Promise<void>;
}

/** A real federated subgraph (buildSubgraphSchema + yoga) on a loopback port, recording what it receives. */
export async function startFixtureSubgraph(
  name: string,
  typeDefs: string,
  resolvers: GraphQLResolverMap<unknown>,
  port = 0,
): Promise<FixtureSubgraph> {
  const requests: FixtureSubgraph['requests'] = [];
  const yoga = createYoga({
    schema: buildSubgraphSchema([{ typeDefs: parse(`${FEDERATION_LINK}\n${typeDefs}`), resolvers }]),
    logging: false,
    plugins: [
      {
        async onRequest({ request }) {
          requests.push({ headers: request.headers, body: await request.clone().text() });
        },
      },
    ],
  });
  const server: RunningServer = await listen(yoga, port, '127.0.0.1');
  return {
    name,
    typeDefs,
    url: `${server.url}/graphql`,
    port: server.port,
    requests,
    stop: async () => {
      server.server.closeAllConnections();
      await server.close();
    },
  };
}

/** Composes fixture subgraphs the way `npm run compose` does. */
export function composeFixtures(subgraphs: Array<{ name: string; url: string; typeDefs: string }>): string {
  const result = composeServices(
    subgraphs.map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.url,
      typeDefs: parse(`${FEDERATION_LINK}\n${subgraph.typeDefs}`),
    })),
  );
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

export const TEST_ISSUER = 'urn:hub:plattform';
export const TEST_AUDIENCE = 'urn:hub:graph';

export interface TestSigner {
  kid: string;
  privateKey: KeyLike;
  /** The public key as a JWK (for a JWKS endpoint that other processes read). */
  publicJwk: Record<string, unknown>;
  verifier: TokenVerifier;
  /** A valid access token for a fresh user in `orgId` with the given scopes. */
  /** `expiresAt`: seconds since the epoch (default: ten minutes from now). */
  token(options?: { scopes?: string[]; orgId?: string; jti?: string; expiresAt?: number }): Promise<string>;
}

/** A local ES256 key and a verifier that trusts only it (no plattform needed). */
export async function createTestSigner(): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = `test-${randomUUID()}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const verifier = createTokenVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: createLocalJWKSet({ keys: [jwk] }) });
  return {
    kid,
    privateKey,
    publicJwk: jwk,
    verifier,
    token: (options = {}) =>
      new SignJWT({ org: options.orgId ?? randomUUID(), roles: ['member'], scope: (options.scopes ?? []).join(' ') })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(randomUUID())
        .setJti(options.jti ?? randomUUID())
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresAt ?? '10m')
        .sign(privateKey),
  };
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

/** POSTs to a gateway URL and returns status and parsed body. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLBody; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody, headers: response.headers };
}
