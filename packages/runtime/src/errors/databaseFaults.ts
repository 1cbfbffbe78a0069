/**
 * PostgreSQL failures that say something about the input or the infrastructure rather than a
 * bug, recognised from the driver's error (directly, as TypeORM's `driverError`, or as `cause`).
 */

/** Socket-level failures reaching the database (refused, reset, unreachable, timed out). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** SQLSTATEs of a server that is shutting down, starting up or out of connection slots. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * node-postgres reports a lost connection and a pool timeout by message only. Socket errors are
 * matched by message too: the executor re-creates errors it does not recognise as `Error`
 * (another realm's, e.g. under a VM sandbox) without their `code`, and Node names the code in
 * the message (`connect ECONNREFUSED 10.0.0.5:5432`).
 */
const CONNECTION_LOST = [
  new RegExp(`^(connect|read|write|getaddrinfo) (${[...NETWORK_CODES].join('|')})\\b`),
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Connection ended unexpectedly$/,
];

/**
 * Data exceptions that only a value the caller sent can cause here (ids and text are checked
 * before any query, so these are the backstop): invalid text for a type, too long for a column,
 * out of range, untranslatable characters.
 */
const INVALID_VALUE_SQLSTATES = new Set(['22P02', '22001', '22003', '22007', '22008', '22021', '22P05', '2200N', '22025']);

interface DriverFault {
  code?: unknown;
  message?: unknown;
}

function faultsOf(error: unknown): DriverFault[] {
  const faults: DriverFault[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    faults.push(current as DriverFault);
    const driverError = (current as { driverError?: unknown }).driverError;
    if (typeof driverError === 'object' && driverError !== null) faults.push(driverError as DriverFault);
    current = (current as { cause?: unknown }).cause;
  }
  return faults;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return faultsOf(error).some(({ code, message }) => {
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
      return true;
    }
    return typeof message === 'string' && CONNECTION_LOST.some((pattern) => pattern.test(message));
  });
}

export function isInvalidValue(error: unknown): boolean {
  return faultsOf(error).some(({ code }) => typeof code === 'string' && INVALID_VALUE_SQLSTATES.has(code));
}

const PG_UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return faultsOf(error).some(({ code }) => code === PG_UNIQUE_VIOLATION);
}
