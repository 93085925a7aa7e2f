import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense, deleteLicense } from '../helpers/licenses.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';

const APPEARANCE_GATE = { message: 'Appearance is an Enterprise feature. Contact sales!' };
const AUDIT_GATE = { message: 'Audit Log is an Enterprise feature. Contact sales!' };

/** Gated routes flip with the license, on the snapshot, without a restart. */
describe('feature gates follow the licenses', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
  });
  afterAll(() => closeWorld(t, db));

  const putAppearance = (token?: string) => {
    const req = t.http.put('/api/v2/appearance');
    if (token) req.set(auth(token));
    return req.send({ logo_url: 'https://example.com/logo.png', service_banner: { enabled: false } });
  };
  const readAudit = (token?: string) => {
    const req = t.http.get('/api/v2/audit');
    if (token) req.set(auth(token));
    return req;
  };

  it('403 → 200 when a license is added, and back to 403 when it is deleted', async () => {
    expect((await putAppearance(owner.token).expect(403)).body).toEqual(APPEARANCE_GATE);
    expect((await readAudit(owner.token).expect(403)).body).toEqual(AUDIT_GATE);

    const license = await addLicense(t, owner, ['appearance', 'audit_log']);
    await putAppearance(owner.token).expect(200);
    await readAudit(owner.token).expect(200);

    await deleteLicense(t, owner, license.id);
    expect((await putAppearance(owner.token).expect(403)).body).toEqual(APPEARANCE_GATE);
    expect((await readAudit(owner.token).expect(403)).body).toEqual(AUDIT_GATE);
  });

  it('checks authentication first, then the entitlement, then the role', async () => {
    // Anonymous callers never learn the license state.
    await putAppearance().expect(401);
    await readAudit().expect(401);
    // Unlicensed: a member sees the gate, not the role check.
    expect((await putAppearance(member.token).expect(403)).body).toEqual(APPEARANCE_GATE);
    const license = await addLicense(t, owner, ['appearance', 'audit_log']);
    expect((await putAppearance(member.token).expect(403)).body).toEqual({
      message: 'Insufficient permissions to update appearance',
    });
    expect((await readAudit(member.token).expect(403)).body).toEqual({ message: 'Forbidden.' });
    await putAppearance().expect(401);
    await deleteLicense(t, owner, license.id);
  });

  it.each([
    ['feature_set "enterprise"', { featureSet: 'enterprise' }],
    ['feature_set "premium"', { featureSet: 'premium' }],
    ['legacy all_features', { allFeatures: true }],
  ])('a %s license opens the gates; deleting it closes them', async (_, options) => {
    const license = await addLicense(t, owner, [], options);
    await putAppearance(owner.token).expect(200);
    await readAudit(owner.token).expect(200);
    await deleteLicense(t, owner, license.id);
    expect((await putAppearance(owner.token).expect(403)).body).toEqual(APPEARANCE_GATE);
  });

  it('a license in its grace period keeps the feature on', async () => {
    const grace = await addLicense(t, owner, ['audit_log'], { days: -1, graceDays: 3 });
    await readAudit(owner.token).expect(200);
    await deleteLicense(t, owner, grace.id);
    await readAudit(owner.token).expect(403);
  });
});
