import type { Response } from 'supertest';
import { startTestApp } from '../helpers/app.js';
import { auth, login, PASSWORD } from '../helpers/world.js';
import {
  commonExtras,
  forbiddenValues,
  normalize,
  omit,
  POLLUTION_KEY,
  protoExtras,
  SENTINEL,
  withProto,
  type MassProbe,
  type Sent,
} from '../security/mass-assignment.js';
import { MASS_EXCLUSIONS, MASS_PROBES } from '../security/mass-assignment.probes.js';
import { MATRIX_ENV, openMatrixWorld, type MatrixWorld } from '../security/matrix-world.js';
import { isWriteMethod, listAppRoutes } from '../security/routes.js';

/**
 * Every write route gets its normal body, then (on a fresh object in the same state) the same body
 * with unknown fields, read-only fields of the resource, organization B's ids and a `__proto__` key
 * added. The answer's status and what is stored (read back through the API) must be the same, up to
 * the ids, names and time stamps of the two objects, and no planted value may show up anywhere.
 */
async function send(w: MatrixWorld, sent: Sent, text: string): Promise<Response> {
  let req = w.t.http[sent.method](sent.path);
  if (sent.token !== null) req = req.set(auth(sent.token ?? w.owner.token));
  for (const [name, value] of Object.entries(sent.headers ?? {})) req = req.set(name, value);
  return req.set('Content-Type', sent.contentType ?? 'application/json').send(text);
}

/** The probe's extras for this request: never a field of the normal body or one the route may write. */
function extrasFor(
  w: MatrixWorld,
  probe: MassProbe,
  sent: Sent,
  f: Parameters<MassProbe['request']>[1],
): Record<string, unknown> {
  const all = { ...(probe.noCommonExtras ? {} : commonExtras(w)), ...(probe.extras?.(w, f) ?? {}) };
  return omit(all, ...Object.keys(sent.body), ...(probe.writable ?? []));
}

function planted(w: MatrixWorld, text: string): string[] {
  return forbiddenValues(w).filter((value) => text.includes(value));
}

/** The first user, made on a deployment of its own with every extra planted, read back. */
async function firstUserWithExtras(): Promise<{
  status: number;
  user: Record<string, unknown>;
  orgId: string;
  text: string;
}> {
  const t = await startTestApp({ env: MATRIX_ENV });
  try {
    const body = { email: 'first@example.com', username: 'first', password: PASSWORD };
    const extras = {
      mass_assignment_unknown_field: SENTINEL.text,
      id: SENTINEL.id,
      created_at: SENTINEL.time,
      roles: ['auditor', 'user-admin'],
      rbac_roles: ['auditor'],
      status: 'suspended',
      login_type: 'none',
      organization_id: SENTINEL.id,
      organization_ids: [SENTINEL.id],
      last_seen_at: SENTINEL.time,
    };
    const res = await t.http
      .post('/api/v2/users/first')
      .set('Content-Type', 'application/json')
      .send(withProto({ ...extras, ...body }, { roles: ['auditor'], status: 'suspended', [POLLUTION_KEY]: true }));
    const token = await login(t, body.email);
    const user = (await t.http.get('/api/v2/users/me').set(auth(token)).expect(200)).body;
    return { status: res.status, user, orgId: res.body.organization_id, text: res.text + JSON.stringify(user) };
  } finally {
    await t.close();
  }
}

describe('mass assignment: extra, read-only and unknown fields on every write (issue 12)', () => {
  let first: Awaited<ReturnType<typeof firstUserWithExtras>>;
  let w: MatrixWorld;

  beforeAll(async () => {
    // Before the main world, which creates the first user of its own database.
    first = await firstUserWithExtras();
    w = await openMatrixWorld();
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  });

  it('every write route has a probe or a stated exclusion, and none is stale', () => {
    const writes = listAppRoutes(w.t)
      .filter((r) => isWriteMethod(r.method))
      .map((r) => r.key);
    expect(writes.length).toBeGreaterThan(40);
    const covered = new Set([...Object.keys(MASS_PROBES), ...Object.keys(MASS_EXCLUSIONS)]);
    expect({ unprobed: writes.filter((k) => !covered.has(k)) }).toEqual({ unprobed: [] });
    expect({ stale: [...covered].filter((k) => !writes.includes(k)) }).toEqual({ stale: [] });
    expect(Object.keys(MASS_PROBES).filter((k) => MASS_EXCLUSIONS[k])).toEqual([]);
  });

  it('the first user is the owner the normal body makes, whatever else the body says', async () => {
    const owner = (await w.t.http.get(`/api/v2/users/${w.owner.userId}`).set(auth(w.owner.token)).expect(200)).body;
    const view = (user: Record<string, unknown>, vars: string[]) =>
      normalize(omit(user, 'organization_ids', 'last_seen_at'), vars);
    expect(first.status).toBe(201);
    expect(view(first.user, ['first@example.com', 'first'])).toBe(view(owner, [w.owner.email, w.owner.username]));
    expect(first.user.organization_ids).toEqual([first.orgId]);
    expect(first.text).not.toContain(SENTINEL.id);
    expect(first.text).not.toContain(SENTINEL.text);
  });

  it('the answer and the stored object are the ones of the normal body', async () => {
    const failures: string[] = [];
    for (const [route, probe] of Object.entries(MASS_PROBES)) {
      try {
        const f1 = await probe.setup(w);
        const normal = probe.request(w, f1);
        const r1 = await send(w, normal, JSON.stringify(normal.body));
        if (r1.status >= 300) throw new Error(`the normal request failed: ${r1.status} ${r1.text.slice(0, 200)}`);
        const before = normalize(await probe.readBack(w, f1, r1), f1.vars);

        const f2 = await probe.setup(w);
        const sent = probe.request(w, f2);
        const extras = extrasFor(w, probe, sent, f2);
        const body = probe.plant ? probe.plant(sent.body, extras) : { ...extras, ...sent.body };
        const r2 = await send(w, sent, withProto(body, protoExtras(w)));
        if (r2.status !== r1.status) {
          failures.push(`${route}: ${r2.status} with the extras, ${r1.status} without: ${r2.text.slice(0, 200)}`);
          continue;
        }
        const stored = await probe.readBack(w, f2, r2);
        const after = normalize(stored, f2.vars);
        if (after !== before)
          failures.push(`${route}: stored differently with the extras:\n  without ${before}\n  with    ${after}`);
        const found = planted(w, r2.text + JSON.stringify(stored));
        if (found.length > 0)
          failures.push(`${route}: planted values in the answer or the stored object: ${found.join(', ')}`);
      } catch (err) {
        failures.push(`${route}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(Object.prototype).not.toHaveProperty(POLLUTION_KEY);
  }, 240_000);
});
