import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../graphql';
import type { AssessmentStatus } from '../graphql/graphql';
import { useLiveSubscription } from '../live/useLiveSubscription';
import { Panel } from '../components/Panel';

const RiskAssessmentsQuery = graphql(`
  query DashboardRiskAssessments {
    riskAssessments(first: 50) { nodes { id title status version } }
  }
`);

const RiskAssessmentEventsSubscription = graphql(`
  subscription DashboardRiskAssessmentEvents {
    riskAssessmentEvents { id type time assessmentId assessment { id title status version } }
  }
`);

interface AssessmentView {
  id: string;
  title: string;
  status: AssessmentStatus;
  version: number;
  events: Array<{ id: string; type: string; time: string }>;
}

const STATUSES: Array<{ status: AssessmentStatus; label: string }> = [
  { status: 'DRAFT', label: 'Draft' },
  { status: 'IN_REVIEW', label: 'In review' },
  { status: 'APPROVED', label: 'Approved' },
  { status: 'REJECTED', label: 'Rejected' },
  { status: 'ARCHIVED', label: 'Archived' },
];

const EVENTS_KEPT = 10;

/** Risk assessments by status (four-eyes workflow), each with the live events it went through. */
export function RiskAssessmentsPanel() {
  const [{ data, error }, reload] = useQuery({ query: RiskAssessmentsQuery });
  const [assessments, setAssessments] = useState<AssessmentView[]>([]);

  useEffect(() => {
    if (!data) return;
    setAssessments((current) =>
      data.riskAssessments.nodes.map((node) => ({ ...node, events: current.find((known) => known.id === node.id)?.events ?? [] })),
    );
  }, [data]);

  const liveError = useLiveSubscription(RiskAssessmentEventsSubscription, {}, {
    onEvent: ({ riskAssessmentEvents: event }) =>
      setAssessments((current) => {
        const known = current.find((assessment) => assessment.id === event.assessmentId);
        const entry = { id: event.id, type: event.type, time: event.time };
        const base: AssessmentView = known ?? { id: event.assessmentId, title: event.assessment?.title ?? event.assessmentId, status: 'DRAFT', version: 0, events: [] };
        const updated: AssessmentView = {
          ...base,
          ...(event.assessment ? { title: event.assessment.title, status: event.assessment.status, version: event.assessment.version } : {}),
          events: [entry, ...base.events].slice(0, EVENTS_KEPT),
        };
        return known ? current.map((assessment) => (assessment.id === updated.id ? updated : assessment)) : [updated, ...current];
      }),
    onGap: () => reload(),
  });

  return (
    <Panel id="risk-assessments" title="Risk assessments" error={error?.message ?? liveError}>
      <div className="columns">
        {STATUSES.map(({ status, label }) => {
          const inStatus = assessments.filter((assessment) => assessment.status === status);
          return (
            <section key={status} aria-label={label} className="column">
              <h3>
                {label} <span className="small">({inStatus.length})</span>
              </h3>
              <ul aria-label={`${label} assessments`}>
                {inStatus.map((assessment) => (
                  <li key={assessment.id} data-assessment-id={assessment.id}>
                    <span className="name">{assessment.title}</span> <span className="small">v{assessment.version}</span>
                    {assessment.events.length > 0 ? (
                      <details>
                        <summary className="small">{assessment.events.length} live events</summary>
                        <ol aria-label={`Events of ${assessment.title}`}>
                          {assessment.events.map((event) => (
                            <li key={event.id} className="small">
                              {event.type.replace('risk.', '')} · {new Date(event.time).toLocaleTimeString()}
                            </li>
                          ))}
                        </ol>
                      </details>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </Panel>
  );
}
