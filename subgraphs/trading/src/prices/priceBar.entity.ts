import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericColumn } from '../shared/numericColumn';

/** One trading day of an instrument (OHLCV). */
@Entity({ name: 'price_bars' })
export class PriceBar {
  @PrimaryColumn({ name: 'instrument_id', type: 'uuid' })
  instrumentId!: string;

  /** `YYYY-MM-DD`; PostgreSQL `date` is read as a string, so no time zone can shift it. */
  @PrimaryColumn({ type: 'date' })
  date!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ type: 'numeric', transformer: numericColumn })
  open!: number;

  @Column({ type: 'numeric', transformer: numericColumn })
  high!: number;

  @Column({ type: 'numeric', transformer: numericColumn })
  low!: number;

  @Column({ type: 'numeric', transformer: numericColumn })
  close!: number;

  @Column({ type: 'numeric', transformer: numericColumn })
  volume!: number;
}
