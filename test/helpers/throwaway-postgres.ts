import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process.js';

/**
 * A private PostgreSQL cluster on its own port, run as the `postgres` OS user, for tests that stop
 * and restart the database. The machine's shared server is never touched.
 */
export interface ThrowawayPostgres {
  url: string;
  port: number;
  /** Stops like a crash (`immediate`: no checkpoint, clients cut off). */
  kill(): void;
  start(): void;
  destroy(): void;
}

function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** Why a throwaway cluster cannot run here, or undefined when it can. */
export function throwawayUnavailableReason(): string | undefined {
  if (!pgBin()) return 'no PostgreSQL server binaries under /usr/lib/postgresql';
  if (process.getuid?.() !== 0) return 'not running as root (needed to run the cluster as the postgres user)';
  if (spawnSync('id', ['postgres']).status !== 0) return 'no postgres OS user';
  return undefined;
}

function asPostgres(command: string): void {
  execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'pipe' });
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = pgBin();
  if (!bin) throw new Error('no PostgreSQL binaries');
  const dir = mkdtempSync(join(tmpdir(), 'coder-pg-throwaway-'));
  chownSync(
    dir,
    Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  );
  const port = await freePort();
  asPostgres(`${bin}/initdb -D ${dir}/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null`);
  const start = () =>
    asPostgres(
      `${bin}/pg_ctl -D ${dir}/data -l ${dir}/server.log -w -t 30 -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null`,
    );
  const stop = (mode: 'immediate' | 'fast') => asPostgres(`${bin}/pg_ctl -D ${dir}/data -m ${mode} -w stop >/dev/null`);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    kill: () => stop('immediate'),
    start,
    destroy() {
      try {
        stop('immediate');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
