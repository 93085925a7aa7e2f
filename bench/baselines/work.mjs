// The work of each benched route, shared by the two baselines (express.mjs, node-http.mjs) so that
// they differ only in their HTTP layer: the same session-token check as src/core/auth, the same SQL
// statements our server sends for the route (copied from its statement log: `npm run bench --
// pipeline` runs on one database for all three servers) and the same JSON. No framework, no ORM:
// pg.Pool and plain functions. Each route answers `{ status, body?, headers?, contentType? }`.
//
// Configuration (environment): BASELINE_DATABASE_URL, BASELINE_ACCESS_URL (our server's access URL,
// so that URLs in the answers match), BASELINE_SCIM_KEY (CODER_SCIM_AUTH_HEADER),
// BASELINE_POOL_MAX (default 10, as CODER_PG_POOL_MAX).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';

const HOUR_MS = 3_600_000;
const KEY_ID_LENGTH = 10;
const KEY_SECRET_LENGTH = 22;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIGNED_OUT = 'You are signed out or your session has expired. Please sign in again to continue.';
const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** src/core/rbac/roles.ts: display names of the built-in roles. */
const ROLE_DISPLAY_NAMES = {
  owner: 'Owner',
  member: 'Member',
  auditor: 'Auditor',
  'template-admin': 'Template Admin',
  'user-admin': 'User Admin',
  'organization-admin': 'Organization Admin',
  'organization-member': '',
};
/** src/core/rbac/roles.ts: the site roles granting these reads on every organization. */
const SITE_READERS = {
  organization: ['owner', 'user-admin', 'template-admin'],
  group: ['owner', 'auditor', 'template-admin', 'user-admin'],
};

/** src/core/users/entities/user-row.ts: USER_COLUMNS_SQL. */
const USER_COLUMNS = `u.id AS u_id, u.email AS u_email, u.username AS u_username, u.name AS u_name,
       u.hashed_password AS u_hashed_password, u.created_at AS u_created_at, u.updated_at AS u_updated_at,
       u.status AS u_status, u.rbac_roles AS u_rbac_roles, u.login_type AS u_login_type,
       u.avatar_url AS u_avatar_url, u.deleted AS u_deleted, u.last_seen_at AS u_last_seen_at,
       u.quiet_hours_schedule AS u_quiet_hours_schedule`;
const GROUP_COLUMNS = 'g.id, g.name, g.display_name, g.organization_id, g.avatar_url, g.quota_allowance, g.source';

// The statements, as our server sends them (whitespace aside).
const SQL = {
  keyWithUser: `SELECT k.id, k.hashed_secret, k.last_used, k.expires_at, k.lifetime_seconds, k.login_type, k.scope,
              ${USER_COLUMNS},
              COALESCE((SELECT json_agg(json_build_object('id', m.organization_id, 'roles', m.roles)
                                        ORDER BY m.created_at, m.organization_id)
                          FROM organization_members m WHERE m.user_id = u.id), '[]'::json) AS orgs,
              ARRAY(SELECT gm.group_id::text FROM group_members gm WHERE gm.user_id = u.id) AS group_ids
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.id = $1`,
  touchKey: `UPDATE api_keys SET last_used = $2, expires_at = $3, ip_address = $4, updated_at = now()
        WHERE id = $1 RETURNING id`,
  recordSeen: 'UPDATE users SET last_seen_at = $2 WHERE id = $1',
  groupById: `SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.id = $1`,
  organizationById: `SELECT "OrganizationEntity"."id" AS "OrganizationEntity_id", "OrganizationEntity"."name" AS "OrganizationEntity_name", "OrganizationEntity"."display_name" AS "OrganizationEntity_display_name", "OrganizationEntity"."description" AS "OrganizationEntity_description", "OrganizationEntity"."icon" AS "OrganizationEntity_icon", "OrganizationEntity"."is_default" AS "OrganizationEntity_is_default", "OrganizationEntity"."created_at" AS "OrganizationEntity_created_at", "OrganizationEntity"."updated_at" AS "OrganizationEntity_updated_at" FROM "organizations" "OrganizationEntity" WHERE (("OrganizationEntity"."id" = $1)) LIMIT 1`,
  /** src/core/groups/group-listing.repository.ts: listGroupSummaries (organization names, member count). */
  groupSummaries: `SELECT ${GROUP_COLUMNS}, o.name AS organization_name, o.display_name AS organization_display_name,
              CASE WHEN g.id = g.organization_id
   THEN (SELECT count(*) FROM organization_members om JOIN users cu ON cu.id = om.user_id
          WHERE om.organization_id = g.organization_id AND cu.deleted = false)
   ELSE (SELECT count(*) FROM group_members gm JOIN users cu ON cu.id = gm.user_id
          WHERE gm.group_id = g.id AND cu.deleted = false) END::int AS total
         FROM groups g JOIN organizations o ON o.id = g.organization_id
        WHERE ($1::uuid IS NULL OR g.organization_id = $1::uuid)
          AND ($2::uuid IS NULL OR (CASE WHEN g.id = g.organization_id
            THEN EXISTS (SELECT 1 FROM organization_members om WHERE om.organization_id = g.organization_id AND om.user_id = $2::uuid)
            ELSE EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND gm.user_id = $2::uuid) END
               AND EXISTS (SELECT 1 FROM users hu WHERE hu.id = $2::uuid AND hu.deleted = false)))
          AND (cardinality($3::uuid[]) = 0 OR g.id = ANY($3::uuid[]))
          AND ($4::boolean OR g.organization_id = ANY($5::uuid[]) OR g.id = ANY($6::uuid[]))
        ORDER BY lower(o.name), o.id, (g.id = g.organization_id) DESC, g.name ASC
       OFFSET $7::bigint LIMIT $8::bigint`,
  membersOfGroups: `SELECT ${USER_COLUMNS}, m.group_ids AS member_group_ids
         FROM (SELECT x.user_id, string_agg(x.group_id::text, ',') AS group_ids
                 FROM (SELECT gm.group_id, gm.user_id FROM group_members gm WHERE gm.group_id = ANY($1::uuid[])
                       UNION ALL
                       SELECT om.organization_id AS group_id, om.user_id FROM organization_members om
                        WHERE om.organization_id = ANY($1::uuid[])) x
                GROUP BY x.user_id) m
         JOIN users u ON u.id = m.user_id
        WHERE u.deleted = false AND u.status <> 'suspended'
        ORDER BY lower(u.username) ASC`,
  defaultOrganization: `SELECT "OrganizationEntity"."id" AS "OrganizationEntity_id", "OrganizationEntity"."name" AS "OrganizationEntity_name", "OrganizationEntity"."display_name" AS "OrganizationEntity_display_name", "OrganizationEntity"."description" AS "OrganizationEntity_description", "OrganizationEntity"."icon" AS "OrganizationEntity_icon", "OrganizationEntity"."is_default" AS "OrganizationEntity_is_default", "OrganizationEntity"."created_at" AS "OrganizationEntity_created_at", "OrganizationEntity"."updated_at" AS "OrganizationEntity_updated_at" FROM "organizations" "OrganizationEntity" WHERE (("OrganizationEntity"."is_default" = $1)) LIMIT 1`,
  begin: 'START TRANSACTION',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  lockScimUserWrites: `SELECT pg_advisory_xact_lock(hashtext('scim_users'))`,
  scimUser: (lock) => `SELECT u.id, u.username, u.email, u.name, u.status, u.created_at, u.updated_at,
  s.user_name AS scim_user_name, s.external_id, s.given_name, s.family_name, s.formatted_name,
  s.email_type, s.updated_at AS scim_updated_at FROM users u
  JOIN organization_members om ON om.user_id = u.id AND om.organization_id = $1
  LEFT JOIN scim_users s ON s.user_id = u.id
  WHERE u.deleted = false AND s.deprovisioned_at IS NULL AND u.id = $2${lock ? ' FOR UPDATE OF u' : ''}`,
  scimHolders: `SELECT u.id, u.username, u.email, s.user_name AS scim_user_name,
                (s.deprovisioned_at IS NOT NULL AND EXISTS (
                  SELECT 1 FROM organization_members om WHERE om.user_id = u.id AND om.organization_id = $1)) AS deprovisioned
           FROM users u LEFT JOIN scim_users s ON s.user_id = u.id
          WHERE u.deleted = false
            AND (lower(u.username) = lower($2) OR lower(s.user_name) = lower($2) OR lower(u.email) = lower($3))`,
  groupsOfUsersInOrganization: `SELECT gm.user_id, g.id, COALESCE(NULLIF(g.display_name, ''), g.name) AS display
         FROM group_members gm JOIN groups g ON g.id = gm.group_id
        WHERE gm.user_id = ANY($2::uuid[]) AND g.organization_id = $1 AND g.id <> g.organization_id
        ORDER BY display, g.id`,
  deploymentId: `SELECT "SiteConfigEntity"."key" AS "SiteConfigEntity_key", "SiteConfigEntity"."value" AS "SiteConfigEntity_value" FROM "site_configs" "SiteConfigEntity" WHERE (("SiteConfigEntity"."key" = $1)) LIMIT 1`,
};

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** src/core/auth/go-time.ts: Go's time.Time.String() for a UTC time. */
function formatGoTime(date) {
  const base =
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${pad(ms, 3)}`.replace(/0+$/, '');
  return `${base}${fraction} +0000 UTC`;
}

function sha256(text) {
  return createHash('sha256').update(text).digest();
}

function apiError(status, message, detail) {
  return { status, body: detail ? { message, detail } : { message } };
}

const signedOut = (detail) => apiError(401, SIGNED_OUT, detail);

function cookieValue(header, name) {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

function bearer(header) {
  if (!header) return undefined;
  const m = /^bearer\s+(.+)$/i.exec(header.trim());
  return m ? m[1].trim() : undefined;
}

/** src/core/auth/token-source.ts: cookie, query parameter, header, then `Authorization: Bearer`. */
function extractSessionToken(headers, queryToken) {
  const candidates = [
    cookieValue(headers.cookie, 'coder_session_token'),
    queryToken,
    headers['coder-session-token'],
    bearer(headers.authorization),
  ];
  return candidates.find((v) => typeof v === 'string' && v !== '');
}

function roleNames(names) {
  return names.map((name) => ({ name, display_name: ROLE_DISPLAY_NAMES[name] ?? name }));
}

/** src/core/users/dto/user.dto.ts: toUserResponse, over a row whose columns carry `prefix`. */
function userResponse(row, prefix, organizationIds) {
  return {
    id: row[`${prefix}id`],
    username: row[`${prefix}username`],
    name: row[`${prefix}name`],
    email: row[`${prefix}email`],
    created_at: row[`${prefix}created_at`].toISOString(),
    updated_at: row[`${prefix}updated_at`].toISOString(),
    last_seen_at: row[`${prefix}last_seen_at`].toISOString(),
    status: row[`${prefix}status`],
    login_type: row[`${prefix}login_type`],
    organization_ids: organizationIds,
    roles: roleNames(row[`${prefix}rbac_roles`]),
    avatar_url: row[`${prefix}avatar_url`],
    is_service_account: false,
    has_ai_seat: false,
  };
}

/** src/enterprise/groups/dto/group.dto.ts: toGroupResponse, over a groupSummaries row. */
function groupResponse(g, members, present = (u, orgId) => userResponse(u, 'u_', [orgId])) {
  return {
    id: g.id,
    name: g.name,
    display_name: g.display_name,
    organization_id: g.organization_id,
    members: members.map((u) => present(u, g.organization_id)),
    total_member_count: g.total,
    avatar_url: g.avatar_url,
    quota_allowance: g.quota_allowance,
    source: g.source,
    organization_name: g.organization_name,
    organization_display_name: g.organization_display_name,
  };
}

/** The reads our policy (src/core/rbac/policy.ts) allows on the objects these routes show. */
function canReadOrganization(actor, orgId) {
  if (actor.siteRoles.some((r) => SITE_READERS.organization.includes(r))) return true;
  return actor.orgRoles.has(orgId);
}

function canReadGroup(actor, group) {
  if (actor.siteRoles.some((r) => SITE_READERS.group.includes(r))) return true;
  if (actor.orgRoles.get(group.organization_id)?.includes('organization-admin')) return true;
  return actor.groupIds.includes(group.id);
}

function weakEtag(content) {
  return `W/"${createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 22)}"`;
}

/** src/enterprise/scim/users/scim-user.mapper.ts: derivedNameParts. */
function derivedNameParts(name, username) {
  const trimmed = name.replace(/^ +| +$/g, '');
  if (trimmed === '') return { givenName: username, familyName: username };
  const space = trimmed.lastIndexOf(' ');
  if (space < 0) return { givenName: trimmed, familyName: trimmed };
  return { givenName: trimmed.slice(0, space).replace(/ +$/, ''), familyName: trimmed.slice(space + 1) };
}

/** src/enterprise/scim/users/scim-user.mapper.ts: toScimUser. */
function scimUser(row, base, groups) {
  const resource = { schemas: [SCIM_USER_SCHEMA], id: row.id };
  if (row.external_id !== null) resource.externalId = row.external_id;
  resource.userName = row.scim_user_name ?? row.username;
  const derived = derivedNameParts(row.name, row.username);
  const name = {};
  if (row.formatted_name !== null) name.formatted = row.formatted_name;
  name.familyName = row.family_name ?? derived.familyName;
  name.givenName = row.given_name ?? derived.givenName;
  resource.name = name;
  if (row.name !== '') resource.displayName = row.name;
  resource.emails = [{ value: row.email, type: row.email_type ?? 'work', primary: true }];
  resource.active = row.status === 'active';
  const version = weakEtag(resource);
  if (groups.length > 0) {
    resource.groups = groups.map((g) => ({ value: g.id, $ref: `${base}/Groups/${g.id}`, display: g.display }));
  }
  const lastModified =
    row.scim_updated_at && row.scim_updated_at > row.updated_at ? row.scim_updated_at : row.updated_at;
  resource.meta = {
    resourceType: 'User',
    created: row.created_at.toISOString(),
    lastModified: lastModified.toISOString(),
    location: `${base}/Users/${row.id}`,
    version,
  };
  return resource;
}

function scimError(status, detail, scimType) {
  const body = { schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail };
  if (scimType) body.scimType = scimType;
  return { status, body, contentType: SCIM_CONTENT_TYPE };
}

/** src/enterprise/scim/http/scim-auth.guard.ts: presentsKey (both forms compared, in constant time). */
function presentsKey(header, key) {
  if (header === undefined) return false;
  const expected = sha256(key);
  const m = /^bearer\s+(.+)$/i.exec(header.trim());
  const raw = timingSafeEqual(sha256(header), expected);
  const viaBearer = timingSafeEqual(sha256(m ? m[1].trim() : ''), expected) && m !== null;
  return raw || viaBearer;
}

/**
 * The `active` a PatchOp body sets: the benched request (`replace` of `active`, with or without a
 * path). Anything else is answered 501: the baselines implement the benched request only.
 */
function patchedActive(body) {
  if (
    body === null ||
    typeof body !== 'object' ||
    !Array.isArray(body.schemas) ||
    !body.schemas.includes(SCIM_PATCH_SCHEMA)
  )
    return { error: scimError(400, 'The request body must be a PatchOp.', 'invalidSyntax') };
  const ops = body.Operations;
  if (!Array.isArray(ops) || ops.length === 0)
    return { error: scimError(400, 'Operations must be a non-empty array.', 'invalidSyntax') };
  let active;
  for (const op of ops) {
    const verb = typeof op?.op === 'string' ? op.op.toLowerCase() : '';
    if (
      verb === 'replace' &&
      typeof op.path === 'string' &&
      op.path.toLowerCase() === 'active' &&
      typeof op.value === 'boolean'
    )
      active = op.value;
    else if (verb === 'replace' && op.path === undefined && typeof op.value?.active === 'boolean')
      active = op.value.active;
    else return { error: { status: 501, body: { message: 'The baseline implements PATCH of `active` only.' } } };
  }
  return { active };
}

/** The routes' work over one database; `close()` ends its pool. */
export async function createWork(env = process.env) {
  const pool = new pg.Pool({
    connectionString: env.BASELINE_DATABASE_URL,
    max: Number(env.BASELINE_POOL_MAX ?? 10),
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    statement_timeout: 30_000,
  });
  const accessUrl = (env.BASELINE_ACCESS_URL ?? '').replace(/\/+$/, '');
  const scimKey = env.BASELINE_SCIM_KEY;
  const query = async (text, values) => (await pool.query(text, values)).rows;

  // Read once at start-up, as our server does (src/common/version.ts, SiteConfigService).
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const buildInfo = {
    external_url: 'https://github.com/coder/coder',
    version: `v${pkg.version}`,
    dashboard_url: accessUrl,
    workspace_proxy: false,
    agent_api_version: '1.0',
    deployment_id: (await query(SQL.deploymentId, ['deployment_id']))[0]?.SiteConfigEntity_value ?? '',
    upgrade_message: '',
  };
  let defaultOrgId;

  /** src/core/auth/auth.service.ts: token → actor, or the same 401 as our server. */
  async function authenticate(headers, queryToken, ip) {
    const raw = extractSessionToken(headers, queryToken);
    if (raw === undefined)
      return { error: signedOut('Cookie "coder_session_token" or query parameter must be provided.') };
    const parts = raw.split('-');
    if (parts.length !== 2)
      return {
        error: signedOut(`Invalid API key format: incorrect amount of API key parts, expected 2 got ${parts.length}`),
      };
    const [id, secret] = parts;
    if (id.length !== KEY_ID_LENGTH)
      return {
        error: signedOut(
          `Invalid API key format: invalid API key ID length, expected ${KEY_ID_LENGTH} got ${id.length}`,
        ),
      };
    if (secret.length !== KEY_SECRET_LENGTH)
      return {
        error: signedOut(
          `Invalid API key format: invalid API key secret length, expected ${KEY_SECRET_LENGTH} got ${secret.length}`,
        ),
      };
    const key = (await query(SQL.keyWithUser, [id]))[0];
    if (!key || key.u_deleted) return { error: signedOut('API key is invalid.') };
    const candidate = sha256(secret);
    if (!(key.hashed_secret.length === candidate.length && timingSafeEqual(candidate, key.hashed_secret)))
      return { error: signedOut('API key secret is invalid.') };
    const now = Date.now();
    if (key.expires_at.getTime() <= now)
      return { error: signedOut(`API key expired at "${formatGoTime(key.expires_at)}".`) };
    if (key.u_status !== 'active')
      return {
        error: apiError(
          401,
          `User is not active (status = "${key.u_status}"). Contact an admin to reactivate your account.`,
        ),
      };
    // Sliding expiry and last use, written at most once an hour per key.
    let changed = false;
    let lastUsed = key.last_used;
    let expiresAt = key.expires_at;
    if (now - lastUsed.getTime() > HOUR_MS) {
      lastUsed = new Date(now);
      changed = true;
    }
    const lifetimeMs = Number(key.lifetime_seconds) * 1000;
    if (expiresAt.getTime() - now <= lifetimeMs - HOUR_MS) {
      expiresAt = new Date(now + lifetimeMs);
      changed = true;
    }
    if (changed && (await query(SQL.touchKey, [key.id, lastUsed, expiresAt, ip])).length > 0) {
      await query(SQL.recordSeen, [key.u_id, lastUsed]);
      key.u_last_seen_at = lastUsed;
    }
    return {
      actor: {
        // The key's user as read with it (src/core/users/users.service.ts: rememberSessionUser).
        user: key,
        id: key.u_id,
        siteRoles: key.u_rbac_roles,
        orgRoles: new Map(key.orgs.map((o) => [o.id, o.roles])),
        groupIds: [...key.orgs.map((o) => o.id), ...key.group_ids],
      },
    };
  }

  /** Groups with their active members, in one statement. */
  async function present(groups) {
    const rows = await query(SQL.membersOfGroups, [groups.map((g) => g.id)]);
    const members = new Map(groups.map((g) => [g.id, []]));
    for (const row of rows) for (const id of row.member_group_ids.split(',')) members.get(id)?.push(row);
    // A member shared by several groups of an organization is presented once (group.dto.ts: sharedMemberPresenter).
    const shown = new Map();
    const present = (u, orgId) => {
      const key = `${orgId} ${u.u_id}`;
      let user = shown.get(key);
      if (!user) shown.set(key, (user = userResponse(u, 'u_', [orgId])));
      return user;
    };
    return groups.map((g) => groupResponse(g, members.get(g.id), present));
  }

  /** src/enterprise/groups/group-queries.ts: groupScopeOf, as groupSummaries' parameters $4–$6. */
  const scopeOf = (actor) => {
    if (actor.siteRoles.some((r) => SITE_READERS.group.includes(r))) return [true, [], []];
    const orgIds = [...actor.orgRoles.keys()].filter((orgId) =>
      actor.orgRoles.get(orgId)?.includes('organization-admin'),
    );
    return [false, orgIds, actor.groupIds];
  };

  return {
    authenticate,

    /** GET /api/v2/users/me */
    async userMe(actor) {
      const orgIds = [...actor.orgRoles.keys()].filter((orgId) => canReadOrganization(actor, orgId));
      return { status: 200, body: userResponse(actor.user, 'u_', orgIds) };
    },

    /** GET /api/v2/groups/{group} (by id) */
    async group(actor, id) {
      const group = UUID_RE.test(id) ? (await query(SQL.groupById, [id.toLowerCase()]))[0] : undefined;
      if (!group || !canReadGroup(actor, group))
        return apiError(404, 'Resource not found or you do not have access to this resource');
      const [summary] = await query(SQL.groupSummaries, [null, null, [group.id], true, [], [], 0, null]);
      return { status: 200, body: (await present([summary]))[0] };
    },

    /** GET /api/v2/organizations/{organization}/groups */
    async organizationGroups(actor, ref) {
      if (!UUID_RE.test(ref)) return apiError(400, `Invalid UUID "${ref}".`);
      const orgId = ref.toLowerCase();
      if (!canReadOrganization(actor, orgId) || (await query(SQL.organizationById, [orgId])).length === 0)
        return apiError(404, 'Resource not found or you do not have access to this resource');
      const groups = (await query(SQL.groupSummaries, [orgId, null, [], ...scopeOf(actor), 0, null])).filter((g) =>
        canReadGroup(actor, g),
      );
      return { status: 200, body: await present(groups) };
    },

    /** PATCH /api/v2/scim/v2/Users/{id}: one transaction, then the user's groups for the answer. */
    async scimPatchUser(authorization, id, body) {
      if (scimKey === undefined) return scimError(404, 'SCIM is not enabled.');
      if (!presentsKey(authorization, scimKey)) return scimError(401, 'Missing or invalid SCIM key.');
      const patch = patchedActive(body);
      if (patch.error) return patch.error;
      defaultOrgId ??= (await query(SQL.defaultOrganization, [true]))[0]?.OrganizationEntity_id;
      if (!defaultOrgId) return scimError(409, 'There is no organization yet.');
      if (!UUID_RE.test(id)) return scimError(404, 'Resource not found.');
      const base = `${accessUrl}/api/v2/scim/v2`;
      const client = await pool.connect();
      let row;
      try {
        await client.query(SQL.begin);
        await client.query(SQL.lockScimUserWrites);
        const current = (await client.query(SQL.scimUser(true), [defaultOrgId, id.toLowerCase()])).rows[0];
        if (!current) {
          await client.query(SQL.rollback);
          return scimError(404, 'Resource not found.');
        }
        const userName = current.scim_user_name ?? current.username;
        await client.query(SQL.scimHolders, [defaultOrgId, userName, current.email]);
        if (patch.active !== (current.status === 'active')) {
          await client.query(SQL.rollback);
          return { status: 501, body: { message: 'The baseline implements PATCHes that change nothing only.' } };
        }
        row = (await client.query(SQL.scimUser(false), [defaultOrgId, current.id])).rows[0];
        await client.query(SQL.commit);
      } catch (err) {
        await client.query(SQL.rollback).catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      const groups = await query(SQL.groupsOfUsersInOrganization, [defaultOrgId, [row.id]]);
      const resource = scimUser(row, base, groups);
      return { status: 200, body: resource, headers: { ETag: resource.meta.version }, contentType: SCIM_CONTENT_TYPE };
    },

    /** GET /api/v2/buildinfo */
    buildInfo() {
      return { status: 200, body: buildInfo };
    },

    close: () => pool.end(),
  };
}
