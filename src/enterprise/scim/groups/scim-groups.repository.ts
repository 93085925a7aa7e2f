import { Injectable } from '@nestjs/common';
import { Database } from '../../../database/database.js';
import { SCHEMA } from '../discovery/scim.constants.js';
import { ScimGroupEntity } from '../entities/scim-group.entity.js';
import { filterToSql, SqlParams, type Catalog } from '../filter/scim-filter-sql.js';
import type { FilterNode } from '../filter/scim-filter.js';
import type { MemberRef, ScimGroupRow } from './scim-group.mapper.js';
import { notEveryoneGroupSql } from '../../../core/groups/everyone-group.js';
import { GROUP_MEMBERSHIPS_FROM } from '../../../core/groups/group-membership.sql.js';

/** The groups SCIM sees: those of the default organization ($1) except Everyone (src/core/groups/everyone-group.ts). */
const EXPOSED = `FROM groups g LEFT JOIN scim_groups sg ON sg.group_id = g.id
  WHERE g.organization_id = $1 AND ${notEveryoneGroupSql('g')}`;

const COLUMNS = `g.id, g.name, g.display_name, sg.external_id,
  COALESCE(sg.created_at, now()) AS created_at, COALESCE(sg.updated_at, now()) AS updated_at`;

/** Members SCIM sees: non-deleted, not deprovisioned members of the default organization. */
const MEMBERS = `${GROUP_MEMBERSHIPS_FROM}
  JOIN users mu ON mu.id = gm.user_id AND mu.deleted = false
  JOIN organization_members mom ON mom.user_id = mu.id AND mom.organization_id = $1
  LEFT JOIN scim_users ms ON ms.user_id = mu.id
  WHERE ms.deprovisioned_at IS NULL`;

const GROUP_CATALOG: Catalog = {
  urn: SCHEMA.group,
  attributes: {
    id: { kind: 'column', type: 'id', sql: 'g.id::text' },
    externalid: { kind: 'column', type: 'string', sql: 'sg.external_id', caseExact: true },
    displayname: { kind: 'column', type: 'string', sql: "COALESCE(NULLIF(g.display_name, ''), g.name)" },
    members: {
      kind: 'complex',
      defaultSub: 'value',
      some: (c) => `EXISTS (SELECT 1 ${MEMBERS} AND gm.group_id = g.id AND ${c})`,
      sub: {
        value: { kind: 'column', type: 'id', sql: 'mu.id::text' },
        display: { kind: 'column', type: 'string', sql: 'COALESCE(ms.user_name, mu.username)' },
      },
    },
    meta: {
      kind: 'complex',
      sub: {
        created: { kind: 'column', type: 'dateTime', sql: 'sg.created_at' },
        lastmodified: { kind: 'column', type: 'dateTime', sql: 'sg.updated_at' },
      },
    },
  },
};

interface RawGroupRow {
  id: string;
  name: string;
  display_name: string;
  external_id: string | null;
  created_at: Date;
  updated_at: Date;
}

function toRow(r: RawGroupRow): ScimGroupRow {
  return {
    id: r.id,
    name: r.name,
    displayName: r.display_name,
    externalId: r.external_id,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/**
 * The SCIM view of groups (Coder's `groups` joined with `scim_groups`, members as SCIM sees them)
 * and the `scim_groups` table. Writes to `groups` and `group_members` go through GroupsRepository.
 */
@Injectable()
export class ScimGroupsRepository {
  constructor(private readonly db: Database) {}

  async list(orgId: string, filter: FilterNode | undefined, offset: number, limit: number) {
    const params = new SqlParams([orgId]);
    const where = filter ? ` AND ${filterToSql(filter, GROUP_CATALOG, params)}` : '';
    const count = () =>
      this.db.manager.query<{ total: number }[]>(`SELECT count(*)::int AS total ${EXPOSED}${where}`, params.values);
    if (limit === 0) return { total: (await count())[0].total, rows: [] as ScimGroupRow[] };
    // One query for the page and the number matching; only a page past the end needs the count alone.
    const page = new SqlParams([...params.values]);
    const rows: (RawGroupRow & { total: number })[] = await this.db.manager.query(
      `SELECT ${COLUMNS}, count(*) OVER ()::int AS total ${EXPOSED}${where}
        ORDER BY sg.created_at NULLS FIRST, g.id OFFSET ${page.add(offset)} LIMIT ${page.add(limit)}`,
      page.values,
    );
    const total = rows.length > 0 ? rows[0].total : (await count())[0].total;
    return { total, rows: rows.map(toRow) };
  }

  /** The group if SCIM may see it; `lock` takes the row lock for a write. */
  async get(orgId: string, id: string, lock = false): Promise<ScimGroupRow | null> {
    const rows: RawGroupRow[] = await this.db.manager.query(
      `SELECT ${COLUMNS} ${EXPOSED} AND g.id = $2${lock ? ' FOR UPDATE OF g' : ''}`,
      [orgId, id],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** The members SCIM sees of several groups, in one query, by userName. */
  async membersOf(orgId: string, groupIds: string[]): Promise<Map<string, MemberRef[]>> {
    const out = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return out;
    const rows: { group_id: string; id: string; user_name: string }[] = await this.db.manager.query(
      `SELECT gm.group_id, mu.id, COALESCE(ms.user_name, mu.username) AS user_name ${MEMBERS} AND gm.group_id = ANY($2::uuid[])
        ORDER BY lower(COALESCE(ms.user_name, mu.username)), mu.id`,
      [orgId, groupIds],
    );
    for (const r of rows) out.get(r.group_id)?.push({ id: r.id, userName: r.user_name });
    return out;
  }

  /** Serializes SCIM writes to groups for the rest of the transaction (display name uniqueness). */
  async lockGroupWrites(): Promise<void> {
    await this.db.manager.query(`SELECT pg_advisory_xact_lock(hashtext('scim_groups'))`);
  }

  async setExternalId(groupId: string, externalId: string | null): Promise<void> {
    await this.db.manager
      .createQueryBuilder()
      .insert()
      .into(ScimGroupEntity)
      .values({ groupId, externalId, updatedAt: new Date() })
      .orUpdate(['external_id', 'updated_at'], ['group_id'])
      .execute();
  }
}
