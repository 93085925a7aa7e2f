import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, forbidden } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { UpdatePasswordRequest, UpdateProfileRequest } from './dto/create-user.dto.js';
import { userAuditSnapshot, type UserResponse } from './dto/user.dto.js';
import type { UserEntity } from './entities/user.entity.js';
import { hashPassword, passwordWeakness, verifyPassword } from './password.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

function usernameTaken(): ApiError {
  return new ApiError(409, {
    message: 'User already exists.',
    validations: [{ field: 'username', detail: 'this value is already in use and should be unique' }],
  });
}

/** A user's own data: profile (`username`, `name`, `avatar_url`) and password. */
@Injectable()
export class UserProfileService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly repo: UsersRepository,
    private readonly audit: AuditService,
  ) {}

  private async resolveEditable(actor: Actor, param: string): Promise<UserEntity> {
    const user = await this.users.resolveVisible(actor, param);
    if (!can(actor, 'update', { type: 'user_data', ownerId: user.id })) throw forbidden();
    this.users.assertMayManage(actor, user);
    return user;
  }

  async updateProfile(actor: Actor, param: string, body: UpdateProfileRequest, meta: RequestMeta): Promise<UserResponse> {
    const user = await this.resolveEditable(actor, param);
    const clash = await this.repo.getUserByUsername(body.username);
    if (clash && clash.id !== user.id) throw usernameTaken();
    try {
      return await this.db.transaction(async (manager) => {
        const updated = await this.repo.updateProfile(manager, user.id, {
          username: body.username,
          name: body.name ?? user.name,
          avatarUrl: body.avatar_url ?? user.avatarUrl,
        });
        await this.audit.record(
          {
            meta,
            userId: actor.id,
            resourceType: 'user',
            resourceId: user.id,
            resourceTarget: updated.username,
            action: 'write',
            statusCode: 200,
            diff: auditDiff(userAuditSnapshot(user), userAuditSnapshot(updated)),
          },
          manager,
        );
        return this.users.toResponse(actor, updated, manager);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw usernameTaken();
      throw err;
    }
  }

  /** Changes a password and signs the user out everywhere (all sessions and tokens), as Coder does. */
  async updatePassword(actor: Actor, param: string, body: UpdatePasswordRequest, meta: RequestMeta): Promise<void> {
    const user = await this.resolveEditable(actor, param);
    if (user.loginType !== 'password') {
      throw badRequest('Users without password login type cannot change their password.');
    }
    if (user.id === actor.id) {
      if (!body.old_password) throw badRequest('Old password is required.');
      if (!(await verifyPassword(body.old_password, user.hashedPassword))) {
        throw badRequest('Old password is incorrect.', undefined, [
          { field: 'old_password', detail: 'Old password is incorrect.' },
        ]);
      }
    }
    const weakness = passwordWeakness(body.password);
    if (weakness) throw badRequest('Invalid password.', undefined, [{ field: 'password', detail: weakness }]);
    if (await verifyPassword(body.password, user.hashedPassword)) {
      throw badRequest('New password cannot match old password.');
    }
    const hashed = await hashPassword(body.password);
    await this.db.transaction(async (manager) => {
      await this.repo.updatePassword(manager, user.id, hashed);
      await manager.query('DELETE FROM api_keys WHERE user_id = $1', [user.id]);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          resourceType: 'user',
          resourceId: user.id,
          resourceTarget: user.username,
          action: 'write',
          statusCode: 204,
          diff: { hashed_password: { old: '', new: '', secret: true } },
        },
        manager,
      );
    });
  }
}
