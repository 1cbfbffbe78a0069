import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../identity/roles';

/** A user's role in one organization. */
@Entity({ name: 'memberships' })
export class Membership {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  role!: Role;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
