import { configValue, type ConfigReader } from '@hub/core';

/** The service name trading's settings have in plattform's service configs. */
export const CONFIG_SERVICE = 'trading';

/** Documented defaults, used when no ConfigReader is wired or the tenant has no value. */
export const TRADING_RULE_DEFAULTS = {
  /** Largest value (quantity × reference price) a single order may have. */
  maxOrderValue: 1_000_000,
  /** Whether SELL orders may exceed the held quantity. */
  allowShortSelling: false,
  /** Yearly risk-free rate for the Sharpe ratio. */
  riskFreeRate: 0.02,
} as const;

const isNonNegativeNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

/** Per-tenant trading settings from plattform's service configs (service `trading`). */
export class TradingRules {
  constructor(private readonly config?: ConfigReader) {}

  maxOrderValue(orgId: string): number {
    return configValue(this.config, CONFIG_SERVICE, 'maxOrderValue', orgId, TRADING_RULE_DEFAULTS.maxOrderValue, isNonNegativeNumber);
  }

  allowShortSelling(orgId: string): boolean {
    return configValue(this.config, CONFIG_SERVICE, 'allowShortSelling', orgId, TRADING_RULE_DEFAULTS.allowShortSelling, isBoolean);
  }

  riskFreeRate(orgId: string): number {
    return configValue(this.config, CONFIG_SERVICE, 'riskFreeRate', orgId, TRADING_RULE_DEFAULTS.riskFreeRate, isNonNegativeNumber);
  }
}
