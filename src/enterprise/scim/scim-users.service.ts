import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiError, isUuid } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { UsersRepository } from '../../core/users/users.repository.js';
import { UsersService } from '../../core/users/users.service.js';
import { OrganizationsService } from '../../core/organizations/organizations.service.js';
import { ScimAudit } from './scim-audit.js';
import { preconditionFailed, scimNotFound, uniqueness, ScimError } from './scim-error.js';
import type { ScimContext, ScimReply } from './scim-http.js';
import { parseListQuery, parseProjection, parseSearchRequest, type ListQuery } from './scim-list-query.js';
import { applyPatch, parsePatchRequest } from './scim-patch.js';
import { listReply, resourceReply, ScimOrganization, wantsAttribute } from './scim-replies.js';
import { USER_SCHEMA } from './scim-schema.js';
import {
  coderDisplayName,
  readUser,
  toScimUser,
  userNameOf,
  userVersion,
  type ScimUserRow,
  type UserInput,
} from './scim-user.mapper.js';
import { usernameCandidates, usernameFrom } from './scim-username.js';
import { ScimUsersRepository, type Holder } from './scim-users.repository.js';
import { etagMatches } from './scim-values.js';

/** The audit snapshot of a user as SCIM changes it. */
function snapshot(row: ScimUserRow, deprovisioned = false): Record<string, unknown> {
  return {
    id: row.id,
    username: row.username,
    user_name: userNameOf(row),
    external_id: row.externalId,
    email: row.email,
    name: row.name,
    given_name: row.givenName,
    family_name: row.familyName,
    formatted_name: row.formattedName,
    email_type: row.emailType,
    status: row.status,
    scim_deprovisioned: deprovisioned,
  };
}

/** SCIM Users (RFC 7644 §3) over Coder's users of the default organization. */
@Injectable()
export class ScimUsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: ScimUsersRepository,
    private readonly users: UsersService,
    private readonly usersRepo: UsersRepository,
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
    const groups = orgId && wantsAttribute(query.projection, 'groups') ? await this.repo.groupsOfUsers(orgId, rows.map((r) => r.id)) : undefined;
    return listReply(query, total, rows.map((r) => toScimUser(r, ctx.base, groups?.get(r.id))));
  }

  async get(id: string, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.id();
    const row = orgId && isUuid(id) ? await this.repo.get(orgId, id.toLowerCase()) : null;
    if (!orgId || !row) throw scimNotFound();
    const version = userVersion(row, ctx.base);
    if (etagMatches(ctx.ifNoneMatch, version)) return { status: 304, headers: { ETag: version } };
    return this.present(orgId, row, ctx, 200);
  }

  /** The user's resource answer (`groups` loaded when projected); see resourceReply. */
  private async present(orgId: string, row: ScimUserRow, ctx: ScimContext, status: number, patch = false): Promise<ScimReply> {
    const projection = parseProjection(ctx.query, USER_SCHEMA);
    const groups = wantsAttribute(projection, 'groups') ? (await this.repo.groupsOfUsers(orgId, [row.id])).get(row.id) : undefined;
    return resourceReply(toScimUser(row, ctx.base, groups), projection, status, patch);
  }

  async create(body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const input = readUser(body, 'create');
    const orgId = await this.org.requireId();
    const row = await this.transaction(async (manager) => {
      await this.repo.lockUserWrites(manager);
      await this.repo.releaseUserNameOfDeletedUsers(manager, input.userName);
      const holders = await this.repo.holders(manager, orgId, input.userName, input.email!.value);
      if (holders.length === 1 && holders[0].deprovisioned) return this.reprovision(manager, orgId, holders[0].id, input, ctx);
      if (holders.length > 0) throw conflictFor(holders, input);
      const candidates = usernameCandidates(usernameFrom(input.userName));
      const taken = await this.repo.takenUsernames(manager, candidates);
      const username = candidates.find((u) => !taken.has(u.toLowerCase()));
      if (!username) throw uniqueness(`No free Coder username could be derived from userName ${JSON.stringify(input.userName)}.`);
      const user = await this.users.insertUser(manager, {
        email: input.email!.value,
        username,
        name: coderDisplayName(input),
        loginType: 'oidc',
        status: input.active === false ? 'suspended' : 'active',
      });
      await this.orgs.addMember(manager, orgId, user.id);
      await this.repo.saveScimUser(manager, { ...scimFields(input), userId: user.id, deprovisionedAt: null });
      const created = (await this.repo.get(orgId, user.id, manager))!;
      await this.audit.record(manager, {
        meta: ctx.meta,
        organizationId: orgId,
        resourceType: 'user',
        resourceId: user.id,
        resourceTarget: user.username,
        action: 'create',
        statusCode: 201,
        before: null,
        after: snapshot(created),
      });
      return created;
    });
    await this.users.activeUsersChanged();
    return this.present(orgId, row, ctx, 201);
  }

  /** POST for a user the identity provider deleted earlier: it comes back as it is now described. */
  private async reprovision(manager: EntityManager, orgId: string, id: string, input: UserInput, ctx: ScimContext): Promise<ScimUserRow> {
    await manager.query('UPDATE scim_users SET deprovisioned_at = NULL WHERE user_id = $1', [id]);
    const current = (await this.repo.get(orgId, id, manager, true))!;
    return this.write(manager, orgId, current, { ...input, active: input.active ?? true }, ctx, 201, true);
  }

  replace(id: string, body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const input = readUser(body, 'replace');
    return this.update(id, ctx, () => input);
  }

  patch(id: string, body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const request = parsePatchRequest(body, true);
    return this.update(
      id,
      ctx,
      (current) => {
        // The stored attributes only: name parts derived for display are never written back.
        const doc = toScimUser(current, ctx.base, undefined, false);
        delete doc.meta;
        if (request.kind === 'legacy') return { ...readUser(doc, 'replace'), active: request.active, displayNameOnly: true };
        return { ...readUser(applyPatch(doc, request.operations, USER_SCHEMA), 'replace'), displayNameOnly: true };
      },
      true,
    );
  }

  private async update(id: string, ctx: ScimContext, next: (current: ScimUserRow) => UserInput, patch = false): Promise<ScimReply> {
    const orgId = await this.org.requireId();
    const before = await this.transaction(async (manager) => {
      const current = await this.lockForWrite(manager, orgId, id, ctx);
      const updated = await this.write(manager, orgId, current, next(current), ctx, 200);
      return { current, updated };
    });
    if (before.current.status !== before.updated.status) await this.users.activeUsersChanged();
    return this.present(orgId, before.updated, ctx, 200, patch);
  }

  /** DELETE: suspends the user and hides it from SCIM; nothing is deleted (RFC 7644 §3.6 as a soft delete). */
  async remove(id: string, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.requireId();
    const current = await this.transaction(async (manager) => {
      const row = await this.lockForWrite(manager, orgId, id, ctx);
      if (row.status !== 'suspended') await this.usersRepo.updateStatus(manager, row.id, 'suspended');
      await this.repo.saveScimUser(manager, { ...scimFieldsOf(row), userId: row.id, deprovisionedAt: new Date() });
      await this.audit.record(manager, {
        meta: ctx.meta,
        organizationId: orgId,
        resourceType: 'user',
        resourceId: row.id,
        resourceTarget: row.username,
        action: 'write',
        statusCode: 204,
        before: snapshot(row),
        after: snapshot({ ...row, status: 'suspended' }, true),
      });
      return row;
    });
    if (current.status !== 'suspended') await this.users.activeUsersChanged();
    return { status: 204 };
  }

  private async lockForWrite(manager: EntityManager, orgId: string, id: string, ctx: ScimContext): Promise<ScimUserRow> {
    if (!isUuid(id)) throw scimNotFound();
    await this.repo.lockUserWrites(manager);
    const current = await this.repo.get(orgId, id.toLowerCase(), manager, true);
    if (!current) throw scimNotFound();
    if (ctx.ifMatch !== undefined && !etagMatches(ctx.ifMatch, userVersion(current, ctx.base))) throw preconditionFailed();
    return current;
  }

  /** Stores `input` over `current` (uniqueness checked, unchanged fields untouched) and audits it. */
  private async write(
    manager: EntityManager,
    orgId: string,
    current: ScimUserRow,
    input: UserInput,
    ctx: ScimContext,
    statusCode: number,
    force = false,
  ): Promise<ScimUserRow> {
    const email = input.email?.value ?? current.email;
    const others = (await this.repo.holders(manager, orgId, input.userName, email)).filter((h) => h.id !== current.id);
    if (others.length > 0) throw conflictFor(others, { ...input, email: { value: email, type: null } });
    const name = coderDisplayName(input);
    const status = input.active === undefined ? current.status : input.active ? 'active' : 'suspended';
    if (email !== current.email || name !== current.name) await this.repo.updateCoderFields(manager, current.id, { email, name });
    if (status !== current.status) await this.usersRepo.updateStatus(manager, current.id, status);
    const fields = { ...scimFields(input), emailType: input.email ? input.email.type : current.emailType };
    const scimChanged = Object.entries(fields).some(([k, v]) => scimFieldsOf(current)[k as keyof typeof fields] !== v);
    if (scimChanged || force) {
      await this.repo.saveScimUser(manager, { ...fields, userId: current.id, deprovisionedAt: null });
    }
    const updated = (await this.repo.get(orgId, current.id, manager))!;
    const before = snapshot(current);
    const after = snapshot(updated);
    if (force || JSON.stringify(before) !== JSON.stringify(after)) {
      await this.audit.record(manager, {
        meta: ctx.meta,
        organizationId: orgId,
        resourceType: 'user',
        resourceId: current.id,
        resourceTarget: updated.username,
        action: 'write',
        statusCode,
        before,
        after,
      });
    }
    return updated;
  }

  /** One transaction; a unique violation raised by a concurrent write (Coder's API) is still a 409. */
  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } catch (err) {
      if (isUniqueViolation(err) || (err instanceof ApiError && err.getStatus() === 409)) {
        throw uniqueness('The userName or email is already taken by another user.');
      }
      throw err;
    }
  }
}

function scimFields(input: UserInput) {
  return {
    userName: input.userName,
    externalId: input.externalId,
    givenName: input.givenName,
    familyName: input.familyName,
    formattedName: input.formattedName,
    emailType: input.email?.type ?? null,
  };
}

function scimFieldsOf(row: ScimUserRow) {
  return {
    userName: userNameOf(row),
    externalId: row.externalId,
    givenName: row.givenName,
    familyName: row.familyName,
    formattedName: row.formattedName,
    emailType: row.emailType,
  };
}

/** 409 `uniqueness`, naming what is taken (Okta matches on it and reports it to the admin). */
function conflictFor(holders: Holder[], input: UserInput): ScimError {
  const userName = input.userName.toLowerCase();
  const byName = holders.find((h) => h.username.toLowerCase() === userName || h.scimUserName?.toLowerCase() === userName);
  if (byName) return uniqueness(`userName ${JSON.stringify(input.userName)} is already taken (user ${byName.id}).`);
  const byEmail = holders[0];
  return uniqueness(`The email ${JSON.stringify(input.email?.value ?? byEmail.email)} is already taken (user ${byEmail.id}).`);
}
