import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericColumn } from '../shared/numericColumn';
import type { OrderSide } from './orderTypes';

/** One fill, recorded in the same transaction that moves cash and position (insert-only). */
@Entity({ name: 'executions' })
export class Execution {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ name: 'instrument_id', type: 'uuid' })
  instrumentId!: string;

  @Column({ type: 'text' })
  side!: OrderSide;

  @Column({ type: 'numeric', transformer: numericColumn })
  quantity!: number;

  @Column({ type: 'numeric', transformer: numericColumn })
  price!: number;

  @Column({ type: 'numeric', transformer: numericColumn })
  fees!: number;

  @Column({ name: 'trade_date', type: 'date' })
  tradeDate!: string;

  @Column({ type: 'text' })
  broker!: string;

  @Column({ name: 'executed_at', type: 'timestamptz' })
  executedAt!: Date;
}
