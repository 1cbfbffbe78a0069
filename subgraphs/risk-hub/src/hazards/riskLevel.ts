/**
 * Risk score = likelihood × severity on the usual 5×5 matrix. The bands follow the common
 * traffic-light reading of that matrix; documented in schema.graphql and subgraphs/risk-hub/README.md.
 */
export const RISK_LEVEL_BANDS = [
  { level: 'LOW', min: 1, max: 4 },
  { level: 'MEDIUM', min: 5, max: 9 },
  { level: 'HIGH', min: 10, max: 15 },
  { level: 'CRITICAL', min: 16, max: 25 },
] as const;

export type RiskLevel = (typeof RISK_LEVEL_BANDS)[number]['level'];

export const RATING_MIN = 1;
export const RATING_MAX = 5;

export function riskScore(likelihood: number, severity: number): number {
  return likelihood * severity;
}

export function riskLevelOf(score: number): RiskLevel {
  const band = RISK_LEVEL_BANDS.find((candidate) => score >= candidate.min && score <= candidate.max);
  if (!band) throw new RangeError(`risk score ${score} is outside 1..25`);
  return band.level;
}

export function bandOf(level: RiskLevel): { min: number; max: number } {
  const band = RISK_LEVEL_BANDS.find((candidate) => candidate.level === level);
  if (!band) throw new RangeError(`unknown risk level ${level}`);
  return band;
}
