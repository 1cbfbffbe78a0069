export * from './config';
export * from './plattformSubgraph';
export * from './seed/demoSeed';
export type { PlattformServices } from './services';
export { loadSigningKeys, type SigningKeys } from './tokens/signingKeys';
export * from './seed/demoServiceAccount';
export { TOKEN_REVOKED_EVENT } from './sessions/sessionService';
