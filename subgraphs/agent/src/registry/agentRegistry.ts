import { randomUUID } from 'node:crypto';
import { BadUserInputError, ConflictError, NotFoundError, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import { isUuid, validIds } from '../ids';
import { Agent, type ReportedAgentStatus } from './agent.entity';

export interface AgentRegistration {
  name: string;
  type: string;
  capabilities: readonly string[];
}

function orgOf(unit: UnitOfWork): string {
  if (!unit.scope.orgId) throw new Error('agent registry needs a tenant-scoped unit of work');
  return unit.scope.orgId;
}

/** Agents (worker processes) of a tenant: registration, liveness and per-agent metrics. */
export class AgentRegistry {
  /** Registers a worker or refreshes its registration; a name belongs to the service account that took it. */
  async register(unit: UnitOfWork, serviceAccountId: string, registration: AgentRegistration): Promise<Agent> {
    const name = registration.name.trim();
    if (name.length === 0 || name.length > 100) throw new BadUserInputError('Agent name must have 1 to 100 characters', { field: 'name' });
    const type = registration.type.trim();
    if (type.length === 0 || type.length > 100) throw new BadUserInputError('Agent type must have 1 to 100 characters', { field: 'type' });
    const rows: Array<{ id: string }> = await unit.manager.query(
      `INSERT INTO agents (id, org_id, name, type, capabilities, service_account_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id, name) DO UPDATE
         SET type = excluded.type, capabilities = excluded.capabilities, reported_status = 'idle',
             status_message = NULL, last_heartbeat_at = now()
       WHERE agents.service_account_id = excluded.service_account_id
       RETURNING id`,
      [randomUUID(), orgOf(unit), name, type, [...new Set(registration.capabilities)], serviceAccountId],
    );
    if (!rows[0]) throw new ConflictError(`Agent name ${name} is registered by another service account`);
    return unit.manager.findOneByOrFail(Agent, { id: rows[0].id });
  }

  /** The caller's own agent; agents of other service accounts or tenants are NOT_FOUND. */
  async ownAgent(unit: UnitOfWork, agentId: string, serviceAccountId: string): Promise<Agent> {
    const agent = isUuid(agentId) ? await unit.manager.findOneBy(Agent, { id: agentId }) : null;
    if (!agent || agent.serviceAccountId !== serviceAccountId) throw new NotFoundError('Agent not found');
    return agent;
  }

  async markSeen(unit: UnitOfWork, agentId: string, status: ReportedAgentStatus, message: string | null = null): Promise<Agent> {
    await unit.manager.query(
      `UPDATE agents SET last_heartbeat_at = now(), reported_status = $2, status_message = $3 WHERE id = $1`,
      [agentId, status, message],
    );
    return unit.manager.findOneByOrFail(Agent, { id: agentId });
  }

  /** Counts one finished attempt; only completed tasks add to the duration average. */
  async recordOutcome(unit: UnitOfWork, agentId: string, outcome: { succeeded: boolean; durationMs: number }): Promise<void> {
    if (outcome.succeeded) {
      await unit.manager.query(
        `UPDATE agents SET tasks_completed = tasks_completed + 1, completed_duration_ms = completed_duration_ms + $2,
           reported_status = 'idle', last_heartbeat_at = now() WHERE id = $1`,
        [agentId, Math.max(0, Math.round(outcome.durationMs))],
      );
    } else {
      await unit.manager.query(
        `UPDATE agents SET tasks_failed = tasks_failed + 1, reported_status = 'idle', last_heartbeat_at = now() WHERE id = $1`,
        [agentId],
      );
    }
  }

  /** A lease that expired counts as a failed attempt, without making the silent agent look alive. */
  async recordLostLease(unit: UnitOfWork, agentId: string): Promise<void> {
    await unit.manager.query(`UPDATE agents SET tasks_failed = tasks_failed + 1 WHERE id = $1`, [agentId]);
  }

  list(unit: UnitOfWork): Promise<Agent[]> {
    return unit.manager.find(Agent, { order: { name: 'ASC' } });
  }

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<Agent[]> {
    return unit.manager.findBy(Agent, { id: In(validIds(ids)) });
  }
}
