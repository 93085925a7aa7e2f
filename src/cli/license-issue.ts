import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.schema.js';
import { isUuid } from '../common/errors.js';
import { FEATURES, USES_LIMIT } from '../core/licensing/features.js';
import { addPublicKeyToJwks, loadOrCreateSigningKey, signLicense } from '../core/licensing/license-issuer.js';

/** Features a license grants with `1`; limits take a number (only the seat limit here). */
const GRANTABLE: readonly string[] = FEATURES.filter((f) => !USES_LIMIT.has(f));

const USAGE = `Usage: npm run license:issue -- [--features a,b,...] [--all-features] [--user-limit N]
                             [--days N] [--grace-days N] [--trial] [--email E] [--account-id ID]
                             [--deployment-id UUID ...]

Creates (once) an Ed25519 signing key in CODER_DATA_DIR (license-signing-key.jwk, mode 0600),
adds its public key to CODER_LICENSE_KEYS_FILE (default <CODER_DATA_DIR>/license-keys.json),
and prints a license JWT for POST /api/v2/licenses. --deployment-id (repeatable) locks the
license to those deployments (the deployment_id of GET /api/v2/buildinfo).

Features: ${GRANTABLE.join(', ')}
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

function parse() {
  try {
    return parseArgs({
      options: {
        features: { type: 'string' },
        'all-features': { type: 'boolean' },
        'user-limit': { type: 'string' },
        days: { type: 'string' },
        'grace-days': { type: 'string' },
        trial: { type: 'boolean' },
        email: { type: 'string' },
        'account-id': { type: 'string' },
        'deployment-id': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (err) {
    fail((err as Error).message);
  }
}

async function main(): Promise<void> {
  const { values } = parse();
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig();
  const features: Record<string, number> = {};
  for (const name of (values.features ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)) {
    if (!GRANTABLE.includes(name)) fail(`unknown feature "${name}"`);
    features[name] = 1;
  }
  if (values['user-limit'] !== undefined)
    features.user_limit = Math.floor(positive('user-limit', values['user-limit'], 0));
  if (Object.keys(features).length === 0 && !values['all-features'])
    fail('name at least one feature, or --all-features');
  const deploymentIds = (values['deployment-id'] ?? []).map((id) => id.trim().toLowerCase());
  for (const id of deploymentIds) if (!isUuid(id)) fail(`--deployment-id must be a UUID, got "${id}"`);

  const keyPath = join(config.dataDir, 'license-signing-key.jwk');
  const { key, created } = await loadOrCreateSigningKey(keyPath);
  const added = addPublicKeyToJwks(config.licenseKeysFile, key.publicJwk);
  if (created) process.stderr.write(`Created the signing key ${keyPath} (kid ${key.kid}; keep it private).\n`);
  if (added)
    process.stderr.write(`Added its public key to ${config.licenseKeysFile} (the server reloads it by itself).\n`);
  const jwt = await signLicense(key, {
    features,
    allFeatures: values['all-features'] ?? false,
    trial: values.trial ?? false,
    days: positive('days', values.days, 365),
    graceDays: positive('grace-days', values['grace-days'], 7),
    email: values.email,
    accountId: values['account-id'],
    deploymentIds,
  });
  process.stdout.write(`${jwt}\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) fail(err.message);
  process.stderr.write(`license:issue failed: ${(err as Error).message}\n`);
  process.exit(1);
});
