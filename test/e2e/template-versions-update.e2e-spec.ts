import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND } from '../helpers/expectations.js';
import {
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  importVersion,
  uploadEchoTemplate,
} from '../helpers/templates.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';

const ACTIVATED = { message: 'Updated the active template version!' };
const NIL = '00000000-0000-0000-0000-000000000000';

describe('activating and renaming template versions', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let templateAdmin: Session;
  let outsider: Session;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    outsider = await createUser(t, owner, { orgId: await createOrg(t, owner) });
  });
  afterAll(() => closeWorld(t, db));

  const activate = (who: Session, templateId: string, body: unknown) =>
    t.http
      .patch(`/api/v2/templates/${templateId}/versions`)
      .set(auth(who.token))
      .send(body as object);
  const rename = (who: Session, versionId: string, body: unknown) =>
    t.http
      .patch(`/api/v2/templateversions/${versionId}`)
      .set(auth(who.token))
      .send(body as object);
  const template = async () =>
    createTemplate(t, owner, owner.orgId, (await importVersion(t, owner, owner.orgId)).id as string);
  const versionOf = (templateId: string, echo?: Parameters<typeof importVersion>[3]) =>
    importVersion(t, owner, owner.orgId, echo, { template_id: templateId });

  describe('PATCH /templates/{template}/versions', () => {
    it('makes a succeeded version of the template active, audits it, and workspaces see they are outdated', async () => {
      const tpl = await template();
      const ws = await createWorkspace(t, member, owner.orgId, tpl.id);
      const next = await versionOf(tpl.id);
      expect((await activate(templateAdmin, tpl.id, { id: next.id }).expect(200)).body).toEqual(ACTIVATED);
      expect(
        (await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(owner.token)).expect(200)).body.active_version_id,
      ).toBe(next.id);
      const workspace = (await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(member.token)).expect(200)).body;
      expect(workspace).toMatchObject({ template_active_version_id: next.id, outdated: true });
      const audit = await db.query(
        `SELECT action, status_code, diff, user_id FROM audit_logs WHERE resource_id = $1 AND action = 'write'`,
        [tpl.id],
      );
      expect(audit.rows).toEqual([
        {
          action: 'write',
          status_code: 200,
          user_id: templateAdmin.userId,
          diff: { active_version_id: { old: tpl.active_version_id, new: next.id, secret: false } },
        },
      ]);
      // Activating the active version again changes nothing.
      await activate(owner, tpl.id, { id: next.id }).expect(200);
      expect(
        (
          await db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE resource_id = $1 AND action = 'write'`, [
            tpl.id,
          ])
        ).rows[0].n,
      ).toBe(1);
    });

    it("refuses a version that is unknown (404), of another template (400), or whose import did not succeed (403), with Coder's messages", async () => {
      const tpl = await template();
      const other = await template();
      expect((await activate(owner, tpl.id, { id: randomUUID() }).expect(404)).body).toEqual({
        message: 'Template version not found.',
      });
      expect((await activate(owner, tpl.id, { id: other.active_version_id }).expect(400)).body).toEqual({
        message: "The provided template version doesn't belong to the specified template.",
      });
      const failed = await versionOf(tpl.id, { fail: 'broken' });
      expect(failed.job.status).toBe('failed');
      expect((await activate(owner, tpl.id, { id: failed.id }).expect(403)).body).toEqual({
        message: 'Only versions that have been built successfully can be promoted.',
        detail: 'Attempted to promote a version with a failed build',
      });
      // No daemon runs Terraform here, so this import stays pending.
      const pending = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
        provisioner: 'terraform',
        template_id: tpl.id,
      });
      expect((await activate(owner, tpl.id, { id: pending.id }).expect(403)).body.detail).toBe(
        'Attempted to promote a version with a pending build',
      );
      await db.query('UPDATE template_versions SET archived = true WHERE id = $1', [(await versionOf(tpl.id)).id]);
      const archived = (
        await db.query('SELECT id FROM template_versions WHERE template_id = $1 AND archived', [tpl.id])
      ).rows[0].id;
      expect((await activate(owner, tpl.id, { id: archived }).expect(400)).body).toEqual({
        message: 'The provided template version is archived.',
      });
      expect(
        (await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(owner.token)).expect(200)).body.active_version_id,
      ).toBe(tpl.active_version_id);
    });

    it('validates the body: id is required (the nil UUID too) and must be a UUID', async () => {
      const tpl = await template();
      expect((await activate(owner, tpl.id, {}).expect(400)).body).toMatchObject({
        message: 'Validation failed.',
        validations: [{ field: 'id' }],
      });
      expect((await activate(owner, tpl.id, { id: NIL }).expect(400)).body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'id', detail: `Validation failed for tag "required" with value: "${NIL}"` }],
      });
      expect((await activate(owner, tpl.id, { id: 'v2' }).expect(400)).body.validations).toEqual([
        { field: 'id', detail: 'Validation failed for tag "uuid" with value: "v2"' },
      ]);
    });

    it('is 403 for a member who uses the template and 404 for those who cannot see it', async () => {
      const tpl = await template();
      const next = await versionOf(tpl.id);
      expect((await activate(member, tpl.id, { id: next.id }).expect(403)).body).toEqual(FORBIDDEN);
      expect((await activate(outsider, tpl.id, { id: next.id }).expect(404)).body).toEqual(NOT_FOUND);
      await t.http.patch(`/api/v2/templates/${tpl.id}/versions`).send({ id: next.id }).expect(401);
      expect(
        (await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(owner.token)).expect(200)).body.active_version_id,
      ).toBe(tpl.active_version_id);
    });
  });

  describe('PATCH /templateversions/{templateversion}', () => {
    it('renames and sets the message; an empty name and an absent message keep theirs', async () => {
      const tpl = await template();
      const version = await versionOf(tpl.id);
      const res = await rename(owner, version.id, { name: 'v1.2.3', message: 'tagged' }).expect(200);
      expect(res.body).toMatchObject({ id: version.id, template_id: tpl.id, name: 'v1.2.3', message: 'tagged' });
      expect(res.body.job.id).toBe(version.job.id);
      expect((await rename(owner, version.id, { name: '' }).expect(200)).body).toMatchObject({
        name: 'v1.2.3',
        message: 'tagged',
      });
      expect((await rename(owner, version.id, { message: '' }).expect(200)).body).toMatchObject({
        name: 'v1.2.3',
        message: '',
      });
      expect(
        (await t.http.get(`/api/v2/templateversions/${version.id}`).set(auth(member.token)).expect(200)).body.name,
      ).toBe('v1.2.3');
    });

    it("keeps names unique within the template (Coder's 400), but not across templates", async () => {
      const tpl = await template();
      const a = await versionOf(tpl.id);
      const b = await versionOf(tpl.id);
      await rename(owner, a.id, { name: 'stable' }).expect(200);
      expect((await rename(owner, b.id, { name: 'stable' }).expect(400)).body).toEqual({
        message: 'template version name must be unique for a template',
        validations: [{ field: 'name', detail: 'Name is already used' }],
      });
      // Renaming to its own name is fine.
      await rename(owner, a.id, { name: 'stable' }).expect(200);
      const elsewhere = await versionOf((await template()).id);
      await rename(owner, elsewhere.id, { name: 'stable' }).expect(200);
    });

    it("validates the name with Coder's rule", async () => {
      const version = await versionOf((await template()).id);
      expect((await rename(owner, version.id, { name: 'no spaces please' }).expect(400)).body.validations).toEqual([
        { field: 'name', detail: 'Validation failed for tag "template_version_name" with value: "no spaces please"' },
      ]);
      await rename(owner, version.id, { message: 5 }).expect(400);
    });

    it('is 403 for a member who can read the version and 404 for others; 400 for a malformed id', async () => {
      const tpl = await template();
      const version = await versionOf(tpl.id);
      expect((await rename(member, version.id, { name: 'mine' }).expect(403)).body).toEqual(FORBIDDEN);
      expect((await rename(outsider, version.id, { name: 'mine' }).expect(404)).body).toEqual(NOT_FOUND);
      await rename(owner, randomUUID(), { name: 'x' }).expect(404);
      await rename(owner, 'nope', { name: 'x' }).expect(400);
      expect(
        (await t.http.get(`/api/v2/templateversions/${version.id}`).set(auth(owner.token)).expect(200)).body.name,
      ).toBe(version.name);
    });
  });
});
