/** Coder's MutateTags (mid-2023): scope defaults to organization; `scope=user` pins `owner` to the user. */
export function mutateTags(userId: string, tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...(tags ?? {}) };
  if (!('scope' in out)) out.scope = 'organization';
  if (out.scope === 'user') out.owner = userId;
  else if (out.scope !== 'organization') out.scope = 'organization';
  if (out.scope === 'organization') delete out.owner;
  return out;
}

export const MAX_TAGS = 32;
const TAG_KEY = /^[A-Za-z0-9_.:/-]{1,64}$/;

/** Why a set of tags is unacceptable, or undefined (keys: letters, digits, `_.:/-`; values ≤ 256). */
export function tagsProblem(tags: Record<string, unknown>): string | undefined {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) return `at most ${MAX_TAGS} tags are allowed`;
  for (const [key, value] of entries) {
    if (!TAG_KEY.test(key)) return `tag key "${key}" must be 1-64 characters of letters, digits, _ . : / -`;
    if (typeof value !== 'string' || value.length > 256)
      return `tag "${key}" must have a string value of at most 256 characters`;
  }
  return undefined;
}
