export * from './config';
export * from './server';
export * from './registry';
export type { GatewayContext } from './gatewayContext';
export { SubgraphTransportError, type SubgraphCall, type SubgraphFetch, type SubgraphFetchPlugin, type SubgraphTarget } from './subgraphs/subgraphFetchPlugin';
export { UPLOAD_PATH } from './uploads/uploadRoute';
export { apiSchemaSdl } from './supergraph/apiSchema';
export { GRAPHIQL_TITLE, type DemoLogin } from './graphiql/graphiqlPage';
