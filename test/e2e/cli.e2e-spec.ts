import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { VARIABLES } from '../../src/config/config.schema.js';

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
