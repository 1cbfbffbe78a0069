import { GraphQLError } from 'graphql';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
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
    const secret = new Error('relation "ledger" does not exist (password=hunter2)');
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

  /** Errors as node-postgres and Node's sockets produce them (a `code`, or only a message). */
  function driverError(message: string, code?: string): Error {
    return Object.assign(new Error(message), code ? { code } : {});
  }

  it.each([
    ['connection refused', driverError('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED')],
    ['connection refused, code lost on the way', driverError('connect ECONNREFUSED 10.0.0.5:5432')],
    ['connection reset', driverError('read ECONNRESET', 'ECONNRESET')],
    ['admin shutdown (57P01)', driverError('terminating connection due to administrator command', '57P01')],
    ['crash shutdown (57P02)', driverError('terminating connection because of crash of another server process', '57P02')],
    ['cannot connect now (57P03)', driverError('the database system is starting up', '57P03')],
    ['connection failure (08006)', driverError('connection failure', '08006')],
    ['too many connections (53300)', driverError('sorry, too many clients already', '53300')],
    ['connection lost mid-query', driverError('Connection terminated unexpectedly')],
    ['pool timeout', driverError('timeout exceeded when trying to connect')],
    ['pool connect timeout', new Error('Connection terminated due to connection timeout', { cause: driverError('x') })],
    ['as TypeORM wraps it', new QueryFailedError('SELECT 1', [], driverError('terminating connection due to administrator command', '57P01'))],
    ['wrapped by the executor', new GraphQLError('x', { originalError: driverError('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED') })],
  ])('maps a database that cannot be reached (%s) to UNAVAILABLE without driver text', (_what, error) => {
    const { logger, lines } = recordingLogger();
    const mapped = toGraphQLError(error, logger);
    expect(mapped.extensions).toEqual({ code: 'UNAVAILABLE' });
    expect(mapped.message).not.toMatch(/ECONNREFUSED|5432|terminat|timeout|administrator/);
    expect(lines).toHaveLength(0);
  });

  it.each([
    ['invalid text for a uuid (22P02)', '22P02', 'invalid input syntax for type uuid: "x\' OR \'1\'=\'1"'],
    ['value too long (22001)', '22001', 'value too long for type character varying(100)'],
    ['NUL in text (22021)', '22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['untranslatable character (22P05)', '22P05', 'unsupported Unicode escape sequence'],
  ])('maps a value the database refuses (%s) to BAD_USER_INPUT without the SQL', (_what, code, message) => {
    const mapped = toGraphQLError(new QueryFailedError('SELECT * FROM users WHERE id = $1', [], driverError(message, code)), recordingLogger().logger);
    expect(mapped.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(mapped.message).not.toContain(message);
  });

  it('keeps other database errors INTERNAL (a bug, not the caller\'s fault)', () => {
    const mapped = toGraphQLError(driverError('division by zero', '22012'), recordingLogger().logger);
    expect(mapped.extensions).toEqual({ code: 'INTERNAL' });
  });
});
