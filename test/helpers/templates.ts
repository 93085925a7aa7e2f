import { writeTar } from '../../src/core/provisioning/echo/tar.js';
import type { TestApp } from './app.js';
import { auth, unique, type Session } from './world.js';
import type { JsonObject } from './json.js';

/** An echo template (docs/provisioner-protocol.md §6). */
export interface EchoSource {
  resources?: { name: string; type: string; daily_cost?: number }[];
  stop_resources?: { name: string; type: string; daily_cost?: number }[];
  logs?: string[];
  fail?: string | null;
}

export const DEFAULT_ECHO: EchoSource = {
  resources: [
    { name: 'dev', type: 'docker_container', daily_cost: 7 },
    { name: 'home', type: 'docker_volume', daily_cost: 3 },
  ],
  stop_resources: [{ name: 'home', type: 'docker_volume', daily_cost: 1 }],
  logs: ['hello from echo'],
};

/** Uploads an echo template as JSON (default) or as a tar holding echo.json; returns the file id. */
export async function uploadEchoTemplate(
  t: TestApp,
  session: Session,
  echo: EchoSource = DEFAULT_ECHO,
  as: 'json' | 'tar' = 'json',
): Promise<string> {
  const text = JSON.stringify({ ...echo, nonce: unique('n') });
  // A string, not a Buffer: superagent would JSON-encode a Buffer sent as application/json.
  const body = as === 'json' ? text : writeTar({ 'echo.json': text });
  const res = await t.http
    .post('/api/v2/files')
    .set(auth(session.token))
    .set('Content-Type', as === 'json' ? 'application/json' : 'application/x-tar')
    .send(body)
    .expect(201);
  return res.body.hash as string;
}

export async function createTemplateVersion(
  t: TestApp,
  session: Session,
  orgId: string,
  fileId: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; job: { id: string; status: string } } & Record<string, unknown>> {
  const res = await t.http
    .post(`/api/v2/organizations/${orgId}/templateversions`)
    .set(auth(session.token))
    .send({ storage_method: 'file', provisioner: 'echo', file_id: fileId, ...extra })
    .expect(201);
  return res.body;
}

/** Polls a GET route answering an object with `job` (or being a build) until the job is no longer pending or running. */
export async function waitForJob(t: TestApp, session: Session, path: string, timeoutMs = 20_000): Promise<JsonObject> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http.get(path).set(auth(session.token)).expect(200);
    if (!['pending', 'running'].includes(res.body.job.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`${path}: job still ${res.body.job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const waitForVersion = (t: TestApp, session: Session, versionId: string) =>
  waitForJob(t, session, `/api/v2/templateversions/${versionId}`);
export const waitForBuild = (t: TestApp, session: Session, buildId: string) =>
  waitForJob(t, session, `/api/v2/workspacebuilds/${buildId}`);

/** Uploads, creates a version and waits for its import. */
export async function importVersion(
  t: TestApp,
  session: Session,
  orgId: string,
  echo: EchoSource = DEFAULT_ECHO,
  extra: Record<string, unknown> = {},
) {
  const fileId = await uploadEchoTemplate(t, session, echo);
  const version = await createTemplateVersion(t, session, orgId, fileId, extra);
  return waitForVersion(t, session, version.id);
}

export async function createTemplate(
  t: TestApp,
  session: Session,
  orgId: string,
  versionId: string,
  extra: Record<string, unknown> = {},
) {
  const res = await t.http
    .post(`/api/v2/organizations/${orgId}/templates`)
    .set(auth(session.token))
    .send({ name: unique('tpl'), template_version_id: versionId, ...extra })
    .expect(201);
  return res.body as JsonObject;
}

/** A template whose active version imported the given echo source. */
export async function echoTemplate(
  t: TestApp,
  session: Session,
  orgId: string,
  echo: EchoSource = DEFAULT_ECHO,
  extra: Record<string, unknown> = {},
) {
  const version = await importVersion(t, session, orgId, echo);
  return createTemplate(t, session, orgId, version.id as string, extra);
}

export async function createWorkspace(
  t: TestApp,
  session: Session,
  orgId: string,
  templateId: string,
  user = 'me',
  extra: Record<string, unknown> = {},
) {
  const res = await t.http
    .post(`/api/v2/organizations/${orgId}/members/${user}/workspaces`)
    .set(auth(session.token))
    .send({ template_id: templateId, name: unique('ws'), ...extra })
    .expect(201);
  return res.body as JsonObject;
}

export async function build(
  t: TestApp,
  session: Session,
  workspaceId: string,
  transition: string,
  extra: Record<string, unknown> = {},
) {
  const res = await t.http
    .post(`/api/v2/workspaces/${workspaceId}/builds`)
    .set(auth(session.token))
    .send({ transition, ...extra })
    .expect(201);
  return res.body as JsonObject;
}
