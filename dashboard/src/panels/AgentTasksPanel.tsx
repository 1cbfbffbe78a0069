import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../graphql';
import type { AgentTaskStatus } from '../graphql/graphql';
import { useLiveSubscription } from '../live/useLiveSubscription';
import { Panel } from '../components/Panel';

const AgentTasksQuery = graphql(`
  query DashboardAgentTasks {
    agentTaskConnection(first: 20) { nodes { id type status progress progressMessage createdAt } }
  }
`);

const AgentTaskUpdatesSubscription = graphql(`
  subscription DashboardAgentTaskUpdates {
    agentTaskUpdates { taskId taskType type status progress message occurredAt }
  }
`);

interface TaskView {
  id: string;
  type: string;
  status: AgentTaskStatus;
  progress: number;
  message: string | null;
}

/** Agent tasks of the organization with live progress (agentTaskUpdates), newest first. */
export function AgentTasksPanel() {
  const [{ data, error }, reload] = useQuery({ query: AgentTasksQuery });
  const [tasks, setTasks] = useState<TaskView[]>([]);

  useEffect(() => {
    if (!data) return;
    setTasks(data.agentTaskConnection.nodes.map((task) => ({ id: task.id, type: task.type, status: task.status, progress: task.progress, message: task.progressMessage })));
  }, [data]);

  const liveError = useLiveSubscription(AgentTaskUpdatesSubscription, {}, {
    onEvent: ({ agentTaskUpdates: event }) =>
      setTasks((current) => {
        const known = current.find((task) => task.id === event.taskId);
        const updated: TaskView = {
          id: event.taskId,
          type: event.taskType,
          status: event.status,
          progress: event.progress,
          message: event.message ?? known?.message ?? null,
        };
        return known ? current.map((task) => (task.id === event.taskId ? updated : task)) : [updated, ...current];
      }),
    onGap: () => reload(),
  });

  return (
    <Panel id="agent-tasks" title="Agent tasks" error={error?.message ?? liveError}>
      {tasks.length === 0 ? (
        <p>No tasks yet.</p>
      ) : (
        <ul className="tasks" aria-label="Agent tasks">
          {tasks.map((task) => (
            <li key={task.id} data-task-id={task.id}>
              <div className="row">
                <span className="name">{task.type}</span>
                <span className={`badge status-${task.status.toLowerCase()}`}>{task.status}</span>
              </div>
              <progress value={task.progress} max={1} aria-label={`${task.type} progress`} />
              <div className="row small">
                <span className="percent">{Math.round(task.progress * 100)} %</span>
                <span className="message">{task.message ?? ''}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
