import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { LicenseEntity } from './entities/license.entity.js';

@Injectable()
export class LicensesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  listLicenses(): Promise<LicenseEntity[]> {
    return this.db.manager.find(LicenseEntity, { order: { id: 'ASC' } });
  }

  /** Coder's GetUnexpiredLicenses: `exp > now`, in id order. */
  listUnexpiredLicenses(now: Date): Promise<LicenseEntity[]> {
    return this.db.manager.find(LicenseEntity, { where: { exp: MoreThan(now) }, order: { id: 'ASC' } });
  }

  getLicenseById(id: number, manager: EntityManager = this.db.manager): Promise<LicenseEntity | null> {
    return manager.findOneBy(LicenseEntity, { id });
  }

  async insertLicense(manager: EntityManager, license: Omit<LicenseEntity, 'id'>): Promise<LicenseEntity> {
    const result = await manager.insert(LicenseEntity, license);
    return { ...license, id: result.identifiers[0].id as number };
  }

  async deleteLicense(manager: EntityManager, id: number): Promise<boolean> {
    const result = await manager.delete(LicenseEntity, { id });
    return (result.affected ?? 0) > 0;
  }

  async countActiveUsers(): Promise<number> {
    const rows: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM users WHERE status = 'active' AND deleted = false`,
    );
    return rows[0].n;
  }
}
