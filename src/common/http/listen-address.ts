import { createServer } from 'node:net';

/** The API's listen address cannot be used; `message` is one line naming CODER_HTTP_ADDRESS. */
export class ListenAddressError extends Error {
  constructor(
    readonly address: string,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`Cannot listen on ${address} (CODER_HTTP_ADDRESS): ${reasonFor(code, detail)}`);
    this.name = 'ListenAddressError';
  }
}

function reasonFor(code: string | undefined, detail: string): string {
  switch (code) {
    case 'EADDRINUSE':
      return 'the address is already in use (another server is running there, or choose another port)';
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges)';
    case 'EADDRNOTAVAIL':
      return 'this machine has no such address';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    default:
      return detail;
  }
}

/** `host:port` as people write it (brackets around an IPv6 host). */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A listen error (EADDRINUSE, EACCES, ...) as a ListenAddressError; anything else unchanged. */
export function asListenAddressError<E>(err: E, host: string, port: number): E | ListenAddressError {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e || typeof e !== 'object' || (e.syscall !== 'listen' && e.syscall !== 'bind' && e.syscall !== 'getaddrinfo'))
    return err;
  return new ListenAddressError(formatAddress(host, port), e.code, e.message);
}

/**
 * Binds `host:port` and lets it go again, so a taken or forbidden address is reported before the
 * database is started or touched. (Another process may still take it in between: the real
 * listen reports that the same way.)
 */
export async function checkListenAddress(host: string, port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err) => reject(asListenAddressError(err, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
