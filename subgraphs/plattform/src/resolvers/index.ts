import { DateTimeResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { mergeResolvers } from './mergeResolvers';
import { Mutation } from './mutationResolvers';
import { quotaResolvers } from './quotaResolvers';
import { Query } from './queryResolvers';
import { tenantResolvers } from './tenantResolvers';
import { AuthPayload, Membership, Organization, User, Viewer } from './typeResolvers';

const baseResolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Query,
  Mutation,
  AuthPayload,
  Viewer,
  Organization,
  User,
  Membership,
};

export const resolvers: Resolvers = mergeResolvers(
  baseResolvers,
  tenantResolvers,
  quotaResolvers,
);
