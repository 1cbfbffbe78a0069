import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { ConfigChange, configMutations, configQueries, configSubscriptions, ServiceConfig } from './configResolvers';
import { invitationResolvers } from './invitationResolvers';
import { memberMutations } from './memberResolvers';
import { mergeResolvers } from './mergeResolvers';
import { Mutation } from './mutationResolvers';
import { quotaResolvers } from './quotaResolvers';
import { Query } from './queryResolvers';
import { serviceAccountResolvers } from './serviceAccountResolvers';
import { sessionMutations } from './sessionResolvers';
import { tenantResolvers } from './tenantResolvers';
import { AuthPayload, Membership, Organization, User, Viewer } from './typeResolvers';

const baseResolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  Query: { ...Query, ...configQueries },
  Mutation: { ...Mutation, ...sessionMutations, ...memberMutations, ...configMutations },
  Subscription: { ...configSubscriptions },
  AuthPayload,
  Viewer,
  Organization,
  User,
  Membership,
  ServiceConfig,
  ConfigChange,
};

export const resolvers: Resolvers = mergeResolvers(
  baseResolvers,
  tenantResolvers,
  quotaResolvers,
  serviceAccountResolvers,
  invitationResolvers,
);
