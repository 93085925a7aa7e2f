import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { isScimPath } from '../../src/enterprise/scim/discovery/scim.constants.js';
import { SCIM_ERROR } from '../helpers/scim.js';
import {
  CALLERS,
  openMatrixWorld,
  type Caller,
  type CallerName,
  type MatrixWorld,
  type OrgFixtures,
} from '../security/matrix-world.js';
import { PROBES, type ProbeRequest } from '../security/role-matrix.probes.js';
import { listAppRoutes, type AppRoute } from '../security/routes.js';

/**
 * Every route × target × caller, against the expected statuses in role-matrix.expected.json.
 * `UPDATE_MATRIX=1` rewrites the table from the actual answers (then review every changed row by
 * hand against src/core/rbac/policy.ts and the Coder behaviour specs before committing it: a 2xx
 * that a caller should not get is a security bug, never an expectation).
 */
const TABLE_PATH = join(process.cwd(), 'test/security/role-matrix.expected.json');
const UPDATE = process.env.UPDATE_MATRIX === '1';

/** Probed although not served: they must answer 404 to everyone. */
const ABSENT_ROUTES = new Set(['GET /metrics']);

type Row = Record<CallerName, number>;
interface Table {
  callers: CallerName[];
  /** Row key → why its answers are what they are (kept by UPDATE_MATRIX). */
  notes: Record<string, string>;
  rows: Record<string, Row>;
}

function readTable(): Table {
  if (!existsSync(TABLE_PATH)) return { callers: [...CALLERS], notes: {}, rows: {} };
  return JSON.parse(readFileSync(TABLE_PATH, 'utf8')) as Table;
}

/** One row per line, callers in a fixed order: reviewable in a diff. */
function writeTable(table: Table): void {
  const line = (obj: object) => JSON.stringify(obj).replace(/,"/g, ', "').replace(/":/g, '": ');
  const rows = Object.keys(table.rows)
    .sort()
    .map(
      (key) => `    ${JSON.stringify(key)}: ${line(Object.fromEntries(CALLERS.map((c) => [c, table.rows[key][c]])))}`,
    );
  const notes = Object.keys(table.notes)
    .sort()
    .map((key) => `    ${JSON.stringify(key)}: ${JSON.stringify(table.notes[key])}`);
  writeFileSync(
    TABLE_PATH,
    `{\n  "callers": ${line(CALLERS)},\n  "notes": {\n${notes.join(',\n')}\n  },\n  "rows": {\n${rows.join(',\n')}\n  }\n}\n`,
  );
}

const rowKey = (route: string, target: string) => `${route} @${target}`;

/**
 * Ids of organization `org` and its objects: none may appear in a 2xx answer to a caller outside
 * it (a user's `organization_ids` lists only the organizations the caller can read).
 */
function idsOf(org: OrgFixtures): string[] {
  return [
    org.id,
    org.user.userId,
    org.group.id,
    org.template.id,
    org.version.id,
    org.workspace.id,
    org.workspace.buildId,
    org.fileId,
  ];
}

/**
 * Each row is sent from its own loopback address (127.1.x.y): per-address limits (the failed-key
 * limiter in front of SCIM) then count one row's ten requests, never the whole run's, so no answer
 * depends on the order or speed of the rows.
 */
function rowAgent(index: number): Agent {
  return new Agent({ localAddress: `127.1.${Math.floor(index / 250)}.${(index % 250) + 1}` });
}

async function send(
  w: MatrixWorld,
  method: string,
  caller: Caller,
  req: ProbeRequest,
  agent: Agent,
): Promise<Response> {
  let test = w.t.http[method.toLowerCase() as 'get'](req.path).agent(agent);
  if (caller.token) test = test.set('Coder-Session-Token', caller.token);
  for (const [name, value] of Object.entries(req.headers ?? {})) test = test.set(name, value);
  if (req.raw) return test.set('Content-Type', req.raw.contentType).send(req.raw.data);
  return req.body === undefined ? test : test.send(req.body as object);
}

/**
 * Problems with the answer beyond its status: a non-envelope error, a probe that missed its route
 * (Express' `Route not found.`: the row would test nothing), or another organization's ids.
 */
function answerProblems(w: MatrixWorld, route: string, caller: CallerName, req: ProbeRequest, res: Response): string[] {
  const problems: string[] = [];
  if (res.status === 404 && res.body?.message === 'Route not found.' && !ABSENT_ROUTES.has(route)) {
    problems.push(`the request matched no route: ${req.path}`);
  }
  if (res.status >= 400) {
    const scim = isScimPath(req.path);
    const ok = scim
      ? Array.isArray(res.body?.schemas) && res.body.schemas.includes(SCIM_ERROR)
      : typeof res.body?.message === 'string';
    if (!ok) problems.push(`not ${scim ? 'a SCIM error' : 'the error envelope'}: ${res.text.slice(0, 120)}`);
  }
  const foreign = caller === 'member-b' ? idsOf(w.A) : caller === 'member' || caller === 'org-admin' ? idsOf(w.B) : [];
  if (res.status < 300 && foreign.length > 0) {
    const leaked = foreign.filter((id) => res.text.includes(id));
    if (leaked.length > 0)
      problems.push(`answer holds ids of an organization the caller is not in: ${leaked.join(', ')}`);
  }
  return problems;
}

describe('role × route matrix (issue 12)', () => {
  let w: MatrixWorld;
  let routes: AppRoute[];

  beforeAll(async () => {
    w = await openMatrixWorld();
    routes = listAppRoutes(w.t);
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  });

  it('every route has a probe, and every probe a route (or is a route that must stay absent)', () => {
    const served = new Set(routes.map((r) => r.key));
    expect(routes.length).toBeGreaterThan(100);
    expect({ withoutProbe: routes.filter((r) => !PROBES[r.key]).map((r) => r.key) }).toEqual({ withoutProbe: [] });
    const stale = Object.keys(PROBES).filter((key) => !served.has(key) && !ABSENT_ROUTES.has(key));
    expect({ staleProbes: stale }).toEqual({ staleProbes: [] });
  });

  it('every caller gets the expected status on every route and target', async () => {
    const table = readTable();
    const actual: Record<string, Row> = {};
    const problems: string[] = [];
    for (const route of Object.keys(PROBES).sort()) {
      const probe = PROBES[route];
      const method = route.split(' ')[0];
      for (const target of probe.targets) {
        const key = rowKey(route, target);
        const org = target.startsWith('B') ? w.B : w.A;
        const row = {} as Row;
        const agent = rowAgent(Object.keys(actual).length);
        const prepared = await probe.prepare?.({ w, target, org });
        await Promise.all(
          CALLERS.map(async (name) => {
            const caller = probe.asClone
              ? await w.cloneCaller(name, probe.asClone === 'password' && target === 'me')
              : w.callers[name];
            const req = await probe.build({ w, caller, target, org, prepared });
            const res = await send(w, method, caller, req, agent);
            row[name] = res.status;
            for (const problem of answerProblems(w, route, name, req, res))
              problems.push(`${key} [${name}] ${problem}`);
          }),
        );
        agent.destroy();
        actual[key] = row;
      }
    }

    const mismatches: string[] = [];
    if (UPDATE) writeTable({ callers: [...CALLERS], notes: table.notes, rows: actual });
    for (const key of UPDATE ? [] : Object.keys(actual)) {
      const expected = table.rows[key];
      if (!expected) {
        mismatches.push(`${key}: no row in role-matrix.expected.json (run with UPDATE_MATRIX=1, then review it)`);
        continue;
      }
      for (const caller of CALLERS) {
        if (expected[caller] !== actual[key][caller])
          mismatches.push(`${key} [${caller}] expected ${expected[caller]}, got ${actual[key][caller]}`);
      }
    }
    for (const key of UPDATE ? [] : Object.keys(table.rows))
      if (!actual[key]) mismatches.push(`${key}: row without a probe`);
    expect({ mismatches, problems }).toEqual({ mismatches: [], problems: [] });
  }, 300_000);
});
