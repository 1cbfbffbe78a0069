export * from './config';
export * from './riskHubSubgraph';
export * from './seed/demoSeed';
export type { RiskHubServices, RiskHubContext } from './services';
