import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../../core/users/entities/user.entity.js';

/**
 * What SCIM knows about a user beyond Coder's `users` row: the identity provider's `userName`
 * (Coder's username is derived from it once and never changed by SCIM), `externalId`, the name
 * parts, the email's type, and whether the identity provider deleted (deprovisioned) the user.
 * Users without a row (created in Coder) are SCIM users too, with their username as `userName`.
 */
@Entity('scim_users')
@Index('scim_users_user_name_lower_idx', { synchronize: false })
export class ScimUserEntity {
  @PrimaryColumn('uuid')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column('text')
  userName: string;

  @Index('scim_users_external_id_idx')
  @Column('text', { nullable: true })
  externalId: string | null;

  @Column('text', { nullable: true })
  givenName: string | null;

  @Column('text', { nullable: true })
  familyName: string | null;

  @Column('text', { nullable: true })
  formattedName: string | null;

  @Column('text', { nullable: true })
  emailType: string | null;

  /** Set by `DELETE /Users/{id}`: the user is suspended and no longer a SCIM resource (its data stays). */
  @Column('timestamptz', { nullable: true })
  deprovisionedAt: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
