import { freshUser } from './fresh.js';
import type { Caller, MatrixWorld, OrgFixtures } from './matrix-world.js';

/**
 * How the role matrix calls each route: the targets it is tried on and the request for one target
 * and caller. Targets: `A` (an object of organization A, where every caller but `member-b` belongs),
 * `B` (an object of organization B, `member-b`'s only organization), `me` (the caller itself, on
 * `{user}` routes), `owner` (another owner, on the routes that manage users), `site` (site-wide
 * routes), and a few named cases (`A:alice`, `A:foreign`, `primary`). Requests that change or remove their object make a fresh one per request; those that
 * could remove the caller itself run as a fresh caller of the same kind (`asClone`), so the order of
 * requests never changes an answer.
 */
export interface ProbeRequest {
  path: string;
  body?: unknown;
  /** Sent as-is with this Content-Type instead of JSON. */
  raw?: { contentType: string; data: string };
  headers?: Record<string, string>;
}

export interface ProbeContext {
  w: MatrixWorld;
  caller: Caller;
  target: string;
  /** The organization of an `A…`/`B…` target (A for the others). */
  org: OrgFixtures;
  /** What `Probe.prepare` made for this row (shared by its callers). */
  prepared?: unknown;
}

export interface Probe {
  targets: string[];
  /** Run as a fresh caller of the same kind; `'password'`: one that has a password. */
  asClone?: boolean | 'password';
  /** Run once per row before its callers; the result is `ProbeContext.prepared`. */
  prepare?(ctx: Omit<ProbeContext, 'caller'>): Promise<unknown>;
  build(ctx: ProbeContext): ProbeRequest | Promise<ProbeRequest>;
}

export const STRONG_PASSWORD_2 = 'AnotherStrongPassword!2';

export const ownerRoles = (ctx: { target: string }) => (ctx.target === 'owner' ? ['owner'] : []);

/** A fresh user to act on (an owner on `owner`), or `me`. */
export async function targetUser(ctx: ProbeContext): Promise<string> {
  return ctx.target === 'me' ? 'me' : (await freshUser(ctx.w, ctx.org, ownerRoles(ctx))).userId;
}

/** `{user}`: the organization's plain member on A/B, the caller on `me`. */
export function userParam(ctx: ProbeContext): string {
  return ctx.target === 'me' ? 'me' : ctx.org.user.userId;
}

export const AB = ['A', 'B'];
export const ABME = ['A', 'B', 'me'];
export const ABME_OWNER = [...ABME, 'owner'];
export const SITE = ['site'];

export const get = (targets: string[], path: (ctx: ProbeContext) => string): Probe => ({
  targets,
  build: (ctx) => ({ path: path(ctx) }),
});

export function siteRolesOf(caller: Caller): string[] {
  switch (caller.name) {
    case 'owner':
    case 'user-admin':
    case 'template-admin':
    case 'auditor':
      return [caller.name];
    default:
      return [];
  }
}

export function tokenOf(ctx: ProbeContext): { id: string; name: string } {
  if (ctx.target !== 'me') return ctx.org.token;
  return ctx.w.callerTokens[ctx.caller.name] ?? { id: 'AbCdEf1234', name: 'none' };
}
