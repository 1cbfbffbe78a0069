import type { TaskTypeDefinition } from './taskType';

const severity = { enum: ['info', 'warning', 'critical'] };

/** Reviews a risk assessment's hazards and measures (performed by the reference worker). */
export const riskReviewTaskType: TaskTypeDefinition = {
  name: 'risk.review',
  description:
    'Reads a risk assessment with its hazards and measures; reports hazards without measures, overdue measures and residual risk still at or above the threshold.',
  subjectType: 'RiskAssessment',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      residualScoreThreshold: { type: 'integer', minimum: 1, maximum: 25 },
      asOf: { type: 'string', format: 'date-time' },
    },
  },
  resultSchema: {
    type: 'object',
    required: ['assessmentId', 'summary', 'findings'],
    properties: {
      assessmentId: { type: 'string' },
      summary: {
        type: 'object',
        required: ['hazards', 'measures', 'hazardsWithoutMeasures', 'overdueMeasures', 'highResidualRisks'],
        properties: {
          hazards: { type: 'integer', minimum: 0 },
          measures: { type: 'integer', minimum: 0 },
          hazardsWithoutMeasures: { type: 'integer', minimum: 0 },
          overdueMeasures: { type: 'integer', minimum: 0 },
          highResidualRisks: { type: 'integer', minimum: 0 },
        },
      },
      findings: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kind', 'severity', 'message'],
          properties: {
            kind: { enum: ['HAZARD_WITHOUT_MEASURES', 'OVERDUE_MEASURE', 'HIGH_RESIDUAL_RISK'] },
            severity,
            hazardId: { type: 'string' },
            measureId: { type: 'string' },
            message: { type: 'string' },
          },
        },
      },
    },
  },
  withDefaults: (input, settings) => ({ residualScoreThreshold: settings.residualScoreThreshold, ...input }),
};
