import { Injectable } from '@nestjs/common';
import { MoreThan } from 'typeorm';
import { Database } from '../../database/database.js';
import { LicenseEntity } from './entities/license.entity.js';

/** The owner of `licenses`. */
@Injectable()
export class LicensesRepository {
  constructor(private readonly db: Database) {}

  listLicenses(): Promise<LicenseEntity[]> {
    return this.db.manager.find(LicenseEntity, { order: { id: 'ASC' } });
  }

  /** Coder's GetUnexpiredLicenses: `exp > now`, in id order. */
  listUnexpiredLicenses(now: Date): Promise<LicenseEntity[]> {
    return this.db.manager.find(LicenseEntity, { where: { exp: MoreThan(now) }, order: { id: 'ASC' } });
  }

  getLicenseById(id: number): Promise<LicenseEntity | null> {
    return this.db.manager.findOneBy(LicenseEntity, { id });
  }

  async insertLicense(license: Omit<LicenseEntity, 'id'>): Promise<LicenseEntity> {
    const result = await this.db.manager.insert(LicenseEntity, license);
    return { ...license, id: result.identifiers[0].id as number };
  }

  async deleteLicense(id: number): Promise<boolean> {
    const result = await this.db.manager.delete(LicenseEntity, { id });
    return (result.affected ?? 0) > 0;
  }
}
