import { configValue, type ConfigReader } from '@hub/core';

/** plattform service-config name the agent settings live under. */
export const AGENT_CONFIG_SERVICE = 'agent';

/**
 * Agent settings per tenant. Each is a plattform service config `agent/<key>` (tenant value wins
 * over the global one); absent or invalid values fall back to these documented defaults.
 */
export interface AgentSettings {
  /** `leaseSeconds` (5–3600, plattform's registered schema): how long a claim holds a task without a heartbeat. */
  leaseSeconds: number;
  /** `maxAttempts` (1–20, plattform's registered schema): claims a task gets before it is FAILED for good. */
  maxAttempts: number;
  /** `retryBackoffSeconds`: first retry delay; doubles with every further attempt (capped at 1 h). */
  retryBackoffSeconds: number;
  /** `progressUpdatesPerSecond`: progress events a subscriber receives per task per second at most. */
  progressUpdatesPerSecond: number;
  /** `agentOfflineAfterSeconds`: an agent without heartbeat for this long shows as OFFLINE. */
  agentOfflineAfterSeconds: number;
  /** `riskReview.residualScoreThreshold`: residual L×S at or above which a hazard is still "high". */
  residualScoreThreshold: number;
  /** `portfolioReview.maxPositionWeight`: share of portfolio value above which a position is concentrated. */
  maxPositionWeight: number;
  /** `portfolioReview.maxDrawdown`: drawdown (0–1) above which a portfolio gets a warning. */
  maxDrawdown: number;
}

export const DEFAULT_AGENT_SETTINGS: Readonly<AgentSettings> = {
  leaseSeconds: 60,
  maxAttempts: 3,
  retryBackoffSeconds: 5,
  progressUpdatesPerSecond: 4,
  agentOfflineAfterSeconds: 90,
  residualScoreThreshold: 12,
  maxPositionWeight: 0.25,
  maxDrawdown: 0.2,
};

const CONFIG_KEYS: Record<keyof AgentSettings, string> = {
  leaseSeconds: 'leaseSeconds',
  maxAttempts: 'maxAttempts',
  retryBackoffSeconds: 'retryBackoffSeconds',
  progressUpdatesPerSecond: 'progressUpdatesPerSecond',
  agentOfflineAfterSeconds: 'agentOfflineAfterSeconds',
  residualScoreThreshold: 'riskReview.residualScoreThreshold',
  maxPositionWeight: 'portfolioReview.maxPositionWeight',
  maxDrawdown: 'portfolioReview.maxDrawdown',
};

const VALID: Record<keyof AgentSettings, (value: number) => boolean> = {
  leaseSeconds: (v) => Number.isInteger(v) && v >= 5 && v <= 3600,
  maxAttempts: (v) => Number.isInteger(v) && v >= 1 && v <= 20,
  retryBackoffSeconds: (v) => Number.isInteger(v) && v >= 0 && v <= 3600,
  progressUpdatesPerSecond: (v) => v > 0 && v <= 1000,
  agentOfflineAfterSeconds: (v) => Number.isInteger(v) && v >= 1,
  residualScoreThreshold: (v) => Number.isInteger(v) && v >= 1 && v <= 25,
  maxPositionWeight: (v) => v > 0 && v <= 1,
  maxDrawdown: (v) => v > 0 && v <= 1,
};

/**
 * Reads the settings on every call, so a changed config applies to the next operation (the
 * ConfigReader keeps itself current; nothing is cached here).
 */
export class AgentSettingsSource {
  constructor(private readonly reader?: ConfigReader) {}

  forTenant(orgId: string | null): AgentSettings {
    const settings = { ...DEFAULT_AGENT_SETTINGS };
    for (const name of Object.keys(CONFIG_KEYS) as Array<keyof AgentSettings>) {
      const isValid = (value: unknown): value is number => typeof value === 'number' && VALID[name](value);
      settings[name] = configValue(this.reader, AGENT_CONFIG_SERVICE, CONFIG_KEYS[name], orgId, DEFAULT_AGENT_SETTINGS[name], isValid);
    }
    return settings;
  }
}
