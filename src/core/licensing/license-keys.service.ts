import { existsSync, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { CoalescingRunner } from '../../common/coalescing-runner.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';

/** Parses a JWKS document into Ed25519 public keys by `kid`; other keys are skipped with a reason. */
export async function loadJwks(text: string): Promise<{ keys: Map<string, CryptoKey>; skipped: string[] }> {
  const doc = JSON.parse(text) as { keys?: unknown };
  if (!doc || !Array.isArray(doc.keys)) throw new Error('not a JWKS document (expected {"keys": [...]})');
  const keys = new Map<string, CryptoKey>();
  const skipped: string[] = [];
  for (const entry of doc.keys as JWK[]) {
    const kid = typeof entry?.kid === 'string' ? entry.kid : '';
    if (!kid) {
      skipped.push('a key without "kid"');
      continue;
    }
    if (entry.kty !== 'OKP' || entry.crv !== 'Ed25519' || typeof entry.x !== 'string') {
      skipped.push(`${kid}: not an Ed25519 (OKP) key`);
      continue;
    }
    // Only the public half is ever used, even if the file also carries a private part.
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: entry.x }, 'EdDSA');
    keys.set(kid, key);
  }
  return { keys, skipped };
}

/**
 * The trusted license signing keys from `CODER_LICENSE_KEYS_FILE` (a JWKS of Ed25519 keys), re-read
 * on SIGHUP, whenever the file changes (polled once a second) and when a license being added names
 * a key not loaded yet. Listeners (the entitlements) are told after each reload.
 */
@Injectable()
export class LicenseKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LicenseKeys');
  private keys = new Map<string, CryptoKey>();
  private readonly listeners = new Set<() => void>();
  private readonly onSighup = () => void this.reload('SIGHUP');
  // Re-reads asked for by unknown kids: concurrent ones share a read that starts after they asked.
  private readonly unknownKidReload = new CoalescingRunner(
    () => this.reload('a license names a key not loaded yet'),
    (err) => this.logger.error(`cannot re-read license keys file ${this.path}: ${err.message}`),
  );

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get path(): string {
    return this.config.licenseKeysFile;
  }

  async onModuleInit(): Promise<void> {
    await this.reload('start');
    watchFile(this.path, { interval: 1000, persistent: false }, () => void this.reload('file change'));
    process.on('SIGHUP', this.onSighup);
  }

  onModuleDestroy(): void {
    unwatchFile(this.path);
    process.off('SIGHUP', this.onSighup);
  }

  resolve(kid: string): CryptoKey | undefined {
    return this.keys.get(kid);
  }

  /**
   * `resolve`, but a `kid` not loaded yet first re-reads the file once: `npm run license:issue`
   * adds its key to the file just before the license is posted, and the file watcher may not have
   * polled since. Only the owner-only `POST /licenses` calls this, so the extra read is bounded.
   */
  async resolveFresh(kid: string): Promise<CryptoKey | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    await this.unknownKidReload.run();
    return this.keys.get(kid);
  }

  get kids(): string[] {
    return [...this.keys.keys()];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the file; a broken file keeps the previous keys (and says why). */
  async reload(reason: string): Promise<void> {
    if (!existsSync(this.path)) {
      if (this.keys.size > 0) this.logger.warn(`license keys file ${this.path} is gone; no license can be verified`);
      this.keys = new Map();
    } else {
      try {
        const { keys, skipped } = await loadJwks(readFileSync(this.path, 'utf8'));
        for (const why of skipped) this.logger.warn(`license keys file ${this.path}: skipped ${why}`);
        this.keys = keys;
        this.logger.log(`loaded ${keys.size} license key(s) from ${this.path} (${reason})`);
      } catch (err) {
        this.logger.error(
          `cannot read license keys file ${this.path}: ${(err as Error).message}; keeping the previous keys`,
        );
        return;
      }
    }
    for (const listener of this.listeners) listener();
  }
}
