// The invariants every answer must keep, whatever was sent.
import { SCIM_PATH } from './openapi.mjs';

export const SLOW_MS = 2_000;
export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Field names whose values are secrets in any answer (tokens, keys, passwords, signing material). */
const SECRET_FIELDS =
  /"(session_token|key|proxy_token|token|password|old_password|hashed_password|app_security_key|derp_mesh_key|license|secret|psk)"\s*:\s*"[^"]*"/gi;

/** Text safe to print: known secrets and secret-named JSON fields blanked, control characters escaped, cut short. */
export function excerpt(text, secrets = [], max = 160) {
  let out = String(text ?? '');
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[secret]');
  out = out.replace(SECRET_FIELDS, (_m, name) => `"${name}":"[redacted]"`);
  out = out.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

export const statusClass = (status) => (status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'no answer');

/**
 * The violations of one answer: [{ invariant, detail }]. `path` is the path sent (SCIM routes answer
 * SCIM errors, every other route Coder's envelope `{message, detail?, validations?}`).
 */
export function checkAnswer(path, res) {
  const out = [];
  if (res.error) {
    const invariant =
      { TIMEOUT: 'no-answer-timeout', CLIENT_REFUSED: 'fuzzer-error' }[res.error.code] ?? 'connection-reset';
    out.push({ invariant, detail: `${res.error.code}: ${res.error.message}` });
    return out;
  }
  if (res.status >= 500) out.push({ invariant: 'no-5xx', detail: `answered ${res.status}` });
  if (res.ms > SLOW_MS) out.push({ invariant: 'under-2s', detail: `answered in ${Math.round(res.ms)} ms` });
  if (res.status >= 400) {
    let body;
    try {
      body = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      body = undefined;
    }
    if (SCIM_PATH.test(path)) {
      const ok =
        body && Array.isArray(body.schemas) && body.schemas.includes(SCIM_ERROR) && body.status === String(res.status);
      if (!ok) out.push({ invariant: 'scim-error-body', detail: `${res.status} is not a SCIM error` });
    } else {
      const ok =
        body !== null &&
        typeof body === 'object' &&
        !Array.isArray(body) &&
        typeof body.message === 'string' &&
        body.message.length > 0 &&
        (body.detail === undefined || typeof body.detail === 'string') &&
        (body.validations === undefined || Array.isArray(body.validations));
      if (!ok) out.push({ invariant: 'error-envelope', detail: `${res.status} is not the {message} envelope` });
    }
  }
  return out;
}
