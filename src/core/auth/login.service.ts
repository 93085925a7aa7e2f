import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, unauthorized } from '../../common/errors.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import { verifyPassword } from '../users/password.js';
import { UsersService } from '../users/users.service.js';
import type { LoginWithPasswordRequest } from './dto/login.dto.js';

/** `POST /users/login` and `/users/logout` with Coder's checks, messages and audit entries. */
@Injectable()
export class LoginService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  async login(body: LoginWithPasswordRequest, meta: RequestMeta): Promise<{ session_token: string }> {
    const user = await this.users.getUserByEmail(body.email);
    // Always hash, even for an unknown email, so timing does not reveal which emails exist.
    const matches = await verifyPassword(body.password, user?.hashedPassword ?? null);
    let failure: ApiError | undefined;
    if (!user || !matches) failure = unauthorized('Incorrect email or password.');
    else if (user.loginType !== 'password') {
      failure = new ApiError(403, {
        message: `Incorrect login type, attempting to use "password" but user is of login type "${user.loginType}"`,
      });
    } else if (user.status !== 'active') {
      failure = unauthorized('Your account is suspended. Contact an admin to reactivate your account.');
    }
    if (failure || !user) {
      await this.recordLogin(meta, user?.id, failure?.getStatus() ?? 401);
      throw failure ?? unauthorized('Incorrect email or password.');
    }
    return this.db.transaction(async (manager) => {
      const { token } = await this.keys.createKey(
        { userId: user.id, loginType: 'password', lifetimeMs: this.config.sessionDurationMs, ip: meta.ip },
        manager,
      );
      await this.recordLogin(meta, user.id, 201, manager);
      return { session_token: token };
    });
  }

  private recordLogin(meta: RequestMeta, userId: string | undefined, statusCode: number, manager?: EntityManager) {
    return this.audit.record(
      {
        meta,
        userId,
        resourceType: 'api_key',
        resourceId: userId ?? '00000000-0000-0000-0000-000000000000',
        resourceTarget: '',
        action: 'login',
        statusCode,
      },
      manager,
    );
  }

  /** Deletes the presented key and the user's application-connect keys. */
  async logout(actor: Actor, meta: RequestMeta): Promise<{ message: string }> {
    await this.db.transaction(async (manager) => {
      await manager.query('DELETE FROM api_keys WHERE id = $1', [actor.apiKeyId]);
      await manager.query(`DELETE FROM api_keys WHERE user_id = $1 AND scope = 'application_connect'`, [actor.id]);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          resourceType: 'api_key',
          resourceId: actor.id,
          resourceTarget: '',
          action: 'logout',
          statusCode: 200,
        },
        manager,
      );
    });
    return { message: 'Logged out!' };
  }

  get secureCookies(): boolean {
    return this.config.accessUrl.startsWith('https:');
  }
}
