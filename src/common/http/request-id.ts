export const REQUEST_ID_HEADER = 'X-Coder-Request-Id';

export function requestIdOf(req: object): string {
  const id = (req as { id?: unknown }).id;
  return typeof id === 'string' ? id : 'unknown';
}
