import type { DataSource, EntityManager } from 'typeorm';
import type { DomainEvent, Principal } from '@hub/runtime';
import type { OutboxWriter } from '../outbox/outboxWriter';

/** On whose behalf a unit of work runs; RLS policies read these as `app.*` settings. */
export interface TenantScope {
  orgId: string | null;
  userId: string | null;
  /** Who acts (person or service account); absent for system work such as scheduled checks. */
  principal?: Principal | null;
  /** Further `app.<name>` settings a subgraph's policies use (e.g. a login lookup). */
  settings?: Readonly<Record<string, string>>;
}

/** A person acting in their organization outside a request (seeds, fixtures). */
export function personScope(orgId: string, userId: string): TenantScope {
  return { orgId, userId, principal: { kind: 'USER', id: userId } };
}

export interface UnitOfWork {
  readonly manager: EntityManager;
  readonly scope: TenantScope;
  /** Records an event in the outbox; it is published only if this transaction commits. */
  emit(event: DomainEvent): Promise<void>;
}

const SETTING_NAME = /^[a-z][a-z_]*$/;

/** Runs work in one transaction that first pins the tenant for row-level security. */
export class TenantDatabase {
  constructor(
    readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  run<T>(scope: TenantScope, work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const names = ['current_org', 'current_user'];
      const values = [scope.orgId ?? '', scope.userId ?? ''];
      for (const [name, value] of Object.entries(scope.settings ?? {})) {
        if (!SETTING_NAME.test(name)) throw new Error(`Invalid tenant setting name ${name}`);
        names.push(name);
        values.push(value);
      }
      const assignments = names.map((name, index) => `set_config('app.${name}', $${index + 1}, true)`).join(', ');
      await manager.query(`SELECT ${assignments}`, values);
      const unit: UnitOfWork = {
        manager,
        scope,
        emit: async (event) => {
          await this.outbox.write(manager, event, scope.orgId);
        },
      };
      return work(unit);
    });
  }
}
