import type { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Counts the SQL statements a DataSource sends, through TypeORM's own `beforeQuery` subscriber hook.
 * Statements are grouped by query runner (one per transaction) so the outbox relay's background
 * polling, which shares the pool, can be told apart and left out.
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

  private requestStatements(): string[] {
    return [...this.byRunner.values()]
      .filter((statements) => !statements.some((statement) => /\boutbox\b/.test(statement)))
      .flat();
  }
}
