/** The graph's one page shape lives in @hub/core (shared with the agent subgraph). */
export { decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageSize, toConnection, type Connection, type PageRequest } from '@hub/core';
