import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { CreateFirstUserRequest, CreateFirstUserResponse } from './dto/create-user.dto.js';
import { userAuditSnapshot } from './dto/user.dto.js';
import { hashPassword } from './password.js';
import { FIRST_USER_CREATED, firstUserExists, firstUserMissing } from './users.errors.js';
import { UsersRepository } from './users.repository.js';
import { assertStrongPassword, UsersService } from './users.service.js';
import { userAuditEntry } from './user-audit.js';

/** `GET/POST /users/first`: the one unauthenticated way in, allowed exactly once. */
@Injectable()
export class FirstUserService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly repo: UsersRepository,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  async status(): Promise<{ message: string }> {
    if ((await this.repo.countUsers()) === 0) throw firstUserMissing();
    return { message: FIRST_USER_CREATED };
  }

  /**
   * Creates the owner, the default organization (named after the username, as Coder did) with its
   * Everyone group, and the membership, all in one transaction under a lock, so two concurrent
   * requests cannot both become the first user.
   */
  async create(body: CreateFirstUserRequest, meta: RequestMeta): Promise<CreateFirstUserResponse> {
    // Once set up, answer 409 before hashing: scrypt (32 MiB, tens of milliseconds) must not be
    // work any anonymous caller can make the server do. The check is repeated under the lock.
    if ((await this.repo.countUsers()) > 0) throw firstUserExists();
    // Hashing is slow on purpose: do it before taking the lock and a connection.
    const hashedPassword = await hashPassword(body.password);
    const created = await this.db.transaction(async () => {
      await this.repo.lockFirstUserSetup();
      // Coder's order: once set up, the route is closed (409) whatever the body says.
      if ((await this.repo.countUsers()) > 0) throw firstUserExists();
      assertStrongPassword(body.password);
      const user = await this.users.insertUser({
        email: body.email,
        username: body.username,
        name: body.name,
        hashedPassword,
        loginType: 'password',
        siteRoles: ['owner'],
      });
      const org = await this.orgs.createWithMember({ name: body.username, isDefault: true }, user.id);
      await this.audit.record(
        userAuditEntry(meta, user.id, user, {
          action: 'create',
          statusCode: 201,
          diff: auditDiff(null, userAuditSnapshot(user)),
          organizationId: org.id,
        }),
      );
      return { user_id: user.id, organization_id: org.id };
    });
    await this.users.activeUsersChanged();
    return created;
  }
}
