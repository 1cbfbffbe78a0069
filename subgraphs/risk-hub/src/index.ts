export * from './config';
export * from './riskHubSubgraph';
export * from './seed/demoSeed';
export type { RiskHubServices, RiskHubContext } from './services';
/** What npm start and the test stack discover in this folder (the kit's HUB_MODULE_EXPORT). */
export { riskHubModule as hubModule } from './riskHubSubgraph';
