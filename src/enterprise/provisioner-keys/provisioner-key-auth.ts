import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FailedAuthLimiter } from '../../core/auth/failed-auth-limiter.js';
import type { ProvisionerKeyEntity } from './entities/provisioner-key.entity.js';
import { keyInvalid, keyRequired, keyWrongLength } from './provisioner-keys.errors.js';
import { ProvisionerKeysRepository } from './provisioner-keys.repository.js';

/** Header carrying a provisioner key's secret (codersdk `ProvisionerDaemonKey`), lower-cased as Node keeps it. */
export const KEY_HEADER = 'coder-provisioner-daemon-key';
/** Coder's secrets: 43 characters of `[0-9A-Za-z]`. */
export const KEY_LENGTH = 43;

export function hashKeySecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** The header's value; an empty header counts as absent (Go's `Header.Get`). */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers[KEY_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value ? value : undefined;
}

/**
 * Authenticates a daemon by its provisioner key (Coder's ExtractProvisionerDaemonAuthenticated):
 * 401 when none is given, 400 for a wrong length, 401 when no key has that secret. Wrong keys count
 * towards the address's failed-attempt limit (429 past it); a right key is always accepted.
 */
@Injectable()
export class ProvisionerKeyAuth {
  constructor(
    private readonly keys: ProvisionerKeysRepository,
    private readonly failures: FailedAuthLimiter,
  ) {}

  async verify(presented: string | undefined, address: string | undefined): Promise<ProvisionerKeyEntity> {
    if (presented === undefined) throw keyRequired();
    if (Buffer.byteLength(presented) !== KEY_LENGTH)
      return this.failures.rejected('provisioner_daemon', address, keyWrongLength());
    // Looked up by digest: the index compares hashes, never the secret itself.
    const key = await this.keys.findBySecretHash(hashKeySecret(presented));
    if (key) return key;
    return this.failures.rejected('provisioner_daemon', address, keyInvalid());
  }
}
