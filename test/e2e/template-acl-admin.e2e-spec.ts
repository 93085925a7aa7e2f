import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { createTemplate, createTemplateVersion, uploadEchoTemplate, waitForVersion } from '../helpers/templates.js';
import { auth, createUser, unique, type Owner, type Session } from '../helpers/world.js';

const TEMPLATE_MISSING = { message: 'Template does not exist.' };

/**
 * What a template ACL grant allows beyond the ACL itself (Coder's dbauthz): an `admin` may push
 * versions for that template, activate them, change its settings and read the files its versions
 * were imported from; `use` allows none of it.
 */
describe('template ACL admin grants', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  /** Everyone may use it. */
  let open: { id: string; fileId: string };
  /** Only ACL entries reach it. */
  let closed: { id: string; fileId: string };
  let userAdmin: Session;
  let groupAdmin: Session;
  let userUser: Session;
  let groupUser: Session;
  let member: Session;

  const template = async (extra: Record<string, unknown> = {}) => {
    const fileId = await uploadEchoTemplate(t, owner);
    const version = await waitForVersion(t, owner, (await createTemplateVersion(t, owner, owner.orgId, fileId)).id);
    return { id: (await createTemplate(t, owner, owner.orgId, version.id as string, extra)).id as string, fileId };
  };
  const group = async (members: string[]) => {
    const res = await t.http
      .post(`/api/v2/organizations/${owner.orgId}/groups`)
      .set(auth(owner.token))
      .send({ name: unique('g') })
      .expect(201);
    await t.http.patch(`/api/v2/groups/${res.body.id}`).set(auth(owner.token)).send({ add_users: members }).expect(200);
    return res.body.id as string;
  };
  const grant = (templateId: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/v2/templates/${templateId}/acl`).set(auth(owner.token)).send(body).expect(200);

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    await addLicense(t, owner, ['template_rbac']);
    [userAdmin, groupAdmin, userUser, groupUser, member] = await Promise.all(
      [1, 2, 3, 4, 5].map(() => createUser(t, owner)),
    );
    open = await template();
    closed = await template({ disable_everyone_group_access: true });
    const admins = await group([groupAdmin.userId]);
    const users = await group([groupUser.userId]);
    await grant(open.id, { user_perms: { [userAdmin.userId]: 'admin' }, group_perms: { [admins]: 'admin' } });
    await grant(closed.id, { user_perms: { [userUser.userId]: 'use' }, group_perms: { [users]: 'use' } });
  });
  afterAll(() => closeWorld(t, db));

  const pushVersion = (who: Session, fileId: string, templateId?: string) =>
    t.http
      .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
      .set(auth(who.token))
      .send({
        storage_method: 'file',
        provisioner: 'echo',
        file_id: fileId,
        ...(templateId ? { template_id: templateId } : {}),
      });
  const activate = (who: Session, templateId: string, id: string) =>
    t.http.patch(`/api/v2/templates/${templateId}/versions`).set(auth(who.token)).send({ id });
  const patchMeta = (who: Session, templateId: string) =>
    t.http
      .patch(`/api/v2/templates/${templateId}`)
      .set(auth(who.token))
      .send({ description: unique('d') });
  const download = (who: Session, fileId: string) => t.http.get(`/api/v2/files/${fileId}`).set(auth(who.token));

  describe.each([
    ['a user entry', () => userAdmin],
    ['a group entry', () => groupAdmin],
  ])('"admin" through %s', (_, who) => {
    it("pushes a version for that template (its own upload or the template's file) and activates it", async () => {
      const own = await uploadEchoTemplate(t, who());
      const pushed = await pushVersion(who(), own, open.id).expect(201);
      expect(pushed.body.template_id).toBe(open.id);
      await waitForVersion(t, who(), pushed.body.id);
      expect((await activate(who(), open.id, pushed.body.id).expect(200)).body).toEqual({
        message: 'Updated the active template version!',
      });
      const again = await pushVersion(who(), open.fileId, open.id).expect(201);
      expect(again.body.job.file_id).toBe(open.fileId);
    });

    it("updates the template's settings and renames its versions", async () => {
      await patchMeta(who(), open.id).expect(200);
      const versions = (await t.http.get(`/api/v2/templates/${open.id}/versions`).set(auth(who().token)).expect(200))
        .body;
      await t.http
        .patch(`/api/v2/templateversions/${versions[0].id}`)
        .set(auth(who().token))
        .send({ message: unique('m') })
        .expect(200);
    });

    it("downloads the files the template's versions were imported from, but not another template's", async () => {
      const res = await download(who(), open.fileId).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect((await download(who(), closed.fileId).expect(404)).body).toEqual(NOT_FOUND);
    });

    it("may not push a version for no template or for another template, nor use another template's file", async () => {
      const own = await uploadEchoTemplate(t, who());
      expect((await pushVersion(who(), own).expect(403)).body).toEqual(FORBIDDEN);
      expect((await pushVersion(who(), own, closed.id).expect(404)).body).toEqual(TEMPLATE_MISSING);
      expect((await pushVersion(who(), closed.fileId, open.id).expect(404)).body).toEqual({
        message: 'File not found.',
      });
      await patchMeta(who(), closed.id).expect(404);
    });
  });

  describe.each([
    ['a user entry', () => userUser],
    ['a group entry', () => groupUser],
  ])('"use" through %s', (_, who) => {
    it('sees the template but may do none of it (403)', async () => {
      await t.http.get(`/api/v2/templates/${closed.id}`).set(auth(who().token)).expect(200);
      const own = await uploadEchoTemplate(t, who());
      expect((await pushVersion(who(), own, closed.id).expect(403)).body).toEqual(FORBIDDEN);
      const active = (await t.http.get(`/api/v2/templates/${closed.id}`).set(auth(owner.token)).expect(200)).body
        .active_version_id;
      expect((await activate(who(), closed.id, active).expect(403)).body).toEqual(FORBIDDEN);
      expect((await patchMeta(who(), closed.id).expect(403)).body).toEqual(FORBIDDEN);
      expect((await download(who(), closed.fileId).expect(403)).body).toEqual(FORBIDDEN);
      // They use the open template through Everyone: the same.
      expect((await download(who(), open.fileId).expect(403)).body).toEqual(FORBIDDEN);
    });
  });

  it('a plain member: 403 on what Everyone lets it use, 404 on what it cannot see', async () => {
    const own = await uploadEchoTemplate(t, member);
    expect((await pushVersion(member, own, open.id).expect(403)).body).toEqual(FORBIDDEN);
    expect((await download(member, open.fileId).expect(403)).body).toEqual(FORBIDDEN);
    expect((await pushVersion(member, own, closed.id).expect(404)).body).toEqual(TEMPLATE_MISSING);
    expect((await download(member, closed.fileId).expect(404)).body).toEqual(NOT_FOUND);
    await patchMeta(member, closed.id).expect(404);
    // Without a template_id the permission is checked before the body (403, not 400).
    await t.http
      .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
      .set(auth(member.token))
      .send({ provisioner: 'nope' })
      .expect(403);
  });

  it('demoting an admin to "use" takes the rights away', async () => {
    const tpl = await template({ disable_everyone_group_access: true });
    const user = await createUser(t, owner);
    await grant(tpl.id, { user_perms: { [user.userId]: 'admin' } });
    await download(user, tpl.fileId).expect(200);
    await grant(tpl.id, { user_perms: { [user.userId]: 'use' } });
    await download(user, tpl.fileId).expect(403);
    await pushVersion(user, await uploadEchoTemplate(t, user), tpl.id).expect(403);
    await grant(tpl.id, { user_perms: { [user.userId]: '' } });
    await download(user, tpl.fileId).expect(404);
  });
});
