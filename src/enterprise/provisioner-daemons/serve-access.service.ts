import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiError } from '../../common/errors.js';
import { randomName } from '../../common/random-names.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { AuthService } from '../../core/auth/auth.service.js';
import { FailedAuthLimiter } from '../../core/auth/failed-auth-limiter.js';
import { extractSessionToken } from '../../core/auth/token-source.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import { PSK_KEY_ID } from '../../core/provisioning/provisioner-key-ids.js';
import { mutateTags } from '../../core/provisioning/tags.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import { appConnectKey, badPsk, orgScopeForbidden, websocketOnly } from './provisioner-daemons.errors.js';
import { ParamResolvers } from '../../core/access/resolved-params.js';
import { parseServeQuery, type ServeQuery } from './serve-query.js';
import type { ProvisionerKeyEntity } from '../provisioner-keys/entities/provisioner-key.entity.js';
import { presentedKey, ProvisionerKeyAuth } from '../provisioner-keys/provisioner-key-auth.js';
import { keyAndPsk, keyAndSession, tagsWithKey } from '../provisioner-keys/provisioner-keys.errors.js';

/** Header carrying the pre-shared key (CODER_PROVISIONER_DAEMON_PSK), as in Coder. */
export const PSK_HEADER = 'coder-provisioner-daemon-psk';

/** A `/serve` request, from the raw upgrade or from the plain-HTTP route. */
export interface ServeAttempt {
  /** Read for the session token (cookie, query, header, Bearer) and the client address. */
  authRequest: Request;
  headers: IncomingHttpHeaders;
  params: URLSearchParams;
  organization: string;
}

/** Everything needed to register the daemon once the socket is open. */
export interface ServeGrant {
  organization: OrganizationEntity;
  provisioners: ServeQuery['provisioners'];
  /** After MutateTags (and scope=organization for pre-shared keys). */
  tags: Record<string, string>;
  name: string;
  version?: string;
  /** The signed-in caller; undefined for a pre-shared key or a provisioner key. */
  actor?: Actor;
  /** The provisioner key's id, or Coder's reserved `psk` id; undefined for a session (`user-auth`). */
  keyId?: string;
}

/** Who is serving: a signed-in user, the deployment's pre-shared key, or an organization's provisioner key. */
type ServeCaller = { actor: Actor } | { psk: true } | { key: ProvisionerKeyEntity };

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The checks before a daemon socket exists, in this order: authentication (session token, else
 * the pre-shared key) → entitlement → organization → query → authorization. Throws the ApiError
 * to answer; never lets an unauthorised caller reach the upgrade.
 */
@Injectable()
export class ServeAccessService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly entitlements: EntitlementsService,
    private readonly params: ParamResolvers,
    private readonly failures: FailedAuthLimiter,
    private readonly keyAuth: ProvisionerKeyAuth,
  ) {}

  async authorize(attempt: ServeAttempt): Promise<ServeGrant> {
    const caller = await this.authenticate(attempt);
    const actor = 'actor' in caller ? caller.actor : undefined;
    this.entitlements.requireFeature('external_provisioner_daemons');
    // The upgrade passes no guard: `{orgref}` is loaded here, after authentication, by its resolver.
    let organization = (await this.params.load('orgref', attempt.organization, actor)) as OrganizationEntity;
    const query = parseServeQuery(attempt.params);
    let tags: Record<string, string>;
    let keyId: string | undefined;
    if ('key' in caller) {
      // Coder: a key's daemons take the key's tags and organization; the URL's org must only resolve.
      if (Object.keys(query.tags).length > 0) throw tagsWithKey(query.tags.scope ?? '');
      tags = mutateTags('', caller.key.tags);
      keyId = caller.key.id;
      if (caller.key.organizationId !== organization.id)
        organization = (await this.params.load('orgref', caller.key.organizationId, undefined)) as OrganizationEntity;
    } else if (!actor) {
      // A pre-shared key stands for the deployment, not a user: its daemons serve the organization.
      tags = mutateTags('', { ...query.tags, scope: 'organization' });
      keyId = PSK_KEY_ID;
    } else {
      tags = mutateTags(actor.id, query.tags);
      if (
        tags.scope === 'organization' &&
        !can(actor, 'create', { type: 'provisioner_daemon', orgId: organization.id })
      ) {
        throw orgScopeForbidden();
      }
    }
    return {
      organization,
      provisioners: query.provisioners,
      tags,
      name: query.name ?? randomName({ digit: false }),
      version: query.version,
      actor,
      keyId,
    };
  }

  /** `/serve` without an upgrade: the same checks (and errors), then 426. */
  async refusePlainHttp(req: Request, organization: string): Promise<never> {
    const params = new URL(req.originalUrl, 'http://localhost').searchParams;
    await this.authorize({ authRequest: req, headers: req.headers, params, organization });
    throw websocketOnly();
  }

  /**
   * The signed-in actor, a valid pre-shared key or a provisioner key; otherwise a 400/401/403. A
   * provisioner key excludes the other two (400). Wrong credentials count towards the address's
   * failed-attempt limit (429 past it): this route is upgraded outside Express, where the API rate
   * limiter never runs.
   */
  private async authenticate(attempt: ServeAttempt): Promise<ServeCaller> {
    const psk = attempt.headers[PSK_HEADER];
    const key = presentedKey(attempt.headers);
    if (key !== undefined) {
      if (psk !== undefined) throw keyAndPsk();
      if (extractSessionToken(attempt.authRequest) !== undefined) throw keyAndSession();
      const address = attempt.authRequest.ip ?? attempt.authRequest.socket?.remoteAddress;
      return { key: await this.keyAuth.verify(key, address) };
    }
    if (extractSessionToken(attempt.authRequest) === undefined && psk !== undefined) {
      const presented = Array.isArray(psk) ? psk[0] : psk;
      if (this.pskMatches(presented)) return { psk: true };
      const error = badPsk();
      if (presented) await this.refuse(attempt, error);
      throw error;
    }
    const result = await this.auth.authenticate(attempt.authRequest);
    if (result.error) {
      // Only a presented token is a guess; none at all is just unauthenticated.
      if (result.error.getStatus() === 401 && extractSessionToken(attempt.authRequest) !== undefined)
        await this.refuse(attempt, result.error);
      throw result.error;
    }
    if (result.actor.apiKeyScope !== 'all') throw appConnectKey();
    return { actor: result.actor };
  }

  /** Throws `error`, or a 429 once the caller's address has presented too many wrong credentials. */
  private refuse(attempt: ServeAttempt, error: ApiError): Promise<never> {
    return this.failures.rejected(
      'provisioner_daemon',
      attempt.authRequest.ip ?? attempt.authRequest.socket?.remoteAddress,
      error,
    );
  }

  /** Constant time over equal-length digests; no key configured means no key is valid. */
  private pskMatches(presented: string): boolean {
    const configured = this.config.provisionerDaemonPsk;
    if (!configured || !presented) return false;
    return timingSafeEqual(sha256(presented), sha256(configured));
  }
}
