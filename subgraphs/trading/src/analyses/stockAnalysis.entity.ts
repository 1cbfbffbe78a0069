import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { MovingAverageCross } from './indicators/movingAverageCross';
import type { Recommendation } from './recommendationRule';

/** A stored analysis of one instrument as of its latest bar; analyses are kept as history. */
@Entity({ name: 'stock_analyses' })
export class StockAnalysis {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'instrument_id', type: 'uuid' })
  instrumentId!: string;

  @Column({ name: 'as_of', type: 'date' })
  asOf!: string;

  @Column({ type: 'double precision', nullable: true })
  rsi14!: number | null;

  @Column({ type: 'double precision', nullable: true })
  macd!: number | null;

  @Column({ name: 'macd_signal', type: 'double precision', nullable: true })
  macdSignal!: number | null;

  @Column({ name: 'macd_histogram', type: 'double precision', nullable: true })
  macdHistogram!: number | null;

  @Column({ type: 'double precision', nullable: true })
  sma50!: number | null;

  @Column({ type: 'double precision', nullable: true })
  sma200!: number | null;

  @Column({ name: 'moving_average_cross', type: 'text', nullable: true })
  movingAverageCross!: MovingAverageCross | null;

  @Column({ type: 'double precision', nullable: true })
  volatility!: number | null;

  @Column({ type: 'double precision' })
  score!: number;

  @Column({ type: 'text' })
  recommendation!: Recommendation;

  @Column({ type: 'double precision' })
  confidence!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
