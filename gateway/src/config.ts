import { resolve } from 'node:path';
import { envInt, envOptional, envString, type TokenSettings } from '@hub/core';
import { routingOverridesFromEnv } from './supergraph/routingOverrides';

export interface GatewayConfig {
  port: number;
  /** Composed supergraph SDL file (`npm run compose` writes it). */
  supergraphPath: string;
  /** Where the token signing keys are published (plattform). */
  jwksUrl: string;
  tokens: TokenSettings;
  /** Production turns off GraphiQL and introspection. */
  production: boolean;
  /** Subgraph URL replacements by upper-cased subgraph name (SUBGRAPH_URL_<NAME>). */
  routingOverrides: Record<string, string>;
}

function argValue(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  if (index >= 0) return argv[index + 1];
  const inline = argv.find((arg) => arg.startsWith(`${flag}=`));
  return inline?.slice(flag.length + 1);
}

/** Gateway settings: command-line flags first, then environment, then defaults (README.md). */
export function gatewayConfigFrom(argv: readonly string[] = process.argv.slice(2)): GatewayConfig {
  return {
    port: envInt('PORT', 4000),
    supergraphPath: resolve(argValue(argv, '--supergraph') ?? envString('SUPERGRAPH_PATH', 'supergraph.graphql')),
    jwksUrl: envString('JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
    tokens: {
      issuer: envString('JWT_ISSUER', 'urn:hub:plattform'),
      audience: envString('JWT_AUDIENCE', 'urn:hub:graph'),
    },
    production: envOptional('NODE_ENV') === 'production',
    routingOverrides: routingOverridesFromEnv(),
  };
}
