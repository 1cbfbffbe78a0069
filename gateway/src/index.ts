export * from './config';
export * from './server';
export * from './supergraph/supergraphConfig';
export * from './supergraph/composeSupergraph';
export type { GatewayContext } from './gatewayContext';
export { UPLOAD_PATH } from './uploads/uploadRoute';
export { apiSchemaSdl } from './supergraph/apiSchema';
export { GRAPHIQL_TITLE, type DemoLogin } from './graphiql/graphiqlPage';
