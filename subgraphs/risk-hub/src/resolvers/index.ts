import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { CalendarDateScalar } from './calendarDateScalar';
import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutationResolvers';
import { Query } from './queryResolvers';
import { Subscription } from './subscriptionResolvers';
import {
  Actor,
  AssessmentDocument,
  AssessmentDocumentVersion,
  AuditEntry,
  Hazard,
  Measure,
  RiskAssessment,
  RiskAssessmentConnection,
  RiskAssessmentEvent,
  User,
} from './typeResolvers';

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Date: CalendarDateScalar,
  JSON: JSONResolver,
  Query,
  Mutation,
  Subscription,
  RiskAssessment,
  RiskAssessmentConnection,
  Hazard,
  Measure,
  AssessmentDocument,
  AssessmentDocumentVersion,
  AuditEntry,
  RiskAssessmentEvent,
  User,
  Actor,
};
