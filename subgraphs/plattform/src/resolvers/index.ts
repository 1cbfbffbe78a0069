import { DateTimeResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutationResolvers';
import { Query } from './queryResolvers';
import { AuthPayload, Membership, Organization, User, Viewer } from './typeResolvers';

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Query,
  Mutation,
  AuthPayload,
  Viewer,
  Organization,
  User,
  Membership,
};
