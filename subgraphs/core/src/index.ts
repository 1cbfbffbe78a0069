import 'reflect-metadata';

// The runtime API (env, logging, identity, transports...) re-exported: a subgraph imports one package.
export * from '@hub/runtime';

export * from './input/textSafety';
export * from './input/inputChecks';
export * from './db/rlsMigrationHelpers';
export * from './db/migrator';
export * from './db/appDataSource';
export * from './db/tenantDatabase';
export * from './outbox/outboxTable';
export * from './outbox/outboxWriter';
export * from './outbox/outboxRelay';
export * from './outbox/outboxRetention';
export * from './outbox/outboxSequencing';
export * from './outbox/outboxTraceContext';
export * from './loaders/loaderRegistry';
export * from './subgraph/subgraphContext';
export * from './subgraph/createSubgraph';
export * from './subgraph/hubSubgraph';
export * from './subgraph/runStandalone';
export * from './subgraph/supergraphEntries';
export * from './subgraph/workspaceRoot';
export * from './events/filterEvents';
export * from './events/outboxEventLog';
export * from './events/subscriptionEvents';
export * from './events/useEventPositions';
export * from './events/eventDeliverySpan';
export * from './pagination/connection';
export * from './perimeter/gatewaySignedRequests';
