import { readmeBlocks, toRunnable } from './readme-blocks.js';

const README = [
  '# Title',
  '## Before',
  '```bash',
  'echo before',
  '```',
  '## First',
  'Text.',
  '```bash',
  'echo one',
  '```',
  '```json',
  '{"not": "bash"}',
  '```',
  '<!-- readme-test: skip (several machines) -->',
  '',
  '```bash',
  'echo skipped',
  '```',
  '## Elsewhere',
  '```bash',
  'createdb x',
  '```',
  '## Last',
  '```',
  '```bash inside a plain fence is not a block',
  '```',
  '```bash',
  'echo last',
  'echo again',
  '```',
  '## After',
  '```bash',
  'echo after',
  '```',
].join('\n');

describe('readmeBlocks', () => {
  it('takes the bash blocks from the first section through the last one, in order, with their skips', () => {
    const blocks = readmeBlocks(README, 'First', 'Last', { Elsewhere: 'another setup' });
    expect(blocks).toEqual([
      { section: 'First', line: 8, code: 'echo one' },
      { section: 'First', line: 16, code: 'echo skipped', skip: 'several machines' },
      { section: 'Elsewhere', line: 20, code: 'createdb x', skip: 'another setup' },
      { section: 'Last', line: 27, code: 'echo last\necho again' },
    ]);
  });

  it('names a missing section', () => {
    expect(() => readmeBlocks(README, 'Nowhere', 'Last')).toThrow('README.md has no section "## Nowhere"');
    expect(() => readmeBlocks(README, 'Last', 'First')).toThrow('no section "## First" after "## Last"');
  });

  it('refuses a skip marker without a reason', () => {
    expect(() => readmeBlocks('## A\n<!-- readme-test: skip -->\n```bash\necho\n```', 'A', 'A')).toThrow(
      'README.md line 2: a readme-test skip needs its reason, in parentheses',
    );
  });

  it('refuses a block that is never closed', () => {
    expect(() => readmeBlocks('## A\n```bash\necho', 'A', 'A')).toThrow('line 2: a code block that is never closed');
  });
});

describe('toRunnable', () => {
  const url = 'http://127.0.0.1:41234';

  it("points the README's URL at the test server", () => {
    expect(toRunnable('curl -fsS http://127.0.0.1:3000/api/v2/users/me', url)).toEqual({
      script: `curl -fsS ${url}/api/v2/users/me`,
      restarts: 0,
    });
  });

  it.each([
    ['npm start', '__readme_restart'],
    ['npm start > coder.log 2>&1 &', '__readme_restart'],
    ['CODER_SCIM_AUTH_HEADER=abc npm start', 'CODER_SCIM_AUTH_HEADER=abc __readme_restart'],
    ['  A=1 B= npm start &', '  A=1 B= __readme_restart'],
  ])('turns %j into a restart by the test', (line, expected) => {
    expect(toRunnable(line, url)).toEqual({ script: expected, restarts: 1 });
  });

  it.each(['npm start -- --help', 'npm run start:x', 'echo npm start', 'npm test'])('leaves %j as it is', (line) => {
    expect(toRunnable(line, url)).toEqual({ script: line, restarts: 0 });
  });
});
