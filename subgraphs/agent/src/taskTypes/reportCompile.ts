import type { TaskTypeDefinition } from './taskType';

/** Turns findings of earlier pipeline stages into one readable report (the usual last stage). */
export const reportCompileTaskType: TaskTypeDefinition = {
  name: 'report.compile',
  description: 'Compiles findings (objects with severity and message) into a Markdown report with counts per severity.',
  subjectType: null,
  inputSchema: {
    type: 'object',
    required: ['title', 'findings'],
    additionalProperties: false,
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 200 },
      findings: {
        type: 'array',
        maxItems: 1000,
        items: {
          type: 'object',
          required: ['severity', 'message'],
          properties: { severity: { enum: ['info', 'warning', 'critical'] }, message: { type: 'string' } },
        },
      },
    },
  },
  resultSchema: {
    type: 'object',
    required: ['markdown', 'counts'],
    properties: {
      markdown: { type: 'string' },
      counts: {
        type: 'object',
        required: ['info', 'warning', 'critical'],
        properties: {
          info: { type: 'integer', minimum: 0 },
          warning: { type: 'integer', minimum: 0 },
          critical: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
};
