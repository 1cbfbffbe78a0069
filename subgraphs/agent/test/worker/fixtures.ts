import type { PerformanceForReview, PortfolioForReview } from '../../worker/analysis/portfolioReview';
import type { AssessmentForReview } from '../../worker/analysis/riskReview';

/** A warehouse assessment as risk-hub would serve it, reviewed "as of" 2026-03-15. */
export const REVIEW_DATE = new Date('2026-03-15T12:00:00Z');

export const WAREHOUSE_ASSESSMENT: AssessmentForReview = {
  id: '7d8f2c1e-4b0a-4c55-9a57-1f1d3c9e0a01',
  title: 'Lager Halle 3: Gefährdungsbeurteilung',
  hazards: [
    {
      id: 'hz-forklift',
      description: 'Forklift collision with pedestrians',
      likelihood: 4,
      severity: 5,
      measures: [
        // Done, but promises only a modest reduction: residual 3×4 = 12, still at the threshold.
        { id: 'ms-walkways', mitigation: 'Marked pedestrian walkways', status: 'DONE', dueDate: '2026-01-31', residualLikelihood: 3, residualSeverity: 4 },
        // Open and 45 days past due: critical.
        { id: 'ms-mirrors', mitigation: 'Convex mirrors at blind corners', status: 'OPEN', dueDate: '2026-01-29', residualLikelihood: null, residualSeverity: null },
      ],
    },
    {
      id: 'hz-shelf',
      description: 'Shelving collapse under overload',
      likelihood: 2,
      severity: 5,
      measures: [
        { id: 'ms-load-signs', mitigation: 'Load limit signs on every rack', status: 'IN_PROGRESS', dueDate: '2026-03-10', residualLikelihood: 1, residualSeverity: 5 },
      ],
    },
    {
      id: 'hz-noise',
      description: 'Noise from the packaging line',
      likelihood: 3,
      severity: 2,
      measures: [],
    },
    {
      id: 'hz-chemicals',
      description: 'Battery acid when charging forklifts',
      likelihood: 3,
      severity: 5,
      // The only measure was cancelled: the hazard is effectively unmitigated.
      measures: [{ id: 'ms-cancelled', mitigation: 'Outsourced charging', status: 'CANCELLED', dueDate: '2026-02-01', residualLikelihood: 1, residualSeverity: 2 }],
    },
    {
      id: 'hz-ladder',
      description: 'Fall from step ladder',
      likelihood: 2,
      severity: 3,
      measures: [{ id: 'ms-ladder', mitigation: 'Yearly ladder inspection', status: 'OPEN', dueDate: '2026-06-30', residualLikelihood: 1, residualSeverity: 3 }],
    },
  ],
};

/** A portfolio of four positions plus cash, as trading would serve it. */
export const GROWTH_PORTFOLIO: PortfolioForReview = {
  id: '0b6c7c57-2f7e-45a2-8a7e-6d3f0cf1b2aa',
  name: 'Growth',
  cash: 5_000,
  positions: [
    { symbol: 'ACME', quantity: 300, marketValue: 42_000 },
    { symbol: 'GLOBX', quantity: 120, marketValue: 21_000 },
    { symbol: 'INITECH', quantity: 80, marketValue: 18_000 },
    { symbol: 'UMBR', quantity: 50, marketValue: 14_000 },
  ],
};

/** Eleven trading days: a peak of 112 000 on day 4, a trough of 86 240 on day 8 (−23 %). */
export const GROWTH_PERFORMANCE: PerformanceForReview = {
  dailyValues: [100_000, 104_000, 108_500, 112_000, 107_000, 99_500, 93_000, 86_240, 90_100, 95_300, 100_000].map((value, day) => ({
    date: `2026-03-${String(day + 2).padStart(2, '0')}`,
    value,
  })),
};
