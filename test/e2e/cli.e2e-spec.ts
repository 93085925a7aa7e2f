import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VARIABLES } from '../../src/config/config.schema.js';
import { loadJwks } from '../../src/core/licensing/license-keys.service.js';
import { verifyLicense } from '../../src/core/licensing/license-verifier.js';

const main = join(process.cwd(), 'dist', 'src', 'main.js');

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [main, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('the server command line', () => {
  it('--help lists every variable and its default, and exits 0', () => {
    const { status, out } = run(['--help']);
    expect(status).toBe(0);
    for (const v of VARIABLES) expect(out).toContain(v.name);
    expect(out).toContain('default: 127.0.0.1:3000');
  });

  it.each([
    ['CODER_SESSION_DURATION', 'forever'],
    ['CODER_HTTP_ADDRESS', 'localhost'],
    ['CODER_API_RATE_LIMIT', 'many'],
    ['CODER_PG_CONNECTION_URL', 'mysql://root:hunter2@db/x'],
  ])('refuses to start with %s=%s, naming the variable', (name, value) => {
    const { status, out } = run([], { [name]: value });
    expect(status).toBe(2);
    expect(out).toContain(`Invalid configuration: ${name}:`);
    expect(out).not.toContain('hunter2');
  });
});

describe('npm run license:issue', () => {
  const cli = join(process.cwd(), 'dist', 'src', 'cli', 'license-issue.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'coder-license-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const issue = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', CODER_DATA_DIR: dataDir, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('creates a private signing key (0600) and a JWKS once, and prints licenses the keys verify', async () => {
    const first = issue(['--features', 'template_rbac,appearance', '--user-limit', '10', '--days', '30']);
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('Created the signing key');
    const jwt = first.stdout.trim();
    expect(jwt.split('.')).toHaveLength(3);
    const keyPath = join(dataDir, 'license-signing-key.jwk');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse(readFileSync(join(dataDir, 'license-keys.json'), 'utf8')) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');

    const { keys } = await loadJwks(readFileSync(join(dataDir, 'license-keys.json'), 'utf8'));
    const claims = await verifyLicense(jwt, (kid) => keys.get(kid), { now: new Date() });
    expect(claims.features).toEqual({ template_rbac: 1, appearance: 1, user_limit: 10 });
    expect(claims.license_expires - Math.floor(Date.now() / 1000)).toBeGreaterThan(29 * 86400);

    const second = issue(['--all-features', '--trial']);
    expect(second.status).toBe(0);
    expect(second.stderr).not.toContain('Created the signing key');
    expect(JSON.parse(readFileSync(join(dataDir, 'license-keys.json'), 'utf8')).keys).toHaveLength(1);
    const trial = await verifyLicense(second.stdout.trim(), (kid) => keys.get(kid), { now: new Date() });
    expect(trial).toMatchObject({ all_features: true, trial: true });
  });

  it.each([
    [['--features', 'teleportation'], 'unknown feature "teleportation"'],
    [[], 'name at least one feature, or --all-features'],
    [['--all-features', '--days=-3'], '--days must be a positive number'],
    [['--all-features', '--days', '-3'], "Option '--days' argument is ambiguous"],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j', (args, message) => {
    const result = issue(args);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });
});
