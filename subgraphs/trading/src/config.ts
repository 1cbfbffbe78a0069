import { resolve } from 'node:path';
import { envOptional, envString, workspaceRoot } from '@hub/core';
import { DEFAULT_PAPER_BROKER, type PaperBrokerSettings } from './orders/paperBroker';

export const SUBGRAPH_NAME = 'trading';

/** The generated sample bars the demo seed imports (see scripts/generateSampleBars.ts). */
export const SAMPLE_DATA_DIR = resolve(workspaceRoot(__dirname), 'sample-data');

function envNumber(name: string, fallback: number): number {
  const raw = envOptional(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`Environment variable ${name} must be a number ≥ 0, got "${raw}"`);
  return value;
}

/** The paper broker's fees and fill limit from the environment (documented in subgraphs/trading/README.md, "Configuration"). */
export function paperBrokerSettingsFromEnv(): PaperBrokerSettings {
  return {
    fixedFee: envNumber('TRADING_PAPER_FIXED_FEE', DEFAULT_PAPER_BROKER.fixedFee),
    feeRate: envNumber('TRADING_PAPER_FEE_RATE', DEFAULT_PAPER_BROKER.feeRate),
    maxShareOfVolume: envNumber('TRADING_PAPER_MAX_VOLUME_SHARE', DEFAULT_PAPER_BROKER.maxShareOfVolume),
  };
}

/** Where the demo seed reads its CSV bars from. */
export function sampleDataDirFromEnv(): string {
  return envString('TRADING_SAMPLE_DATA_DIR', SAMPLE_DATA_DIR);
}
