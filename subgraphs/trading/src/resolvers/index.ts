import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutationResolvers';
import { Query } from './queryResolvers';
import { Subscription } from './subscriptionResolvers';
import { Instrument, InstrumentReturn, Order, Portfolio, Position, StockAnalysis } from './typeResolvers';

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  LocalDate: LocalDateResolver,
  Query,
  Mutation,
  Subscription,
  Instrument,
  StockAnalysis,
  Portfolio,
  Position,
  Order,
  InstrumentReturn,
};
