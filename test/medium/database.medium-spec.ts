import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database } from '../../src/database/database.js';
import { openMedium, type Medium } from '../helpers/medium.js';

/** The transaction handle every repository reads (src/database/database.ts). */
describe('Database', () => {
  let m: Medium;
  let database: Database;

  beforeAll(async () => {
    m = await openMedium();
    database = m.module.get(Database);
  });
  afterAll(() => m.close());

  const insertOrganization = async (name: string) => {
    const id = randomUUID();
    await database.manager.query(
      `INSERT INTO organizations (id, name, display_name, description, icon) VALUES ($1, $2, $2, '', '')`,
      [id, name],
    );
    return id;
  };
  const stored = async (name: string) =>
    (await m.db.query('SELECT count(*)::int AS n FROM organizations WHERE name = $1', [name])).rows[0].n as number;
  const backendPid = async () =>
    (await database.manager.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid'))[0].pid;

  it('runs every statement inside transaction() on one connection, and outside it on the pool', async () => {
    expect(database.inTransaction).toBe(false);
    const pids = await database.transaction(async () => {
      expect(database.inTransaction).toBe(true);
      const first = await backendPid();
      await sleep(5);
      return [first, await backendPid()];
    });
    expect(pids[0]).toBe(pids[1]);
    expect(database.inTransaction).toBe(false);
  });

  it('select() reads on the transaction in progress, and outside one on the pool, with the same row values', async () => {
    const seen = await database.transaction(async () => {
      await insertOrganization('selected-uncommitted');
      const rows = await database.select<{ n: number; pid: number }>(
        'SELECT count(*)::int AS n, pg_backend_pid() AS pid FROM organizations WHERE name = $1',
        ['selected-uncommitted'],
      );
      return { n: rows[0].n, samePid: rows[0].pid === (await backendPid()) };
    });
    expect(seen).toEqual({ n: 1, samePid: true });
    const [row] = await database.select<{ created_at: Date; n: number }>(
      'SELECT created_at, 1 AS n FROM organizations WHERE name = $1',
      ['selected-uncommitted'],
    );
    expect(row.created_at).toBeInstanceOf(Date);
    expect(row).toEqual(
      (
        await database.manager.query('SELECT created_at, 1 AS n FROM organizations WHERE name = $1', [
          'selected-uncommitted',
        ])
      )[0],
    );
  });

  it('rolls back every statement of a failed transaction, however deep the call that made it', async () => {
    const deep = () => insertOrganization('rolled-back');
    await expect(
      database.transaction(async () => {
        await deep();
        expect(await stored('rolled-back')).toBe(0); // not visible outside before commit
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await stored('rolled-back')).toBe(0);
  });

  it('joins a transaction() nested in another: the outer one commits or rolls back both', async () => {
    await expect(
      database.transaction(async () => {
        await database.transaction(() => insertOrganization('inner'));
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await stored('inner')).toBe(0);

    await database.transaction(async () => {
      await database.transaction(() => insertOrganization('inner-ok'));
    });
    expect(await stored('inner-ok')).toBe(1);
  });

  it('keeps concurrent transactions apart: each request sees only its own', async () => {
    const run = (name: string, fail: boolean) =>
      database.transaction(async () => {
        await insertOrganization(name);
        await sleep(20);
        const own = await database.manager.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM organizations WHERE name = $1',
          [name],
        );
        expect(own[0].n).toBe(1);
        if (fail) throw new Error(`${name} fails`);
      });
    const results = await Promise.allSettled([
      run('concurrent-a', false),
      run('concurrent-b', true),
      run('concurrent-c', false),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect([await stored('concurrent-a'), await stored('concurrent-b'), await stored('concurrent-c')]).toEqual([
      1, 0, 1,
    ]);
  });

  it('commits outsideTransaction() work on its own, even when the transaction around it rolls back', async () => {
    await expect(
      database.transaction(async () => {
        await insertOrganization('inside');
        await database.outsideTransaction(() => insertOrganization('outside'));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect([await stored('inside'), await stored('outside')]).toEqual([0, 1]);
  });
});
