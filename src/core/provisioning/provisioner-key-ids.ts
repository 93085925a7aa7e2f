/**
 * Coder's reserved provisioner keys (codersdk `ProvisionerKeyID*`, `ReservedProvisionerKeyNames`):
 * the pseudo-keys a daemon is listed under when it did not connect with a real key. They are never
 * rows of `provisioner_keys` here; `provisioner_daemons.key_id` holds one of these ids instead.
 */
export const BUILT_IN_KEY_ID = '00000000-0000-0000-0000-000000000001';
export const USER_AUTH_KEY_ID = '00000000-0000-0000-0000-000000000002';
export const PSK_KEY_ID = '00000000-0000-0000-0000-000000000003';

/** Reserved id → the key name daemons list under it. */
export const RESERVED_KEY_NAMES: Readonly<Record<string, string>> = {
  [BUILT_IN_KEY_ID]: 'built-in',
  [USER_AUTH_KEY_ID]: 'user-auth',
  [PSK_KEY_ID]: 'psk',
};
