import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericColumn } from '../shared/numericColumn';

/** Holding of one instrument in one portfolio; negative quantity only when short selling is enabled. */
@Entity({ name: 'positions' })
export class Position {
  @PrimaryColumn({ name: 'portfolio_id', type: 'uuid' })
  portfolioId!: string;

  @PrimaryColumn({ name: 'instrument_id', type: 'uuid' })
  instrumentId!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ type: 'numeric', transformer: numericColumn })
  quantity!: number;

  @Column({ name: 'average_cost', type: 'numeric', transformer: numericColumn })
  averageCost!: number;
}
