import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'coder-enterprise-server' && pkg.version) return pkg.version;
    } catch {
      // try the next location (src/ when run by jest, dist/src/ when built)
    }
  }
  return '0.0.0-devel';
}

/** This server's version, `v`-prefixed like Coder's (`v0.1.0`). */
export const SERVER_VERSION = `v${readVersion()}`;
