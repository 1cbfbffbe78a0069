export * from './agentSubgraph';
export { DEFAULT_AGENT_SETTINGS, AGENT_CONFIG_SERVICE, type AgentSettings } from './settings/agentSettings';
export { PERMISSIONS as AGENT_PERMISSIONS } from './permissions';
export type { AgentServices } from './services';
