import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from '../../core/users/entities/user.entity.js';
import { ScimUserEntity } from './entities/scim-user.entity.js';
import { SCHEMA } from './scim.constants.js';
import { filterToSql, SqlParams, type Catalog } from './scim-filter-sql.js';
import type { FilterNode } from './scim-filter.js';
import { DERIVED_FAMILY_NAME_SQL, DERIVED_GIVEN_NAME_SQL, type GroupRef, type ScimUserRow } from './scim-user.mapper.js';

/** The users SCIM sees: non-deleted members of the default organization ($1) not deprovisioned. */
const EXPOSED = `FROM users u
  JOIN organization_members om ON om.user_id = u.id AND om.organization_id = $1
  LEFT JOIN scim_users s ON s.user_id = u.id
  WHERE u.deleted = false AND s.deprovisioned_at IS NULL`;

const COLUMNS = `u.id, u.username, u.email, u.name, u.status, u.created_at, u.updated_at,
  s.user_name AS scim_user_name, s.external_id, s.given_name, s.family_name, s.formatted_name,
  s.email_type, s.updated_at AS scim_updated_at`;

/** Filterable attributes of a User (RFC 7644 §3.4.2.2); one email per user, so `emails` needs no subquery. */
const USER_CATALOG: Catalog = {
  urn: SCHEMA.user,
  attributes: {
    id: { kind: 'column', type: 'id', sql: 'u.id::text' },
    externalid: { kind: 'column', type: 'string', sql: 's.external_id', caseExact: true },
    username: { kind: 'column', type: 'string', sql: 'COALESCE(s.user_name, u.username)' },
    displayname: { kind: 'column', type: 'string', sql: "NULLIF(u.name, '')" },
    active: { kind: 'column', type: 'boolean', sql: "(u.status = 'active')" },
    name: {
      kind: 'complex',
      sub: {
        // As answered: the provisioned part, else the one derived from Coder's name (derivedNameParts).
        givenname: { kind: 'column', type: 'string', sql: `COALESCE(s.given_name, ${DERIVED_GIVEN_NAME_SQL})` },
        familyname: { kind: 'column', type: 'string', sql: `COALESCE(s.family_name, ${DERIVED_FAMILY_NAME_SQL})` },
        formatted: { kind: 'column', type: 'string', sql: 's.formatted_name' },
      },
    },
    emails: {
      kind: 'complex',
      defaultSub: 'value',
      sub: {
        value: { kind: 'column', type: 'string', sql: 'u.email' },
        type: { kind: 'column', type: 'string', sql: "COALESCE(s.email_type, 'work')" },
        primary: { kind: 'column', type: 'boolean', sql: 'true' },
      },
    },
    groups: {
      kind: 'complex',
      defaultSub: 'value',
      some: (c) => `EXISTS (SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id
        WHERE gm.user_id = u.id AND g.organization_id = $1 AND g.id <> g.organization_id AND ${c})`,
      sub: {
        value: { kind: 'column', type: 'id', sql: 'g.id::text' },
        display: { kind: 'column', type: 'string', sql: "COALESCE(NULLIF(g.display_name, ''), g.name)" },
      },
    },
    meta: {
      kind: 'complex',
      sub: {
        created: { kind: 'column', type: 'dateTime', sql: 'u.created_at' },
        lastmodified: { kind: 'column', type: 'dateTime', sql: 'GREATEST(u.updated_at, s.updated_at)' },
      },
    },
  },
};

interface RawUserRow {
  id: string;
  username: string;
  email: string;
  name: string;
  status: 'active' | 'suspended';
  created_at: Date;
  updated_at: Date;
  scim_user_name: string | null;
  external_id: string | null;
  given_name: string | null;
  family_name: string | null;
  formatted_name: string | null;
  email_type: string | null;
  scim_updated_at: Date | null;
}

function toRow(r: RawUserRow): ScimUserRow {
  return {
    id: r.id,
    username: r.username,
    email: r.email,
    name: r.name,
    status: r.status,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    scimUserName: r.scim_user_name,
    externalId: r.external_id,
    givenName: r.given_name,
    familyName: r.family_name,
    formattedName: r.formatted_name,
    emailType: r.email_type,
    scimUpdatedAt: r.scim_updated_at === null ? null : new Date(r.scim_updated_at),
  };
}

/** A user holding a userName or email a write wants. */
export interface Holder {
  id: string;
  username: string;
  email: string;
  scimUserName: string | null;
  /** In the default organization and deprovisioned: the identity provider may take it back. */
  deprovisioned: boolean;
}

@Injectable()
export class ScimUsersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One page of users matching `filter`, in creation order, and the number matching. */
  async list(orgId: string, filter: FilterNode | undefined, offset: number, limit: number) {
    const params = new SqlParams([orgId]);
    const where = filter ? ` AND ${filterToSql(filter, USER_CATALOG, params)}` : '';
    const count = () => this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total ${EXPOSED}${where}`, params.values);
    if (limit === 0) return { total: (await count())[0].total, rows: [] as ScimUserRow[] };
    // One query for the page and the number matching; only a page past the end needs the count alone.
    const page = new SqlParams([...params.values]);
    const rows: (RawUserRow & { total: number })[] = await this.db.query(
      `SELECT ${COLUMNS}, count(*) OVER ()::int AS total ${EXPOSED}${where}
        ORDER BY u.created_at, u.id OFFSET ${page.add(offset)} LIMIT ${page.add(limit)}`,
      page.values,
    );
    const total = rows.length > 0 ? rows[0].total : (await count())[0].total;
    return { total, rows: rows.map(toRow) };
  }

  /** The user if SCIM may see it; `lock` takes the row lock for a write. */
  async get(orgId: string, id: string, manager: EntityManager = this.db.manager, lock = false): Promise<ScimUserRow | null> {
    const rows: RawUserRow[] = await manager.query(
      `SELECT ${COLUMNS} ${EXPOSED} AND u.id = $2${lock ? ' FOR UPDATE OF u' : ''}`,
      [orgId, id],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** The groups (of the default organization, Everyone aside) of each user. */
  async groupsOfUsers(orgId: string, userIds: string[], manager: EntityManager = this.db.manager): Promise<Map<string, GroupRef[]>> {
    const out = new Map<string, GroupRef[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return out;
    const rows: { user_id: string; id: string; display: string }[] = await manager.query(
      `SELECT gm.user_id, g.id, COALESCE(NULLIF(g.display_name, ''), g.name) AS display
         FROM group_members gm JOIN groups g ON g.id = gm.group_id
        WHERE gm.user_id = ANY($2::uuid[]) AND g.organization_id = $1 AND g.id <> g.organization_id
        ORDER BY display, g.id`,
      [orgId, userIds],
    );
    for (const r of rows) out.get(r.user_id)?.push({ id: r.id, display: r.display });
    return out;
  }

  /**
   * Serializes SCIM writes to users for the rest of the transaction, so the uniqueness checks of
   * two concurrent requests cannot both pass (Okta and Entra send requests in parallel).
   */
  async lockUserWrites(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('scim_users'))`);
  }

  /** Non-deleted users whose username or SCIM userName is `userName`, or whose email is `email`. */
  async holders(manager: EntityManager, orgId: string, userName: string, email: string | undefined): Promise<Holder[]> {
    const rows: { id: string; username: string; email: string; scim_user_name: string | null; deprovisioned: boolean }[] =
      await manager.query(
        `SELECT u.id, u.username, u.email, s.user_name AS scim_user_name,
                (s.deprovisioned_at IS NOT NULL AND EXISTS (
                  SELECT 1 FROM organization_members om WHERE om.user_id = u.id AND om.organization_id = $1)) AS deprovisioned
           FROM users u LEFT JOIN scim_users s ON s.user_id = u.id
          WHERE u.deleted = false
            AND (lower(u.username) = lower($2) OR lower(s.user_name) = lower($2) OR lower(u.email) = lower($3))`,
        [orgId, userName, email ?? ''],
      );
    return rows.map((r) => ({ id: r.id, username: r.username, email: r.email, scimUserName: r.scim_user_name, deprovisioned: r.deprovisioned }));
  }

  /** Which of `usernames` are taken (case-insensitively) by non-deleted users. */
  async takenUsernames(manager: EntityManager, usernames: string[]): Promise<Set<string>> {
    const rows: { name: string }[] = await manager.query(
      `SELECT lower(username) AS name FROM users WHERE deleted = false AND lower(username) = ANY($1::text[])`,
      [usernames.map((u) => u.toLowerCase())],
    );
    return new Set(rows.map((r) => r.name));
  }

  /** A SCIM user row whose userName is taken by a user deleted in Coder would shadow a new user: drop it. */
  async releaseUserNameOfDeletedUsers(manager: EntityManager, userName: string): Promise<void> {
    await manager.query(
      `DELETE FROM scim_users s USING users u WHERE s.user_id = u.id AND u.deleted = true AND lower(s.user_name) = lower($1)`,
      [userName],
    );
  }

  async updateCoderFields(manager: EntityManager, id: string, fields: { email: string; name: string }): Promise<void> {
    await manager.update(UserEntity, { id }, { ...fields, updatedAt: new Date() });
  }

  async saveScimUser(manager: EntityManager, row: Omit<ScimUserEntity, 'createdAt' | 'updatedAt' | 'user'>): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ScimUserEntity)
      .values({ ...row, updatedAt: new Date() })
      .orUpdate(
        ['user_name', 'external_id', 'given_name', 'family_name', 'formatted_name', 'email_type', 'deprovisioned_at', 'updated_at'],
        ['user_id'],
      )
      .execute();
  }
}
