import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutationResolvers';
import { Query } from './queryResolvers';
import { Subscription } from './subscriptionResolvers';
import {
  Agent,
  AgentPipeline,
  AgentPipelineStage,
  AgentTask,
  AgentTaskEvent,
  AgentTaskSubject,
  Portfolio,
  RiskAssessment,
} from './typeResolvers';

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  Query,
  Mutation,
  Subscription,
  Agent,
  AgentTask,
  AgentTaskSubject,
  AgentPipeline,
  AgentPipelineStage,
  AgentTaskEvent,
  RiskAssessment,
  Portfolio,
};
