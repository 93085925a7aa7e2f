import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Coder's `licenses` table, plus a hash of the JWT so the same license cannot be added twice. */
@Entity('licenses')
export class LicenseEntity {
  @PrimaryGeneratedColumn('increment', { type: 'integer' })
  id: number;

  @Column('timestamptz')
  uploadedAt: Date;

  /** The raw JWT: shown to nobody (GET /licenses returns decoded claims only). */
  @Column('text')
  jwt: string;

  @Index('licenses_jwt_sha256_key', { unique: true })
  @Column('bytea')
  jwtSha256: Buffer;

  /** The JWT's `exp` (end of the grace period). */
  @Index('licenses_exp_idx')
  @Column('timestamptz')
  exp: Date;

  @Column('uuid')
  uuid: string;
}
