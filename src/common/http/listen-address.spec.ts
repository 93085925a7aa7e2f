import { createServer, type Server } from 'node:net';
import { asListenAddressError, checkListenAddress, formatAddress, ListenAddressError } from './listen-address.js';

describe('checkListenAddress', () => {
  let held: Server;
  let port: number;
  beforeAll(async () => {
    held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    port = (held.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => held.close(() => resolve())));

  it('a taken port: one line naming CODER_HTTP_ADDRESS and the address', async () => {
    const err = await checkListenAddress('127.0.0.1', port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenAddressError);
    expect((err as Error).message).toBe(
      `Cannot listen on 127.0.0.1:${port} (CODER_HTTP_ADDRESS): the address is already in use (another server is running there, or choose another port)`,
    );
  });

  it('a free port: resolves and leaves it free', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const free = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(checkListenAddress('127.0.0.1', free)).resolves.toBeUndefined();
    await expect(checkListenAddress('127.0.0.1', free)).resolves.toBeUndefined();
  });

  it('an address this machine does not have', async () => {
    const err = await checkListenAddress('192.0.2.1', 3000).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'Cannot listen on 192.0.2.1:3000 (CODER_HTTP_ADDRESS): this machine has no such address',
    );
  });

  it('writes IPv6 addresses with brackets and leaves errors other than listen ones alone', () => {
    expect(formatAddress('::1', 3000)).toBe('[::1]:3000');
    const other = new Error('boom');
    expect(asListenAddressError(other, '::1', 3000)).toBe(other);
  });
});
