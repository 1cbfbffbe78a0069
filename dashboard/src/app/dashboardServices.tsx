import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Client } from 'urql';
import { Provider } from 'urql';
import type { SessionStore, Session } from '../auth/sessionStore';
import type { ConnectionStatus, LiveConnection } from '../live/liveConnection';
import type { RuntimeConfig } from '../api/runtimeConfig';

/** What every part of the page shares: the session, the HTTP client and the live connection. */
export interface DashboardServices {
  config: RuntimeConfig;
  session: SessionStore;
  graphql: Client;
  live: LiveConnection;
}

const ServicesContext = createContext<DashboardServices | null>(null);

export function DashboardServicesProvider({ services, children }: { services: DashboardServices; children: ReactNode }) {
  return (
    <ServicesContext.Provider value={services}>
      <Provider value={services.graphql}>{children}</Provider>
    </ServicesContext.Provider>
  );
}

export function useServices(): DashboardServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('DashboardServicesProvider missing');
  return services;
}

export function useSession(): Session | null {
  const { session } = useServices();
  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}

export function useConnectionStatus(): ConnectionStatus {
  const { live } = useServices();
  return useSyncExternalStore(
    (listener) => live.onChange(listener),
    () => live.current,
  );
}
