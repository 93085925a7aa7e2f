import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Coder's `organizations`; names are unique case-insensitively. */
@Entity('organizations')
@Index('organizations_name_lower_idx', { synchronize: false })
export class OrganizationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  displayName: string;

  @Column('text', { default: '' })
  description: string;

  @Column('text', { default: '' })
  icon: string;

  /** The organization created with the first user; users created without an organization join it. */
  @Column('boolean', { default: false })
  isDefault: boolean;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
