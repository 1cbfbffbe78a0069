import { useConnectionStatus } from '../app/dashboardServices';

const LABELS = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline: waiting for the network' } as const;

/** The live connection's state, announced politely to screen readers when it changes. */
export function ConnectionIndicator() {
  const status = useConnectionStatus();
  return (
    <p role="status" aria-live="polite" className={`connection connection-${status.state}`} data-state={status.state}>
      <span aria-hidden="true" className="dot" />
      {LABELS[status.state]}
      {status.reconnects > 0 ? <span className="small"> (reconnected {status.reconnects}×)</span> : null}
    </p>
  );
}
