export * from './agentSubgraph';
export { DEFAULT_AGENT_SETTINGS, AGENT_CONFIG_SERVICE, type AgentSettings } from './settings/agentSettings';
export { PERMISSIONS as AGENT_PERMISSIONS } from './permissions';
export type { AgentServices } from './services';
/** What npm start and the test stack discover in this folder (the kit's HUB_MODULE_EXPORT). */
export { agentModule as hubModule } from './agentSubgraph';
