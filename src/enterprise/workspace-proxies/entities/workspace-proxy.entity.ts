import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';

/**
 * Coder's `workspace_proxies`. `url` and `wildcard_hostname` stay empty until the proxy registers
 * itself; delete is soft. Names are unique (case-insensitively) among non-deleted proxies
 * (`workspace_proxies_lower_name_idx`, created by the migration).
 */
@Entity('workspace_proxies')
@Index('workspace_proxies_lower_name_idx', { synchronize: false })
export class WorkspaceProxyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  displayName: string;

  /** Coder's column for the icon URL (`icon_url` on the wire). */
  @Column('text')
  icon: string;

  /** The proxy's access URL, reported by the proxy on registration (`path_app_url` on the wire). */
  @Column('text')
  url: string;

  @Column('text')
  wildcardHostname: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('boolean', { default: false })
  deleted: boolean;

  /** SHA-256 of the token's 64-character secret; the token itself is never stored. */
  @Column('bytea')
  tokenHashedSecret: Buffer;

  /** Numbers the proxy's DERP region (10000 + this), as in Coder. */
  @Column('integer')
  @Generated('increment')
  regionId: number;

  @Column('boolean', { default: true })
  derpEnabled: boolean;

  @Column('boolean', { default: false })
  derpOnly: boolean;

  /** The version the proxy reported when it last registered. */
  @Column('text', { default: '' })
  version: string;
}
