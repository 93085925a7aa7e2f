import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PubSub } from '../../database/pubsub/pubsub.js';

/** Pubsub channel carrying the id of each deleted provisioner key. */
export const KEY_DELETED_CHANNEL = 'provisioner_key_deleted';

/** Called with a deleted key's id, or with undefined when announcements may have been lost (resynchronise). */
export type KeyDeletedListener = (keyId: string | undefined) => void;

/**
 * Tells every replica that a provisioner key was deleted, so each closes the daemon sessions that
 * authenticated with it at once (serve.gateway.ts).
 */
@Injectable()
export class ProvisionerKeyEvents implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ProvisionerKeys');
  private readonly listeners = new Set<KeyDeletedListener>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly pubsub: PubSub) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(KEY_DELETED_CHANNEL, (message, error) =>
      this.emit(error || !message ? undefined : message),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.listeners.clear();
  }

  /** Registers a listener; returns the function removing it. */
  listen(listener: KeyDeletedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Announces a deletion to every replica (this one included). */
  async announceDeleted(keyId: string): Promise<void> {
    try {
      await this.pubsub.publish(KEY_DELETED_CHANNEL, keyId);
    } catch (err) {
      // Other replicas miss it until their sessions' keys are rechecked; this one acts now.
      this.logger.warn(`could not announce the deletion of provisioner key ${keyId}: ${(err as Error).message}`);
      this.emit(keyId);
    }
  }

  private emit(keyId: string | undefined): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(keyId);
      } catch (err) {
        this.logger.error(`provisioner key deletion listener failed: ${(err as Error).message}`);
      }
    }
  }
}
