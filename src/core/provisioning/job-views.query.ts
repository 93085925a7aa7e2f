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

/** A job (alias `j`) still in the queue: not taken, not canceled, not completed (any error). */
const QUEUED = (j: string) => `${j}.started_at IS NULL AND ${j}.canceled_at IS NULL AND ${j}.completed_at IS NULL`;

/**
 * Parameters: $1 ids (uuid[] or null), $2 organization, $3 statuses (text[] or null), $4 tags a
 * job must have (jsonb or null), $5 initiator, $6 viewer (only jobs it initiated or whose
 * workspace it owns; null = all), $7 limit (null = all), $8 liveness seconds, $9 known seconds.
 *
 * How it stays cheap: the page carries only what ranking needs (the wide columns are read last, by
 * primary key, for the shown jobs only); each shown job still queued reads the daemons once (its
 * counts and its group: S(J) or the fallback provisioner, with a plain text key so sorting by group
 * is cheap), the others skip daemons and ranking;
 * the queue is read once and compared with the few distinct groups of the shown jobs; one window
 * over (group, queue job) rows, into which each shown job is inserted as a probe row sorting right
 * after itself, gives every shown job its position and size. The probes carry the shown jobs' data
 * to the final select, so no CTE is joined back to another on their row estimates (guesses: a
 * nested loop picked on them is quadratic). Cost: the queue times the shown groups, plus the shown
 * jobs; never the queue times the shown jobs.
 */
export const JOB_VIEWS_SQL = `
WITH page AS (
  SELECT j.id, j.created_at, j.provisioner, j.tags, j.organization_id, s.status, ${QUEUED('j')} AS queued
    FROM provisioner_jobs j
    CROSS JOIN LATERAL (SELECT ${STATUS} AS status) s
   WHERE ($1::uuid[] IS NULL OR j.id = ANY($1::uuid[]))
     AND ($2::uuid IS NULL OR j.organization_id = $2::uuid)
     AND ($3::text[] IS NULL OR s.status = ANY($3::text[]))
     -- Implied by the line above when only pending jobs are asked for (the planner folds it away
     -- otherwise); spelled out on the columns so that it can use the queue's partial index and
     -- estimate the pending jobs from column statistics.
     AND ($3::text[] IS NULL OR NOT $3::text[] <@ '{pending}'::text[] OR (${QUEUED('j')}))
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
-- Each shown job still queued, with the daemons having its tags: the counts the API shows
-- and its group: S(J) (sorted ids) or, with no daemon able to take it, its provisioner; gkey
-- names the group in one C-collated text (ids joined by spaces, or 'p:' and the provisioner).
shown AS (
  SELECT p.id, p.created_at, p.status, m.live_count, m.idle_count, m.known_count, m.tagged_count,
         m.most_recently_seen, m.available_workers, m.offline,
         CASE WHEN cardinality(m.live) > 0 THEN m.live ELSE m.known END AS servers,
         CASE WHEN cardinality(m.known) = 0 THEN p.provisioner END AS fallback,
         CASE WHEN cardinality(m.known) = 0 THEN 'p:' || p.provisioner
           WHEN cardinality(m.live) > 0 THEN array_to_string(m.live, ' ')
           ELSE array_to_string(m.known, ' ') END COLLATE "C" AS gkey
    FROM page p
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE x.serves AND d.live) AS live_count,
             count(*) FILTER (WHERE x.serves AND d.live AND NOT d.busy) AS idle_count,
             count(*) FILTER (WHERE x.serves) AS known_count,
             count(*) AS tagged_count,
             max(d.last_seen_at) FILTER (WHERE x.serves) AS most_recently_seen,
             array_agg(d.id ORDER BY d.created_at, d.id) FILTER (WHERE x.serves AND d.live) AS available_workers,
             jsonb_agg(jsonb_build_object('name', d.name, 'last_seen_at', d.last_seen_at) ORDER BY d.last_seen_at DESC)
               FILTER (WHERE x.serves AND NOT d.live) AS offline,
             coalesce(array_agg(d.id ORDER BY d.id) FILTER (WHERE x.serves), '{}') AS known,
             coalesce(array_agg(d.id ORDER BY d.id) FILTER (WHERE x.serves AND d.live), '{}') AS live
        FROM daemons d
        CROSS JOIN LATERAL (SELECT p.provisioner = ANY(d.provisioners) AS serves) x
       WHERE d.tags @> p.tags AND (d.organization_id IS NULL OR d.organization_id = p.organization_id)
    ) m
   WHERE p.queued
),
groups AS (
  SELECT DISTINCT servers, fallback, gkey FROM shown WHERE status = 'pending'
),
-- The queue, read only when a pending job is shown, with each job's able daemons.
queue AS MATERIALIZED (
  SELECT q.id, q.created_at, q.provisioner,
         ARRAY(SELECT d.id FROM daemons d WHERE ${CAN_TAKE('d', 'q')}) AS known
    FROM provisioner_jobs q
   WHERE ${QUEUED('q')} AND EXISTS (SELECT 1 FROM groups)
),
-- The queue jobs of each group, and every shown queued job as a probe row sorting right after its
-- own queue row (alone when its group ranks nothing: a queued job that is not pending, an errored
-- one, ranks only in a group of a pending job shown). Counting the queue rows up to a probe gives
-- its position, counting the whole group its size. The shown jobs not queued join them unranked.
ranked AS (
  SELECT r.*,
         count(*) FILTER (WHERE NOT r.probe) OVER (PARTITION BY r.gkey
           ORDER BY r.created_at, r.id, r.probe ROWS UNBOUNDED PRECEDING) AS position,
         count(*) FILTER (WHERE NOT r.probe) OVER (PARTITION BY r.gkey) AS size
    FROM (SELECT g.gkey, q.created_at, q.id, false AS probe, NULL AS status,
                 NULL::bigint AS live_count, NULL::bigint AS idle_count, NULL::bigint AS known_count,
                 NULL::bigint AS tagged_count, NULL::timestamptz AS most_recently_seen,
                 NULL::uuid[] AS available_workers, NULL::jsonb AS offline
            FROM groups g
            JOIN queue q ON (g.fallback IS NULL AND q.known && g.servers) OR q.provisioner = g.fallback
          UNION ALL
          SELECT s.gkey, s.created_at, s.id, true, s.status, s.live_count, s.idle_count,
                 s.known_count, s.tagged_count, s.most_recently_seen, s.available_workers, s.offline
            FROM shown s) r
),
places AS (
  SELECT id, status, position, size, live_count, idle_count, known_count, tagged_count, most_recently_seen,
         available_workers, offline
    FROM ranked WHERE probe
  UNION ALL
  SELECT id, status, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM page WHERE NOT queued
)
SELECT j.id, j.created_at, j.updated_at, j.started_at, j.canceled_at, j.completed_at, j.error, j.error_code,
       j.organization_id, j.initiator_id, j.provisioner, j.storage_method, j.type, j.input, j.worker_id, j.file_id,
       j.tags, j.logs_overflowed,
       w.name AS worker_name,
       r.position::int AS queue_position,
       r.size::int AS queue_size,
       CASE WHEN r.status = 'pending' THEN r.live_count ELSE 0 END::int AS live_count,
       CASE WHEN r.status = 'pending' THEN r.idle_count ELSE 0 END::int AS idle_count,
       CASE WHEN r.status = 'pending' THEN r.known_count ELSE 0 END::int AS known_count,
       CASE WHEN r.status = 'pending' THEN r.tagged_count ELSE 0 END::int AS tagged_count,
       CASE WHEN r.status = 'pending' THEN r.most_recently_seen END AS most_recently_seen,
       CASE WHEN r.status = 'pending' THEN r.available_workers END AS available_workers,
       CASE WHEN r.status = 'pending' THEN r.offline END AS offline,
       coalesce(tv.name, iv.name) AS template_version_name, t.id AS template_id, t.name AS template_name,
       t.display_name AS template_display_name, t.icon AS template_icon,
       ws.id AS workspace_id, ws.name AS workspace_name, b.transition AS workspace_build_transition,
       b.daily_cost AS workspace_build_daily_cost, b.updated_at AS workspace_build_updated_at,
       b.deadline AS workspace_build_deadline, b.max_deadline AS workspace_build_max_deadline
  FROM places r
  JOIN provisioner_jobs j ON j.id = r.id
  LEFT JOIN provisioner_daemons w ON w.id = j.worker_id
  LEFT JOIN workspace_builds b ON b.job_id = j.id
  LEFT JOIN workspaces ws ON ws.id = b.workspace_id
  -- A build's version, or the version an import job imports (by its job: template_versions_job_id_idx).
  LEFT JOIN template_versions tv ON tv.id = b.template_version_id
  LEFT JOIN template_versions iv ON b.job_id IS NULL AND iv.job_id = j.id
  LEFT JOIN templates t ON t.id = coalesce(tv.template_id, iv.template_id)
 ORDER BY j.created_at DESC, j.id DESC`;

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
  /** The build's autostop deadline, set in the transaction that completes its job. */
  workspace_build_deadline: Date | null;
  /** The build's max deadline, set with its deadline. */
  workspace_build_max_deadline: Date | null;
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
