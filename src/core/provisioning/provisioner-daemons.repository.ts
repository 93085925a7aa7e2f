import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IsNull, Not, type FindOptionsWhere } from 'typeorm';
import { Database } from '../../database/database.js';
import { ProvisionerDaemonEntity } from './entities/provisioner-daemon.entity.js';

/**
 * Coder's StaleInterval (provisionerdserver, 90 s): a daemon not seen for this long is listed as
 * offline. Longer than DAEMON_LIVENESS_SECONDS (60 s, jobs.repository.ts), the window in which a
 * daemon counts as connected for job matching, so a daemon between two heartbeats never flickers.
 */
export const LIST_STALE_SECONDS = 90;
/** Coder's dbpurge: daemons not seen for a week are deleted. */
export const DAEMON_RETENTION_DAYS = 7;

export const DAEMON_STATUSES = ['offline', 'idle', 'busy'] as const;
export type DaemonStatus = (typeof DAEMON_STATUSES)[number];

/** What `GET …/provisionerdaemons` filters on (Coder's GetProvisionerDaemonsWithStatusByOrganization). */
export interface DaemonListFilter {
  /** Null: no limit. */
  limit: number | null;
  ids: string[] | null;
  tags: Record<string, string> | null;
  offline: boolean | null;
  statuses: DaemonStatus[] | null;
  maxAgeMs: number | null;
}

/** A job a daemon runs or ran, as the list shows it. */
export interface DaemonJobRow {
  id: string;
  status: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
}

/**
 * A daemon as the list route shows it: its row, whether it is connected and whether it runs a job.
 * The fields after `busy` are filled by listDaemons; other listings may leave them out.
 */
export interface DaemonStatusRow {
  id: string;
  created_at: Date;
  updated_at: Date | null;
  last_seen_at: Date;
  name: string;
  provisioners: string[] | null;
  tags: Record<string, string> | null;
  organization_id: string | null;
  version: string;
  connected: boolean;
  busy: boolean;
  key_id?: string;
  api_version?: string;
  /** The real key's name (null for a reserved key id). */
  key_name?: string | null;
  status?: DaemonStatus;
  current_job?: DaemonJobRow | null;
  previous_job?: DaemonJobRow | null;
}

/** A job's status from its columns (alias `a`), as jobStatus (dto/job.dto.ts) derives it. */
const jobStatusSql = (a: string) => `CASE
  WHEN ${a}.completed_at IS NOT NULL THEN
    CASE WHEN coalesce(${a}.error, '') <> '' THEN 'failed' WHEN ${a}.canceled_at IS NOT NULL THEN 'canceled' ELSE 'succeeded' END
  WHEN coalesce(${a}.error, '') <> '' THEN 'failed'
  WHEN ${a}.canceled_at IS NOT NULL THEN 'canceling'
  WHEN ${a}.started_at IS NULL THEN 'pending'
  ELSE 'running' END`;

const UUID_SQL = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/**
 * The template of a job (alias `j`) in organization $1: the input's template version, or the
 * version of the input's workspace build. The CASEs keep a malformed input from failing the cast.
 */
const jobTemplateSql = (j: string) => `LEFT JOIN LATERAL (
    SELECT t.name, t.display_name, t.icon
      FROM template_versions v JOIN templates t ON t.id = v.template_id
     WHERE ${j}.organization_id = $1 AND v.organization_id = $1
       AND v.id = coalesce(
         CASE WHEN ${j}.input->>'template_version_id' ~* ${UUID_SQL} THEN (${j}.input->>'template_version_id')::uuid END,
         (SELECT b.template_version_id FROM workspace_builds b
           WHERE b.id = CASE WHEN ${j}.input->>'workspace_build_id' ~* ${UUID_SQL}
                             THEN (${j}.input->>'workspace_build_id')::uuid END))
  ) ${j}t ON true`;

/** A job object of the list (null unless the job is in organization $1: built-ins serve every organization). */
const jobJsonSql = (j: string) => `CASE WHEN ${j}.organization_id = $1 THEN json_build_object(
    'id', ${j}.id, 'status', ${jobStatusSql(j)},
    'template_name', coalesce(${j}t.name, ''), 'template_display_name', coalesce(${j}t.display_name, ''),
    'template_icon', coalesce(${j}t.icon, '')) END`;

/**
 * Coder's provisioner_tagset_contains with the filter as the job side: the untagged-job tag set
 * {scope: organization, owner: ""} needs equal daemon tags, any other filter containment. Our
 * organization-scoped daemons store no `owner` (mid-2023 MutateTags): it counts as "".
 */
const TAGS_MATCH_SQL = `($4::jsonb IS NULL OR CASE
    WHEN $4::jsonb = '{"scope":"organization","owner":""}'::jsonb THEN '{"owner":""}'::jsonb || d.tags = $4::jsonb
    ELSE '{"owner":""}'::jsonb || d.tags @> $4::jsonb END)`;

/** The `provisioner_daemons` table: registrations, liveness, and the list of an organization's daemons. */
@Injectable()
export class ProvisionerDaemonsRepository {
  constructor(private readonly db: Database) {}

  /**
   * The oldest row of a daemon with this name, kind and organization, to register it under again.
   * With `onlyDisconnected`, a row still held by a live session is never returned.
   */
  getDaemonToReuse(input: {
    name: string;
    builtin: boolean;
    organizationId: string | null;
    onlyDisconnected: boolean;
  }): Promise<ProvisionerDaemonEntity | null> {
    const where: FindOptionsWhere<ProvisionerDaemonEntity> = {
      name: input.name,
      builtin: input.builtin,
      organizationId: input.organizationId === null ? IsNull() : input.organizationId,
    };
    if (input.onlyDisconnected) where.disconnectedAt = Not(IsNull());
    return this.db.manager.findOne(ProvisionerDaemonEntity, { where, order: { createdAt: 'ASC' } });
  }

  /**
   * Registers this server's `count` built-in daemons, named `<host>-<i>` as Coder names them, in
   * one transaction serialized per host (an advisory lock: replicas on one host start together in
   * tests). A row of that name is reused when free: disconnected (its server stopped), or not seen
   * for 90 s with no unfinished job (its server died; the hang detector fails such a job first).
   * A row still held by a live server is never shared: the next unused index is taken instead.
   * So restarts do not add rows, and two servers on one host get distinct ones.
   */
  registerBuiltinDaemons(
    host: string,
    count: number,
    fields: Pick<ProvisionerDaemonEntity, 'provisioners' | 'tags' | 'version' | 'apiVersion' | 'keyId'>,
  ): Promise<ProvisionerDaemonEntity[]> {
    if (count <= 0) return Promise.resolve([]);
    return this.db.transaction(async () => {
      const em = this.db.manager;
      await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`provisioner_daemons built-in ${host}`]);
      const rows: { id: string; name: string; created_at: Date; free: boolean }[] = await em.query(
        `SELECT d.id, d.name, d.created_at,
                d.disconnected_at IS NOT NULL
                  OR (d.last_seen_at < now() - $2::int * interval '1 second'
                      AND NOT EXISTS (SELECT 1 FROM provisioner_jobs j WHERE j.worker_id = d.id AND j.completed_at IS NULL))
                  AS free
           FROM provisioner_daemons d
          WHERE d.builtin AND d.organization_id IS NULL AND starts_with(d.name, $1)`,
        [`${host}-`, LIST_STALE_SECONDS],
      );
      const indexOf = (name: string) => {
        const rest = name.slice(host.length + 1);
        return /^\d+$/.test(rest) ? Number(rest) : -1;
      };
      const ours = rows.filter((r) => indexOf(r.name) >= 0).sort((a, b) => indexOf(a.name) - indexOf(b.name));
      const taken = new Set(ours.map((r) => indexOf(r.name)));
      const now = new Date();
      const daemons: ProvisionerDaemonEntity[] = [];
      for (const row of ours.filter((r) => r.free).slice(0, count)) {
        daemons.push(this.builtinDaemon(row.id, row.name, row.created_at, now, fields));
      }
      for (let i = 0; daemons.length < count; i++) {
        if (taken.has(i)) continue;
        taken.add(i);
        daemons.push(this.builtinDaemon(randomUUID(), `${host}-${i}`, now, null, fields));
      }
      await em.save(ProvisionerDaemonEntity, daemons);
      return daemons;
    });
  }

  private builtinDaemon(
    id: string,
    name: string,
    createdAt: Date,
    reusedAt: Date | null,
    fields: Pick<ProvisionerDaemonEntity, 'provisioners' | 'tags' | 'version' | 'apiVersion' | 'keyId'>,
  ): ProvisionerDaemonEntity {
    return Object.assign(new ProvisionerDaemonEntity(), {
      ...fields,
      id,
      name,
      createdAt,
      updatedAt: reusedAt,
      lastSeenAt: reusedAt ?? createdAt,
      disconnectedAt: null,
      organizationId: null,
      builtin: true,
    });
  }

  async saveDaemon(daemon: ProvisionerDaemonEntity): Promise<ProvisionerDaemonEntity> {
    await this.db.manager.save(ProvisionerDaemonEntity, daemon);
    return daemon;
  }

  async touchDaemon(id: string): Promise<void> {
    await this.db.manager.query('UPDATE provisioner_daemons SET last_seen_at = now() WHERE id = $1', [id]);
  }

  async markDaemonDisconnected(id: string): Promise<void> {
    await this.db.manager.query(
      'UPDATE provisioner_daemons SET disconnected_at = now(), last_seen_at = now() WHERE id = $1',
      [id],
    );
  }

  /**
   * The daemons serving an organization (its own and the built-in ones), newest first, with their
   * status, key name, current and previous job, in one statement. `busy`: it holds a job not yet
   * completed (in any organization: a built-in may be busy elsewhere, but only this
   * organization's jobs are shown); else `offline` once disconnected or not seen for 90 s; else
   * `idle`. Offline daemons only with `offline=true` or `status` naming offline (as Coder).
   */
  listDaemons(organizationId: string, filter: DaemonListFilter): Promise<DaemonStatusRow[]> {
    const includeOffline = filter.offline === true || (filter.statuses?.includes('offline') ?? false);
    return this.db.manager.query(
      `SELECT d.id, d.created_at, d.updated_at, d.last_seen_at, d.name, d.provisioners, d.tags, d.organization_id,
              d.version, d.api_version, d.key_id, k.name AS key_name,
              NOT s.stale AS connected, cur.id IS NOT NULL AS busy, st.status,
              ${jobJsonSql('cur')} AS current_job, ${jobJsonSql('prev')} AS previous_job
         FROM provisioner_daemons d
         LEFT JOIN provisioner_keys k ON k.id = d.key_id
        CROSS JOIN LATERAL (SELECT d.disconnected_at IS NOT NULL
                                   OR d.last_seen_at < now() - $2::int * interval '1 second' AS stale) s
         LEFT JOIN LATERAL (SELECT j.* FROM provisioner_jobs j
                             WHERE j.worker_id = d.id AND j.completed_at IS NULL
                             ORDER BY j.started_at DESC NULLS LAST LIMIT 1) cur ON true
        CROSS JOIN LATERAL (SELECT CASE WHEN cur.id IS NOT NULL THEN 'busy' WHEN s.stale THEN 'offline'
                                        ELSE 'idle' END AS status) st
         LEFT JOIN LATERAL (SELECT j.* FROM provisioner_jobs j
                             WHERE j.worker_id = d.id AND j.completed_at IS NOT NULL AND j.organization_id = $1
                             ORDER BY j.completed_at DESC LIMIT 1) prev ON true
         ${jobTemplateSql('cur')}
         ${jobTemplateSql('prev')}
        WHERE (d.organization_id = $1 OR d.organization_id IS NULL)
          AND ($3::uuid[] IS NULL OR d.id = ANY($3::uuid[]))
          AND ${TAGS_MATCH_SQL}
          AND ($5::bigint IS NULL OR d.last_seen_at >= now() - $5::bigint * interval '1 millisecond')
          AND (NOT s.stale OR $6::boolean)
          AND ($7::text[] IS NULL OR st.status = ANY($7::text[]) OR (s.stale AND $6::boolean))
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $8::int`,
      [
        organizationId,
        LIST_STALE_SECONDS,
        filter.ids,
        filter.tags === null ? null : JSON.stringify(filter.tags),
        filter.maxAgeMs,
        includeOffline,
        filter.statuses,
        filter.limit,
      ],
    );
  }

  /**
   * Coder's dbpurge of daemons: deletes those not seen for a week, in one statement (safe when
   * every replica runs it). A daemon reconnecting later registers a new row.
   */
  async deleteOldDaemons(): Promise<number> {
    const rows = await this.db.manager.query<unknown[]>(
      `DELETE FROM provisioner_daemons WHERE last_seen_at < now() - $1::int * interval '1 day' RETURNING id`,
      [DAEMON_RETENTION_DAYS],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).length;
  }
}
