import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity, type LoginType } from '../../users/entities/user.entity.js';

export const API_KEY_SCOPES = ['all', 'application_connect'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const bigintAsNumber = { to: (v: number) => v, from: (v: string | null) => (v === null ? 0 : Number(v)) };

/**
 * Coder's `api_keys`: the row id is the public half of the token; only sha256(secret) is kept.
 * Session keys (login) and long-lived tokens (`login_type = 'token'`) share the table.
 */
@Entity('api_keys')
@Index('api_keys_user_id_token_name_idx', ['userId', 'tokenName'], { unique: true, where: `login_type = 'token'` })
@Check('api_keys_scope_check', `"scope" IN ('all', 'application_connect')`)
export class ApiKeyEntity {
  @PrimaryColumn('varchar', { length: 10 })
  id: string;

  @Column('bytea')
  hashedSecret: Buffer;

  @Index('api_keys_user_id_idx')
  @Column('uuid')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column('timestamptz')
  lastUsed: Date;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  @Column('text')
  loginType: LoginType;

  @Column('bigint', { default: 86400, transformer: bigintAsNumber })
  lifetimeSeconds: number;

  @Column('inet', { nullable: true })
  ipAddress: string | null;

  @Column('text', { default: 'all' })
  scope: ApiKeyScope;

  @Column('text', { default: '' })
  tokenName: string;
}
