import { compileReport, type ReportInput } from './analysis/reportCompile';
import { reviewAssessment, type AssessmentForReview } from './analysis/riskReview';
import { reviewPortfolio, type PerformanceForReview, type PortfolioForReview } from './analysis/portfolioReview';
import { PORTFOLIO_FOR_REVIEW, RISK_ASSESSMENT_FOR_REVIEW } from './documents';
import type { GatewayClient } from './gatewayClient';

export interface ClaimedTask {
  id: string;
  type: string;
  input: Record<string, unknown>;
  attempts: number;
  subject: { __typename: string; id: string } | null;
}

/** What a performer may do besides computing: read through the gateway and say how far it is. */
export interface PerformContext {
  gateway: GatewayClient;
  progress(fraction: number, message: string): Promise<void>;
  now(): Date;
}

/** The work is impossible (bad subject, missing data): retrying would not help. */
export class PermanentTaskError extends Error {}

export type Performer = (task: ClaimedTask, context: PerformContext) => Promise<Record<string, unknown>>;

function subjectId(task: ClaimedTask, typename: string): string {
  if (task.subject?.__typename !== typename) throw new PermanentTaskError(`${task.type} needs a ${typename} subject`);
  return task.subject.id;
}

interface AssessmentAnswer {
  riskAssessment: (Omit<AssessmentForReview, 'hazards'> & { hazards: AssessmentForReview['hazards'] }) | null;
}

const riskReview: Performer = async (task, { gateway, progress, now }) => {
  const id = subjectId(task, 'RiskAssessment');
  await progress(0.1, 'reading the assessment');
  const { riskAssessment } = await gateway.request<AssessmentAnswer>(RISK_ASSESSMENT_FOR_REVIEW, { id });
  if (!riskAssessment) throw new PermanentTaskError(`Risk assessment ${id} not found`);
  await progress(0.5, `reviewing ${riskAssessment.hazards.length} hazard(s)`);
  const asOf = typeof task.input.asOf === 'string' ? new Date(task.input.asOf) : now();
  const threshold = typeof task.input.residualScoreThreshold === 'number' ? task.input.residualScoreThreshold : 12;
  const result = reviewAssessment(riskAssessment, { residualScoreThreshold: threshold, asOf });
  await progress(0.9, `${result.findings.length} finding(s); writing the report`);
  return { ...result };
};

interface PortfolioAnswer {
  portfolio: { id: string; name: string; cash: number; positions: Array<{ quantity: number; marketValue: number; instrument: { symbol: string } }> } | null;
  portfolioPerformance: PerformanceForReview | null;
}

const portfolioReview: Performer = async (task, { gateway, progress }) => {
  const id = subjectId(task, 'Portfolio');
  await progress(0.1, 'reading positions and performance');
  const answer = await gateway.request<PortfolioAnswer>(PORTFOLIO_FOR_REVIEW, {
    id,
    from: typeof task.input.from === 'string' ? task.input.from : null,
    to: typeof task.input.to === 'string' ? task.input.to : null,
  });
  if (!answer.portfolio) throw new PermanentTaskError(`Portfolio ${id} not found`);
  const portfolio: PortfolioForReview = {
    id: answer.portfolio.id,
    name: answer.portfolio.name,
    cash: answer.portfolio.cash,
    positions: answer.portfolio.positions.map((position) => ({
      symbol: position.instrument.symbol,
      quantity: position.quantity,
      marketValue: position.marketValue,
    })),
  };
  await progress(0.5, `checking ${portfolio.positions.length} position(s)`);
  const result = reviewPortfolio(portfolio, answer.portfolioPerformance, {
    maxPositionWeight: typeof task.input.maxPositionWeight === 'number' ? task.input.maxPositionWeight : 0.25,
    maxDrawdown: typeof task.input.maxDrawdown === 'number' ? task.input.maxDrawdown : 0.2,
  });
  await progress(0.9, `${result.warnings.length} warning(s)`);
  return { ...result };
};

const reportCompile: Performer = async (task, { progress }) => {
  await progress(0.5, 'compiling');
  return { ...compileReport(task.input as unknown as ReportInput) };
};

/** The task types the reference worker performs. */
export const PERFORMERS: Readonly<Record<string, Performer>> = {
  'risk.review': riskReview,
  'portfolio.review': portfolioReview,
  'report.compile': reportCompile,
};
