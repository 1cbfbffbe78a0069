import { join } from 'node:path';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import {
  ConfigClient,
  configReaderUrlFromEnv,
  envString,
  hubSubgraphModule,
  loadSchemaFile,
  type BackgroundTask,
  type ConfigReader,
  type HubSubgraphDefinition,
} from '@hub/core';
import { migrations } from './migrations';
import { Pipeline } from './pipelines/pipeline.entity';
import { PipelineService } from './pipelines/pipelineService';
import { PipelineStage } from './pipelines/pipelineStage.entity';
import { TaskEventFeed } from './progress/taskEventFeed';
import { Agent } from './registry/agent.entity';
import { AgentRegistry } from './registry/agentRegistry';
import { resolvers } from './resolvers';
import { seedAgentDemo } from './seed/demoSeed';
import type { AgentContext, AgentServices } from './services';
import { AGENT_CONFIG_SERVICE, AgentSettingsSource } from './settings/agentSettings';
import { GatewaySubjectDirectory } from './subjects/subjectDirectory';
import { AgentTask } from './tasks/agentTask.entity';
import { LeaseSweeper } from './tasks/leaseSweeper';
import { TaskQueue } from './tasks/taskQueue';
import { TaskTypeRegistry } from './taskTypes/taskTypeRegistry';

export const SUBGRAPH_NAME = 'agent';
/** Where subjects are looked up as the caller when GATEWAY_URL is not set (the dev stack's gateway). */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4000/graphql';
export const typeDefs = loadSchemaFile(join(__dirname, '..', 'schema.graphql'));

export interface AgentSubgraphOptions {
  /**
   * Where agent settings come from. Default: a ConfigClient following plattform's service configs
   * (service "agent", hot-reloaded); `null`: the documented defaults only.
   */
  configReader?: ConfigReader | null;
  /** How often expired leases are looked for (default 1 s). */
  leaseSweepIntervalMs?: number;
  /**
   * The gateway that subjects (assessments, portfolios) are checked through. Default: GATEWAY_URL,
   * read per lookup because the gateway usually starts after the subgraphs (dev stack, tests).
   */
  gatewayUrl?: () => string;
}

/** The agent subgraph on the shared kit. */
export function agentDefinition(options: AgentSubgraphOptions = {}): HubSubgraphDefinition<AgentServices> {
  return {
    name: SUBGRAPH_NAME,
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<AgentContext>,
    entities: [Agent, AgentTask, Pipeline, PipelineStage],
    migrations,
    createServices: ({ dataSource, database, eventBus, logger }) => {
      // Started with the background tasks; until its first load succeeds (or while plattform's
      // configs are unreachable) the defaults apply.
      const configClient =
        options.configReader === undefined
          ? new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus, logger, services: [AGENT_CONFIG_SERVICE] })
          : null;
      const settings = new AgentSettingsSource(options.configReader ?? configClient ?? undefined);
      const taskTypes = new TaskTypeRegistry();
      const agents = new AgentRegistry();
      const tasks = new TaskQueue(taskTypes, agents, settings);
      const pipelines = new PipelineService(tasks, taskTypes);
      return {
        configClient,
        settings,
        taskTypes,
        agents,
        tasks,
        pipelines,
        taskEvents: new TaskEventFeed(),
        subjects: new GatewaySubjectDirectory({
          gatewayUrl: options.gatewayUrl ?? (() => envString('GATEWAY_URL', DEFAULT_GATEWAY_URL)),
          logger,
        }),
        leaseSweeper: new LeaseSweeper(dataSource, database, tasks, logger),
      };
    },
    startBackground: async (services) => {
      const tasks: BackgroundTask[] = [services.leaseSweeper.start(options.leaseSweepIntervalMs ?? 1000)];
      if (services.configClient) {
        await services.configClient.start();
        tasks.push(services.configClient);
      }
      return tasks;
    },
  };
}

export function createAgentModule(options: AgentSubgraphOptions = {}) {
  return hubSubgraphModule(agentDefinition(options), { seedDemo: seedAgentDemo });
}

/** What `npm start`, the tests and `src/main.ts` run. */
export const agentModule = createAgentModule();
