export { startGraphStack, startSubgraphs, type GraphStack, type GraphStackOptions, type RunningSubgraphs, type SubgraphsOptions } from './graphStack';
