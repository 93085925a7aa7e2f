import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, conflict } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
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

const INT32_MAX = 2_147_483_647;

function auditSnapshot(license: LicenseEntity): Record<string, unknown> {
  return { id: license.id, uuid: license.uuid, uploaded_at: license.uploadedAt.toISOString(), exp: license.exp.toISOString() };
}

/** `/licenses`: add (verified), list (owners see claims), delete; each change recomputes entitlements everywhere. */
@Injectable()
export class LicensesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
      license = await this.db.transaction(async (manager) => {
        const inserted = await this.repo.insertLicense(manager, {
          uploadedAt: new Date(),
          jwt: normalized,
          jwtSha256: createHash('sha256').update(normalized).digest(),
          exp: new Date(claims.exp * 1000),
          uuid: licenseUuid(claims) ?? randomUUID(),
        });
        await this.audit.record(
          {
            meta,
            userId: actor.id,
            resourceType: 'license',
            resourceId: inserted.uuid,
            resourceTarget: String(inserted.id),
            action: 'create',
            statusCode: 201,
            diff: auditDiff(null, auditSnapshot(inserted)),
          },
          manager,
        );
        return inserted;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('This license has already been added.');
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
      if (err instanceof InvalidLicenseError) throw badRequest('Invalid license', err.detail);
      throw err;
    }
  }

  /**
   * A license signed by a key not loaded yet gets one re-read of the keys file before it is refused:
   * `npm run license:issue` adds its key just before the license is posted.
   */
  private async verifyWithFreshKeys(jwt: string): Promise<LicenseClaims> {
    const attempt = () => verifyLicense(jwt, (kid) => this.keys.resolve(kid), { now: new Date(), allowNotYetValid: true });
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
    if (!boundElsewhere(claims, deploymentId)) return;
    // Go's %q of a []string: ["a" "b"].
    const ids = `[${(claims.deployment_ids ?? []).map((id) => JSON.stringify(id)).join(' ')}]`;
    throw badRequest(
      'License cannot be used on this deployment!',
      `The provided license is locked to the following deployments: ${ids}. Your deployment identifier is ${JSON.stringify(deploymentId)}. Please contact sales.`,
    );
  }

  /** Owners see every license (expired ones too) with decoded claims; everyone else an empty list. */
  async list(actor: Actor): Promise<LicenseResponse[]> {
    if (!can(actor, 'read', { type: 'license' })) return [];
    const rows = await this.repo.listLicenses();
    return rows.map((row) => toLicenseResponse(row, decodeClaimsUnverified(row.jwt) ?? {}));
  }

  async delete(actor: Actor, idParam: string, meta: RequestMeta): Promise<void> {
    const id = /^\d{1,10}$/.test(idParam) ? Number(idParam) : NaN;
    if (!Number.isInteger(id) || id > INT32_MAX) throw new ApiError(404, { message: 'License ID must be an integer' });
    await this.db.transaction(async (manager) => {
      const existing = await this.repo.getLicenseById(id, manager);
      if (!existing || !(await this.repo.deleteLicense(manager, id))) {
        throw new ApiError(404, { message: 'Unknown license ID' });
      }
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          resourceType: 'license',
          resourceId: existing.uuid,
          resourceTarget: String(existing.id),
          action: 'delete',
          statusCode: 200,
          diff: auditDiff(auditSnapshot(existing), null),
        },
        manager,
      );
    });
    await this.entitlements.refresh();
    await this.entitlements.announce('delete');
  }
}
