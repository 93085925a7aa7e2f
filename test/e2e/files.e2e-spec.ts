import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { writeTar } from '../../src/core/provisioning/echo/tar.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { NOT_FOUND } from '../helpers/expectations.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('files', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let alice: Session;
  let bob: Session;
  let templateAdmin: Session;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    alice = await createUser(t, owner);
    bob = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
  });
  afterAll(() => closeWorld(t, db));

  // superagent would JSON-encode a Buffer sent as application/json: strings go as they are.
  const upload = (who: Session, body: Buffer | string, type = 'application/x-tar') =>
    t.http.post('/api/v2/files').set(auth(who.token)).set('Content-Type', type).send(body);

  it('stores a tar (201) and answers 200 with the same id when the same user uploads the same bytes', async () => {
    const tar = writeTar({ 'echo.json': JSON.stringify({ resources: [] }), 'README.md': '# hi' });
    const first = await upload(alice, tar).expect(201);
    expect(first.body).toEqual({ hash: expect.stringMatching(UUID) });
    const again = await upload(alice, tar).expect(200);
    expect(again.body).toEqual(first.body);
    const row = await db.query('SELECT hash, mimetype, created_by FROM files WHERE id = $1', [first.body.hash]);
    expect(row.rows[0]).toMatchObject({ mimetype: 'application/x-tar', created_by: alice.userId });
    expect(row.rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('deduplicates per user: another user uploading the same bytes gets its own file', async () => {
    const json = JSON.stringify({ resources: [{ name: 'x', type: 'y' }] });
    const mine = (await upload(alice, json, 'application/json').expect(201)).body.hash;
    const theirs = (await upload(bob, json, 'application/json').expect(201)).body.hash;
    expect(theirs).not.toBe(mine);
  });

  it("refuses other content types, with Coder's message", async () => {
    for (const type of ['text/plain', 'application/x-tar; charset=utf-8', 'application/zip']) {
      const res = await upload(alice, 'data', type).expect(400);
      expect(res.body).toEqual({
        message: `Unsupported content type header ${JSON.stringify(type)}.`,
        detail: expect.stringContaining('application/x-tar'),
      });
    }
  });

  it('refuses bodies over 10 MiB with 413, and accepts one just under', async () => {
    const res = await upload(alice, Buffer.alloc(10 * 1024 * 1024 + 1, 1)).expect(413);
    expect(res.body).toEqual({ message: 'Request body too large.', detail: expect.stringContaining('10') });
    await upload(alice, Buffer.alloc(10 * 1024 * 1024 - 1024, 2)).expect(201);
  });

  it('needs a session', async () => {
    await t.http.post('/api/v2/files').set('Content-Type', 'application/x-tar').send(Buffer.from('x')).expect(401);
  });

  it('serves the bytes with their content type to the uploader, owners and template admins; others get 404', async () => {
    const json = JSON.stringify({ resources: [], logs: ['read me'] });
    const id = (await upload(alice, json, 'application/json').expect(201)).body.hash;
    for (const who of [alice, owner, templateAdmin]) {
      const res = await t.http
        .get(`/api/v2/files/${id}`)
        .set(auth(who.token))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect((res.body as Buffer).toString()).toBe(json);
    }
    expect((await t.http.get(`/api/v2/files/${id}`).set(auth(bob.token)).expect(404)).body).toEqual(NOT_FOUND);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await t.http.get('/api/v2/files/not-a-uuid').set(auth(alice.token)).expect(400)).body).toEqual({
      message: 'File id must be a valid UUID.',
    });
    expect((await t.http.get(`/api/v2/files/${randomUUID()}`).set(auth(owner.token)).expect(404)).body).toEqual(
      NOT_FOUND,
    );
  });
});
