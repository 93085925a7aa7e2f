import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';

const GATE = { message: 'Advanced Template Scheduling is an Enterprise feature. Contact sales!' };

describe('user quiet hours', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let colleague: Session;
  let stranger: Session;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_QUIET_HOURS_DEFAULT_SCHEDULE: 'CRON_TZ=Europe/Berlin 30 1 * * *' },
    }));
    member = await createUser(t, owner);
    colleague = await createUser(t, owner);
    stranger = await createUser(t, owner, { orgId: await createOrg(t, owner) });
  });
  afterAll(() => closeWorld(t, db));

  const get = (token: string, user = 'me') => t.http.get(`/api/v2/users/${user}/quiet-hours`).set(auth(token));
  const put = (token: string, schedule: unknown, user = 'me') =>
    t.http.put(`/api/v2/users/${user}/quiet-hours`).set(auth(token)).send({ schedule });

  it('is gated on advanced_template_scheduling, after authentication', async () => {
    await t.http.get('/api/v2/users/me/quiet-hours').expect(401);
    expect((await get(member.token).expect(403)).body).toEqual(GATE);
    expect((await put(member.token, '0 0 * * *').expect(403)).body).toEqual(GATE);
    await addLicense(t, owner, ['advanced_template_scheduling']);
  });

  it('answers the deployment default as one object until the user sets one', async () => {
    const res = await get(member.token).expect(200);
    expect(res.body).toEqual({
      raw_schedule: 'CRON_TZ=Europe/Berlin 30 1 * * *',
      user_set: false,
      user_can_set: true,
      time: '01:30',
      timezone: 'Europe/Berlin',
      next: expect.stringMatching(/^\d{4}-\d\d-\d\dT01:30:00\+0[12]:00$/),
    });
    expect(new Date(res.body.next).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(res.body.next).getTime() - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);
  });

  it('lets a user set their own schedule, stored canonically; by me, username or id', async () => {
    const res = await put(member.token, 'CRON_TZ=America/New_York  0  22 * * *').expect(200);
    expect(res.body).toMatchObject({
      raw_schedule: 'CRON_TZ=America/New_York 0 22 * * *',
      user_set: true,
      user_can_set: true,
      time: '22:00',
      timezone: 'America/New_York',
    });
    expect(res.body.next).toMatch(/T22:00:00-0[45]:00$/);
    const row = await db.query('SELECT quiet_hours_schedule FROM users WHERE id = $1', [member.userId]);
    expect(row.rows[0].quiet_hours_schedule).toBe('CRON_TZ=America/New_York 0 22 * * *');
    for (const who of [member.username, member.userId, member.username.toUpperCase()]) {
      expect((await get(owner.token, who).expect(200)).body.raw_schedule).toBe('CRON_TZ=America/New_York 0 22 * * *');
    }
    await put(member.token, '15 3 * * *').expect(200);
    expect((await get(member.token).expect(200)).body).toMatchObject({
      raw_schedule: 'CRON_TZ=UTC 15 3 * * *',
      timezone: 'UTC',
      time: '03:15',
    });
  });

  it.each([
    [
      'garbage',
      'parse daily schedule "garbage": expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix',
    ],
    [
      'CRON_TZ=America/Chicago 0 0 * * 1',
      'parse daily schedule "CRON_TZ=America/Chicago 0 0 * * 1": expected day-of-month, month and day-of-week to be *',
    ],
    [
      'CRON_TZ=Deans/House 0 0 * * *',
      'parse daily schedule "CRON_TZ=Deans/House 0 0 * * *": provided bad location Deans/House: unknown time zone Deans/House',
    ],
    ['0 0,12 * * *', 'daily schedule "0 0,12 * * *" has more than one time: cron(0 0,12)'],
    ['0-30 0 * * *', 'daily schedule "0-30 0 * * *" has more than one time: cron(0-30 0)'],
    [
      '0 0 * * * *',
      'parse daily schedule "0 0 * * * *": expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix',
    ],
  ])('rejects %j with a 400 and a validation on schedule (Coder answers 500)', async (schedule, detail) => {
    const before = (await db.query('SELECT quiet_hours_schedule FROM users WHERE id = $1', [colleague.userId])).rows[0];
    const res = await put(colleague.token, schedule).expect(400);
    expect(res.body).toEqual({ message: 'Validation failed.', validations: [{ field: 'schedule', detail }] });
    expect(
      (await db.query('SELECT quiet_hours_schedule FROM users WHERE id = $1', [colleague.userId])).rows[0],
    ).toEqual(before);
  });

  it('requires a schedule in the body', async () => {
    for (const body of [{}, { schedule: '' }, { schedule: 5 }]) {
      const res = await t.http.put('/api/v2/users/me/quiet-hours').set(auth(colleague.token)).send(body).expect(400);
      expect(res.body.validations[0].field).toBe('schedule');
    }
  });

  it('only the user or an owner may set it; strangers cannot even see the user', async () => {
    expect((await put(colleague.token, '0 1 * * *', member.userId).expect(403)).body).toEqual(FORBIDDEN);
    const userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
    expect((await put(userAdmin.token, '0 1 * * *', member.userId).expect(403)).body).toEqual(FORBIDDEN);
    expect((await put(owner.token, '0 4 * * *', member.username).expect(200)).body.raw_schedule).toBe(
      'CRON_TZ=UTC 0 4 * * *',
    );
    expect((await get(stranger.token, member.userId).expect(404)).body).toEqual(NOT_FOUND);
    expect((await get(owner.token, 'nobody-at-all').expect(404)).body).toEqual(NOT_FOUND);
    await get(colleague.token, member.userId).expect(200);
  });

  it.each(['template-admin', 'auditor', 'organization-admin'])(
    "a %s may read another user's quiet hours but not set them (403)",
    async (role) => {
      const admin = await createUser(t, owner, role === 'organization-admin' ? {} : { roles: [role] });
      if (role === 'organization-admin') {
        await t.http
          .put(`/api/v2/organizations/${owner.orgId}/members/${admin.userId}/roles`)
          .set(auth(owner.token))
          .send({ roles: [role] })
          .expect(200);
      }
      const before = (await get(owner.token, member.userId).expect(200)).body.raw_schedule;
      expect((await get(admin.token, member.userId).expect(200)).body.raw_schedule).toBe(before);
      expect((await put(admin.token, '0 2 * * *', member.userId).expect(403)).body).toEqual(FORBIDDEN);
      expect((await get(owner.token, member.userId).expect(200)).body.raw_schedule).toBe(before);
    },
  );

  it('audits changes on the user', async () => {
    const rows = await db.query(
      `SELECT diff FROM audit_logs WHERE resource_type = 'user' AND resource_id = $1 AND diff ? 'quiet_hours_schedule' ORDER BY time`,
      [member.userId],
    );
    expect(rows.rows.map((r) => r.diff.quiet_hours_schedule.new)).toEqual([
      'CRON_TZ=America/New_York 0 22 * * *',
      'CRON_TZ=UTC 15 3 * * *',
      'CRON_TZ=UTC 0 4 * * *',
    ]);
  });
});
