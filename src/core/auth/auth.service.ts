import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { requestMetaOf } from '../../common/decorators/request-meta.decorator.js';
import { MESSAGES, unauthorized, type ApiError } from '../../common/errors.js';
import type { Actor } from '../rbac/actor.js';
import type { KeyWithUser } from '../api-keys/api-keys.repository.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { UsersService } from '../users/users.service.js';
import { formatGoTime } from './go-time.js';
import { parseSessionToken, secretMatches } from './session-token.js';
import { extractSessionToken } from './token-source.js';
import { everyoneGroupId } from '../groups/everyone-group.js';

const HOUR_MS = 3_600_000;

export type AuthResult = { actor: Actor; error?: undefined } | { actor?: undefined; error: ApiError };

/** Client address as stored in `api_keys.ip_address` (inet), IPv4-mapped IPv6 unwrapped. */
export function clientIp(req: Request): string | null {
  const ip = req.ip ?? req.socket?.remoteAddress;
  if (!ip) return null;
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * A failed check whose 401 (an exception, with its stack) is built only when a route that needs a
 * session throws it: public routes reached with no token, or with a credential of another kind
 * (SCIM's bearer key, which reads as a malformed session token), never build it.
 */
function refused(make: () => ApiError): AuthResult {
  let error: ApiError | undefined;
  return {
    get error(): ApiError {
      return (error ??= make());
    },
  };
}

function signedOut(detail: string): AuthResult {
  return refused(() => unauthorized(MESSAGES.signedOut, detail));
}

/** No token at all, the answer to every anonymous request (`/buildinfo`, login, health). */
const NO_TOKEN = signedOut('Cookie "coder_session_token" or query parameter must be provided.');

const ANONYMOUS: Promise<AuthResult> = Promise.resolve(NO_TOKEN);

/**
 * One token check per request, shared by the rate limiter (which keys by user), the session guard
 * and the WebSocket upgrade checks; kept on the request, so it ends with it. Module-wide rather
 * than per instance: Passport keeps one strategy per name for the whole process, so with two apps
 * in one process (the tests) a request may reach another app's strategy, which must then see the
 * answer this app's middleware already has rather than query a closed pool.
 */
const ATTEMPT = Symbol('sessionCheck');
type CheckedRequest = Request & { [ATTEMPT]?: Promise<AuthResult> };

/** Coder's API-key middleware (coderd/httpmw/apikey.go) as a service: token → actor or a 401. */
@Injectable()
export class AuthService {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Coder's API-key middleware for one request; asked again for the same request, the same answer. */
  authenticate(req: CheckedRequest): Promise<AuthResult> {
    let attempt = req[ATTEMPT];
    if (!attempt) {
      const raw = extractSessionToken(req);
      // Anonymous requests (no token at all) share one settled answer: nothing is built for them.
      attempt = raw === undefined ? ANONYMOUS : this.check(req, raw);
      req[ATTEMPT] = attempt;
    }
    return attempt;
  }

  private async check(req: Request, raw: string): Promise<AuthResult> {
    const parsed = parseSessionToken(raw);
    if (!parsed.ok) return signedOut(parsed.detail);
    const key = await this.keys.getKeyWithUser(parsed.id);
    if (!key || key.deleted) return signedOut('API key is invalid.');
    if (!secretMatches(parsed.secret, key.hashedSecret)) return signedOut('API key secret is invalid.');
    const now = new Date();
    if (key.expiresAt.getTime() <= now.getTime()) {
      return signedOut(`API key expired at "${formatGoTime(key.expiresAt)}".`);
    }
    // Coder's dormant activation: any authenticated use makes a dormant user active again.
    if (key.status === 'dormant') {
      key.status = key.user.status = await this.users.activateDormant(key.user, requestMetaOf(req));
      key.user.lastSeenAt = now;
    }
    if (key.status !== 'active') {
      const status = key.status;
      return refused(() =>
        unauthorized(`User is not active (status = "${status}"). Contact an admin to reactivate your account.`),
      );
    }
    await this.refresh(key, now, clientIp(req));
    const actor = toActor(key);
    this.users.rememberSessionUser(actor, key.user);
    return { actor };
  }

  /** Sliding expiry and `last_used`, written at most once an hour per key (Coder's rule). */
  private async refresh(key: KeyWithUser, now: Date, ip: string | null): Promise<void> {
    let changed = false;
    let lastUsed = key.lastUsed;
    let expiresAt = key.expiresAt;
    if (now.getTime() - key.lastUsed.getTime() > HOUR_MS) {
      lastUsed = now;
      changed = true;
    }
    const lifetimeMs = key.lifetimeSeconds * 1000;
    if (expiresAt.getTime() - now.getTime() <= lifetimeMs - HOUR_MS) {
      expiresAt = new Date(now.getTime() + lifetimeMs);
      changed = true;
    }
    if (changed && (await this.keys.touchKey(key.id, lastUsed, expiresAt, ip))) {
      await this.users.recordSeen(key.userId, lastUsed);
      key.user.lastSeenAt = lastUsed;
    }
  }

  get sessionLifetimeMs(): number {
    return this.config.sessionDurationMs;
  }
}

function toActor(key: KeyWithUser): Actor {
  return {
    id: key.userId,
    username: key.username,
    email: key.email,
    siteRoles: key.siteRoles,
    orgRoles: new Map(key.orgs.map((o) => [o.id, o.roles])),
    // Every member is implicitly in its organizations' Everyone groups.
    groupIds: [...key.orgs.map((o) => everyoneGroupId(o.id)), ...key.groupIds],
    apiKeyId: key.id,
    apiKeyScope: key.scope,
    loginType: key.loginType,
  };
}
