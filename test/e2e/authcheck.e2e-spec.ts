import request from 'supertest';
import { closeWorld, openWorld, type World } from '../helpers/app.js';
import { signedOut } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { SIGN_IN_CHECKS, signInAnswer } from '../helpers/sign-in-checks.js';
import { createWorkspace, echoTemplate } from '../helpers/templates.js';
import { auth, createUser, PASSWORD, unique, type Session } from '../helpers/world.js';

const UNKNOWN_ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const AUTH_METHODS = {
  password: { enabled: true },
  github: { enabled: false },
  oidc: { enabled: false, signInText: '', iconUrl: '' },
};
type Check = { object: Record<string, unknown>; action: unknown };

describe('POST /api/v2/authcheck', () => {
  let w: World;
  let member: Session;
  let other: Session;
  let userAdmin: Session;
  let orgAdmin: Session;

  const authcheck = (session: Session | undefined, body: unknown) => {
    const req = w.t.http.post('/api/v2/authcheck');
    if (session) req.set(auth(session.token));
    return req.send(body as object);
  };
  const check = async (session: Session, checks: Record<string, Check>) =>
    (await authcheck(session, { checks }).expect(200)).body as Record<string, boolean>;
  const one = async (session: Session, object: Record<string, unknown>, action = 'read') =>
    (await check(session, { k: { object, action } })).k;

  beforeAll(async () => {
    w = await openWorld();
    await addLicense(w.t, w.owner, ['template_rbac']);
    member = await createUser(w.t, w.owner);
    other = await createUser(w.t, w.owner);
    userAdmin = await createUser(w.t, w.owner, { roles: ['user-admin'] });
    orgAdmin = await createUser(w.t, w.owner);
    await w.t.http
      .put(`/api/v2/organizations/${w.owner.orgId}/members/${orgAdmin.userId}/roles`)
      .set(auth(w.owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
  });
  afterAll(() => closeWorld(w?.t, w?.db));

  describe('GET /api/v2/users/authmethods (public: the login page and sign-out depend on it)', () => {
    const methods = () => w.t.http.get('/api/v2/users/authmethods');

    it('answers password-only signed out, with a valid session, and with bad or unknown cookies', async () => {
      expect((await methods().expect(200)).body).toEqual(AUTH_METHODS);
      expect((await methods().set(auth(member.token)).expect(200)).body).toEqual(AUTH_METHODS);
      for (const cookie of ['coder_session_token=garbage', `coder_session_token=AAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBB`]) {
        expect((await methods().set('Cookie', cookie).expect(200)).body).toEqual(AUTH_METHODS);
      }
    });

    it('is never read as a username, even when a user is called "authmethods"', async () => {
      const named = await createUser(w.t, w.owner, { username: 'authmethods' });
      expect((await methods().set(auth(w.owner.token)).expect(200)).body).toEqual(AUTH_METHODS);
      expect(
        (await w.t.http.get(`/api/v2/users/${named.userId}`).set(auth(w.owner.token)).expect(200)).body.username,
      ).toBe('authmethods');
    });

    it('the login page and sign-out calls, with a cookie, as the dashboard makes them in parallel', async () => {
      const browser = request.agent(w.t.baseUrl);
      const [first, signedOutMethods] = await Promise.all([
        browser.get('/api/v2/users/first'),
        browser.get('/api/v2/users/authmethods'),
      ]);
      expect([first.status, signedOutMethods.status]).toEqual([200, 200]);
      await browser.post('/api/v2/users/login').send({ email: member.email, password: PASSWORD }).expect(201);
      const [signOutMethods, logout] = await Promise.all([
        browser.get('/api/v2/users/authmethods'),
        browser.post('/api/v2/users/logout'),
      ]);
      expect([signOutMethods.status, logout.status, signOutMethods.body]).toEqual([200, 200, AUTH_METHODS]);
      expect((await browser.get('/api/v2/users/authmethods').expect(200)).body).toEqual(AUTH_METHODS);
    });
  });

  describe("the dashboard's 13 sign-in checks, over a cookie session", () => {
    const roles: Record<string, string[]> = {
      owner: [],
      auditor: ['auditor'],
      'template-admin': ['template-admin'],
      'user-admin': ['user-admin'],
      member: [],
    };
    it.each(Object.keys(roles))('%s gets exactly the table of coder-clients §3', async (role) => {
      const email = role === 'owner' ? w.owner.email : (await createUser(w.t, w.owner, { roles: roles[role] })).email;
      const browser = request.agent(w.t.baseUrl);
      await browser.post('/api/v2/users/login').send({ email, password: PASSWORD }).expect(201);
      const [me, res] = await Promise.all([
        browser.get('/api/v2/users/me'),
        browser.post('/api/v2/authcheck').send({ checks: SIGN_IN_CHECKS }),
      ]);
      expect([me.status, res.status]).toEqual([200, 200]);
      expect(res.body).toEqual(signInAnswer(role));
    });
  });

  it('needs a session: 401 without one and with a bad cookie', async () => {
    expect((await authcheck(undefined, { checks: SIGN_IN_CHECKS }).expect(401)).body).toEqual(
      signedOut('Cookie "coder_session_token" or query parameter must be provided.'),
    );
    const res = await w.t.http
      .post('/api/v2/authcheck')
      .set('Cookie', 'coder_session_token=AAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBB')
      .send({ checks: {} });
    expect(res.status).toBe(401);
    // Authentication comes before validation.
    await authcheck(undefined, { checks: 'not an object' }).expect(401);
  });

  it('echoes every key, answers {} without checks, and never lets unknown types or actions through, even for an owner', async () => {
    expect(
      await check(w.owner, {
        'weird key.with dots': { object: { resource_type: 'license' }, action: 'delete' },
        unknownType: { object: { resource_type: 'not_a_resource' }, action: 'read' },
        wildcardType: { object: { resource_type: '*' }, action: 'read' },
        unknownAction: { object: { resource_type: 'license' }, action: 'frobnicate' },
        wildcardAction: { object: { resource_type: 'license' }, action: '*' },
        dormant: { object: { resource_type: 'workspace_dormant' }, action: 'read' },
        debugInfo: { object: { resource_type: 'debug_info' }, action: 'read' },
      }),
    ).toEqual({
      'weird key.with dots': true,
      unknownType: false,
      wildcardType: false,
      unknownAction: false,
      wildcardAction: false,
      dormant: false,
      debugInfo: true,
    });
    expect((await authcheck(member, {}).expect(200)).body).toEqual({});
    expect((await authcheck(member, { checks: null }).expect(200)).body).toEqual({});
    expect((await authcheck(member, { checks: {}, unknown_field: 1 }).expect(200)).body).toEqual({});
  });

  it('owner_id "me" is the caller; "*" with an organization asks for anyone\'s objects', async () => {
    const org = w.owner.orgId;
    expect(await one(member, { resource_type: 'workspace', organization_id: org, owner_id: 'me' }, 'create')).toBe(
      true,
    );
    expect(
      await one(member, { resource_type: 'workspace', organization_id: org, owner_id: other.userId }, 'create'),
    ).toBe(false);
    expect(await one(member, { resource_type: 'workspace', organization_id: org, owner_id: '*' }, 'create')).toBe(
      false,
    );
    expect(await one(orgAdmin, { resource_type: 'workspace', organization_id: org, owner_id: '*' }, 'create')).toBe(
      true,
    );
    expect(
      await one(orgAdmin, { resource_type: 'workspace', organization_id: UNKNOWN_ID, owner_id: '*' }, 'create'),
    ).toBe(false);
    expect(
      await one(member, { resource_type: 'workspace', organization_id: UNKNOWN_ID, owner_id: 'me' }, 'create'),
    ).toBe(false);
    expect(await one(member, { resource_type: 'api_key', owner_id: 'me' }, 'create')).toBe(true);
  });

  it('any_org asks whether any organization of the caller allows it (never together with organization_id)', async () => {
    expect(await one(member, { resource_type: 'workspace', owner_id: 'me', any_org: true }, 'create')).toBe(true);
    expect(await one(member, { resource_type: 'template', any_org: true }, 'create')).toBe(false);
    expect(await one(orgAdmin, { resource_type: 'template', any_org: true }, 'create')).toBe(true);
    expect(
      await one(orgAdmin, { resource_type: 'template', any_org: true, organization_id: w.owner.orgId }, 'create'),
    ).toBe(false);
  });

  describe('resource_id: the stored row decides', () => {
    it('workspaces: the owner of the workspace and owners, not other members; unknown rows are false', async () => {
      const template = await echoTemplate(w.t, w.owner, w.owner.orgId);
      const mine = await createWorkspace(w.t, member, w.owner.orgId, template.id as string);
      const ws = (session: Session, action: string, id = mine.id as string) =>
        one(session, { resource_type: 'workspace', resource_id: id }, action);
      expect([await ws(member, 'read'), await ws(member, 'update'), await ws(member, 'delete')]).toEqual([
        true,
        true,
        true,
      ]);
      expect([await ws(other, 'read'), await ws(other, 'update')]).toEqual([false, false]);
      expect([await ws(w.owner, 'update'), await ws(orgAdmin, 'delete')]).toEqual([true, true]);
      expect(await ws(member, 'read', UNKNOWN_ID)).toBe(false);
      // The row's owner wins over the owner_id sent alongside it.
      expect(await one(other, { resource_type: 'workspace', resource_id: mine.id, owner_id: 'me' }, 'read')).toBe(
        false,
      );
    });

    it("templates: the template's ACL counts (use = read, admin = everything), Everyone included", async () => {
      const privateTpl = await echoTemplate(w.t, w.owner, w.owner.orgId, undefined, {
        disable_everyone_group_access: true,
      });
      const openTpl = await echoTemplate(w.t, w.owner, w.owner.orgId);
      const tpl = (id: string, action: string) => one(member, { resource_type: 'template', resource_id: id }, action);
      expect([await tpl(privateTpl.id, 'read'), await tpl(privateTpl.id, 'update')]).toEqual([false, false]);
      expect([await tpl(openTpl.id, 'read'), await tpl(openTpl.id, 'update')]).toEqual([true, false]);
      const setAcl = (role: string) =>
        w.t.http
          .patch(`/api/v2/templates/${privateTpl.id}/acl`)
          .set(auth(w.owner.token))
          .send({ user_perms: { [member.userId]: role } })
          .expect(200);
      await setAcl('use');
      expect([
        await tpl(privateTpl.id, 'read'),
        await tpl(privateTpl.id, 'update'),
        await tpl(privateTpl.id, 'delete'),
      ]).toEqual([true, false, false]);
      await setAcl('admin');
      expect([await tpl(privateTpl.id, 'update'), await tpl(privateTpl.id, 'delete')]).toEqual([true, true]);
      // The same question without resource_id has no ACL to consult.
      expect(await one(member, { resource_type: 'template', organization_id: w.owner.orgId }, 'update')).toBe(false);
      expect(await tpl(UNKNOWN_ID, 'read')).toBe(false);
    });

    it('users: anyone visible may be read; changing them takes a user admin', async () => {
      const user = (session: Session, id: string, action: string) =>
        one(session, { resource_type: 'user', resource_id: id }, action);
      expect([await user(member, member.userId, 'read'), await user(member, member.userId, 'update')]).toEqual([
        true,
        false,
      ]);
      expect([await user(member, other.userId, 'read'), await user(member, other.userId, 'delete')]).toEqual([
        true,
        false,
      ]);
      expect([await user(userAdmin, other.userId, 'update'), await user(userAdmin, UNKNOWN_ID, 'read')]).toEqual([
        true,
        false,
      ]);
    });

    it('groups: members read their own groups, user admins manage them, others see nothing', async () => {
      const create = await w.t.http
        .post(`/api/v2/organizations/${w.owner.orgId}/groups`)
        .set(auth(w.owner.token))
        .send({ name: unique('grp') })
        .expect(201);
      const groupId = create.body.id as string;
      await w.t.http
        .patch(`/api/v2/groups/${groupId}`)
        .set(auth(w.owner.token))
        .send({ add_users: [member.userId] })
        .expect(200);
      const group = (session: Session, action: string, id = groupId) =>
        one(session, { resource_type: 'group', resource_id: id }, action);
      expect([await group(member, 'read'), await group(member, 'update')]).toEqual([true, false]);
      expect([await group(other, 'read'), await group(other, 'update')]).toEqual([false, false]);
      expect([await group(userAdmin, 'update'), await group(userAdmin, 'delete')]).toEqual([true, true]);
      expect(await group(w.owner, 'read', UNKNOWN_ID)).toBe(false);
      // The Everyone group (id = organization id) is readable by every member.
      expect(await group(other, 'read', w.owner.orgId)).toBe(true);
    });
  });

  describe('400s, before anything is decided', () => {
    const bad = async (body: unknown) => (await authcheck(member, body).expect(400)).body;

    it('an empty or missing resource_type', async () => {
      expect(
        await bad({
          checks: {
            a: { object: { resource_type: 'user' }, action: 'read' },
            b: { object: { resource_type: '' }, action: 'read' },
          },
        }),
      ).toEqual({
        message: 'Object\'s "resource_type" field must be defined for key "b".',
      });
      expect(await bad({ checks: { c: { action: 'read' } } })).toEqual({
        message: 'Object\'s "resource_type" field must be defined for key "c".',
      });
    });

    it('a resource_id that is not a UUID, or on a type without rows', async () => {
      expect(
        await bad({ checks: { a: { object: { resource_type: 'workspace', resource_id: 'nope' }, action: 'read' } } }),
      ).toEqual({
        message: 'Object "nope" id is not a valid uuid.',
        validations: [{ field: 'resource_id', detail: 'invalid UUID format: "nope"' }],
      });
      const message = 'Object type "license" does not support "resource_id" field.';
      expect(
        await bad({ checks: { a: { object: { resource_type: 'license', resource_id: UNKNOWN_ID }, action: 'read' } } }),
      ).toEqual({
        message,
        validations: [{ field: 'resource_type', detail: message }],
      });
    });

    it('more than 10 checks with resource_id (10 are fine)', async () => {
      const checks = (n: number) =>
        Object.fromEntries(
          Array.from({ length: n }, (_, i) => [
            `c${i}`,
            { object: { resource_type: 'workspace', resource_id: UNKNOWN_ID }, action: 'read' },
          ]),
        );
      expect(Object.values((await authcheck(member, { checks: checks(10) }).expect(200)).body)).toEqual(
        Array(10).fill(false),
      );
      expect(await bad({ checks: checks(11) })).toEqual({
        message:
          'Endpoint only supports using "resource_id" field 10 times, found 11 usages. Remove 1 objects with this field set.',
      });
    });

    it('wrong JSON types: a non-object body, checks, a check, its object, action and the object fields', async () => {
      expect((await bad([{ checks: {} }])).message).toMatch(/Request body must be valid JSON\.|Validation failed\./);
      expect(await bad({ checks: ['a'] })).toMatchObject({
        message: 'Validation failed.',
        validations: [expect.objectContaining({ field: 'checks' })],
      });
      expect(await bad({ checks: 'all' })).toMatchObject({
        message: 'Validation failed.',
        validations: [expect.objectContaining({ field: 'checks' })],
      });
      const res = await bad({
        checks: {
          a: 'read',
          b: { object: 'user', action: 'read' },
          c: { object: { resource_type: 'user' }, action: 7 },
          d: {
            object: { resource_type: 1, owner_id: true, organization_id: [], resource_id: {}, any_org: 'yes' },
            action: 'read',
          },
        },
      });
      expect(res.message).toBe('Validation failed.');
      expect(res.validations.map((v: { field: string }) => v.field)).toEqual([
        'checks.a',
        'checks.b.object',
        'checks.c.action',
        'checks.d.object.resource_type',
        'checks.d.object.owner_id',
        'checks.d.object.organization_id',
        'checks.d.object.resource_id',
        'checks.d.object.any_org',
      ]);
    });
  });
});
