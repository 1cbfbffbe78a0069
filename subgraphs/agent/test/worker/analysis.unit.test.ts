import { compileReport } from '../../worker/analysis/reportCompile';
import { currentDrawdown, maxDrawdown, reviewPortfolio } from '../../worker/analysis/portfolioReview';
import { residualScore, reviewAssessment } from '../../worker/analysis/riskReview';
import { GROWTH_PERFORMANCE, GROWTH_PORTFOLIO, REVIEW_DATE, WAREHOUSE_ASSESSMENT } from './fixtures';

describe('risk.review analysis', () => {
  const result = reviewAssessment(WAREHOUSE_ASSESSMENT, { residualScoreThreshold: 12, asOf: REVIEW_DATE });

  it('counts hazards and measures and classifies every finding', () => {
    expect(result.summary).toEqual({ hazards: 5, measures: 5, hazardsWithoutMeasures: 2, overdueMeasures: 2, highResidualRisks: 1 });
    expect(result.findings.map((finding) => [finding.kind, finding.severity, finding.hazardId, finding.measureId ?? null])).toEqual([
      // Most severe first, in hazard order within a severity.
      ['OVERDUE_MEASURE', 'critical', 'hz-forklift', 'ms-mirrors'],
      ['HAZARD_WITHOUT_MEASURES', 'critical', 'hz-chemicals', null],
      ['HIGH_RESIDUAL_RISK', 'warning', 'hz-forklift', null],
      ['OVERDUE_MEASURE', 'warning', 'hz-shelf', 'ms-load-signs'],
      ['HAZARD_WITHOUT_MEASURES', 'warning', 'hz-noise', null],
    ]);
  });

  it('says how many days a measure is overdue and what the residual risk is', () => {
    const messages = result.findings.map((finding) => finding.message);
    expect(messages).toContain('Measure "Convex mirrors at blind corners" for "Forklift collision with pedestrians" is 45 day(s) overdue');
    expect(messages).toContain('Measure "Load limit signs on every rack" for "Shelving collapse under overload" is 5 day(s) overdue');
    expect(messages).toContain('Residual risk of "Forklift collision with pedestrians" is 12 (threshold 12)');
  });

  it('residual risk: the best promised residual, ignoring cancelled measures, else the inherent score', () => {
    const [forklift, shelf, noise, chemicals] = WAREHOUSE_ASSESSMENT.hazards;
    expect([forklift, shelf, noise, chemicals].map((hazard) => residualScore(hazard!))).toEqual([12, 5, 6, 15]);
  });

  it('a higher threshold removes the residual finding; a later date makes the ladder measure overdue', () => {
    const lenient = reviewAssessment(WAREHOUSE_ASSESSMENT, { residualScoreThreshold: 13, asOf: REVIEW_DATE });
    expect(lenient.summary.highResidualRisks).toBe(0);
    const later = reviewAssessment(WAREHOUSE_ASSESSMENT, { residualScoreThreshold: 12, asOf: new Date('2026-07-02T00:00:00Z') });
    expect(later.findings.filter((finding) => finding.kind === 'OVERDUE_MEASURE').map((finding) => finding.measureId).sort()).toEqual([
      'ms-ladder',
      'ms-load-signs',
      'ms-mirrors',
    ]);
  });
});

describe('portfolio.review analysis', () => {
  it('drawdown maths on a value series', () => {
    const values = GROWTH_PERFORMANCE.dailyValues.map((day) => day.value);
    expect(maxDrawdown(values)).toBeCloseTo((112_000 - 86_240) / 112_000, 10);
    expect(currentDrawdown(values)).toBeCloseTo((112_000 - 100_000) / 112_000, 10);
    expect(maxDrawdown([100, 110, 120])).toBe(0);
  });

  it('warns about concentrated positions and a drawdown above the limit', () => {
    const result = reviewPortfolio(GROWTH_PORTFOLIO, GROWTH_PERFORMANCE, { maxPositionWeight: 0.25, maxDrawdown: 0.2 });
    expect(result.summary).toEqual({ positions: 4, totalValue: 100_000, largestPositionWeight: 0.42, maxDrawdown: 0.23, currentDrawdown: 0.1071 });
    expect(result.weights).toEqual([
      { symbol: 'ACME', weight: 0.42 },
      { symbol: 'GLOBX', weight: 0.21 },
      { symbol: 'INITECH', weight: 0.18 },
      { symbol: 'UMBR', weight: 0.14 },
    ]);
    expect(result.warnings).toEqual([
      { kind: 'CONCENTRATION', severity: 'warning', symbol: 'ACME', value: 0.42, limit: 0.25, message: 'ACME is 42.0% of the portfolio (limit 25.0%)' },
      { kind: 'DRAWDOWN', severity: 'warning', value: 0.23, limit: 0.2, message: 'Maximum drawdown 23.0% exceeds the limit of 20.0%' },
    ]);
  });

  it('tighter limits turn warnings critical; no performance data means no drawdown verdict', () => {
    const strict = reviewPortfolio(GROWTH_PORTFOLIO, GROWTH_PERFORMANCE, { maxPositionWeight: 0.2, maxDrawdown: 0.15 });
    expect(strict.warnings.map((warning) => [warning.kind, warning.severity, warning.symbol ?? null])).toEqual([
      ['CONCENTRATION', 'critical', 'ACME'],
      ['DRAWDOWN', 'critical', null],
      ['CONCENTRATION', 'warning', 'GLOBX'],
    ]);
    const noHistory = reviewPortfolio(GROWTH_PORTFOLIO, null, { maxPositionWeight: 0.5, maxDrawdown: 0.2 });
    expect(noHistory.warnings).toEqual([]);
    expect(noHistory.summary.maxDrawdown).toBeNull();
  });
});

describe('report.compile', () => {
  it('groups findings by severity with counts', () => {
    const review = reviewAssessment(WAREHOUSE_ASSESSMENT, { residualScoreThreshold: 12, asOf: REVIEW_DATE });
    const report = compileReport({ title: 'Halle 3', findings: review.findings });
    expect(report.counts).toEqual({ critical: 2, warning: 3, info: 0 });
    expect(report.markdown.split('\n').slice(0, 6)).toEqual(['# Halle 3', '', '2 critical, 3 warning(s), 0 note(s).', '', '## Critical', '']);
    expect(report.markdown.indexOf('## Warnings')).toBeGreaterThan(report.markdown.indexOf('Battery acid'));
    expect(compileReport({ title: 'Empty', findings: [] }).markdown).toContain('No findings.');
  });
});
