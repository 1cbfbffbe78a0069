import { GraphQLScalarType, Kind } from 'graphql';
import { BadUserInputError } from '@hub/core';
import { requireDate } from '../validation';

/**
 * `Date` as a plain `YYYY-MM-DD` string, exactly as PostgreSQL's `date` columns hold it (no time
 * zone can shift the day). Invalid dates are BAD_USER_INPUT like every other bad input.
 */
export const CalendarDateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, `YYYY-MM-DD`.',
  serialize: (value) => {
    if (typeof value !== 'string') throw new TypeError('Date values are YYYY-MM-DD strings');
    return value;
  },
  parseValue: (value) => {
    if (typeof value !== 'string') throw new BadUserInputError('A date must be a string YYYY-MM-DD');
    return requireDate('date', value);
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new BadUserInputError('A date must be a string YYYY-MM-DD');
    return requireDate('date', node.value);
  },
});
