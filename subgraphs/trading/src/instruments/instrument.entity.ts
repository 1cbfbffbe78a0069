import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A tradable security of one organization's universe, identified there by its symbol. */
@Entity({ name: 'instruments' })
export class Instrument {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ type: 'text' })
  symbol!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'text' })
  exchange!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
