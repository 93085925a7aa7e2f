import type { Response } from 'supertest';
import { auth } from '../helpers/world.js';
import type { MatrixWorld } from './matrix-world.js';
import type { Json } from '../helpers/json.js';

/**
 * The mass-assignment probes' shared parts: distinctive values to plant in request bodies, the
 * fields every write is sent, and the comparison of what was stored.
 */
export const SENTINEL = {
  id: 'dead0000-0000-4000-8000-00000000beef',
  time: '2001-02-03T04:05:06.000Z',
  text: 'mass-assignment-sentinel',
  number: 987654,
  url: 'https://sentinel.example.com',
} as const;

/** Set on Object.prototype if a body's `__proto__` ever reached an assignment. */
export const POLLUTION_KEY = 'polluted_by_mass_assignment';

/** One request of a probe. The body is a plain JSON object (SCIM bodies too). */
export interface Sent {
  method: 'post' | 'put' | 'patch';
  path: string;
  body: Record<string, unknown>;
  /** Default: the owner's session. `null`: none. */
  token?: string | null;
  headers?: Record<string, string>;
  contentType?: string;
}

/** A probe's fresh state for one request: `vars` are its strings that differ from run to run. */
export interface Fresh {
  vars: string[];
  [key: string]: unknown;
}

export interface MassProbe {
  setup(w: MatrixWorld): Promise<Fresh>;
  /** The normal, valid request. */
  request(w: MatrixWorld, f: Fresh): Sent;
  /** Fields of `commonExtras` this route may write (they are left out of its extras). */
  writable?: string[];
  /** Read-only or foreign fields of this route's resource, planted besides `commonExtras`. */
  extras?(w: MatrixWorld, f: Fresh): Record<string, unknown>;
  /** Plants the extras somewhere else than the top level (e.g. inside a SCIM PatchOp value). */
  plant?(body: Record<string, unknown>, extras: Record<string, unknown>): Record<string, unknown>;
  /** Leaves `commonExtras` out (routes whose schema gives those names another meaning: SCIM). */
  noCommonExtras?: boolean;
  /** What the request stored (or answered, for routes that store nothing), read back. */
  readBack(w: MatrixWorld, f: Fresh, res: Response): Promise<unknown>;
}

/** Planted in every write (minus the fields the route may write): unknown and read-only fields. */
export function commonExtras(w: MatrixWorld): Record<string, unknown> {
  const victim = w.B.user.userId;
  return {
    mass_assignment_unknown_field: SENTINEL.text,
    id: SENTINEL.id,
    created_at: SENTINEL.time,
    updated_at: SENTINEL.time,
    organization_id: w.B.id,
    user_id: victim,
    owner_id: victim,
    created_by: victim,
    created_by_id: victim,
    initiator_id: victim,
    roles: ['owner'],
    rbac_roles: ['owner'],
    organization_roles: { [w.A.id]: ['organization-admin'] },
    status: 'suspended',
    login_type: 'none',
    quota_allowance: SENTINEL.number,
    budget: SENTINEL.number,
    credits_consumed: SENTINEL.number,
    daily_cost: SENTINEL.number,
    deleted: true,
    is_default: true,
    hashed_password: SENTINEL.text,
    hashed_secret: SENTINEL.text,
    last_seen_at: SENTINEL.time,
    members: [{ id: victim }],
    source: 'oidc',
  };
}

/** Planted as a `__proto__` key of the JSON text (what `JSON.parse` keeps as an own property). */
export function protoExtras(w: MatrixWorld): Record<string, unknown> {
  return {
    [POLLUTION_KEY]: true,
    roles: ['owner'],
    organization_id: w.B.id,
    quota_allowance: SENTINEL.number,
    status: 'suspended',
    scope: 'application_connect',
    user_id: w.B.user.userId,
  };
}

/** Values that must never be found in what a probe reads back: the planted ones and organization B's ids. */
export function forbiddenValues(w: MatrixWorld): string[] {
  const B = w.B;
  return [
    SENTINEL.id,
    SENTINEL.time.slice(0, 10),
    SENTINEL.text,
    String(SENTINEL.number),
    SENTINEL.url,
    B.id,
    B.user.userId,
    B.group.id,
    B.template.id,
    B.version.id,
    B.workspace.id,
  ];
}

/** JSON text with `__proto__` planted as the first key of the top-level object. */
export function withProto(body: Record<string, unknown>, proto: Record<string, unknown>): string {
  const text = JSON.stringify(body);
  return `{"__proto__":${JSON.stringify(proto)}${text === '{}' ? '}' : `,${text.slice(1)}`}`;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g;

/**
 * Job fields that name what ran the job rather than what was written: which daemon took it, and
 * its version's generated name (the version's own `name` is left out of the read-backs).
 */
function jobNamesOut(key: string, value: unknown): unknown {
  if (key === 'worker_name') return '<worker>';
  if (key === 'metadata' && value && typeof value === 'object' && 'template_version_name' in value) {
    return { ...value, template_version_name: '<version>' };
  }
  return value;
}

/** A read-back as text with the run's own strings, every id and every time stamp replaced. */
export function normalize(value: unknown, vars: string[]): string {
  let text = JSON.stringify(value, jobNamesOut) ?? 'undefined';
  [...vars]
    .sort((a, b) => b.length - a.length)
    .forEach((v, i) => {
      if (v) text = text.split(v).join(`<var${i}>`);
    });
  return text.replace(UUID, '<uuid>').replace(TIME, '<time>');
}

export function omit(value: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

/** GET as the owner, expecting 200. */
export async function ownerGet(w: MatrixWorld, path: string): Promise<Json> {
  return (await w.t.http.get(path).set(auth(w.owner.token)).expect(200)).body;
}
