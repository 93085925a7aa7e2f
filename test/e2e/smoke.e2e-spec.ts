import { startTestApp, type TestApp } from '../helpers/app.js';
import { auth, setupOwner } from '../helpers/world.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates the first user and reads it back', async () => {
    const owner = await setupOwner(t);
    const res = await t.http.get('/api/v2/users/me').set(auth(owner.token)).expect(200);
    expect(res.body.username).toBe('admin');
  });
});
