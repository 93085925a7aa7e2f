import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError, isUuid } from '../../../common/errors.js';
import { isUniqueViolation } from '../../../common/pg-errors.js';
import { GroupsRepository } from '../../../core/groups/groups.repository.js';
import { OrganizationsService } from '../../../core/organizations/organizations.service.js';
import { UsersRepository } from '../../../core/users/users.repository.js';
import { UsersService } from '../../../core/users/users.service.js';
import { NIL_UUID } from '../../../core/audit/audit.service.js';
import type { UserStatus } from '../../../core/users/entities/user.entity.js';
import { Database } from '../../../database/database.js';
import { USER_SCHEMA } from '../discovery/scim-schema.js';
import { parseListQuery, parseProjection, parseSearchRequest, type ListQuery } from '../filter/scim-list-query.js';
import type { Projection } from '../filter/scim-projection.js';
import { ScimAudit, SCIM_ACTOR_FIELDS, type ScimAuditEntry } from '../http/scim-audit.js';
import type { ScimContext, ScimReply } from '../http/scim-http.js';
import { ScimOrganization } from '../http/scim-organization.js';
import {
  createdReply,
  deletedReply,
  listReply,
  notModifiedReply,
  patchedReply,
  resourceReply,
  wantsAttribute,
} from '../http/scim-replies.js';
import { etagMatches } from '../http/scim-values.js';
import {
  emailTaken,
  noFreeUsername,
  preconditionFailed,
  scimNotFound,
  userConflict,
  userNameTaken,
  type ScimError,
} from '../http/scim.errors.js';
import { parsePatchRequest } from '../patch/scim-patch-request.js';
import {
  auditSnapshot,
  coderDisplayName,
  patchedUser,
  readUser,
  scimFields,
  scimFieldsOf,
  toScimUser,
  userVersion,
  type ScimUserRow,
  type UserInput,
} from './scim-user.mapper.js';
import { usernameCandidates, usernameFrom } from './scim-username.js';
import { ScimUsersRepository, type Holder } from './scim-users.repository.js';

type Reply = (resource: Record<string, unknown>, projection: Projection) => ScimReply;

/**
 * SCIM Users (RFC 7644 §3) over Coder's users of the default organization. A write is one
 * transaction, read top-down: read the body, lock and load the user (If-Match checked), work out
 * what the request makes of it, store what changed and audit it; the answer is built after commit.
 */
@Injectable()
export class ScimUsersService {
  constructor(
    private readonly db: Database,
    private readonly repo: ScimUsersRepository,
    private readonly users: UsersService,
    private readonly usersRepo: UsersRepository,
    private readonly groups: GroupsRepository,
    private readonly orgs: OrganizationsService,
    private readonly audit: ScimAudit,
    private readonly org: ScimOrganization,
  ) {}

  list(ctx: ScimContext): Promise<ScimReply> {
    return this.search(parseListQuery(ctx.query, USER_SCHEMA), ctx);
  }

  searchBody(body: unknown, ctx: ScimContext): Promise<ScimReply> {
    return this.search(parseSearchRequest(body, USER_SCHEMA), ctx);
  }

  private async search(query: ListQuery, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.id();
    const { total, rows } = orgId
      ? await this.repo.list(orgId, query.filter, query.startIndex - 1, query.count)
      : { total: 0, rows: [] as ScimUserRow[] };
    const groups =
      orgId && wantsAttribute(query.projection, 'groups')
        ? await this.groups.groupsOfUsersInOrganization(
            orgId,
            rows.map((r) => r.id),
          )
        : undefined;
    return listReply(
      query,
      total,
      rows.map((r) => toScimUser(r, ctx.base, groups?.get(r.id))),
    );
  }

  async get(id: string, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.id();
    const row = orgId && isUuid(id) ? await this.repo.get(orgId, id.toLowerCase()) : null;
    if (!orgId || !row) throw scimNotFound();
    const version = userVersion(row, ctx.base);
    if (etagMatches(ctx.ifNoneMatch, version)) return notModifiedReply(version);
    return this.answer(orgId, row, ctx, resourceReply);
  }

  async create(body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const input = readUser(body, 'create');
    const orgId = await this.org.requireId();
    const row = await this.writing(async () => {
      await this.repo.lockUserWrites();
      await this.repo.releaseUserNameOfDeletedUsers(input.userName);
      const holders = await this.repo.holders(orgId, input.userName, input.email!.value);
      if (holders.length === 1 && holders[0].deprovisioned) return this.reprovision(orgId, holders[0].id, input, ctx);
      if (holders.length > 0) throw conflictFor(holders, input);
      return this.provision(orgId, input, ctx);
    });
    await this.users.activeUsersChanged();
    return this.answer(orgId, row, ctx, createdReply);
  }

  async replace(id: string, body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const input = readUser(body, 'replace');
    const orgId = await this.org.requireId();
    const { current, updated } = await this.writing(async () => {
      const current = await this.lockForWrite(orgId, id, ctx);
      return { current, updated: await this.store(orgId, current, input, ctx, HttpStatus.OK) };
    });
    await this.afterWrite(current, updated, ctx);
    return this.answer(orgId, updated, ctx, resourceReply);
  }

  /** PATCH: the operations are applied to the locked user's resource and stored as a PUT of the result. */
  async patch(id: string, body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const request = parsePatchRequest(body, true);
    const orgId = await this.org.requireId();
    const { current, updated } = await this.writing(async () => {
      const current = await this.lockForWrite(orgId, id, ctx);
      const input = patchedUser(current, request, ctx.base);
      return { current, updated: await this.store(orgId, current, input, ctx, HttpStatus.OK) };
    });
    await this.afterWrite(current, updated, ctx);
    return this.answer(orgId, updated, ctx, patchedReply);
  }

  /** DELETE: suspends the user and hides it from SCIM; nothing is deleted (RFC 7644 §3.6 as a soft delete). */
  async remove(id: string, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.requireId();
    const current = await this.writing(async () => {
      const row = await this.lockForWrite(orgId, id, ctx);
      if (row.status !== 'suspended') await this.usersRepo.updateStatus(row.id, 'suspended');
      await this.repo.saveScimUser({ ...scimFieldsOf(row), userId: row.id, deprovisionedAt: new Date() });
      await this.record(
        orgId,
        row,
        ctx,
        'write',
        HttpStatus.NO_CONTENT,
        auditSnapshot(row),
        auditSnapshot({ ...row, status: 'suspended' }, true),
      );
      return row;
    });
    if (current.status !== 'suspended') await this.users.activeUsersChanged();
    await this.suspended(current.id, ctx);
    return deletedReply();
  }

  /** A new Coder user (login type oidc) in the default organization, with its `scim_users` row. */
  private async provision(orgId: string, input: UserInput, ctx: ScimContext): Promise<ScimUserRow> {
    const candidates = usernameCandidates(usernameFrom(input.userName));
    const taken = await this.usersRepo.takenUsernames(candidates);
    const username = candidates.find((u) => !taken.has(u.toLowerCase()));
    if (!username) throw noFreeUsername(input.userName);
    const user = await this.users.insertUser({
      email: input.email!.value,
      username,
      name: coderDisplayName(input),
      loginType: 'oidc',
      status: input.active === false ? 'suspended' : 'active',
    });
    await this.orgs.addMember(orgId, user.id);
    await this.repo.saveScimUser({ ...scimFields(input), userId: user.id, deprovisionedAt: null });
    const created = (await this.repo.get(orgId, user.id))!;
    await this.record(orgId, created, ctx, 'create', HttpStatus.CREATED, null, auditSnapshot(created));
    return created;
  }

  /** POST for a user the identity provider deleted earlier: it comes back as it is now described. */
  private async reprovision(orgId: string, id: string, input: UserInput, ctx: ScimContext): Promise<ScimUserRow> {
    await this.repo.clearDeprovisioned(id);
    const current = (await this.repo.get(orgId, id, true))!;
    return this.store(orgId, current, { ...input, active: input.active ?? true }, ctx, HttpStatus.CREATED, true);
  }

  private async lockForWrite(orgId: string, id: string, ctx: ScimContext): Promise<ScimUserRow> {
    if (!isUuid(id)) throw scimNotFound();
    await this.repo.lockUserWrites();
    const current = await this.repo.get(orgId, id.toLowerCase(), true);
    if (!current) throw scimNotFound();
    if (ctx.ifMatch !== undefined && !etagMatches(ctx.ifMatch, userVersion(current, ctx.base)))
      throw preconditionFailed();
    return current;
  }

  /** Stores `input` over `current` (uniqueness checked, unchanged fields untouched) and audits it. */
  private async store(
    orgId: string,
    current: ScimUserRow,
    input: UserInput,
    ctx: ScimContext,
    statusCode: number,
    force = false,
  ): Promise<ScimUserRow> {
    const email = input.email?.value ?? current.email;
    const others = (await this.repo.holders(orgId, input.userName, email)).filter((h) => h.id !== current.id);
    if (others.length > 0) throw conflictFor(others, { ...input, email: { value: email, type: null } });
    const name = coderDisplayName(input);
    const status = statusFor(current.status, input.active);
    if (email !== current.email || name !== current.name)
      await this.usersRepo.updateEmailAndName(current.id, { email, name });
    if (status !== current.status) await this.usersRepo.updateStatus(current.id, status);
    const fields = { ...scimFields(input), emailType: input.email ? input.email.type : current.emailType };
    const scimChanged = Object.entries(fields).some(([k, v]) => scimFieldsOf(current)[k as keyof typeof fields] !== v);
    if (scimChanged || force) await this.repo.saveScimUser({ ...fields, userId: current.id, deprovisionedAt: null });
    const updated = (await this.repo.get(orgId, current.id))!;
    const before = auditSnapshot(current);
    const after = auditSnapshot(updated);
    if (force || JSON.stringify(before) !== JSON.stringify(after))
      await this.record(orgId, updated, ctx, 'write', statusCode, before, after);
    return updated;
  }

  /**
   * After a PUT or PATCH committed. A body that merely repeats `active: false` for a suspended user
   * (Okta sends the whole user on every profile change) suspends nothing, so stops nothing.
   */
  private async afterWrite(current: ScimUserRow, updated: ScimUserRow, ctx: ScimContext): Promise<void> {
    if (current.status === updated.status) return;
    await this.users.activeUsersChanged();
    if (updated.status === 'suspended') await this.suspended(updated.id, ctx);
  }

  /** After the suspension committed: what follows it (the user's workspaces stop), by the SCIM actor. */
  private suspended(userId: string, ctx: ScimContext): Promise<void> {
    return this.users.afterSuspension({
      userId,
      actorId: NIL_UUID,
      auditFields: { ...SCIM_ACTOR_FIELDS },
      meta: ctx.meta,
    });
  }

  private record(
    orgId: string,
    user: ScimUserRow,
    ctx: ScimContext,
    action: ScimAuditEntry['action'],
    statusCode: number,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    return this.audit.record({
      meta: ctx.meta,
      organizationId: orgId,
      resourceType: 'user',
      resourceId: user.id,
      resourceTarget: user.username,
      action,
      statusCode,
      before,
      after,
    });
  }

  /** The user's resource (`groups` loaded when projected) in the answer `reply` makes of it. */
  private async answer(orgId: string, row: ScimUserRow, ctx: ScimContext, reply: Reply): Promise<ScimReply> {
    const projection = parseProjection(ctx.query, USER_SCHEMA);
    const groups = wantsAttribute(projection, 'groups')
      ? (await this.groups.groupsOfUsersInOrganization(orgId, [row.id])).get(row.id)
      : undefined;
    return reply(toScimUser(row, ctx.base, groups), projection);
  }

  /** One transaction; a unique violation raised by a concurrent write (Coder's API) is still a 409. */
  private async writing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } catch (err) {
      if (isUniqueViolation(err) || (err instanceof ApiError && err.getStatus() === (HttpStatus.CONFLICT as number)))
        throw userConflict();
      throw err;
    }
  }
}

/**
 * `active: false` suspends; `active: true` reactivates a suspended user and leaves a dormant one
 * dormant (SCIM already reads it as active; it wakes on its next sign-in or API use).
 */
function statusFor(current: UserStatus, active: boolean | undefined): UserStatus {
  if (active === undefined) return current;
  if (!active) return 'suspended';
  return current === 'suspended' ? 'active' : current;
}

/** 409 `uniqueness`, naming what is taken (Okta matches on it and reports it to the admin). */
function conflictFor(holders: Holder[], input: UserInput): ScimError {
  const userName = input.userName.toLowerCase();
  const byName = holders.find(
    (h) => h.username.toLowerCase() === userName || h.scimUserName?.toLowerCase() === userName,
  );
  if (byName) return userNameTaken(input.userName, byName.id);
  const byEmail = holders[0];
  return emailTaken(input.email?.value ?? byEmail.email, byEmail.id);
}
