export { startGraphStack, startSubgraphs, type GraphStack, type GraphStackOptions, type RunningSubgraphs, type SubgraphsOptions } from './graphStack';
export { startGateway, type GatewayStartOptions, type RunningGateway } from './gateway';
