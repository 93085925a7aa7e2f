import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ScimGroupEntity } from './entities/scim-group.entity.js';
import { SCHEMA } from './scim.constants.js';
import { filterToSql, SqlParams, type Catalog } from './scim-filter-sql.js';
import type { FilterNode } from './scim-filter.js';
import type { MemberRef, ScimGroupRow } from './scim-group.mapper.js';

/** The groups SCIM sees: those of the default organization ($1) except Everyone (id = organization id). */
const EXPOSED = `FROM groups g LEFT JOIN scim_groups sg ON sg.group_id = g.id
  WHERE g.organization_id = $1 AND g.id <> g.organization_id`;

const COLUMNS = `g.id, g.name, g.display_name, sg.external_id,
  COALESCE(sg.created_at, now()) AS created_at, COALESCE(sg.updated_at, now()) AS updated_at`;

/** Members SCIM sees: non-deleted, not deprovisioned members of the default organization. */
const MEMBERS = `FROM group_members gm
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

@Injectable()
export class ScimGroupsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(orgId: string, filter: FilterNode | undefined, offset: number, limit: number) {
    const params = new SqlParams([orgId]);
    const where = filter ? ` AND ${filterToSql(filter, GROUP_CATALOG, params)}` : '';
    const count = () => this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total ${EXPOSED}${where}`, params.values);
    if (limit === 0) return { total: (await count())[0].total, rows: [] as ScimGroupRow[] };
    // One query for the page and the number matching; only a page past the end needs the count alone.
    const page = new SqlParams([...params.values]);
    const rows: (RawGroupRow & { total: number })[] = await this.db.query(
      `SELECT ${COLUMNS}, count(*) OVER ()::int AS total ${EXPOSED}${where}
        ORDER BY sg.created_at NULLS FIRST, g.id OFFSET ${page.add(offset)} LIMIT ${page.add(limit)}`,
      page.values,
    );
    const total = rows.length > 0 ? rows[0].total : (await count())[0].total;
    return { total, rows: rows.map(toRow) };
  }

  async get(orgId: string, id: string, manager: EntityManager = this.db.manager, lock = false): Promise<ScimGroupRow | null> {
    const rows: RawGroupRow[] = await manager.query(
      `SELECT ${COLUMNS} ${EXPOSED} AND g.id = $2${lock ? ' FOR UPDATE OF g' : ''}`,
      [orgId, id],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** The members SCIM sees of several groups, in one query, by userName. */
  async membersOf(orgId: string, groupIds: string[], manager: EntityManager = this.db.manager): Promise<Map<string, MemberRef[]>> {
    const out = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return out;
    const rows: { group_id: string; id: string; user_name: string }[] = await manager.query(
      `SELECT gm.group_id, mu.id, COALESCE(ms.user_name, mu.username) AS user_name ${MEMBERS} AND gm.group_id = ANY($2::uuid[])
        ORDER BY lower(COALESCE(ms.user_name, mu.username)), mu.id`,
      [orgId, groupIds],
    );
    for (const r of rows) out.get(r.group_id)?.push({ id: r.id, userName: r.user_name });
    return out;
  }

  /** Serializes SCIM writes to groups for the rest of the transaction (display name uniqueness). */
  async lockGroupWrites(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('scim_groups'))`);
  }

  /** Another exposed group shown under `displayName` (case-insensitively). */
  async groupShownAs(manager: EntityManager, orgId: string, displayName: string, exceptId?: string): Promise<string | undefined> {
    const rows: { id: string }[] = await manager.query(
      `SELECT g.id ${EXPOSED} AND lower(COALESCE(NULLIF(g.display_name, ''), g.name)) = lower($2) AND g.id <> $3 LIMIT 1`,
      [orgId, displayName, exceptId ?? '00000000-0000-0000-0000-000000000000'],
    );
    return rows[0]?.id;
  }

  /** Which of `names` (lower-cased) other groups of the organization use. */
  async takenNames(manager: EntityManager, orgId: string, names: string[], exceptId?: string): Promise<Set<string>> {
    const rows: { name: string }[] = await manager.query(
      `SELECT lower(name) AS name FROM groups WHERE organization_id = $1 AND lower(name) = ANY($2::text[]) AND id <> $3`,
      [orgId, names.map((n) => n.toLowerCase()), exceptId ?? '00000000-0000-0000-0000-000000000000'],
    );
    return new Set(rows.map((r) => r.name));
  }

  /** Which of `ids` are users SCIM sees (members of the organization, not deleted or deprovisioned). */
  async exposedUsersAmong(manager: EntityManager, orgId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await manager.query(
      `SELECT u.id FROM users u
         JOIN organization_members om ON om.user_id = u.id AND om.organization_id = $1
         LEFT JOIN scim_users s ON s.user_id = u.id
        WHERE u.id = ANY($2::uuid[]) AND u.deleted = false AND s.deprovisioned_at IS NULL`,
      [orgId, ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  async setExternalId(manager: EntityManager, groupId: string, externalId: string | null): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ScimGroupEntity)
      .values({ groupId, externalId, updatedAt: new Date() })
      .orUpdate(['external_id', 'updated_at'], ['group_id'])
      .execute();
  }
}
