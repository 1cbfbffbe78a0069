export {
  startGateway,
  startGraphStack,
  startSubgraphs,
  type GatewayStartOptions,
  type GraphStack,
  type GraphStackOptions,
  type RunningGateway,
  type RunningSubgraphs,
  type SubgraphsOptions,
} from './graphStack';
