import { NotFoundError, UnavailableError, type Logger } from '@hub/core';
import type { SubjectRef, SubjectType } from './subject';

/**
 * The agent subgraph does not own the entities a task is about (risk-hub owns assessments,
 * trading owns portfolios), so before it stores a reference it asks the graph, as the caller,
 * whether the caller can see that subject: the same query any client would send through the
 * gateway, with the caller's own token. Another tenant's id, an unknown id, or a subject the
 * caller may not read is NOT_FOUND (nothing stored, nothing revealed); a graph that cannot
 * answer is UNAVAILABLE.
 */
export interface SubjectDirectory {
  /** Throws NotFoundError unless the caller (by their Authorization header) can read the subject. */
  requireVisible(subject: SubjectRef, authorization: string | null): Promise<void>;
}

/** The owning subgraphs' single-entity queries; each is NOT_FOUND for ids outside the caller's tenant. */
const LOOKUPS: Record<SubjectType, string> = {
  RiskAssessment: 'query AgentSubjectRiskAssessment($id: ID!) { subject: riskAssessment(id: $id) { id } }',
  Portfolio: 'query AgentSubjectPortfolio($id: ID!) { subject: portfolio(id: $id) { id } }',
};

/** Answers that mean "not there for this caller" rather than "could not ask". */
const NOT_VISIBLE = new Set(['NOT_FOUND', 'FORBIDDEN']);

interface LookupAnswer {
  data?: { subject?: { id: string } | null } | null;
  errors?: Array<{ extensions?: { code?: unknown } }>;
}

export interface GatewaySubjectDirectoryOptions {
  /** The gateway's GraphQL endpoint; read per lookup (see agentDefinition). */
  gatewayUrl: () => string;
  timeoutMs?: number;
  logger: Logger;
}

export class GatewaySubjectDirectory implements SubjectDirectory {
  constructor(private readonly options: GatewaySubjectDirectoryOptions) {}

  async requireVisible(subject: SubjectRef, authorization: string | null): Promise<void> {
    const answer = await this.ask(subject, authorization);
    if (answer.data?.subject?.id) return;
    const codes = (answer.errors ?? []).map((error) => error.extensions?.code);
    if (codes.length > 0 && codes.every((code) => NOT_VISIBLE.has(code as string))) {
      throw new NotFoundError(`${subject.type} not found`, { field: 'subject' });
    }
    this.options.logger.warn({ subject, codes }, 'subject lookup through the gateway failed');
    throw new UnavailableError(`Cannot check the ${subject.type} now; try again shortly`);
  }

  private async ask(subject: SubjectRef, authorization: string | null): Promise<LookupAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (authorization) headers.authorization = authorization;
    try {
      const response = await fetch(this.options.gatewayUrl(), {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: LOOKUPS[subject.type], variables: { id: subject.id } }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      return (await response.json()) as LookupAnswer;
    } catch (error) {
      this.options.logger.warn({ err: error, subject }, 'gateway unreachable for a subject lookup');
      throw new UnavailableError(`Cannot check the ${subject.type} now; try again shortly`);
    }
  }
}
