import { bySeverity, type Severity } from './findings';

/** An assessment as risk-hub serves it (the fields the review reads). */
export interface AssessmentForReview {
  id: string;
  title: string;
  hazards: HazardForReview[];
}

export interface HazardForReview {
  id: string;
  description: string;
  likelihood: number;
  severity: number;
  measures: MeasureForReview[];
}

export interface MeasureForReview {
  id: string;
  mitigation: string;
  status: string;
  /** ISO date or date-time; null when none was set. */
  dueDate: string | null;
  residualLikelihood: number | null;
  residualSeverity: number | null;
}

export type RiskFindingKind = 'HAZARD_WITHOUT_MEASURES' | 'OVERDUE_MEASURE' | 'HIGH_RESIDUAL_RISK';

export interface RiskFinding {
  kind: RiskFindingKind;
  severity: Severity;
  hazardId: string;
  measureId?: string;
  message: string;
}

export interface RiskReviewOptions {
  /** Residual L×S at or above which a hazard is still high (tenant setting, default 12). */
  residualScoreThreshold: number;
  asOf: Date;
}

export interface RiskReviewResult {
  assessmentId: string;
  summary: {
    hazards: number;
    measures: number;
    hazardsWithoutMeasures: number;
    overdueMeasures: number;
    highResidualRisks: number;
  };
  findings: RiskFinding[];
}

/** Measure states that count as finished, whatever spelling risk-hub settles on. */
const FINISHED_MEASURE_STATES = new Set(['DONE', 'COMPLETED', 'IMPLEMENTED', 'VERIFIED', 'CANCELLED']);
/** Score from which a hazard without measures, or a residual risk, is critical (L×S of 4×5). */
const CRITICAL_SCORE = 20;
/** Days overdue after which an open measure is critical rather than a warning. */
const CRITICAL_OVERDUE_DAYS = 30;
const DAY_MS = 86_400_000;

function isOpen(measure: MeasureForReview): boolean {
  return !FINISHED_MEASURE_STATES.has(measure.status.toUpperCase());
}

function daysOverdue(measure: MeasureForReview, asOf: Date): number {
  if (!measure.dueDate || !isOpen(measure)) return 0;
  const due = Date.parse(measure.dueDate.length === 10 ? `${measure.dueDate}T23:59:59Z` : measure.dueDate);
  return Number.isNaN(due) || due >= asOf.getTime() ? 0 : Math.ceil((asOf.getTime() - due) / DAY_MS);
}

/**
 * The risk left after the hazard's measures: the lowest residual L×S any measure promises (a
 * cancelled measure promises nothing); the inherent L×S when no measure states a residual.
 */
export function residualScore(hazard: HazardForReview): number {
  const promised = hazard.measures
    .filter((measure) => measure.status.toUpperCase() !== 'CANCELLED')
    .filter((measure) => measure.residualLikelihood !== null && measure.residualSeverity !== null)
    .map((measure) => measure.residualLikelihood! * measure.residualSeverity!);
  return promised.length > 0 ? Math.min(...promised) : hazard.likelihood * hazard.severity;
}

/**
 * Reviews one assessment: hazards without (active) measures, open measures past their due date,
 * and hazards whose residual risk is still at or above the threshold.
 */
export function reviewAssessment(assessment: AssessmentForReview, options: RiskReviewOptions): RiskReviewResult {
  const findings: RiskFinding[] = [];
  let measures = 0;
  for (const hazard of assessment.hazards) {
    measures += hazard.measures.length;
    const inherent = hazard.likelihood * hazard.severity;
    const active = hazard.measures.filter((measure) => measure.status.toUpperCase() !== 'CANCELLED');
    if (active.length === 0) {
      findings.push({
        kind: 'HAZARD_WITHOUT_MEASURES',
        severity: inherent >= options.residualScoreThreshold ? 'critical' : 'warning',
        hazardId: hazard.id,
        message: `Hazard "${hazard.description}" (risk ${inherent}) has no measures`,
      });
    }
    for (const measure of hazard.measures) {
      const overdue = daysOverdue(measure, options.asOf);
      if (overdue > 0) {
        findings.push({
          kind: 'OVERDUE_MEASURE',
          severity: overdue > CRITICAL_OVERDUE_DAYS ? 'critical' : 'warning',
          hazardId: hazard.id,
          measureId: measure.id,
          message: `Measure "${measure.mitigation}" for "${hazard.description}" is ${overdue} day(s) overdue`,
        });
      }
    }
    const residual = residualScore(hazard);
    if (active.length > 0 && residual >= options.residualScoreThreshold) {
      findings.push({
        kind: 'HIGH_RESIDUAL_RISK',
        severity: residual >= CRITICAL_SCORE ? 'critical' : 'warning',
        hazardId: hazard.id,
        message: `Residual risk of "${hazard.description}" is ${residual} (threshold ${options.residualScoreThreshold})`,
      });
    }
  }
  const count = (kind: RiskFindingKind) => findings.filter((finding) => finding.kind === kind).length;
  return {
    assessmentId: assessment.id,
    summary: {
      hazards: assessment.hazards.length,
      measures,
      hazardsWithoutMeasures: count('HAZARD_WITHOUT_MEASURES'),
      overdueMeasures: count('OVERDUE_MEASURE'),
      highResidualRisks: count('HIGH_RESIDUAL_RISK'),
    },
    findings: bySeverity(findings),
  };
}
