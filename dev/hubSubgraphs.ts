import type { HubSubgraphModule } from '@hub/core';
import { riskHubModule } from '@hub/risk-hub';
import { agentModule } from '@hub/agent';
import { tradingModule } from '@hub/trading';

/**
 * The hub subgraphs `npm start` runs next to plattform, in this order. A hub team adds its
 * module here (plus supergraph.yaml, docker-compose.yml); the gateway needs no change.
 */
export const HUB_SUBGRAPHS: HubSubgraphModule[] = [riskHubModule, tradingModule, agentModule as HubSubgraphModule];
