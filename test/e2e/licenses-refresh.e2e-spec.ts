import type pg from 'pg';
import { EntitlementsService, unlicensedSnapshot } from '../../src/core/licensing/entitlements.service.js';
import { closeWorld, openWorld, startTestApp, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, signedOut } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, nonOwnerRoles, type Owner } from '../helpers/world.js';

const REFRESH = '/api/v2/licenses/refresh-entitlements';
const TOO_SOON = /^Entitlements already recently refreshed, please wait (\d+) seconds to force a new refresh$/;

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * `POST /licenses/refresh-entitlements`. Entitlements are computed at boot and on every license
 * change, so each test ages the snapshot through the service (as if a minute had passed) instead
 * of sleeping.
 */
describe('POST /licenses/refresh-entitlements', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  const service = () => t.app.get(EntitlementsService);
  const entitlements = async (app = t) => (await app.http.get('/api/v2/entitlements').expect(200)).body;
  /** Makes the snapshot look computed `ageMs` ago, keeping (or replacing) its content. */
  const age = (ageMs: number, app = t, snapshot = app.app.get(EntitlementsService).snapshot()) =>
    app.app.get(EntitlementsService).replace({ ...snapshot, refreshed_at: new Date(Date.now() - ageMs).toISOString() });

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    await addLicense(t, owner, ['scim']);
  });
  afterAll(() => closeWorld(t, db));

  it('anonymous callers get 401', async () => {
    expect((await t.http.post(REFRESH).expect(401)).body).toEqual(
      signedOut('Cookie "coder_session_token" or query parameter must be provided.'),
    );
  });

  const others = nonOwnerRoles(() => ({ t, owner }));
  it.each(Object.keys(others))(
    '%s gets 403 Forbidden. (it needs license create), even when a refresh is due',
    async (role) => {
      const session = await others[role]();
      age(120_000);
      expect((await t.http.post(REFRESH).set(auth(session.token)).expect(403)).body).toEqual(FORBIDDEN);
    },
  );

  it('right after a computation: 400 with Retry-After and how long to wait, nothing recomputed', async () => {
    await service().refresh();
    const before = service().snapshot();
    const res = await t.http.post(REFRESH).set(auth(owner.token)).expect(400);
    const seconds = Number(TOO_SOON.exec(res.body.message)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(55);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(res.headers['retry-after']).toBe(String(seconds));
    expect(res.body).toEqual({ message: res.body.message, detail: `Last refresh at ${before.refreshed_at}` });
    expect(service().snapshot()).toBe(before);
  });

  it('says how many seconds remain of the minute', async () => {
    age(45_500);
    const res = await t.http.post(REFRESH).set(auth(owner.token)).expect(400);
    expect(res.body.message).toBe(
      'Entitlements already recently refreshed, please wait 15 seconds to force a new refresh',
    );
    expect(res.headers['retry-after']).toBe('15');
  });

  it('a minute later: recomputes now and answers 200 {"message":"Entitlements updated"}; a second call is refused', async () => {
    // A stale snapshot that lost the license: the refresh must bring it back from the database.
    age(61_000, t, unlicensedSnapshot());
    expect((await entitlements()).features.scim.entitlement).toBe('not_entitled');
    const res = await t.http.post(REFRESH).set(auth(owner.token)).expect(200);
    expect(res.body).toEqual({ message: 'Entitlements updated' });
    const after = await entitlements();
    expect(after.features.scim.entitlement).toBe('entitled');
    expect(after.has_license).toBe(true);
    expect(Date.now() - Date.parse(after.refreshed_at)).toBeLessThan(5000);

    const again = await t.http.post(REFRESH).set(auth(owner.token)).expect(400);
    expect(again.body.message).toMatch(TOO_SOON);
    expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(55);
  });

  it('is in the OpenAPI document with its answers', async () => {
    const doc = (await t.http.get('/swagger/doc.json').expect(200)).body;
    const op = doc.paths['/api/v2/licenses/refresh-entitlements'].post;
    expect(op.summary).toMatch(/entitlements/i);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403']);
    expect(op.security).toEqual([{ CoderSessionToken: [] }]);
  });

  it('tells every other replica to recompute too', async () => {
    const other = await startTestApp({ databaseUrl: t.databaseUrl });
    try {
      // Let both replicas see each other first (that alone recomputes them).
      const haError = (e: { errors: string[] }) => e.errors.some((m) => m.startsWith('You have multiple replicas'));
      expect(
        await eventually(async () => haError(await entitlements(other)) && haError(await entitlements()), 15_000),
      ).toBe(true);
      age(61_000, other, unlicensedSnapshot());
      age(61_000);
      expect((await entitlements(other)).features.scim.entitlement).toBe('not_entitled');
      await t.http.post(REFRESH).set(auth(owner.token)).expect(200);
      expect(await eventually(async () => (await entitlements(other)).features.scim.entitlement === 'entitled')).toBe(
        true,
      );
    } finally {
      await other.close();
    }
  });
});
