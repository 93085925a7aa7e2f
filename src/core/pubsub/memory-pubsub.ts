import { assertPublishable, deliver, PubSub, type PubSubListener } from './pubsub.js';

/** In-process pubsub for the embedded database, where LISTEN/NOTIFY does not cross connections. */
export class MemoryPubSub extends PubSub {
  private readonly channels = new Map<string, Set<PubSubListener>>();

  async publish(channel: string, message: string): Promise<void> {
    assertPublishable(channel, message);
    const listeners = [...(this.channels.get(channel) ?? [])];
    // Asynchronous like NOTIFY: publishers never run subscriber code inline.
    setImmediate(() => listeners.forEach((listener) => deliver(listener, message)));
  }

  async subscribe(channel: string, listener: PubSubListener): Promise<() => void> {
    const set = this.channels.get(channel) ?? new Set();
    set.add(listener);
    this.channels.set(channel, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.channels.delete(channel);
    };
  }

  async close(): Promise<void> {
    this.channels.clear();
  }
}
