/** A peer replica whose relay address is dialled (Coder's replicasync peer ping). */
export interface RelayPeer {
  hostname: string;
  relayAddress: string;
}

export type FetchLike = (
  url: string,
  init: { method: string; signal: AbortSignal; redirect: 'manual' },
) => Promise<{
  body?: { cancel(): Promise<void> } | null;
}>;

/** Coder's per-peer dial timeout. */
export const RELAY_DIAL_TIMEOUT_MS = 3000;

/**
 * Dials every peer's relay address (any HTTP answer counts as reachable, as in Coder) and returns
 * the replica's `error`: `""`, or `Failed to dial peers: relay <host> (<addr>): <err>, ...` in the
 * peers' order.
 */
export async function probeRelays(
  peers: readonly RelayPeer[],
  fetchImpl: FetchLike = fetch,
  timeoutMs = RELAY_DIAL_TIMEOUT_MS,
): Promise<string> {
  const failures = await Promise.all(
    peers
      .filter((peer) => peer.relayAddress !== '')
      .map(async (peer) => {
        try {
          const res = await fetchImpl(peer.relayAddress, {
            method: 'GET',
            signal: AbortSignal.timeout(timeoutMs),
            redirect: 'manual',
          });
          await res.body?.cancel().catch(() => undefined);
          return null;
        } catch (err) {
          return `relay ${peer.hostname} (${peer.relayAddress}): ${describeDialError(err)}`;
        }
      }),
  );
  const failed = failures.filter((f): f is string => f !== null);
  return failed.length > 0 ? `Failed to dial peers: ${failed.join(', ')}` : '';
}

/** `fetch failed` hides the reason in `cause` (`connect ECONNREFUSED 10.0.0.2:3000`). */
export function describeDialError(err: unknown): string {
  const error = err as { name?: string; message?: string; cause?: { message?: string } } | null;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return 'context deadline exceeded';
  return error?.cause?.message ?? error?.message ?? String(err);
}
