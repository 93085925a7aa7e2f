import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Coder's `site_configs` key/value table (`deployment_id`, appearance settings, ...). */
@Entity('site_configs')
export class SiteConfigEntity {
  @PrimaryColumn('varchar', { length: 256 })
  key: string;

  @Column('text')
  value: string;
}
