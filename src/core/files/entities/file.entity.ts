import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';

/** Coder's `files`: uploaded template sources, deduplicated per creator by content hash. */
@Entity('files')
@Index('files_hash_created_by_key', ['hash', 'createdBy'], { unique: true })
export class FileEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** sha256 of the content, hex. */
  @Column('varchar', { length: 64 })
  hash: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('uuid')
  createdBy: string;

  @Column('varchar', { length: 64 })
  mimetype: string;

  @Column('bytea')
  data: Buffer;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'created_by' })
  creator?: Relation<UserEntity>;
}
