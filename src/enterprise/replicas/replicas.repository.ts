import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';
import { ReplicaEntity } from './entities/replica.entity.js';

/** What a replica writes about itself at each heartbeat (or a proxy replica at each registration). */
export interface ReplicaReport {
  id: string;
  startedAt: Date;
  hostname: string;
  regionId: number;
  relayAddress: string;
  version: string;
  databaseLatency: number;
  error: string;
  primary: boolean;
}

const COLUMNS = `id, created_at, started_at, stopped_at, updated_at, hostname, region_id, relay_address, database_latency, version, error, "primary"`;

/** The largest value of Coder's int32 `database_latency`. */
const INT32_MAX = 2_147_483_647;

/**
 * The `replicas` table. Liveness is judged with the database clock (`now()`), so replicas whose
 * clocks disagree still agree on who is alive.
 */
@Injectable()
export class ReplicasRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the row or refreshes it (`updated_at = now()`); a stopped row is never revived. */
  async upsertReplica(report: ReplicaReport): Promise<void> {
    await this.db.manager.query(
      `INSERT INTO replicas (${COLUMNS})
       VALUES ($1, now(), $2, NULL, now(), $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET updated_at = now(), hostname = EXCLUDED.hostname, region_id = EXCLUDED.region_id,
         relay_address = EXCLUDED.relay_address, database_latency = EXCLUDED.database_latency,
         version = EXCLUDED.version, error = EXCLUDED.error
       WHERE replicas.stopped_at IS NULL`,
      [
        report.id,
        report.startedAt,
        report.hostname,
        report.regionId,
        report.relayAddress,
        Math.min(Math.max(0, Math.round(report.databaseLatency)), INT32_MAX),
        report.version,
        report.error,
        report.primary,
      ],
    );
  }

  /** Sets `stopped_at` (once); false when the row was missing or already stopped. */
  async markReplicaStopped(id: string): Promise<boolean> {
    const rows = await this.db.manager.query<[unknown[], number] | unknown[]>(
      'UPDATE replicas SET stopped_at = now(), updated_at = now() WHERE id = $1 AND stopped_at IS NULL RETURNING id',
      [id],
    );
    return affectedRows(rows) > 0;
  }

  async getReplicaById(id: string): Promise<ReplicaEntity | null> {
    const rows = await this.db.manager.query<RawReplica[]>(`SELECT ${COLUMNS} FROM replicas WHERE id = $1`, [id]);
    return rows[0] ? toEntity(rows[0]) : null;
  }

  /** Server replicas updated within `deadAfterMs` and not stopped, oldest first. */
  async listLivePrimaryReplicas(deadAfterMs: number): Promise<ReplicaEntity[]> {
    const rows = await this.db.manager.query<RawReplica[]>(
      `SELECT ${COLUMNS} FROM replicas
       WHERE "primary" AND stopped_at IS NULL AND updated_at > now() - $1 * interval '1 millisecond'
       ORDER BY created_at, id`,
      [deadAfterMs],
    );
    return rows.map(toEntity);
  }

  /** Live workspace proxy replicas of one DERP region (a proxy's siblings), oldest first. */
  async listLiveReplicasInRegion(regionId: number, deadAfterMs: number): Promise<ReplicaEntity[]> {
    const rows = await this.db.manager.query<RawReplica[]>(
      `SELECT ${COLUMNS} FROM replicas
       WHERE NOT "primary" AND region_id = $1 AND stopped_at IS NULL AND updated_at > now() - $2 * interval '1 millisecond'
       ORDER BY created_at, id`,
      [regionId, deadAfterMs],
    );
    return rows.map(toEntity);
  }

  /** Deletes rows dead for longer than their kind's threshold; returns how many went. */
  async deleteDeadReplicas(primaryDeadAfterMs: number, proxyDeadAfterMs: number): Promise<number> {
    const rows = await this.db.manager.query<[unknown[], number] | unknown[]>(
      `DELETE FROM replicas
       WHERE updated_at < now() - (CASE WHEN "primary" THEN $1::float8 ELSE $2::float8 END) * interval '1 millisecond'
       RETURNING id`,
      [primaryDeadAfterMs, proxyDeadAfterMs],
    );
    return affectedRows(rows);
  }

  /** One database round trip, in microseconds (Coder's `database_latency`). */
  async measureLatencyMicros(): Promise<number> {
    const start = process.hrtime.bigint();
    await this.db.manager.query('SELECT 1');
    return Number((process.hrtime.bigint() - start) / 1000n);
  }
}

interface RawReplica {
  id: string;
  created_at: Date;
  started_at: Date;
  stopped_at: Date | null;
  updated_at: Date;
  hostname: string;
  region_id: number;
  relay_address: string;
  database_latency: number;
  version: string;
  error: string;
  primary: boolean;
}

function toEntity(row: RawReplica): ReplicaEntity {
  return Object.assign(new ReplicaEntity(), {
    id: row.id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    stoppedAt: row.stopped_at,
    updatedAt: row.updated_at,
    hostname: row.hostname,
    regionId: row.region_id,
    relayAddress: row.relay_address,
    databaseLatency: row.database_latency,
    version: row.version,
    error: row.error,
    primary: row.primary,
  });
}

/** TypeORM answers UPDATE/DELETE ... RETURNING as `[rows, count]` on PostgreSQL. */
function affectedRows(result: [unknown[], number] | unknown[]): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[1];
  }
  return Array.isArray(result) ? result.length : 0;
}
