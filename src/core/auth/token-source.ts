import type { Request } from 'express';

export const SESSION_COOKIE = 'coder_session_token';
export const SESSION_QUERY = 'coder_session_token';
export const SESSION_HEADER = 'coder-session-token';

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

function first(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/**
 * The presented session token, in Coder's order: cookie, query parameter, `Coder-Session-Token`
 * header, then `Authorization: Bearer` (newer Coder clients). Empty values count as absent.
 */
export function extractSessionToken(req: Request): string | undefined {
  const candidates = [
    cookieValue(req.headers.cookie, SESSION_COOKIE),
    first((req.query as Record<string, unknown> | undefined)?.[SESSION_QUERY]),
    first(req.headers[SESSION_HEADER]),
    bearer(req.headers.authorization),
  ];
  return candidates.find((v) => v !== undefined && v !== '');
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^bearer\s+(.+)$/i.exec(header.trim());
  return m ? m[1].trim() : undefined;
}
