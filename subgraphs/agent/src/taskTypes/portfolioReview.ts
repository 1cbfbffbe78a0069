import type { TaskTypeDefinition } from './taskType';

/** Reviews a portfolio's concentration and drawdown (performed by the reference worker). */
export const portfolioReviewTaskType: TaskTypeDefinition = {
  name: 'portfolio.review',
  description:
    "Reads a portfolio's positions and performance; warns about positions above the weight limit and drawdown above the limit.",
  subjectType: 'Portfolio',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxPositionWeight: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      maxDrawdown: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      from: { type: 'string', format: 'date' },
      to: { type: 'string', format: 'date' },
    },
  },
  resultSchema: {
    type: 'object',
    required: ['portfolioId', 'summary', 'warnings'],
    properties: {
      portfolioId: { type: 'string' },
      summary: {
        type: 'object',
        required: ['positions', 'totalValue'],
        properties: {
          positions: { type: 'integer', minimum: 0 },
          totalValue: { type: 'number' },
          largestPositionWeight: { type: ['number', 'null'] },
          maxDrawdown: { type: ['number', 'null'] },
        },
      },
      warnings: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kind', 'severity', 'message'],
          properties: {
            kind: { enum: ['CONCENTRATION', 'DRAWDOWN'] },
            severity: { enum: ['info', 'warning', 'critical'] },
            symbol: { type: 'string' },
            value: { type: 'number' },
            limit: { type: 'number' },
            message: { type: 'string' },
          },
        },
      },
    },
  },
  withDefaults: (input, settings) => ({
    maxPositionWeight: settings.maxPositionWeight,
    maxDrawdown: settings.maxDrawdown,
    ...input,
  }),
};
