import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { SiteConfigService } from '../site-config/site-config.service.js';
import { toLicenseResponse, type LicenseResponse, type RefreshEntitlementsResponse } from './dto/license.dto.js';
import type { LicenseEntity } from './entities/license.entity.js';
import { boundElsewhere } from './entitlements.js';
import { EntitlementsService } from './entitlements.service.js';
import { decodeClaimsUnverified, InvalidLicenseError, type LicenseClaims } from './license-claims.js';
import { LicenseKeysService } from './license-keys.service.js';
import { licenseUuid, UnknownLicenseKeyError, verifyLicense } from './license-verifier.js';
import { LicensesRepository } from './licenses.repository.js';
import { invalidLicense, licenseAlreadyAdded, lockedToOtherDeployments, unknownLicense } from './licensing.errors.js';

function auditSnapshot(license: LicenseEntity): Record<string, unknown> {
  return {
    id: license.id,
    uuid: license.uuid,
    uploaded_at: license.uploadedAt.toISOString(),
    exp: license.exp.toISOString(),
  };
}

/** `/licenses`: add (verified), list (owners see claims), delete; each change recomputes entitlements everywhere. */
@Injectable()
export class LicensesService {
  constructor(
    private readonly db: Database,
    private readonly repo: LicensesRepository,
    private readonly keys: LicenseKeysService,
    private readonly entitlements: EntitlementsService,
    private readonly audit: AuditService,
    private readonly siteConfig: SiteConfigService,
  ) {}

  async add(actor: Actor, jwt: string, meta: RequestMeta): Promise<LicenseResponse> {
    const claims = await this.verify(jwt);
    this.checkDeployment(claims);
    const normalized = jwt.trim();
    let license: LicenseEntity;
    try {
      license = await this.db.transaction(async () => {
        const inserted = await this.repo.insertLicense({
          uploadedAt: new Date(),
          jwt: normalized,
          jwtSha256: createHash('sha256').update(normalized).digest(),
          exp: new Date(claims.exp * 1000),
          uuid: licenseUuid(claims) ?? randomUUID(),
        });
        await this.audit.record({
          meta,
          userId: actor.id,
          resourceType: 'license',
          resourceId: inserted.uuid,
          resourceTarget: String(inserted.id),
          action: 'create',
          statusCode: 201,
          diff: auditDiff(null, auditSnapshot(inserted)),
        });
        return inserted;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw licenseAlreadyAdded();
      throw err;
    }
    await this.entitlements.refresh();
    await this.entitlements.announce('add');
    return toLicenseResponse(license, claims);
  }

  private async verify(jwt: string): Promise<LicenseClaims> {
    try {
      return await this.verifyWithFreshKeys(jwt);
    } catch (err) {
      if (err instanceof InvalidLicenseError) throw invalidLicense(err.detail);
      throw err;
    }
  }

  /**
   * A license signed by a key not loaded yet gets one re-read of the keys file before it is refused:
   * `npm run license:issue` adds its key just before the license is posted.
   */
  private async verifyWithFreshKeys(jwt: string): Promise<LicenseClaims> {
    const attempt = () =>
      verifyLicense(jwt, (kid) => this.keys.resolve(kid), { now: new Date(), allowNotYetValid: true });
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof UnknownLicenseKeyError && (await this.keys.resolveFresh(err.kid))) return attempt();
      throw err;
    }
  }

  /** `POST /licenses/refresh-entitlements`: owners only (the route's `license` create check). */
  async refreshEntitlements(): Promise<RefreshEntitlementsResponse> {
    await this.entitlements.forceRefresh();
    return { message: 'Entitlements updated' };
  }

  /** Coder's postLicense: a license locked to other deployments is refused, with Coder's words. */
  private checkDeployment(claims: LicenseClaims): void {
    const deploymentId = this.siteConfig.deploymentId;
    if (boundElsewhere(claims, deploymentId)) throw lockedToOtherDeployments(claims.deployment_ids ?? [], deploymentId);
  }

  /** Owners see every license (expired ones too) with decoded claims; everyone else an empty list. */
  async list(actor: Actor): Promise<LicenseResponse[]> {
    if (!can(actor, 'read', { type: 'license' })) return [];
    const rows = await this.repo.listLicenses();
    return rows.map((row) => toLicenseResponse(row, decodeClaimsUnverified(row.jwt) ?? {}));
  }

  /** `DELETE /licenses/{license}`: the license is already loaded; a concurrent delete still answers 404. */
  async delete(actor: Actor, license: LicenseEntity, meta: RequestMeta): Promise<void> {
    await this.db.transaction(async () => {
      if (!(await this.repo.deleteLicense(license.id))) throw unknownLicense();
      await this.audit.record({
        meta,
        userId: actor.id,
        resourceType: 'license',
        resourceId: license.uuid,
        resourceTarget: String(license.id),
        action: 'delete',
        statusCode: 200,
        diff: auditDiff(auditSnapshot(license), null),
      });
    });
    await this.entitlements.refresh();
    await this.entitlements.announce('delete');
  }
}
