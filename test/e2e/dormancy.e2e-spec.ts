import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/ha.js';
import { addLicense } from '../helpers/licenses.js';
import { echoTemplate } from '../helpers/templates.js';
import { openScimWorld, SCIM_PATCH, type ScimClient } from '../helpers/scim.js';
import { auth, createKeyUser, createUser, login, PASSWORD, type Owner, type Session } from '../helpers/world.js';
import { loadConfig } from '../../src/config/config.schema.js';
import { DormancyService } from '../../src/core/users/dormancy.service.js';

const DAY_MS = 86_400_000;

/** Issue 17 item 6 (Coder #12748): users not seen for CODER_DORMANCY_THRESHOLD become dormant. */
describe('dormancy', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, db, owner, scim } = await openScimWorld({ license: false, env: { CODER_DORMANCY_THRESHOLD: '240h' } }));
    await addLicense(t, owner, [], { features: { scim: 1, template_rbac: 1, user_limit: 100 } });
    // The passes run when the tests say (no timer racing them).
    t.app.get(DormancyService).onModuleDestroy();
  });
  afterAll(() => closeWorld(t, db));

  const job = () => t.app.get(DormancyService);
  const idle = (user: Session, days = 30) =>
    db.query('UPDATE users SET last_seen_at = $2 WHERE id = $1', [user.userId, new Date(Date.now() - days * DAY_MS)]);
  const statusOf = async (user: Session) =>
    (await db.query('SELECT status FROM users WHERE id = $1', [user.userId])).rows[0].status as string;
  const shown = async (user: Session) =>
    (await t.http.get(`/api/v2/users/${user.userId}`).set(auth(owner.token)).expect(200)).body;
  /** An idle user the job has marked dormant. */
  const dormant = async (make: () => Promise<Session> = () => createUser(t, owner)) => {
    const user = await make();
    await idle(user);
    expect(await job().markDormantUsers()).toEqual([user.userId]);
    return user;
  };
  const seats = async () =>
    (await t.http.get('/api/v2/entitlements').set(auth(owner.token)).expect(200)).body.features.user_limit
      .actual as number;
  const seatsBecome = (n: number) => eventually(async () => (await seats()) === n);
  const dormancyAudit = async (user: Session) =>
    (
      await db.query(
        `SELECT user_id, action, diff, additional_fields FROM audit_logs
          WHERE resource_type = 'user' AND resource_id = $1 AND additional_fields->>'automatic_subsystem' = 'dormancy'
          ORDER BY time, id`,
        [user.userId],
      )
    ).rows;

  it('marks users not seen for the threshold dormant, once, audited as Coder does', async () => {
    const user = await createUser(t, owner);
    const recent = await createUser(t, owner);
    await idle(user, 11);
    await idle(recent, 9);
    expect(await job().markDormantUsers()).toEqual([user.userId]);
    expect(await job().markDormantUsers()).toEqual([]);
    expect((await shown(user)).status).toBe('dormant');
    expect((await shown(recent)).status).toBe('active');
    expect(await dormancyAudit(user)).toEqual([
      {
        user_id: user.userId,
        action: 'write',
        diff: { status: { old: 'active', new: 'dormant', secret: false } },
        additional_fields: { automatic_actor: 'coder', automatic_subsystem: 'dormancy' },
      },
    ]);
  });

  it('never marks suspended or deleted users', async () => {
    const suspended = await createUser(t, owner);
    const deleted = await createUser(t, owner);
    await t.http.put(`/api/v2/users/${suspended.userId}/status/suspend`).set(auth(owner.token)).expect(200);
    await t.http.delete(`/api/v2/users/${deleted.userId}`).set(auth(owner.token)).expect(200);
    await idle(suspended);
    await idle(deleted);
    expect(await job().markDormantUsers()).toEqual([]);
    expect(await statusOf(suspended)).toBe('suspended');
  });

  it('filters with ?q=status:dormant', async () => {
    const user = await dormant();
    const res = await t.http.get('/api/v2/users').query({ q: 'status:dormant' }).set(auth(owner.token)).expect(200);
    expect(res.body.users.map((u: { id: string }) => u.id)).toContain(user.userId);
    expect(res.body.users.every((u: { status: string }) => u.status === 'dormant')).toBe(true);
  });

  it('does not count dormant users in user_limit.actual; waking counts them again', async () => {
    const user = await createUser(t, owner);
    const before = await seats();
    await idle(user);
    await job().markDormantUsers();
    await seatsBecome(before - 1);
    await t.http.get('/api/v2/users/me').set(auth(user.token)).expect(200);
    await seatsBecome(before);
  });

  it('signing in makes a dormant user active (and seen now), audited', async () => {
    const user = await dormant();
    await login(t, user.email, PASSWORD);
    expect(await statusOf(user)).toBe('active');
    const { last_seen_at } = await shown(user);
    expect(Date.now() - Date.parse(last_seen_at)).toBeLessThan(60_000);
    expect((await dormancyAudit(user)).map((r) => [r.user_id, r.diff.status.new])).toEqual([
      [user.userId, 'dormant'],
      [user.userId, 'active'],
    ]);
    // Seen now: the next pass leaves it alone.
    expect(await job().markDormantUsers()).toEqual([]);
  });

  it('any authenticated API use makes a dormant user active (session token or API key)', async () => {
    const withSession = await dormant();
    const me = await t.http.get('/api/v2/users/me').set(auth(withSession.token)).expect(200);
    expect(me.body.status).toBe('active');
    expect(await statusOf(withSession)).toBe('active');

    const withKey = await dormant(() => createKeyUser(t, owner));
    await t.http.get('/api/v2/users/me/organizations').set(auth(withKey.token)).expect(200);
    expect(await statusOf(withKey)).toBe('active');
  });

  it('a dormant user can be suspended, and activated', async () => {
    const toSuspend = await dormant();
    const res = await t.http.put(`/api/v2/users/${toSuspend.userId}/status/suspend`).set(auth(owner.token));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('suspended');
    await t.http.get('/api/v2/users/me').set(auth(toSuspend.token)).expect(401);

    const toActivate = await dormant();
    const activated = await t.http
      .put(`/api/v2/users/${toActivate.userId}/status/activate`)
      .set(auth(owner.token))
      .expect(200);
    expect(activated.body.status).toBe('active');
    // As in Coder, an admin's activation does not make the user seen: still idle, it is marked again.
    expect(await job().markDormantUsers()).toEqual([toActivate.userId]);
  });

  it('a dormant user keeps its place in a template ACL (only suspended users are left out)', async () => {
    const user = await dormant();
    const tpl = await echoTemplate(t, owner, owner.orgId, undefined, { disable_everyone_group_access: true });
    await t.http
      .patch(`/api/v2/templates/${tpl.id}/acl`)
      .set(auth(owner.token))
      .send({ user_perms: { [user.userId]: 'use' } })
      .expect(200);
    const res = await t.http.get(`/api/v2/templates/${tpl.id}/acl`).set(auth(owner.token)).expect(200);
    expect(res.body.users.map((u: { id: string; status: string }) => [u.id, u.status])).toEqual([
      [user.userId, 'dormant'],
    ]);
  });

  it('SCIM shows a dormant user as active, filters it as active, and active:true leaves it dormant', async () => {
    const user = await dormant();
    expect((await scim('get', `/Users/${user.userId}`).expect(200)).body.active).toBe(true);
    const found = await scim('get', `/Users?filter=${encodeURIComponent(`id eq "${user.userId}" and active eq true`)}`);
    expect(found.body.totalResults).toBe(1);
    await scim('patch', `/Users/${user.userId}`, {
      schemas: [SCIM_PATCH],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    }).expect(200);
    expect(await statusOf(user)).toBe('dormant');
  });
});

describe('dormancy off (CODER_DORMANCY_THRESHOLD unset)', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
  });
  afterAll(() => closeWorld(t, db));

  it('marks nobody, however long unseen', async () => {
    const user = await createUser(t, owner);
    await db.query(`UPDATE users SET last_seen_at = now() - interval '3 years' WHERE id = $1`, [user.userId]);
    expect(await t.app.get(DormancyService).markDormantUsers()).toEqual([]);
    expect((await db.query('SELECT status FROM users WHERE id = $1', [user.userId])).rows).toEqual([
      { status: 'active' },
    ]);
  });
});

describe('CODER_DORMANCY_THRESHOLD', () => {
  it('is a Go duration of at least an hour; unset is off; anything else fails startup', () => {
    expect(loadConfig({}).dormancyThresholdMs).toBeUndefined();
    expect(loadConfig({ CODER_DORMANCY_THRESHOLD: '2160h' }).dormancyThresholdMs).toBe(90 * DAY_MS);
    expect(() => loadConfig({ CODER_DORMANCY_THRESHOLD: '90d' })).toThrow(
      'Invalid configuration: CODER_DORMANCY_THRESHOLD: invalid duration "90d" (use Go syntax such as 24h, 90m, 1h30m)',
    );
    expect(() => loadConfig({ CODER_DORMANCY_THRESHOLD: '10m' })).toThrow(
      'Invalid configuration: CODER_DORMANCY_THRESHOLD: must be at least 1h0m0s, got "10m"',
    );
  });
});
