import type { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Counts the SQL statements a DataSource sends, through TypeORM's own `beforeQuery` subscriber hook.
 * Statements are grouped by query runner (one per transaction) so background work sharing the pool
 * (the outbox relay's polling, other periodic jobs) can be told apart from request work and left out.
 */
export class QueryCounter {
  private readonly byRunner = new Map<QueryRunner, string[]>();
  private active = false;

  constructor(dataSource: DataSource) {
    const subscriber: EntitySubscriberInterface = {
      beforeQuery: (event) => {
        if (!this.active) return;
        const statements = this.byRunner.get(event.queryRunner) ?? [];
        statements.push(event.query);
        this.byRunner.set(event.queryRunner, statements);
      },
    };
    dataSource.subscribers.push(subscriber);
  }

  async measure<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    this.byRunner.clear();
    this.active = true;
    try {
      const result = await work();
      return { result, statements: this.requestStatements() };
    } finally {
      this.active = false;
    }
  }

  /** Statements of tenant-pinned units of work (every resolver's database access starts one). */
  private requestStatements(): string[] {
    return [...this.byRunner.values()]
      .filter((statements) => statements.some((statement) => statement.includes("set_config('app.current_org'")))
      .filter((statements) => !statements.some((statement) => /\boutbox\b/.test(statement)))
      .flat();
  }
}
