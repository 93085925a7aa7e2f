/**
 * Publish/subscribe between server processes (Coder's `database/pubsub`). Listeners get each
 * message, or `DroppedMessagesError` after a reconnect: messages may have been lost meanwhile,
 * so subscribers should resynchronise from the database.
 */
export type PubSubListener = (message: string | null, error?: DroppedMessagesError) => void;

export class DroppedMessagesError extends Error {
  constructor() {
    super('pubsub: messages may have been dropped while reconnecting');
  }
}

/** PostgreSQL NOTIFY payloads must be shorter than 8000 bytes. */
export const MAX_PAYLOAD_BYTES = 7999;

export abstract class PubSub {
  abstract publish(channel: string, message: string): Promise<void>;
  /** Resolves once listening has started; the returned function unsubscribes. */
  abstract subscribe(channel: string, listener: PubSubListener): Promise<() => void>;
  abstract close(): Promise<void>;
}

export function assertPublishable(channel: string, message: string): void {
  if (!/^[a-z0-9_:.-]{1,63}$/i.test(channel))
    throw new Error(`pubsub: invalid channel name ${JSON.stringify(channel)}`);
  if (Buffer.byteLength(message) > MAX_PAYLOAD_BYTES) {
    throw new Error(`pubsub: message on ${channel} exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  }
}

/** Calls a listener without letting its exception escape into the pubsub machinery. */
export function deliver(listener: PubSubListener, message: string | null, error?: DroppedMessagesError): void {
  try {
    listener(message, error);
  } catch {
    // A faulty subscriber must not break delivery to the others.
  }
}
