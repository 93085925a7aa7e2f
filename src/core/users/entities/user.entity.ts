import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `dormant`: not seen for CODER_DORMANCY_THRESHOLD (src/core/users/dormancy.service.ts); not a license seat. */
export const USER_STATUSES = ['active', 'dormant', 'suspended'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const LOGIN_TYPES = ['password', 'github', 'oidc', 'token', 'none'] as const;
export type LoginType = (typeof LOGIN_TYPES)[number];

/** Coder's `users` table. Usernames and emails are unique case-insensitively among non-deleted users. */
@Entity('users')
@Index('users_email_lower_idx', { synchronize: false })
@Index('users_username_lower_idx', { synchronize: false })
// Trigram (pg_trgm GIN) indexes for the ILIKE search of GET /users?q= (migration ScaleIndexes).
@Index('users_username_trgm_idx', { synchronize: false })
@Index('users_email_trgm_idx', { synchronize: false })
@Check('users_status_check', `"status" IN ('active', 'dormant', 'suspended')`)
@Check('users_login_type_check', `"login_type" IN ('password', 'github', 'oidc', 'token', 'none')`)
export class UserEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  email: string;

  @Column('text')
  username: string;

  @Column('text', { default: '' })
  name: string;

  /** `scrypt$N$r$p$salt$hash`; null for users without password login. Never serialized. */
  @Column('text', { nullable: true })
  hashedPassword: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  @Column('text', { default: 'active' })
  status: UserStatus;

  /** Explicit site roles; `member` is implied and never stored. */
  @Column('text', { array: true, default: () => `'{}'` })
  rbacRoles: string[];

  @Column('text', { default: 'password' })
  loginType: LoginType;

  @Column('text', { default: '' })
  avatarUrl: string;

  @Column('boolean', { default: false })
  deleted: boolean;

  @Column('timestamptz', { default: () => 'now()' })
  lastSeenAt: Date;

  @Column('text', { default: '' })
  quietHoursSchedule: string;
}
