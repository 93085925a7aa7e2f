import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ipKeyGenerator, MemoryStore, type Options } from 'express-rate-limit';
import { tooManyRequests, type ApiError } from '../../common/errors.js';

/** Wrong credentials one client address may present per window, per kind of credential. */
export const FAILED_AUTH_LIMIT = 20;
export const FAILED_AUTH_WINDOW_MS = 60_000;

/** The kinds of credential counted separately: a client that fumbles one is not locked out of another. */
export type CredentialKind = 'scim_key' | 'provisioner_daemon' | 'session_token';

export const FAILED_AUTH_MESSAGE = (seconds: number) =>
  `Too many failed authentication attempts from your address. Try again in ${seconds} seconds.`;

/**
 * Throttles guessing of credentials on routes outside the API rate limiter: the deployment's
 * long-lived secrets (the SCIM key, the provisioner daemon PSK) and session tokens presented on
 * WebSocket upgrades. SCIM is mounted outside `/api`, and sockets are upgraded before Express
 * sees them. Only failures are counted (a credential
 * presented and wrong; none at all is not a guess), per client address (IPv6 by /56, as the API
 * limiter does) in a fixed window; once over the limit a wrong
 * credential is answered 429 instead of 401. A right one is always accepted, so an identity
 * provider or a daemon behind the same address as a guesser keeps working.
 */
@Injectable()
export class FailedAuthLimiter implements OnModuleDestroy {
  // express-rate-limit's store: fixed windows, expired keys swept by an unref'd timer.
  private readonly store = new MemoryStore();

  constructor() {
    this.store.init({ windowMs: FAILED_AUTH_WINDOW_MS } as Options);
  }

  /**
   * Counts a wrong credential of `kind` from `address`. Returns the seconds the client must wait
   * when it is over the limit (answer 429 with `Retry-After`), or 0 (answer the usual 401).
   */
  async failed(kind: CredentialKind, address: string | undefined): Promise<number> {
    const { totalHits, resetTime } = await this.store.increment(this.key(kind, address));
    return totalHits > FAILED_AUTH_LIMIT ? this.secondsLeft(resetTime) : 0;
  }

  /**
   * The seconds `address` must still wait after too many wrong credentials of `kind`, or 0; counts
   * nothing. For refusing a request early, before its body is read (http-setup.ts).
   */
  async waiting(kind: CredentialKind, address: string | undefined): Promise<number> {
    const info = await this.store.get(this.key(kind, address));
    return info && info.totalHits > FAILED_AUTH_LIMIT ? this.secondsLeft(info.resetTime) : 0;
  }

  /** Counts a wrong credential and throws what to answer: `error`, or a 429 past the limit. */
  async rejected(kind: CredentialKind, address: string | undefined, error: ApiError): Promise<never> {
    const wait = await this.failed(kind, address);
    if (wait > 0) throw tooManyRequests(FAILED_AUTH_MESSAGE(wait), undefined, wait);
    throw error;
  }

  private key(kind: CredentialKind, address: string | undefined): string {
    return `${kind}:${ipKeyGenerator(address ?? 'unknown')}`;
  }

  private secondsLeft(resetTime: Date | undefined): number {
    const waitMs = (resetTime?.getTime() ?? Date.now() + FAILED_AUTH_WINDOW_MS) - Date.now();
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  onModuleDestroy(): void {
    this.store.shutdown();
  }
}
