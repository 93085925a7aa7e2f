import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ParamResolvers, type ParamResolver } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { LicenseEntity } from './entities/license.entity.js';
import { licenseIdNotInteger, unknownLicense } from './licensing.errors.js';
import { LicensesRepository } from './licenses.repository.js';

const INT32_MAX = 2_147_483_647;

/** `{license}`: a license id (a positive int32), answered 404 as Coder does for malformed ones too. */
@Injectable()
export class LicenseParamResolver implements ParamResolver<LicenseEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: LicensesRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('license', this);
  }

  async resolve(value: string, actor: Actor | undefined): Promise<LicenseEntity> {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(id) || id > INT32_MAX) throw licenseIdNotInteger();
    const license = await this.repo.getLicenseById(id);
    if (!license || !actor || !can(actor, 'read', { type: 'license' })) throw unknownLicense();
    return license;
  }
}
