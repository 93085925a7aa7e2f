/** The claims of a Coder license JWT (enterprise/coderd/license/license.go, version 3). */
export interface LicenseClaims {
  /** End of the grace period (seconds since the epoch). */
  exp: number;
  /** End of the paid term = start of the grace period (seconds since the epoch). */
  license_expires: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  sub?: string;
  iss?: string;
  version: number;
  account_type?: string;
  account_id?: string;
  trial?: boolean;
  all_features?: boolean;
  require_telemetry?: boolean;
  /** Feature name → integer; > 0 grants it; for `user_limit` the number of seats. */
  features?: Record<string, number>;
  /** Features granted in bulk: `enterprise` or `premium` (Coder 2024+; `all_features` = enterprise). */
  feature_set?: string;
  /** Add-on SKUs such as `ai_governance` (Coder 2025+). */
  addons?: string[];
  /** When present and non-empty, the only deployments (ids as /buildinfo shows) the license works on. */
  deployment_ids?: string[];
  [claim: string]: unknown;
}

/** A license whose signature and claims were checked. */
export interface VerifiedLicense {
  id: number;
  claims: LicenseClaims;
}

export class InvalidLicenseError extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

const MAX_SEGMENT = 64 * 1024;

function decodeSegment(segment: string, what: string): unknown {
  if (segment.length > MAX_SEGMENT || !/^[A-Za-z0-9_-]*$/.test(segment)) {
    throw new InvalidLicenseError(`could not base64 decode ${what}`);
  }
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidLicenseError(`could not JSON decode ${what}`);
  }
}

/**
 * The claims of a stored license without verifying it (for listing, as Coder does), or undefined
 * if the stored text is not a JWT with an object payload.
 */
export function decodeClaimsUnverified(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = decodeSegment(parts[1], 'claims');
    return payload && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export { decodeSegment };
