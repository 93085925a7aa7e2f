import type pg from 'pg';
import type { Test } from 'supertest';
import { openWorld, type TestApp, type TestAppOptions } from './app.js';
import { addLicense } from './licenses.js';
import type { Owner } from './world.js';

/** The SCIM key every SCIM test app is started with. */
export const SCIM_KEY = 'scim-test-key-0123456789abcdef';

export const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A SCIM client on one mount (`/scim/v2` by default), sending the key as `Bearer`. */
export interface ScimClient {
  (method: Method, path: string, body?: unknown): Test;
  mount: string;
}

export function scimClient(t: TestApp, mount = '/scim/v2', key = `Bearer ${SCIM_KEY}`): ScimClient {
  const client = ((method: Method, path: string, body?: unknown) => {
    const req = t.http[method](`${mount}${path}`).set('Authorization', key);
    if (body === undefined) return req;
    return req.set('Content-Type', 'application/scim+json').send(JSON.stringify(body));
  }) as ScimClient;
  client.mount = mount;
  return client;
}

export interface ScimWorld {
  t: TestApp;
  db: pg.Client;
  owner: Owner;
  scim: ScimClient;
}

/**
 * A running app with SCIM configured (CODER_SCIM_AUTH_HEADER) and, unless `license` is false, a
 * license granting `scim` and `template_rbac` (groups).
 */
export async function openScimWorld(options: TestAppOptions & { license?: boolean } = {}): Promise<ScimWorld> {
  const world = await openWorld({ ...options, env: { CODER_SCIM_AUTH_HEADER: SCIM_KEY, ...options.env } });
  if (options.license !== false) await addLicense(world.t, world.owner, ['scim', 'template_rbac']);
  return { ...world, scim: scimClient(world.t) };
}

/** The body of an RFC 7644 §3.12 error. */
export function scimError(status: number, scimType?: string): Record<string, unknown> {
  const body: Record<string, unknown> = { schemas: [SCIM_ERROR], status: String(status) };
  if (scimType) body.scimType = scimType;
  return body;
}

/** An Okta-style create body. */
export function oktaUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const [given, family] = ['Ada', 'Lovelace'];
  return {
    schemas: [SCIM_USER],
    userName,
    name: { givenName: given, familyName: family },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${given} ${family}`,
    locale: 'en-US',
    externalId: `00u${userName.replace(/[^a-z0-9]/gi, '').slice(0, 12)}`,
    groups: [],
    password: 'ignored-Passw0rd!',
    active: true,
    ...extra,
  };
}
