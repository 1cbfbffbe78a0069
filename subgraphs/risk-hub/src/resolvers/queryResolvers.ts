import { NotFoundError, requireScope } from '@hub/core';
import { listAssessments } from '../assessments/assessmentList';
import type { QueryResolvers } from '../generated/resolvers-types';
import { assessmentById } from '../loaders';
import { RISK_READ } from '../permissions';
import { requireId } from '../validation';

export const Query: QueryResolvers = {
  riskAssessment: async (_parent, { id }, ctx) => {
    requireScope(ctx.identity, RISK_READ);
    const assessment = await assessmentById(ctx).load(requireId('id', id));
    if (!assessment) throw new NotFoundError('Risk assessment not found');
    return assessment;
  },
  riskAssessments: async (_parent, args, ctx) => {
    requireScope(ctx.identity, RISK_READ);
    const page = await ctx.db.run((unit) => listAssessments(unit, args));
    // Prime the loader so entity lookups later in this request need no query.
    for (const edge of page.edges) assessmentById(ctx).prime(edge.node.id, edge.node);
    return page;
  },
};
