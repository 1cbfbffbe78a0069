import { GraphQLError } from 'graphql';
import pino from 'pino';
import { ConflictError, ForbiddenError, NotFoundError, toGraphQLError } from '../src';

function recordingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

describe('error mapping to GraphQL', () => {
  it('keeps a domain error message and gives it its code and safe details', () => {
    const { logger, lines } = recordingLogger();
    const wrapped = new GraphQLError('wrapped', { originalError: new ForbiddenError('Missing permission x', { requiredScope: 'x' }), path: ['a'] });
    const mapped = toGraphQLError(wrapped, logger);
    expect(mapped.message).toBe('Missing permission x');
    expect(mapped.extensions).toEqual({ code: 'FORBIDDEN', requiredScope: 'x' });
    expect(mapped.path).toEqual(['a']);
    expect(lines).toHaveLength(0);
  });

  it.each([
    [new NotFoundError('gone'), 'NOT_FOUND'],
    [new ConflictError('taken'), 'CONFLICT'],
  ])('maps %p to %s', (error, code) => {
    expect(toGraphQLError(error, recordingLogger().logger).extensions.code).toBe(code);
  });

  it('masks an unexpected error as INTERNAL, without message or stack, and logs it', () => {
    const { logger, lines } = recordingLogger();
    const secret = new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
    const mapped = toGraphQLError(new GraphQLError('x', { originalError: secret }), logger);
    expect(mapped.message).toBe('Internal server error');
    expect(mapped.extensions).toEqual({ code: 'INTERNAL' });
    expect(JSON.stringify(mapped.toJSON())).not.toContain('hunter2');
    expect(lines.join('')).toContain('hunter2');
  });

  it('maps a PostgreSQL unique violation to CONFLICT without the SQL', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: '23505',
    });
    const mapped = toGraphQLError(driverError, recordingLogger().logger);
    expect(mapped.extensions.code).toBe('CONFLICT');
    expect(mapped.message).not.toContain('users_email_key');
  });

  it('passes GraphQL errors that carry their own code (e.g. from a subgraph) through', () => {
    const fromSubgraph = new GraphQLError('Organization not found', {
      originalError: { message: 'Organization not found' } as unknown as Error,
      extensions: { code: 'NOT_FOUND' },
    });
    const mapped = toGraphQLError(fromSubgraph, recordingLogger().logger);
    expect(mapped.message).toBe('Organization not found');
    expect(mapped.extensions.code).toBe('NOT_FOUND');
  });
});
