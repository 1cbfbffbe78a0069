export * from './config';
export * from './tradingSubgraph';
export type { TradingServices } from './services';
export { TRADING_RULE_DEFAULTS } from './rules/tradingRules';
