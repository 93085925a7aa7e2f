#!/usr/bin/env node
// Structural figures of src/ (issue 14's measures), so a later change can be compared with them:
// `npm run arch:metrics` prints them; `--json` prints them as JSON.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

function files(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

const sources = files(join(root, 'src')).map((path) => ({
  path: relative(root, path),
  text: readFileSync(path, 'utf8'),
}));
const features = sources.filter((f) => /^src\/(core|enterprise)\//.test(f.path));
const isRepository = (f) => f.path.endsWith('.repository.ts');

/** Lines matching `re`, per file, among `set`. */
function occurrences(set, re) {
  const hits = [];
  for (const f of set) {
    f.text.split('\n').forEach((line, i) => {
      if (re.test(line)) hits.push(`${f.path}:${i + 1}`);
    });
  }
  return hits;
}

// Statements: raw SQL, query builders and EntityManager/Repository persistence calls.
const STATEMENT =
  /\.query\(|createQueryBuilder\(|\bmanager\.(find|findOne|findOneBy|findBy|insert|update|delete|save|remove|count|exists|upsert|increment|decrement|softDelete|getRepository)\b|\.getRepository\(/;
const statementsOutside = occurrences(
  features.filter((f) => !isRepository(f)),
  STATEMENT,
);
// Infrastructure that speaks SQL without owning a table: LISTEN/NOTIFY, migrations, the embedded server, the health ping.
const infrastructure = occurrences(
  sources.filter((f) => !/^src\/(core|enterprise)\//.test(f.path)),
  /\.query\(/,
);

const defaultedManagers = occurrences(sources, /manager\w*\??:\s*EntityManager\s*=|= this\.\w+\.manager\)/);
const managerParams = occurrences(features, /\bmanager\??:\s*EntityManager\b/);
const dataSourceOutsideDatabase = occurrences(
  sources.filter((f) => !f.path.startsWith('src/database/') && !f.path.startsWith('src/cli/')),
  /@InjectDataSource\(/,
);

// Path parameters resolved in services instead of once per request.
const resolverCalls = occurrences(
  features.filter((f) => !f.path.endsWith('.params.ts')),
  /\bthis\.(?!keys\.)\w+\.resolve\w*\(|\bthis\.resolve\w*\(|\bresolve(Visible|Any|Editable|Template|Group|User|Org|Organization|Proxy|Workspace)\w*\(/,
);

const inlineStatusErrors = occurrences(
  sources.filter((f) => f.path !== 'src/common/errors.ts'),
  /new ApiError\(\s*(\d|HttpStatus\.)/,
);
const globalModules = occurrences(sources, /^@Global\(\)/);
const roleStringChecks = occurrences(
  sources.filter((f) => !f.path.startsWith('src/core/rbac/')),
  /[rR]oles\.includes\('(owner|auditor|template-admin|user-admin|organization-admin)'|=== '(owner|auditor|template-admin|user-admin|organization-admin)'/,
);

// Decorators on each route handler (method decorators directly above a handler with a route).
const ROUTE = /^ {2}@(Get|Post|Put|Patch|Delete|All|Route|ScimRoute)\b/;
const perHandler = [];
for (const f of sources.filter((s) => s.path.endsWith('.controller.ts'))) {
  const lines = f.text.split('\n');
  let block = [];
  for (const [i, line] of lines.entries()) {
    if (/^ {2}@\w/.test(line)) block.push(line);
    else if (/^ {4}\S|^ {2}\)|^ {2}\}\)/.test(line) && block.length > 0 && !/^ {2}[a-zA-Z]/.test(line)) continue;
    else {
      if (block.some((l) => ROUTE.test(l))) perHandler.push({ at: `${f.path}:${i + 1}`, count: block.length });
      block = [];
    }
  }
}
perHandler.sort((a, b) => a.count - b.count);
const median = perHandler.length ? perHandler[Math.floor(perHandler.length / 2)].count : 0;
const max = perHandler.length ? perHandler[perHandler.length - 1] : { count: 0, at: '-' };

// Imports that go back up the layers (dependency-cruiser's rules), known violations included.
const cruise = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
    'src',
    'migrations',
    '--config',
    '.dependency-cruiser.cjs',
    '--output-type',
    'json',
  ],
  { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
let upward = 'unknown';
try {
  upward = JSON.parse(cruise.stdout).summary.violations.length;
} catch {
  /* depcruise not installed or failed: reported as unknown */
}

const figures = {
  'SQL statements outside repositories (src/core, src/enterprise)': statementsOutside,
  'SQL in infrastructure (src/database, src/cli, main: no table owned)': infrastructure,
  'defaulted managers (manager = this.db.manager)': defaultedManagers,
  'EntityManager parameters in features': managerParams,
  '@InjectDataSource outside src/database and src/cli': dataSourceOutsideDatabase,
  'resolver call sites in services': resolverCalls,
  'inline status errors (new ApiError(<status>) outside src/common/errors.ts)': inlineStatusErrors,
  'role-string checks outside src/core/rbac': roleStringChecks,
  '@Global() modules': globalModules,
};

if (process.argv.includes('--json')) {
  const out = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v.length]));
  Object.assign(out, {
    'route handlers': perHandler.length,
    'decorators per handler (median)': median,
    'decorators per handler (max)': max.count,
    'upward imports and cycles (dependency-cruiser)': upward,
  });
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} else {
  for (const [name, hits] of Object.entries(figures)) {
    process.stdout.write(`${String(hits.length).padStart(5)}  ${name}\n`);
    if (process.argv.includes('--verbose')) for (const hit of hits) process.stdout.write(`         ${hit}\n`);
  }
  process.stdout.write(
    `${String(perHandler.length).padStart(5)}  route handlers; decorators per handler: median ${median}, max ${max.count} (${max.at})\n`,
  );
  process.stdout.write(
    `${String(upward).padStart(5)}  upward imports and cycles (dependency-cruiser, known violations included)\n`,
  );
}
