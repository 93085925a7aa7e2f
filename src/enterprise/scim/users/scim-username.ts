import { randomName } from '../../../common/random-names.js';
import { CODER_NAME_MAX, isCoderName } from '../../../common/validation.js';

/**
 * Coder's `httpapi.UsernameFrom` (what its SCIM handler does with `userName`): keep it if it is a
 * valid username; else cut the domain off an email, drop characters outside `[a-zA-Z0-9-]`, and
 * use that if valid; else a random Docker-style name with `-` for `_`.
 */
export function usernameFrom(userName: string): string {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- keeps the type guard from narrowing userName to never below
  if (isCoderName(userName as unknown)) return userName;
  const at = userName.lastIndexOf('@');
  const local = (at >= 0 ? userName.slice(0, at) : userName).replace(/[^a-zA-Z0-9-]+/g, '');
  if (isCoderName(local)) return local;
  return randomName().replace(/_/g, '-');
}

/**
 * The candidates tried in turn when the derived username is taken by another Coder user (Coder
 * itself fails with a 500 there): `alice`, `alice-2`, ... `alice-9`, then random names.
 */
export function usernameCandidates(base: string): string[] {
  const out = [base];
  for (let n = 2; n <= 9; n++) {
    const suffix = `-${n}`;
    out.push(`${base.slice(0, CODER_NAME_MAX - suffix.length).replace(/-+$/, '')}${suffix}`);
  }
  for (let n = 0; n < 5; n++) out.push(randomName().replace(/_/g, '-'));
  return out.filter(isCoderName);
}
