import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';

/** Coder's answer to a PUT while the deployment forbids custom schedules (enterprise/coderd/users.go). */
const NOT_ALLOWED = { message: 'Users cannot set custom quiet hours schedule due to deployment configuration.' };
const DEFAULT = 'CRON_TZ=Europe/Berlin 30 1 * * *';

/** `user_can_set` and `CODER_ALLOW_CUSTOM_QUIET_HOURS` (Coder's `user_quiet_hours_schedule.allow_user_custom`). */
describe('user quiet hours: user_can_set', () => {
  describe('by default (custom schedules allowed)', () => {
    let t: TestApp;
    let db: pg.Client;
    let owner: Owner;

    beforeAll(async () => {
      ({ t, db, owner } = await openWorld({ env: { CODER_QUIET_HOURS_DEFAULT_SCHEDULE: DEFAULT } }));
      await addLicense(t, owner, ['advanced_template_scheduling']);
    });
    afterAll(() => closeWorld(t, db));

    it('answers user_can_set true, before and after the user sets a schedule', async () => {
      const user = await createUser(t, owner);
      const get = () => t.http.get('/api/v2/users/me/quiet-hours').set(auth(user.token)).expect(200);
      expect((await get()).body).toMatchObject({ raw_schedule: DEFAULT, user_set: false, user_can_set: true });
      const put = await t.http
        .put('/api/v2/users/me/quiet-hours')
        .set(auth(user.token))
        .send({ schedule: '0 3 * * *' })
        .expect(200);
      expect(put.body).toMatchObject({ raw_schedule: 'CRON_TZ=UTC 0 3 * * *', user_set: true, user_can_set: true });
      expect((await get()).body).toMatchObject({ user_set: true, user_can_set: true });
    });

    it('lists the option in the deployment config, true', async () => {
      const res = await t.http.get('/api/v2/deployment/config').set(auth(owner.token)).expect(200);
      expect(res.body.config.user_quiet_hours_schedule).toEqual({ default_schedule: DEFAULT, allow_user_custom: true });
      const option = res.body.options.find((o: { env?: string }) => o.env === 'CODER_ALLOW_CUSTOM_QUIET_HOURS');
      expect(option).toMatchObject({ name: 'Allow Custom Quiet Hours', value: true });
    });
  });

  describe('with CODER_ALLOW_CUSTOM_QUIET_HOURS=false', () => {
    let t: TestApp;
    let db: pg.Client;
    let owner: Owner;
    let member: Session;

    beforeAll(async () => {
      ({ t, db, owner } = await openWorld({
        env: { CODER_QUIET_HOURS_DEFAULT_SCHEDULE: DEFAULT, CODER_ALLOW_CUSTOM_QUIET_HOURS: 'false' },
      }));
      await addLicense(t, owner, ['advanced_template_scheduling']);
      member = await createUser(t, owner);
    });
    afterAll(() => closeWorld(t, db));

    const get = (session: Session, user = 'me') =>
      t.http.get(`/api/v2/users/${user}/quiet-hours`).set(auth(session.token));
    const put = (session: Session, schedule: unknown, user = 'me') =>
      t.http.put(`/api/v2/users/${user}/quiet-hours`).set(auth(session.token)).send({ schedule });

    it('GET still answers, with the default and user_can_set false', async () => {
      expect((await get(member).expect(200)).body).toEqual({
        raw_schedule: DEFAULT,
        user_set: false,
        user_can_set: false,
        time: '01:30',
        timezone: 'Europe/Berlin',
        next: expect.stringMatching(/^\d{4}-\d\d-\d\dT01:30:00\+0[12]:00$/),
      });
      expect((await get(owner, member.userId).expect(200)).body.user_can_set).toBe(false);
    });

    it('PUT is refused with 403 and Coder message, for the user and for an owner, and stores nothing', async () => {
      expect((await put(member, '0 3 * * *').expect(403)).body).toEqual(NOT_ALLOWED);
      expect((await put(owner, '0 3 * * *', member.userId).expect(403)).body).toEqual(NOT_ALLOWED);
      const row = await db.query('SELECT quiet_hours_schedule FROM users WHERE id = $1', [member.userId]);
      expect(row.rows[0].quiet_hours_schedule).toBe('');
      const audits = await db.query(
        `SELECT count(*)::int AS n FROM audit_logs WHERE resource_id = $1 AND diff ? 'quiet_hours_schedule'`,
        [member.userId],
      );
      expect(audits.rows[0].n).toBe(0);
    });

    it('a malformed body is still a 400 first (Coder reads the body before asking the store)', async () => {
      const res = await t.http.put('/api/v2/users/me/quiet-hours').set(auth(member.token)).send({}).expect(400);
      expect(res.body.validations[0].field).toBe('schedule');
      // Another user's schedule: refused with the deployment message too, not the permission one.
      const other = await createUser(t, owner);
      expect((await put(member, '0 3 * * *', other.userId).expect(403)).body).not.toEqual(FORBIDDEN);
    });

    it('a schedule stored while custom schedules were allowed is ignored, not shown', async () => {
      const user = await createUser(t, owner);
      await db.query('UPDATE users SET quiet_hours_schedule = $2 WHERE id = $1', [
        user.userId,
        'CRON_TZ=UTC 0 5 * * *',
      ]);
      expect((await get(user).expect(200)).body).toMatchObject({
        raw_schedule: DEFAULT,
        user_set: false,
        user_can_set: false,
      });
    });

    it('lists the option in the deployment config, false', async () => {
      const res = await t.http.get('/api/v2/deployment/config').set(auth(owner.token)).expect(200);
      expect(res.body.config.user_quiet_hours_schedule.allow_user_custom).toBe(false);
    });
  });
});
