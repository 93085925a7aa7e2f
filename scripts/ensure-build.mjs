#!/usr/bin/env node
// Builds dist/ when it is missing or older than the sources, so `npm start` (and the tests that
// spawn the server) work straight after `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'dist', 'src', 'main.js');

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const inputs = ['src', 'migrations', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const sourceTime = Math.max(...inputs.map((p) => newest(join(root, p))));
const builtTime = existsSync(output) ? statSync(output).mtimeMs : 0;
if (builtTime >= sourceTime) process.exit(0);

process.stderr.write('build: compiling the server (dist/ is missing or out of date)...\n');
const started = Date.now();
const result = spawnSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], {
  cwd: root,
  stdio: 'inherit',
});
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (result.status === 0) process.stderr.write(`build: done (${seconds} s)\n`);
else process.stderr.write(`build: failed after ${seconds} s (exit ${result.status ?? result.signal})\n`);
process.exit(result.status ?? 1);
