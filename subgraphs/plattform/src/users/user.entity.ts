import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A person who can sign in. Users exist once and join organizations through memberships. */
@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Stored lower-cased; unique across the platform. */
  @Column({ type: 'text', unique: true })
  email!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  /** scrypt hash in the format written by PasswordHasher; never exposed by the schema. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
