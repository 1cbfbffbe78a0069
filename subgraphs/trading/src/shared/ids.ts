/** Ids are UUIDs; anything else cannot name a row (and must not reach PostgreSQL as a cast error). */
export { isUuid } from '@hub/core';
