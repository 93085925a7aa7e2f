import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { Database } from '../../database/database.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { UpdatePasswordRequest, UpdateProfileRequest } from './dto/create-user.dto.js';
import { userAuditSnapshot, type UserResponse } from './dto/user.dto.js';
import type { UserEntity } from './entities/user.entity.js';
import { hashPassword, passwordWeakness, verifyPassword } from './password.js';
import {
  oldPasswordIncorrect,
  oldPasswordRequired,
  passwordInvalid,
  passwordLoginOnly,
  passwordUnchanged,
  usernameTaken,
} from './users.errors.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';
import { userAuditEntry } from './user-audit.js';

/** A user's own data: `/users/{user}/profile` (`username`, `name`, `avatar_url`) and `/users/{user}/password`. */
@Injectable()
export class UserProfileService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly repo: UsersRepository,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  private assertEditable(actor: Actor, user: UserEntity): void {
    if (!can(actor, 'update', { type: 'user_data', ownerId: user.id })) throw forbidden();
    this.users.assertMayManage(actor, user);
  }

  async updateProfile(
    actor: Actor,
    user: UserEntity,
    body: UpdateProfileRequest,
    meta: RequestMeta,
  ): Promise<UserResponse> {
    this.assertEditable(actor, user);
    const clash = await this.repo.getUserByUsername(body.username);
    if (clash && clash.id !== user.id) throw usernameTaken();
    try {
      return await this.db.transaction(async () => {
        const updated = await this.repo.updateProfile(user.id, {
          username: body.username,
          name: body.name ?? user.name,
          avatarUrl: body.avatar_url ?? user.avatarUrl,
        });
        await this.audit.record({
          meta,
          userId: actor.id,
          resourceType: 'user',
          resourceId: user.id,
          resourceTarget: updated.username,
          action: 'write',
          statusCode: 200,
          diff: auditDiff(userAuditSnapshot(user), userAuditSnapshot(updated)),
        });
        return this.users.toResponse(actor, updated);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw usernameTaken();
      throw err;
    }
  }

  /** Changes a password and signs the user out everywhere (all sessions and tokens), as Coder does. */
  async updatePassword(actor: Actor, user: UserEntity, body: UpdatePasswordRequest, meta: RequestMeta): Promise<void> {
    this.assertEditable(actor, user);
    if (user.loginType !== 'password') throw passwordLoginOnly();
    if (user.id === actor.id) {
      if (!body.old_password) throw oldPasswordRequired();
      if (!(await verifyPassword(body.old_password, user.hashedPassword))) throw oldPasswordIncorrect();
    }
    const weakness = passwordWeakness(body.password);
    if (weakness) throw passwordInvalid(weakness);
    if (await verifyPassword(body.password, user.hashedPassword)) throw passwordUnchanged();
    const hashed = await hashPassword(body.password);
    await this.db.transaction(async () => {
      await this.repo.updatePassword(user.id, hashed);
      await this.keys.deleteKeysOfUser(user.id);
      await this.audit.record(
        userAuditEntry(meta, actor.id, user, {
          action: 'write',
          statusCode: 204,
          diff: { hashed_password: { old: '', new: '', secret: true } },
        }),
      );
    });
  }
}
