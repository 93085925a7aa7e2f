/**
 * The one statement behind every provisioner job the API shows (the organization's job list and
 * the jobs embedded in template versions and workspace builds): the jobs, their queue places, the
 * daemons that could take them and what the job belongs to. Keeping it one statement keeps list
 * routes at a fixed number of statements however many jobs they show.
 *
 * A daemon can take a job when it offers the job's provisioner, has every job tag (`daemon.tags @>
 * job.tags`) and serves the job's organization (built-in daemons serve all): exactly the rule of
 * JobsRepository.acquireJob, so the queue shown is the queue the daemons work through.
 *
 * Queue rule: for a pending job J, let S(J) be the connected daemons able to take it or, when none
 * is connected, the daemons seen within DAEMON_KNOWN_SECONDS able to take it. J's position is
 * 1 + the pending jobs created before it that at least one daemon of S(J) could also take; its
 * queue size is the number of pending jobs (J included) some daemon of S(J) could take. With S(J)
 * empty, J is ranked among all pending jobs of its provisioner. Jobs sharing S are ranked in one
 * window, so the cost grows with the distinct daemon sets of the shown jobs, not with their pairs.
 */

/**
 * Daemons seen within this long still count as known (offline) daemons for queue and reasons: a
 * week, Coder's dbpurge retention of daemon rows.
 */
export const DAEMON_KNOWN_SECONDS = 7 * 24 * 3600;

const UUID_RE_SQL = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/** Coder's job_status column, as an expression over a `provisioner_jobs` row aliased `j`. */
const STATUS = `CASE
  WHEN j.completed_at IS NOT NULL THEN
    CASE WHEN coalesce(j.error, '') <> '' THEN 'failed' WHEN j.canceled_at IS NOT NULL THEN 'canceled' ELSE 'succeeded' END
  WHEN coalesce(j.error, '') <> '' THEN 'failed'
  WHEN j.canceled_at IS NOT NULL THEN 'canceling'
  WHEN j.started_at IS NULL THEN 'pending'
  ELSE 'running' END`;

const CAN_TAKE = (d: string, j: string) =>
  `${j}.provisioner = ANY(${d}.provisioners) AND ${d}.tags @> ${j}.tags
   AND (${d}.organization_id IS NULL OR ${d}.organization_id = ${j}.organization_id)`;

/**
 * Parameters: $1 ids (uuid[] or null), $2 organization, $3 statuses (text[] or null), $4 tags a
 * job must have (jsonb or null), $5 initiator, $6 viewer (only jobs it initiated or whose
 * workspace it owns; null = all), $7 limit (null = all), $8 liveness seconds, $9 known seconds.
 */
export const JOB_VIEWS_SQL = `
WITH page AS (
  SELECT j.*, s.status
    FROM provisioner_jobs j
    CROSS JOIN LATERAL (SELECT ${STATUS} AS status) s
   WHERE ($1::uuid[] IS NULL OR j.id = ANY($1::uuid[]))
     AND ($2::uuid IS NULL OR j.organization_id = $2::uuid)
     AND ($3::text[] IS NULL OR s.status = ANY($3::text[]))
     AND ($4::jsonb IS NULL OR j.tags @> $4::jsonb)
     AND ($5::uuid IS NULL OR j.initiator_id = $5::uuid)
     AND ($6::uuid IS NULL OR j.initiator_id = $6::uuid OR EXISTS (
           SELECT 1 FROM workspace_builds vb JOIN workspaces vw ON vw.id = vb.workspace_id
            WHERE vb.job_id = j.id AND vw.owner_id = $6::uuid))
   ORDER BY j.created_at DESC, j.id DESC
   LIMIT $7::int
),
daemons AS (
  SELECT d.id, d.name, d.created_at, d.last_seen_at, d.provisioners, d.tags, d.organization_id,
         (d.disconnected_at IS NULL AND d.last_seen_at > now() - ($8::int * interval '1 second')) AS live,
         EXISTS (SELECT 1 FROM provisioner_jobs r
                  WHERE r.worker_id = d.id AND r.started_at IS NOT NULL AND r.completed_at IS NULL) AS busy
    FROM provisioner_daemons d
   WHERE d.last_seen_at > now() - ($9::int * interval '1 second')
),
queue AS (
  SELECT k.*, CASE WHEN cardinality(k.live) > 0 THEN k.live ELSE k.known END AS servers,
         CASE WHEN cardinality(k.known) = 0 THEN k.provisioner END AS fallback
    FROM (SELECT q.id, q.created_at, q.provisioner,
                 coalesce(array_agg(d.id ORDER BY d.id) FILTER (WHERE d.id IS NOT NULL), '{}') AS known,
                 coalesce(array_agg(d.id ORDER BY d.id) FILTER (WHERE d.live), '{}') AS live
            FROM provisioner_jobs q
            LEFT JOIN daemons d ON ${CAN_TAKE('d', 'q')}
           WHERE q.started_at IS NULL AND q.canceled_at IS NULL AND q.completed_at IS NULL
             -- Evaluated once: without a pending job shown, nothing needs ranking, and reading a
             -- finished build or version costs the same however long the queue is.
             AND EXISTS (SELECT 1 FROM page WHERE page.status = 'pending')
           GROUP BY q.id) k
),
groups AS (
  SELECT DISTINCT servers, fallback FROM queue WHERE id IN (SELECT id FROM page WHERE status = 'pending')
),
ranked AS (
  SELECT q.id, (q.servers = g.servers AND q.fallback IS NOT DISTINCT FROM g.fallback) AS own,
         row_number() OVER (PARTITION BY g.servers, g.fallback ORDER BY q.created_at, q.id) AS position,
         count(*) OVER (PARTITION BY g.servers, g.fallback) AS size
    FROM groups g
    JOIN queue q ON (g.fallback IS NULL AND q.known && g.servers) OR q.provisioner = g.fallback
),
-- One row: job id → [position, size] of each job ranked in its own group. A map rather than a
-- join back to the jobs: CTE row estimates are guesses, and a mis-planned join on them is quadratic.
positions AS (
  SELECT jsonb_object_agg(id::text, jsonb_build_array(position, size)) AS places FROM ranked WHERE own
),
matches AS (
  SELECT p.id,
         count(*) FILTER (WHERE x.serves AND d.live) AS live_count,
         count(*) FILTER (WHERE x.serves AND d.live AND NOT d.busy) AS idle_count,
         count(*) FILTER (WHERE x.serves) AS known_count,
         count(*) AS tagged_count,
         max(d.last_seen_at) FILTER (WHERE x.serves) AS most_recently_seen,
         array_agg(d.id ORDER BY d.created_at, d.id) FILTER (WHERE x.serves AND d.live) AS available_workers,
         jsonb_agg(jsonb_build_object('name', d.name, 'last_seen_at', d.last_seen_at) ORDER BY d.last_seen_at DESC)
           FILTER (WHERE x.serves AND NOT d.live) AS offline
    FROM page p
    JOIN daemons d ON d.tags @> p.tags AND (d.organization_id IS NULL OR d.organization_id = p.organization_id)
    CROSS JOIN LATERAL (SELECT p.provisioner = ANY(d.provisioners) AS serves) x
   WHERE p.status = 'pending'
   GROUP BY p.id
)
SELECT p.id, p.created_at, p.updated_at, p.started_at, p.canceled_at, p.completed_at, p.error, p.error_code,
       p.organization_id, p.initiator_id, p.provisioner, p.storage_method, p.type, p.input, p.worker_id, p.file_id,
       p.tags, p.logs_overflowed,
       w.name AS worker_name,
       coalesce((pos.places -> p.id::text ->> 0)::int, 0) AS queue_position,
       coalesce((pos.places -> p.id::text ->> 1)::int, 0) AS queue_size,
       coalesce(m.live_count, 0)::int AS live_count, coalesce(m.idle_count, 0)::int AS idle_count,
       coalesce(m.known_count, 0)::int AS known_count, coalesce(m.tagged_count, 0)::int AS tagged_count,
       m.most_recently_seen, m.available_workers, m.offline,
       tv.name AS template_version_name, t.id AS template_id, t.name AS template_name,
       t.display_name AS template_display_name, t.icon AS template_icon,
       ws.id AS workspace_id, ws.name AS workspace_name, b.transition AS workspace_build_transition,
       b.daily_cost AS workspace_build_daily_cost, b.updated_at AS workspace_build_updated_at
  FROM page p
  LEFT JOIN provisioner_daemons w ON w.id = p.worker_id
  LEFT JOIN workspace_builds b ON b.job_id = p.id
  LEFT JOIN workspaces ws ON ws.id = b.workspace_id
  LEFT JOIN template_versions tv ON tv.id = coalesce(b.template_version_id,
    CASE WHEN p.input->>'template_version_id' ~* ${UUID_RE_SQL} THEN (p.input->>'template_version_id')::uuid END)
  LEFT JOIN templates t ON t.id = tv.template_id
  CROSS JOIN positions pos
  LEFT JOIN matches m ON m.id = p.id
 ORDER BY p.created_at DESC, p.id DESC`;

/** A `provisioner_jobs` row as PostgreSQL returns it. */
export interface JobRow {
  id: string;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  canceled_at: Date | null;
  completed_at: Date | null;
  error: string | null;
  error_code: string | null;
  organization_id: string;
  initiator_id: string;
  provisioner: string;
  storage_method: string;
  type: string;
  input: unknown;
  worker_id: string | null;
  file_id: string;
  tags: Record<string, string>;
  logs_overflowed: boolean;
}

/** One row of JOB_VIEWS_SQL: the job's columns, then what the statement adds. */
export interface JobViewRow extends JobRow {
  worker_name: string | null;
  queue_position: number;
  queue_size: number;
  live_count: number;
  idle_count: number;
  known_count: number;
  tagged_count: number;
  most_recently_seen: Date | null;
  available_workers: string[] | null;
  offline: { name: string; last_seen_at: string }[] | null;
  template_version_name: string | null;
  template_id: string | null;
  template_name: string | null;
  template_display_name: string | null;
  template_icon: string | null;
  workspace_id: string | null;
  workspace_name: string | null;
  workspace_build_transition: string | null;
  /** The build's daily cost and update time, read in the job's snapshot (the quota commit precedes completion). */
  workspace_build_daily_cost: number | null;
  workspace_build_updated_at: Date | null;
}

export interface JobViewFilter {
  ids?: string[];
  organizationId?: string;
  statuses?: string[];
  tags?: Record<string, string>;
  initiatorId?: string;
  /** Only jobs this user initiated or whose workspace it owns. */
  viewerId?: string;
  /** Absent = all. */
  limit?: number;
}
