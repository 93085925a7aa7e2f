import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { hasBody, tarpit } from '../../../common/http/tarpit.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '../../../config/config.module.js';
import type { AppConfig } from '../../../config/config.schema.js';
import { FailedAuthLimiter } from '../../../core/auth/failed-auth-limiter.js';
import { EntitlementsService } from '../../../core/licensing/entitlements.service.js';
import { isScimPath, SCIM_CONTENT_TYPE } from '../discovery/scim.constants.js';
import { scimBaseOf, type ScimRequest } from './scim-http.js';
import { missingScimKey, scimDisabled, scimNotEntitled, tooManyWrongKeys } from './scim.errors.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Whether the Authorization header carries the key, as `Bearer <key>` (RFC 6750, what Okta and
 * Entra send) or as the raw value (Coder's form). Both forms are always compared, on digests of
 * equal length, so the time taken says nothing about the key.
 */
export function presentsKey(header: string | undefined, key: string): boolean {
  if (header === undefined) return false;
  const expected = digest(key);
  const bearer = /^bearer\s+(.+)$/i.exec(header.trim());
  const raw = timingSafeEqual(digest(header), expected);
  const viaBearer = timingSafeEqual(digest(bearer ? bearer[1].trim() : ''), expected) && bearer !== null;
  return raw || viaBearer;
}

/**
 * The only way into SCIM (its routes are `@Public()` for the session guard: session tokens are
 * not accepted here). In order: no key configured → 404 as if the routes did not exist; wrong or
 * missing key → 401 (429 once the address has sent too many wrong keys: FailedAuthLimiter); `scim`
 * not entitled → 403, so anonymous callers never learn the license state.
 */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly entitlements: EntitlementsService,
    private readonly failures: FailedAuthLimiter,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<ScimRequest>();
    const key = this.config.scimAuthHeader;
    if (key === undefined) throw scimDisabled();
    if (!presentsKey(req.headers.authorization, key)) {
      // Only a presented key is a guess; a request without one is just unauthenticated.
      const presented = (req.headers.authorization ?? '').trim() !== '';
      const wait = presented ? await this.failures.failed('scim_key', req.ip ?? req.socket.remoteAddress) : 0;
      if (wait > 0) throw tooManyWrongKeys(wait);
      throw missingScimKey();
    }
    if (!this.entitlements.isEnabled('scim')) throw scimNotEntitled();
    req.scimBase = scimBaseOf(req, this.config.accessUrl);
    return true;
  }
}

/**
 * The failed-key limit, applied as soon as a SCIM request arrives (installed by http-setup.ts):
 * from an address over it, anything but the right key is answered 429 before its body is read
 * and after a pause (tarpit.ts), so a guessing flood costs a counter lookup per request and gets
 * one answer a second per connection. The guard above does the counting.
 */
export function scimGuessingGate(failures: FailedAuthLimiter, key: string | undefined) {
  const refuseIfLimited = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const wait = await failures.waiting('scim_key', req.ip ?? req.socket.remoteAddress);
    if (wait === 0) return next();
    const error = tooManyWrongKeys(wait);
    tarpit(res, () => {
      if (!req.complete && hasBody(req.headers)) res.setHeader('Connection', 'close');
      res.status(error.getStatus()).set(error.headers).setHeader('Content-Type', SCIM_CONTENT_TYPE);
      res.end(JSON.stringify(error.body));
    });
  };
  // Synchronous for every request it lets through at once (all but SCIM requests without the key).
  return (req: Request, res: Response, next: NextFunction): void => {
    if (key === undefined || !isScimPath(req.originalUrl) || presentsKey(req.headers.authorization, key)) return next();
    refuseIfLimited(req, res, next).catch(next);
  };
}
