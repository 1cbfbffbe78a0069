import { ConnectionIndicator } from '../components/ConnectionIndicator';
import { LoginForm } from '../components/LoginForm';
import { OrganizationSwitcher } from '../components/OrganizationSwitcher';
import { AgentTasksPanel } from '../panels/AgentTasksPanel';
import { ConfigFeedPanel } from '../panels/ConfigFeedPanel';
import { PortfolioPanel } from '../panels/PortfolioPanel';
import { RiskAssessmentsPanel } from '../panels/RiskAssessmentsPanel';
import { useServices, useSession } from './dashboardServices';

export function App() {
  const { session } = useServices();
  const current = useSession();
  if (!current) return <LoginForm />;
  return (
    <>
      <header className="top">
        <h1>Hub dashboard</h1>
        <OrganizationSwitcher />
        <ConnectionIndicator />
        <p className="user">
          {current.user.displayName} · <strong>{current.organization.name}</strong>
        </p>
        <button type="button" className="secondary" onClick={() => void session.logout()}>
          Sign out
        </button>
      </header>
      {/* Panels remount per organization: their state belongs to one tenant. */}
      <main className="panels" key={current.organization.id}>
        <AgentTasksPanel />
        <ConfigFeedPanel />
        <RiskAssessmentsPanel />
        <PortfolioPanel />
      </main>
    </>
  );
}
