import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, conflict } from '../../common/errors.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { CreateFirstUserRequest, CreateFirstUserResponse } from './dto/create-user.dto.js';
import { userAuditSnapshot } from './dto/user.dto.js';
import { hashPassword } from './password.js';
import { UsersRepository } from './users.repository.js';
import { assertStrongPassword, UsersService } from './users.service.js';

/** Serializes first-user setup across requests and replicas (pg_advisory_xact_lock key). */
const FIRST_USER_LOCK = 7_245_001;

/** `GET/POST /users/first`: the one unauthenticated way in, allowed exactly once. */
@Injectable()
export class FirstUserService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly repo: UsersRepository,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  async status(): Promise<{ message: string }> {
    if ((await this.repo.countUsers()) === 0) {
      throw new ApiError(404, { message: 'The initial user has not been created!' });
    }
    return { message: 'The initial user has already been created!' };
  }

  /**
   * Creates the owner, the default organization (named after the username, as Coder did) with its
   * Everyone group, and the membership, all in one transaction under a lock, so two concurrent
   * requests cannot both become the first user.
   */
  async create(body: CreateFirstUserRequest, meta: RequestMeta): Promise<CreateFirstUserResponse> {
    // Once set up, answer 409 before hashing: scrypt (32 MiB, tens of milliseconds) must not be
    // work any anonymous caller can make the server do. The check is repeated under the lock.
    if ((await this.repo.countUsers()) > 0) throw conflict('The initial user has already been created.');
    // Hashing is slow on purpose: do it before taking the lock and a connection.
    const hashedPassword = await hashPassword(body.password);
    const created = await this.db.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [FIRST_USER_LOCK]);
      // Coder's order: once set up, the route is closed (409) whatever the body says.
      if ((await this.repo.countUsers(manager)) > 0) throw conflict('The initial user has already been created.');
      assertStrongPassword(body.password);
      const user = await this.users.insertUser(manager, {
        email: body.email,
        username: body.username,
        name: body.name,
        hashedPassword,
        loginType: 'password',
        siteRoles: ['owner'],
      });
      const org = await this.orgs.createWithMember(manager, { name: body.username, isDefault: true }, user.id);
      await this.audit.record(
        {
          meta,
          userId: user.id,
          organizationId: org.id,
          resourceType: 'user',
          resourceId: user.id,
          resourceTarget: user.username,
          action: 'create',
          statusCode: 201,
          diff: auditDiff(null, userAuditSnapshot(user)),
        },
        manager,
      );
      return { user_id: user.id, organization_id: org.id };
    });
    await this.users.activeUsersChanged();
    return created;
  }
}
