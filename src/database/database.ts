import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

interface RowsPool {
  query<T>(sql: string, parameters: unknown[]): Promise<{ rows: T[] }>;
}

export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The one way repositories reach PostgreSQL, and the one way services open a transaction.
 *
 * A transaction binds its manager to the async context of `transaction(work)`: every repository
 * call made while `work` runs, however deep, reads that manager from `manager`. There is no
 * manager parameter to forget, so a statement can neither escape the transaction (silently
 * non-atomic) nor wait on a second pooled connection for a row lock its own transaction holds
 * (a hang once the pool is exhausted, which the single-connection embedded database hit first).
 *
 * A `transaction()` inside another joins it: the outermost one commits or rolls back.
 */
@Injectable()
export class Database {
  private readonly current = new AsyncLocalStorage<EntityManager>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The manager of the transaction in progress, or the pool's outside one. */
  get manager(): EntityManager {
    return this.current.getStore() ?? this.dataSource.manager;
  }

  /** True while `transaction()` is running on this async path. */
  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return work();
    return this.dataSource.transaction((manager) => this.current.run(manager, work));
  }

  /**
   * The rows of one SELECT. Inside a transaction it runs on the transaction's connection, like
   * everything else; outside one it goes straight to the driver's pool, without the ORM's query
   * runner (created, connected and released per statement), which was the ORM's whole cost on the
   * per-request session lookup (`npm run bench -- profile`). For reads only: the ORM answers
   * UPDATE and DELETE in another shape.
   */
  async select<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    const manager = this.current.getStore();
    if (manager) return manager.query(sql, parameters);
    const pool = (this.dataSource.driver as unknown as { master?: RowsPool }).master;
    if (!pool) return this.dataSource.manager.query(sql, parameters);
    return (await pool.query<T>(sql, parameters)).rows;
  }

  /** The connection pool's counters, for the metrics (undefined before the pool exists). */
  get pool(): PoolStats | undefined {
    return (this.dataSource.driver as unknown as { master?: PoolStats }).master;
  }

  /**
   * Runs `work` outside any transaction in progress (its statements commit on their own): for
   * writes that must survive the caller's rollback, such as a failed-attempt counter.
   */
  outsideTransaction<T>(work: () => Promise<T>): Promise<T> {
    return this.current.exit(work);
  }
}
