import { memo, useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { ConfigDiff } from '../config/ConfigDiff';
import { ConfigHistory } from '../config/ConfigHistory';
import { graphql } from '../graphql';
import type { JsonValue } from '../json';
import { useLiveSubscription } from '../live/useLiveSubscription';
import { Panel } from '../components/Panel';

const ServiceConfigsQuery = graphql(`
  query DashboardServiceConfigs {
    serviceConfigs { service key value version }
  }
`);

const ConfigChangedSubscription = graphql(`
  subscription DashboardConfigChanged {
    configChanged { service key value version scope updatedAt updatedBy { displayName } updatedByOperator }
  }
`);

interface FeedEntry {
  position: string | null;
  service: string;
  key: string;
  version: number;
  before: JsonValue | undefined;
  after: JsonValue;
  by: string;
  at: string;
}

const FEED_LENGTH = 200;

/** Config changes as they happen, each with its diff against the value before; history per key. */
export function ConfigFeedPanel() {
  const [{ data, error }, reload] = useQuery({ query: ServiceConfigsQuery });
  const values = useRef(new Map<string, JsonValue>());
  const [feed, setFeed] = useState<FeedEntry[]>([]);
  const [historyOf, setHistoryOf] = useState<{ service: string; key: string } | null>(null);

  useEffect(() => {
    for (const config of data?.serviceConfigs ?? []) values.current.set(`${config.service}.${config.key}`, config.value);
  }, [data]);

  const liveError = useLiveSubscription(ConfigChangedSubscription, {}, {
    onEvent: ({ configChanged: change }, position) => {
      const id = `${change.service}.${change.key}`;
      const before = values.current.get(id);
      values.current.set(id, change.value);
      const entry: FeedEntry = {
        position,
        service: change.service,
        key: change.key,
        version: change.version,
        before,
        after: change.value,
        by: change.updatedBy?.displayName ?? change.updatedByOperator ?? 'operator',
        at: change.updatedAt,
      };
      setFeed((current) => [entry, ...current].slice(0, FEED_LENGTH));
    },
    onGap: () => reload(),
  });

  return (
    <Panel id="config-feed" title="Config changes" error={error?.message ?? liveError}>
      {feed.length === 0 ? <p>No changes since the page opened.</p> : null}
      <ol className="feed" aria-label="Config change feed">
        {feed.map((entry) => (
          <FeedItem key={`${entry.position ?? ''}:${entry.service}.${entry.key}:${entry.version}`} entry={entry} showHistory={setHistoryOf} />
        ))}
      </ol>
      {historyOf ? (
        <div role="dialog" aria-label={`History of ${historyOf.service}.${historyOf.key}`} className="history-dialog">
          <div className="row">
            <h3>
              History of {historyOf.service}.{historyOf.key}
            </h3>
            <button type="button" onClick={() => setHistoryOf(null)}>
              Close
            </button>
          </div>
          <ConfigHistory service={historyOf.service} configKey={historyOf.key} />
        </div>
      ) : null}
    </Panel>
  );
}

/** One change in the feed; entries never change, so a new event renders only its own item. */
const FeedItem = memo(function FeedItem({ entry, showHistory }: { entry: FeedEntry; showHistory: (config: { service: string; key: string }) => void }) {
  return (
    <li data-position={entry.position ?? undefined} data-config={`${entry.service}.${entry.key}`} data-version={entry.version}>
      <div className="row">
        <span className="name">
          {entry.service}.{entry.key} v{entry.version}
        </span>
        <button type="button" className="link" onClick={() => showHistory({ service: entry.service, key: entry.key })}>
          History
        </button>
      </div>
      <div className="small">
        {entry.by} · {new Date(entry.at).toLocaleTimeString()}
      </div>
      <ConfigDiff before={entry.before} after={entry.after} />
    </li>
  );
});
