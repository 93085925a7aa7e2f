import { describeDialError, probeRelays, type FetchLike } from './relay-probe.js';

function fetchFrom(outcomes: Record<string, Error | 'ok'>): FetchLike & { calls: string[] } {
  const calls: string[] = [];
  const impl = (async (url: string) => {
    calls.push(url);
    const outcome = outcomes[url];
    if (outcome === 'ok') return { body: { cancel: async () => undefined } };
    throw outcome;
  }) as unknown as FetchLike & { calls: string[] };
  impl.calls = calls;
  return impl;
}

function fetchFailed(message: string): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: new Error(message) });
}

describe('probeRelays (Coder replicasync peer dial)', () => {
  it('answers "" when every peer answers, and skips peers without a relay address', async () => {
    const impl = fetchFrom({ 'http://a:3000': 'ok' });
    const error = await probeRelays(
      [
        { hostname: 'a', relayAddress: 'http://a:3000' },
        { hostname: 'b', relayAddress: '' },
      ],
      impl,
    );
    expect(error).toBe('');
    expect(impl.calls).toEqual(['http://a:3000']);
  });

  it("names each failing peer with its host, address and reason, in Coder's format", async () => {
    const impl = fetchFrom({
      'http://a:1': fetchFailed('connect ECONNREFUSED 10.0.0.1:1'),
      'http://b:3000': 'ok',
      'http://c:2': Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
    });
    const error = await probeRelays(
      [
        { hostname: 'a', relayAddress: 'http://a:1' },
        { hostname: 'b', relayAddress: 'http://b:3000' },
        { hostname: 'c', relayAddress: 'http://c:2' },
      ],
      impl,
    );
    expect(error).toBe(
      'Failed to dial peers: relay a (http://a:1): connect ECONNREFUSED 10.0.0.1:1, relay c (http://c:2): context deadline exceeded',
    );
  });

  it('no peers, no error', async () => {
    expect(await probeRelays([], fetchFrom({}))).toBe('');
  });

  it('describes errors without a cause by their message', () => {
    expect(describeDialError(new Error('boom'))).toBe('boom');
    expect(describeDialError('x')).toBe('x');
  });
});
