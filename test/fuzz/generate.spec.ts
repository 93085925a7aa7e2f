import {
  BAD_CRONS,
  BAD_JWTS,
  BAD_SCIM_FILTERS,
  DEEP_EXTREME,
  NIL_UUID,
  Rng,
  checkAnswer,
  excerpt,
  generateRequest,
  hashSeed,
  listOperations,
  type FixtureView,
  type FuzzOperation,
} from '../../scripts/fuzz/run.mjs';

/**
 * The fuzz generator and invariant checks as pure logic, on a small OpenAPI document shaped like
 * the server's (the e2e pass runs them against the real document).
 */
const doc = {
  paths: {
    '/api/v2/users/{user}/quiet-hours': {
      put: {
        parameters: [{ name: 'user', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/UpdateQuietHoursRequest' } } },
        },
      },
    },
    '/api/v2/licenses': {
      post: {
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/AddLicenseRequest' } } },
        },
      },
    },
    '/api/v2/users': {
      get: {
        parameters: [
          { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
          { name: 'limit', in: 'query', required: false, schema: { type: 'number' } },
        ],
      },
    },
    '/scim/v2/Users': {
      get: {
        parameters: [
          { name: 'Authorization', in: 'header', required: true, schema: { type: 'string' } },
          { name: 'filter', in: 'query', required: false, schema: { type: 'string' } },
        ],
      },
    },
    '/scim/v2/Users/{id}': {
      patch: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          content: { 'application/scim+json': { schema: { $ref: '#/components/schemas/ScimPatchOpDto' } } },
        },
      },
    },
  },
  components: {
    schemas: {
      UpdateQuietHoursRequest: { type: 'object', properties: { schedule: { type: 'string' } }, required: ['schedule'] },
      AddLicenseRequest: { type: 'object', properties: { license: { type: 'string' } }, required: ['license'] },
      ScimPatchOpDto: {
        type: 'object',
        properties: {
          schemas: { type: 'array', items: { type: 'string' } },
          Operations: { type: 'array', items: { $ref: '#/components/schemas/Op' } },
        },
      },
      Op: {
        type: 'object',
        properties: {
          op: { type: 'string', enum: ['add', 'replace', 'remove'] },
          path: { type: 'string' },
          value: { type: 'object' },
        },
      },
    },
  },
};

const ids = {
  owner: '11111111-1111-4111-8111-111111111111',
  member: '22222222-2222-4222-8222-222222222222',
  target: '33333333-3333-4333-8333-333333333333',
  scimUser: '44444444-4444-4444-8444-444444444444',
};

/** The generator reads ids, names and secrets from the fixtures; these are what it is given here. */
function fixtures(): FixtureView {
  let n = 0;
  return {
    owner: { id: ids.owner, username: 'owner', token: 'ownertoken-aaaaaaaaaaaaaaaaaaaaaa' },
    member: { id: ids.member, token: 'membertoken-bbbbbbbbbbbbbbbbbbbbb' },
    target: { id: ids.target, username: 'target' },
    scimUserId: ids.scimUser,
    scimUserName: 'scim@example.com',
    licenseJwt: 'eyJhbGciOiJFZERTQSJ9.eyJmZWF0dXJlcyI6e319.c2lnbmF0dXJlc2lnbmF0dXJl',
    uniq: (prefix: string) => `fz${prefix}${++n}`,
    allIds: () => Object.values(ids),
  };
}

const ops = listOperations(doc);
const op = (key: string): FuzzOperation => {
  const found = ops.find((o) => o.key === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found;
};

function run(seed: number, operation: FuzzOperation, count: number) {
  const rng = new Rng(hashSeed(seed, operation.key));
  const fx = fixtures();
  return Array.from({ length: count }, () => generateRequest(doc, operation, fx, rng));
}

describe('fuzz generator', () => {
  it('reads every operation of the document, with its parameters and resolved body schema', () => {
    expect(ops.map((o) => o.key)).toEqual([
      'PUT /api/v2/users/{user}/quiet-hours',
      'POST /api/v2/licenses',
      'GET /api/v2/users',
      'GET /scim/v2/Users',
      'PATCH /scim/v2/Users/{id}',
    ]);
    expect(op('PUT /api/v2/users/{user}/quiet-hours').body?.schema).toMatchObject({
      properties: { schedule: { type: 'string' } },
    });
    // The SCIM key is the caller's business, not a parameter to fuzz.
    expect(op('GET /scim/v2/Users').headerParams).toEqual([]);
    expect(op('GET /scim/v2/Users').scim).toBe(true);
  });

  it('repeats the same requests for the same seed and differs for another', () => {
    const quiet = op('PUT /api/v2/users/{user}/quiet-hours');
    const strip = (reqs: ReturnType<typeof run>) =>
      reqs.map((r) => [r.method, r.path, r.mutation, r.site, r.body?.length]);
    expect(strip(run(7, quiet, 100))).toEqual(strip(run(7, quiet, 100)));
    expect(strip(run(8, quiet, 100))).not.toEqual(strip(run(7, quiet, 100)));
  });

  it('mutates one part of a valid request at a time', () => {
    for (const req of run(1, op('PUT /api/v2/users/{user}/quiet-hours'), 300)) {
      if (req.site.startsWith('path:')) {
        // The body stays the valid one.
        expect(JSON.parse(req.body ?? '')).toEqual({ schedule: 'CRON_TZ=Europe/Berlin 0 2 * * *' });
      } else if (
        req.site === 'valid' ||
        req.site.startsWith('body:') ||
        req.site === 'body' ||
        req.site === 'content-type'
      ) {
        // The path stays a valid user: the target, its name, or the caller.
        expect(req.path).toMatch(new RegExp(`^/api/v2/users/(${ids.target}|target|me)/quiet-hours$`));
      }
      if (req.site === 'valid') expect(req.headers['Content-Type']).toBe('application/json');
    }
  });

  it('writes bad crons into schedule fields, bad JWTs into license fields, bad filters and PatchOps on SCIM', () => {
    const cron = run(2, op('PUT /api/v2/users/{user}/quiet-hours'), 400).filter((r) => r.mutation === 'bad-cron');
    expect(cron.length).toBeGreaterThan(10);
    for (const r of cron) expect(BAD_CRONS).toContain(JSON.parse(r.body ?? '').schedule);

    const jwt = run(3, op('POST /api/v2/licenses'), 400).filter((r) => r.mutation === 'bad-jwt');
    expect(jwt.length).toBeGreaterThan(10);
    const licenses = jwt.map((r) => JSON.parse(r.body ?? '').license as string);
    // Some are tampered copies of the fixture license, never the license itself.
    expect(licenses.some((l) => !BAD_JWTS.includes(l))).toBe(true);
    expect(licenses).not.toContain(fixtures().licenseJwt);

    const filters = run(4, op('GET /scim/v2/Users'), 400).filter((r) => r.mutation === 'bad-scim-filter');
    expect(filters.length).toBeGreaterThan(10);
    for (const r of filters) {
      const filter = new URL(r.path, 'http://x').searchParams.get('filter');
      expect(BAD_SCIM_FILTERS).toContain(filter);
    }

    const patches = run(5, op('PATCH /scim/v2/Users/{id}'), 400).filter((r) => r.mutation === 'bad-scim-patchop');
    expect(patches.length).toBeGreaterThan(10);
    for (const r of patches) expect(r.body).toContain('"Operations":');
  });

  it('writes raw JSON the serializer cannot: 2^53+1, 1e309, deep nesting, __proto__ keys', () => {
    const reqs = [
      ...run(6, op('PUT /api/v2/users/{user}/quiet-hours'), 1500),
      ...run(6, op('POST /api/v2/licenses'), 1500),
    ];
    const bodies = (mutation: string) => reqs.filter((r) => r.mutation === mutation).map((r) => r.body ?? '');
    expect(bodies('int-overflow').some((b) => b.includes(':9007199254740993'))).toBe(true);
    expect(bodies('int-overflow').some((b) => b.includes(':1e309'))).toBe(true);
    const deep = bodies('deep-object-100k')[0];
    expect(deep.split('{"a":').length - 1).toBeGreaterThanOrEqual(DEEP_EXTREME);
    expect(() => JSON.parse(deep)).not.toThrow();
    expect(bodies('deep-array-100k')[0]).toContain('['.repeat(DEEP_EXTREME));
    expect(bodies('proto-top')[0]).toMatch(/^\{"__proto__":\{/);
    expect(bodies('lone-surrogate').some((b) => /\\ud800|\\udc00/.test(b))).toBe(true);
    expect(bodies('huge-string').every((b) => b.length > 100_000)).toBe(true);
  });

  it('puts path traversal, NUL and nil UUIDs into path parameters', () => {
    const reqs = run(9, op('PUT /api/v2/users/{user}/quiet-hours'), 1500);
    const paths = (mutation: string) => reqs.filter((r) => r.mutation === mutation).map((r) => r.path);
    expect(paths('path-traversal').some((p) => p.includes('..%2f..%2fetc%2fpasswd'))).toBe(true);
    expect(paths('nul').every((p) => p.includes('%00'))).toBe(true);
    expect(paths('nil-uuid')).toContain(`/api/v2/users/${NIL_UUID}/quiet-hours`);
    // Another real object's id where a user belongs.
    expect(paths('other-valid-id').length).toBeGreaterThan(0);
  });

  it('sends wrong Content-Types, none at all, and malformed credentials instead of the caller', () => {
    const reqs = run(10, op('PUT /api/v2/users/{user}/quiet-hours'), 1500);
    const types = new Set(reqs.filter((r) => r.site === 'content-type').map((r) => r.headers['Content-Type']));
    expect(types).toContain('text/plain');
    expect(types).toContain('multipart/form-data; boundary=----fuzz');
    expect(types).toContain(undefined);
    const credentials = reqs.filter((r) => r.replacesCaller);
    expect(credentials.length).toBeGreaterThan(0);
    expect(reqs.filter((r) => !r.replacesCaller).every((r) => r.headers['Coder-Session-Token'] === undefined)).toBe(
      true,
    );
  });
});

describe('fuzz invariants', () => {
  const answer = (status: number, body: unknown, ms = 5) => ({
    status,
    ms,
    text: typeof body === 'string' ? body : JSON.stringify(body),
  });

  it('wants the envelope on API errors and a SCIM error on SCIM routes', () => {
    expect(checkAnswer('/api/v2/users', answer(400, { message: 'Validation failed.', validations: [] }))).toEqual([]);
    expect(checkAnswer('/api/v2/users', answer(404, '<html>Not Found</html>'))).toEqual([
      { invariant: 'error-envelope', detail: '404 is not the {message} envelope' },
    ]);
    expect(checkAnswer('/api/v2/users', answer(400, { error: 'x' }))).toHaveLength(1);
    expect(checkAnswer('/api/v2/users', answer(431, ''))).toHaveLength(1);
    const scimError = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'no' };
    expect(checkAnswer('/scim/v2/Users', answer(401, scimError))).toEqual([]);
    expect(checkAnswer('/api/v2/scim/v2/Users?filter=x', answer(401, scimError))).toEqual([]);
    expect(checkAnswer('/scim/v2/Users', answer(401, { message: 'Unauthorized' }))).toEqual([
      { invariant: 'scim-error-body', detail: '401 is not a SCIM error' },
    ]);
    // The status inside must be the answer's own, as a string.
    expect(checkAnswer('/scim/v2/Users', answer(400, { ...scimError, status: 401 }))).toHaveLength(1);
  });

  it('counts 5xx, slow answers, resets and timeouts', () => {
    expect(
      checkAnswer('/api/v2/users', answer(500, { message: 'An internal server error occurred.' })).map(
        (v) => v.invariant,
      ),
    ).toEqual(['no-5xx']);
    expect(checkAnswer('/api/v2/users', answer(200, {}, 2500)).map((v) => v.invariant)).toEqual(['under-2s']);
    expect(
      checkAnswer('/api/v2/users', { status: 0, ms: 3, error: { code: 'ECONNRESET', message: 'socket hang up' } }).map(
        (v) => v.invariant,
      ),
    ).toEqual(['connection-reset']);
    expect(
      checkAnswer('/api/v2/users', { status: 0, ms: 10_000, error: { code: 'TIMEOUT', message: 'x' } }).map(
        (v) => v.invariant,
      ),
    ).toEqual(['no-answer-timeout']);
    expect(checkAnswer('/api/v2/users', answer(201, { id: 1 }))).toEqual([]);
  });

  it('never prints a secret: known values and secret-named fields are blanked', () => {
    const text = JSON.stringify({
      session_token: 'abcdefghij-0123456789012345678901',
      proxy_token: 'p:x',
      note: 'key SCIMKEY123 inside',
      app_security_key: 'ff',
    });
    const out = excerpt(text, ['SCIMKEY123'], 1000);
    expect(out).not.toContain('abcdefghij-0123456789012345678901');
    expect(out).not.toContain('SCIMKEY123');
    expect(out).not.toContain('p:x');
    expect(out).toContain('"session_token":"[redacted]"');
    expect(excerpt('a\u0000b\u202e', [], 50)).toBe('a\\u0000b\\u202e');
    expect(excerpt('x'.repeat(500), [], 10)).toBe(`${'x'.repeat(10)}…`);
  });
});
