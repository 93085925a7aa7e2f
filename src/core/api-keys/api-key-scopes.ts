import type { ApiKeyScope } from './entities/api-key.entity.js';
import { allowListUnenforceable, scopeCombinationUnsupported, scopeUnenforceable } from './api-keys.errors.js';

/**
 * The scopes this server enforces, by every name Coder accepts for them: the legacy names and the
 * canonical `coder:` ones (codersdk/apikey_scopes_gen.go). Coder also accepts low-level scopes
 * (`workspace:read`, …); this server cannot enforce those, so it refuses them rather than issue a
 * token broader than asked for.
 */
const SCOPE_MAP: Record<string, ApiKeyScope> = {
  all: 'all',
  'coder:all': 'all',
  application_connect: 'application_connect',
  'coder:application_connect': 'application_connect',
};

/** Every accepted scope name. */
export const SCOPE_NAMES = Object.keys(SCOPE_MAP);

/** Coder's allow-list entry that restricts nothing (`codersdk.AllowAllTarget()`). */
export const ALLOW_ALL = '*:*';

export function isEnforcedScopeName(name: string): boolean {
  return Object.hasOwn(SCOPE_MAP, name);
}

/**
 * The scope a token request asks for: `scopes` when non-empty (Coder then ignores `scope`),
 * else `scope`, else `all`. 400 naming the field for anything not enforced here.
 */
export function requestedScope(scope: string | undefined, scopes: string[] | undefined): ApiKeyScope {
  if (!scopes || scopes.length === 0) return scope ? SCOPE_MAP[scope] : 'all';
  const unknown = scopes.find((name) => !isEnforcedScopeName(name));
  if (unknown !== undefined) throw scopeUnenforceable(unknown);
  const wanted = new Set(scopes.map((name) => SCOPE_MAP[name]));
  if (wanted.size > 1) throw scopeCombinationUnsupported();
  return [...wanted][0];
}

/** Only the unrestricted allow list is accepted: narrower ones are not enforced here. */
export function assertUnrestrictedAllowList(allowList: string[] | undefined): void {
  const narrower = allowList?.find((entry) => entry.trim() !== ALLOW_ALL);
  if (narrower !== undefined) throw allowListUnenforceable(narrower);
}

/** The `scopes` a key is shown with: the canonical name of what it is enforced as. */
export function shownScopes(scope: ApiKeyScope): string[] {
  return [`coder:${scope}`];
}
