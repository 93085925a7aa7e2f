import { Inject, Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import type { ApiError } from '../../common/errors.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { Database } from '../../database/database.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService, NIL_UUID } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { verifyPassword } from '../users/password.js';
import { UsersService } from '../users/users.service.js';
import type { LoginWithPasswordRequest } from './dto/login.dto.js';
import { accountSuspended, credentialsIncorrect, LOGGED_OUT, loginTypeMismatch } from './login.errors.js';

/** `POST /users/login` and `/users/logout` with Coder's checks, messages and audit entries. */
@Injectable()
export class LoginService {
  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  async login(body: LoginWithPasswordRequest, meta: RequestMeta): Promise<{ session_token: string }> {
    const user = await this.users.getUserByEmail(body.email);
    // Always hash, even for an unknown email, so timing does not reveal which emails exist.
    const matches = await verifyPassword(body.password, user?.hashedPassword ?? null);
    const failure = loginFailure(user, matches);
    if (failure || !user) {
      const refusal = failure ?? credentialsIncorrect();
      await this.recordLogin(meta, user?.id, refusal.getStatus());
      throw refusal;
    }
    if (user.status === 'dormant' && (await this.users.activateDormant(user, meta)) !== 'active') {
      await this.recordLogin(meta, user.id, 401);
      throw accountSuspended();
    }
    return this.db.transaction(async () => {
      const { token } = await this.keys.createKey({
        userId: user.id,
        loginType: 'password',
        lifetimeMs: this.config.sessionDurationMs,
        ip: meta.ip,
      });
      await this.recordLogin(meta, user.id, 201);
      return { session_token: token };
    });
  }

  private recordLogin(meta: RequestMeta, userId: string | undefined, statusCode: number): Promise<void> {
    return this.audit.record({
      meta,
      userId,
      resourceType: 'api_key',
      resourceId: userId ?? NIL_UUID,
      resourceTarget: '',
      action: 'login',
      statusCode,
    });
  }

  /** Deletes the presented key and the user's application-connect keys. */
  async logout(actor: Actor, meta: RequestMeta): Promise<{ message: string }> {
    await this.db.transaction(async () => {
      await this.keys.revokeSession(actor);
      await this.audit.record({
        meta,
        userId: actor.id,
        resourceType: 'api_key',
        resourceId: actor.id,
        resourceTarget: '',
        action: 'logout',
        statusCode: 200,
      });
    });
    return { message: LOGGED_OUT };
  }

  get secureCookies(): boolean {
    return this.config.accessUrl.startsWith('https:');
  }
}

/** Why a password login is refused, in Coder's order, or undefined when it may proceed. */
function loginFailure(user: UserEntity | null, passwordMatches: boolean): ApiError | undefined {
  if (!user || !passwordMatches) return credentialsIncorrect();
  if (user.loginType !== 'password') return loginTypeMismatch(user.loginType);
  // A dormant user may sign in; the sign-in makes it active (below).
  if (user.status === 'suspended') return accountSuspended();
  return undefined;
}
