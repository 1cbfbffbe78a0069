import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { numericColumn } from '../shared/numericColumn';
import type { OrderSide, OrderStatus, OrderType, RejectReason } from './orderTypes';

@Entity({ name: 'orders' })
export class Order {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @Column({ name: 'instrument_id', type: 'uuid' })
  instrumentId!: string;

  @Column({ type: 'text' })
  side!: OrderSide;

  @Column({ type: 'text' })
  type!: OrderType;

  @Column({ type: 'numeric', transformer: numericColumn })
  quantity!: number;

  @Column({ name: 'filled_quantity', type: 'numeric', transformer: numericColumn })
  filledQuantity!: number;

  @Column({ name: 'limit_price', type: 'numeric', nullable: true, transformer: numericColumn })
  limitPrice!: number | null;

  @Column({ type: 'text' })
  status!: OrderStatus;

  @Column({ name: 'reject_reason', type: 'text', nullable: true })
  rejectReason!: RejectReason | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
