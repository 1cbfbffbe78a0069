import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createGraphQLClient } from './api/graphqlClient';
import { loadRuntimeConfig, webSocketUrlOf } from './api/runtimeConfig';
import { App } from './app/App';
import { DashboardServicesProvider } from './app/dashboardServices';
import { SessionStore } from './auth/sessionStore';
import { LiveConnection } from './live/liveConnection';
import './styles.css';

async function start(): Promise<void> {
  const config = await loadRuntimeConfig();
  const session = new SessionStore();
  const graphql = createGraphQLClient(config.graphqlUrl, () => session.accessToken);
  session.attach(graphql);
  const live = new LiveConnection(webSocketUrlOf(config.graphqlUrl), async () => session.accessToken);
  // A WebSocket keeps the identity it was opened with: a new token needs a new socket.
  session.onTokenChanged = () => live.reconnect();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <DashboardServicesProvider services={{ config, session, graphql, live }}>
        <App />
      </DashboardServicesProvider>
    </StrictMode>,
  );
}

void start().catch((error: unknown) => {
  document.getElementById('root')!.textContent = `The dashboard could not start: ${error instanceof Error ? error.message : String(error)}`;
});
