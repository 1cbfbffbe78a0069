export * from './config';
export * from './tradingSubgraph';
export type { TradingServices } from './services';
export { TRADING_RULE_DEFAULTS } from './rules/tradingRules';
/** What npm start and the test stack discover in this folder (the kit's HUB_MODULE_EXPORT). */
export { tradingModule as hubModule } from './tradingSubgraph';
