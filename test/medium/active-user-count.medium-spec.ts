import { UsersRepository } from '../../src/core/users/users.repository.js';
import { openMedium, type Medium } from '../helpers/medium.js';

/**
 * The license seat count (`user_limit.actual`) is read from `user_counts`, which triggers on
 * `users` keep (migration ActiveUserCount): it must equal counting the active, non-deleted users
 * after every kind of write, bulk ones included.
 */
describe('UsersRepository.countActiveUsers', () => {
  let m: Medium;
  let users: UsersRepository;

  class UsersRepositoryModule {}

  beforeAll(async () => {
    m = await openMedium([{ module: UsersRepositoryModule, providers: [UsersRepository], exports: [UsersRepository] }]);
    users = m.module.get(UsersRepository);
  });
  afterAll(() => m.close());

  const counted = async () =>
    (
      await m.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM users WHERE status = 'active' AND deleted = false`,
      )
    ).rows[0].n;

  const expectInStep = async (expected: number) => {
    expect(await counted()).toBe(expected);
    expect(await users.countActiveUsers()).toBe(expected);
  };

  const insert = (from: number, to: number, status = 'active') =>
    m.db.query(
      `INSERT INTO users (id, email, username, status, login_type)
       SELECT gen_random_uuid(), 'c' || i || '@example.com', 'c' || i, $3, 'none' FROM generate_series($1::int, $2::int) i`,
      [from, to, status],
    );

  it('follows inserts, one at a time and in bulk, counting only active users', async () => {
    await expectInStep(0);
    await insert(1, 1);
    await expectInStep(1);
    await insert(2, 500);
    await insert(501, 520, 'suspended');
    await expectInStep(500);
  });

  it('follows suspension, reactivation, soft deletion, and ignores updates that change neither', async () => {
    await m.db.query(`UPDATE users SET status = 'suspended' WHERE username IN ('c1', 'c2', 'c3')`);
    await expectInStep(497);
    await m.db.query(`UPDATE users SET status = 'active' WHERE username IN ('c2', 'c501')`);
    await expectInStep(499);
    await m.db.query(`UPDATE users SET deleted = true WHERE username IN ('c2', 'c4', 'c502')`);
    await expectInStep(497);
    // A deleted user that becomes active again still does not count; nor does a no-op status write.
    await m.db.query(`UPDATE users SET status = 'active' WHERE username IN ('c502', 'c5')`);
    await m.db.query(`UPDATE users SET last_seen_at = now(), updated_at = now()`);
    await expectInStep(497);
  });

  it('follows hard deletes and TRUNCATE', async () => {
    await m.db.query(`DELETE FROM users WHERE username IN ('c6', 'c7', 'c503', 'c2')`);
    await expectInStep(495);
    await m.db.query(`TRUNCATE users CASCADE`);
    await expectInStep(0);
    await insert(1, 3);
    await expectInStep(3);
  });

  it('is transactional: a rolled-back insert leaves the count as it was', async () => {
    await m.db.query('BEGIN');
    await insert(10, 19);
    expect(await counted()).toBe(13);
    await m.db.query('ROLLBACK');
    await expectInStep(3);
  });
});
