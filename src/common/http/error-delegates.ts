import { Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';

/**
 * Exception filters that own the errors of a whole path space, also the ones raised before any
 * of its controllers is reached (router misses, undecodable path parameters). The global filter
 * hands such errors over, so e.g. SCIM answers them in its own error schema.
 */
@Injectable()
export class ErrorDelegates {
  private readonly delegates: { matches: (path: string) => boolean; filter: ExceptionFilter }[] = [];

  add(matches: (path: string) => boolean, filter: ExceptionFilter): void {
    this.delegates.push({ matches, filter });
  }

  /** The filter owning `path` (the request's original URL), if any. */
  find(path: string): ExceptionFilter | undefined {
    return this.delegates.find((d) => d.matches(path))?.filter;
  }

  /** Whether a delegate answered the error. */
  handle(exception: unknown, host: ArgumentsHost, path: string): boolean {
    const filter = this.find(path);
    if (!filter) return false;
    filter.catch(exception, host);
    return true;
  }
}
