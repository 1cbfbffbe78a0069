import { useQuery } from 'urql';
import { graphql } from '../graphql';
import { ConfigDiff } from './ConfigDiff';

const ConfigHistoryQuery = graphql(`
  query DashboardConfigHistory($filter: ConfigHistoryFilter!) {
    configHistory(filter: $filter, first: 20) {
      version changedAt reason oldValue newValue operator
      actor { displayName }
    }
  }
`);

/** The recorded changes of one config key, newest first, each as a diff. */
export function ConfigHistory({ service, configKey }: { service: string; configKey: string }) {
  const [{ data, fetching, error }] = useQuery({ query: ConfigHistoryQuery, variables: { filter: { service, key: configKey } } });
  if (fetching) return <p className="small">Loading history…</p>;
  if (error) return <p role="alert">{error.message}</p>;
  return (
    <ol className="history" aria-label={`History of ${service}.${configKey}`}>
      {data?.configHistory.map((change) => (
        <li key={change.version}>
          <div className="small">
            v{change.version} · {new Date(change.changedAt).toLocaleString()} · {change.actor?.displayName ?? change.operator ?? 'operator'} · {change.reason}
          </div>
          <ConfigDiff before={change.oldValue ?? undefined} after={change.newValue} />
        </li>
      ))}
    </ol>
  );
}
