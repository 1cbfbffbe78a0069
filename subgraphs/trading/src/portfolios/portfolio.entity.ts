import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { numericColumn } from '../shared/numericColumn';

/** Cash and positions of one owner; the row is the lock that serializes its orders. */
@Entity({ name: 'portfolios' })
export class Portfolio {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  currency!: string;

  /** Cash at creation; performance replays executions from it. */
  @Column({ name: 'initial_cash', type: 'numeric', transformer: numericColumn })
  initialCash!: number;

  @Column({ type: 'numeric', transformer: numericColumn })
  cash!: number;

  /** Id of a risk-hub RiskAssessment (owned and resolved by that subgraph). */
  @Column({ name: 'risk_assessment_id', type: 'text', nullable: true })
  riskAssessmentId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
