import { Injectable } from '@nestjs/common';
import { Database } from '../../../database/database.js';
import { SCHEMA } from '../discovery/scim.constants.js';
import { ScimUserEntity } from '../entities/scim-user.entity.js';
import { filterToSql, SqlParams, type Catalog } from '../filter/scim-filter-sql.js';
import type { UserStatus } from '../../../core/users/entities/user.entity.js';
import type { FilterNode } from '../filter/scim-filter.js';
import { DERIVED_FAMILY_NAME_SQL, DERIVED_GIVEN_NAME_SQL, type ScimUserRow } from './scim-user.mapper.js';
import { explicitMembershipsSql } from '../../../core/groups/group-membership.sql.js';

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
    active: { kind: 'column', type: 'boolean', sql: "(u.status <> 'suspended')" },
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
      some: (c) => `EXISTS (SELECT 1 ${explicitMembershipsSql('u.id', '$1')} AND ${c})`,
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
  status: UserStatus;
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

/**
 * What an identity provider's lookup compares (`userName eq "…"`, `externalId eq "…"`), as the
 * users it can only be: a condition the filter already implies, ANDed to it so the answer is the
 * same, that the planner can serve from an index (the compiled comparison, on
 * `lower(COALESCE(s.user_name, u.username))` inside COALESCE(…, false), can only be evaluated on
 * every exposed user). userName: the users whose SCIM userName is the value
 * (scim_users_user_name_lower_idx) and the non-deleted users without one whose username is
 * (users_username_lower_idx; every user SCIM exposes is non-deleted). Found in the filter itself or
 * in an `and` of it; undefined for anything else.
 */
function lookupCandidates(filter: FilterNode, params: SqlParams): string | undefined {
  if (filter.type === 'and') return lookupCandidates(filter.left, params) ?? lookupCandidates(filter.right, params);
  if (filter.type !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  if (filter.attr.sub !== undefined) return undefined;
  if (filter.attr.urn !== undefined && filter.attr.urn.toLowerCase() !== SCHEMA.user.toLowerCase()) return undefined;
  const attribute = filter.attr.name.toLowerCase();
  if (attribute === 'username') {
    const value = params.add(filter.value);
    return `u.id IN (SELECT c.user_id FROM scim_users c WHERE lower(c.user_name) = lower(${value}::text)
                     UNION ALL
                     SELECT c.id FROM users c WHERE lower(c.username) = lower(${value}::text) AND c.deleted = false)`;
  }
  if (attribute === 'externalid') {
    // Case-exact, as the catalog compares it (scim_users_external_id_idx).
    return `u.id IN (SELECT c.user_id FROM scim_users c WHERE c.external_id = ${params.add(filter.value)}::text)`;
  }
  return undefined;
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

/**
 * The SCIM view of users (Coder's `users` joined with `scim_users`, as the filter catalog above
 * reads them) and the `scim_users` table. Writes to `users` itself go through UsersRepository.
 */
@Injectable()
export class ScimUsersRepository {
  constructor(private readonly db: Database) {}

  /** One page of users matching `filter`, in creation order, and the number matching. */
  async list(orgId: string, filter: FilterNode | undefined, offset: number, limit: number) {
    const params = new SqlParams([orgId]);
    let where = filter ? ` AND ${filterToSql(filter, USER_CATALOG, params)}` : '';
    const lookup = filter && lookupCandidates(filter, params);
    if (lookup) where += ` AND ${lookup}`;
    const count = () =>
      this.db.manager.query<{ total: number }[]>(`SELECT count(*)::int AS total ${EXPOSED}${where}`, params.values);
    if (limit === 0) return { total: (await count())[0].total, rows: [] as ScimUserRow[] };
    // One query for the page and the number matching; only a page past the end needs the count alone.
    const page = new SqlParams([...params.values]);
    const rows: (RawUserRow & { total: number })[] = await this.db.manager.query(
      `SELECT ${COLUMNS}, count(*) OVER ()::int AS total ${EXPOSED}${where}
        ORDER BY u.created_at, u.id OFFSET ${page.add(offset)} LIMIT ${page.add(limit)}`,
      page.values,
    );
    const total = rows.length > 0 ? rows[0].total : (await count())[0].total;
    return { total, rows: rows.map(toRow) };
  }

  /** The user if SCIM may see it; `lock` takes the row lock for a write. */
  async get(orgId: string, id: string, lock = false): Promise<ScimUserRow | null> {
    const rows: RawUserRow[] = await this.db.manager.query(
      `SELECT ${COLUMNS} ${EXPOSED} AND u.id = $2${lock ? ' FOR UPDATE OF u' : ''}`,
      [orgId, id],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Which of `ids` are users SCIM sees (members of the organization, not deleted or deprovisioned). */
  async exposedUsersAmong(orgId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.db.manager.query(
      `SELECT u.id FROM users u
         JOIN organization_members om ON om.user_id = u.id AND om.organization_id = $1
         LEFT JOIN scim_users s ON s.user_id = u.id
        WHERE u.id = ANY($2::uuid[]) AND u.deleted = false AND s.deprovisioned_at IS NULL`,
      [orgId, ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Serializes SCIM writes to users for the rest of the transaction, so the uniqueness checks of
   * two concurrent requests cannot both pass (Okta and Entra send requests in parallel).
   */
  async lockUserWrites(): Promise<void> {
    await this.db.manager.query(`SELECT pg_advisory_xact_lock(hashtext('scim_users'))`);
  }

  /** Non-deleted users whose username or SCIM userName is `userName`, or whose email is `email`. */
  async holders(orgId: string, userName: string, email: string | undefined): Promise<Holder[]> {
    const rows: {
      id: string;
      username: string;
      email: string;
      scim_user_name: string | null;
      deprovisioned: boolean;
    }[] = await this.db.manager.query(
      `SELECT u.id, u.username, u.email, s.user_name AS scim_user_name,
                (s.deprovisioned_at IS NOT NULL AND EXISTS (
                  SELECT 1 FROM organization_members om WHERE om.user_id = u.id AND om.organization_id = $1)) AS deprovisioned
           FROM users u LEFT JOIN scim_users s ON s.user_id = u.id
          WHERE u.deleted = false
            AND (lower(u.username) = lower($2) OR lower(s.user_name) = lower($2) OR lower(u.email) = lower($3))`,
      [orgId, userName, email ?? ''],
    );
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      email: r.email,
      scimUserName: r.scim_user_name,
      deprovisioned: r.deprovisioned,
    }));
  }

  /** A SCIM user row whose userName is taken by a user deleted in Coder would shadow a new user: drop it. */
  async releaseUserNameOfDeletedUsers(userName: string): Promise<void> {
    await this.db.manager.query(
      `DELETE FROM scim_users s USING users u WHERE s.user_id = u.id AND u.deleted = true AND lower(s.user_name) = lower($1)`,
      [userName],
    );
  }

  /** A user the identity provider deleted earlier is provisioned again. */
  async clearDeprovisioned(userId: string): Promise<void> {
    await this.db.manager.query('UPDATE scim_users SET deprovisioned_at = NULL WHERE user_id = $1', [userId]);
  }

  async saveScimUser(row: Omit<ScimUserEntity, 'createdAt' | 'updatedAt' | 'user'>): Promise<void> {
    await this.db.manager
      .createQueryBuilder()
      .insert()
      .into(ScimUserEntity)
      .values({ ...row, updatedAt: new Date() })
      .orUpdate(
        [
          'user_name',
          'external_id',
          'given_name',
          'family_name',
          'formatted_name',
          'email_type',
          'deprovisioned_at',
          'updated_at',
        ],
        ['user_id'],
      )
      .execute();
  }
}
