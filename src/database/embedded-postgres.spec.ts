import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabaseError, startEmbeddedPostgres } from './embedded-postgres.js';

describe('startEmbeddedPostgres refusals (one line the user can act on)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coder-embedded-spec-'));
    chmodSync(dir, 0o711);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an unsupported platform names CODER_PG_CONNECTION_URL', async () => {
    const arch = Object.getOwnPropertyDescriptor(process, 'arch')!;
    Object.defineProperty(process, 'arch', { value: 'mips' });
    try {
      const err = await startEmbeddedPostgres(join(dir, 'postgres')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EmbeddedDatabaseError);
      expect((err as Error).message).toMatch(/no binaries for \w+-mips .*set CODER_PG_CONNECTION_URL/);
      expect((err as Error).message).not.toContain('\n');
    } finally {
      Object.defineProperty(process, 'arch', arch);
    }
  });

  it('a data directory held by a live process is refused, naming it', async () => {
    // This process's parent stands in for another server holding the lock.
    writeFileSync(join(dir, 'postgres.lock'), `${process.ppid}\nserver\n`);
    const err = await startEmbeddedPostgres(join(dir, 'postgres')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddedDatabaseError);
    expect((err as Error).message).toBe(
      `The embedded database in ${join(dir, 'postgres')} is in use by another server (process ${process.ppid}): ` +
        'stop it first, or set CODER_DATA_DIR to another directory.',
    );
  });

  it('a cluster of another PostgreSQL major version is left alone', async () => {
    mkdirSync(join(dir, 'postgres'));
    writeFileSync(join(dir, 'postgres', 'PG_VERSION'), '17\n');
    const err = await startEmbeddedPostgres(join(dir, 'postgres')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddedDatabaseError);
    expect((err as Error).message).toMatch(
      /holds a PostgreSQL 17 cluster .* the embedded PostgreSQL is 18: move it away/,
    );
  });

  it('a non-empty directory that is not a cluster is left alone', async () => {
    mkdirSync(join(dir, 'postgres'));
    writeFileSync(join(dir, 'postgres', 'PG_VERSION.txt'), 'not a cluster');
    const err = await startEmbeddedPostgres(join(dir, 'postgres')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddedDatabaseError);
    expect((err as Error).message).toMatch(/is not empty and holds no PostgreSQL cluster/);
  });
});
