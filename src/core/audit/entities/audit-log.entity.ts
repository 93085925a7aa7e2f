import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AuditDiff = Record<string, { old: unknown; new: unknown; secret: boolean }>;

/** Coder's `audit_logs` columns. Rows are append-only. */
@Entity('audit_logs')
@Index('audit_logs_time_idx', ['time'])
@Index('audit_logs_resource_id_idx', ['resourceId'])
export class AuditLogEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz')
  time: Date;

  /** The actor; the nil UUID for anonymous actions (e.g. a failed login with an unknown email). */
  @Column('uuid')
  userId: string;

  @Column('uuid', { nullable: true })
  organizationId: string | null;

  @Column('inet', { nullable: true })
  ip: string | null;

  @Column('text', { default: '' })
  userAgent: string;

  @Column('text')
  resourceType: string;

  @Column('uuid')
  resourceId: string;

  @Column('text', { default: '' })
  resourceTarget: string;

  @Column('text')
  action: string;

  @Column('jsonb', { default: () => `'{}'` })
  diff: AuditDiff;

  @Column('integer')
  statusCode: number;

  @Column('jsonb', { default: () => `'{}'` })
  additionalFields: Record<string, unknown>;

  @Column('uuid')
  requestId: string;

  @Column('text', { default: '' })
  resourceIcon: string;
}
