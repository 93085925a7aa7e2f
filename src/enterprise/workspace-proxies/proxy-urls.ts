/**
 * The checks on what a proxy reports when it registers (Coder's validateProxyURL and
 * CompileHostnamePattern), as pure functions returning the error text or null.
 */

/** Coder's hostname label rule (lower case after normalising). */
const HOSTNAME_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The access URL: http(s), no path beyond `/` (Coder). Beyond Coder: a host is required and
 * neither credentials, a query nor a fragment are accepted, because the URL is shown to every
 * user (`/regions`) and the health check only ever requests `<origin>/healthz-report`.
 */
export function proxyUrlError(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return /^[a-z][a-z0-9+.-]*:/i.test(raw)
      ? `parse ${JSON.stringify(raw)}: invalid URL`
      : 'scheme must be http or https';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'scheme must be http or https';
  if (url.pathname !== '/' && url.pathname !== '') return 'path must be empty or /';
  if (url.hostname === '') return 'host must not be empty';
  if (url.username !== '' || url.password !== '') return 'URL must not contain credentials';
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#'))
    return 'URL must not have a query or fragment';
  return null;
}

/** The URL as stored: without a trailing slash, so `<url>/healthz-report` is well formed. */
export function normaliseProxyUrl(raw: string): string {
  return new URL(raw).origin;
}

/** Coder's CompileHostnamePattern checks for `*.proxy.example.com` or `*--suffix.example.com`. */
export function hostnamePatternError(input: string): string | null {
  const pattern = input.toLowerCase();
  const quoted = JSON.stringify(pattern);
  if (pattern.includes('http:') || pattern.includes('https:'))
    return `hostname pattern must not contain a scheme: ${quoted}`;
  if (pattern.includes(':')) return `hostname pattern must not contain a port: ${quoted}`;
  if (pattern.startsWith('.') || pattern.endsWith('.'))
    return `hostname pattern must not start or end with a period: ${quoted}`;
  if (!pattern.includes('.')) return `hostname pattern must contain at least two labels/segments: ${quoted}`;
  if (pattern.split('*').length !== 2) return `hostname pattern must contain exactly one asterisk: ${quoted}`;
  if (!pattern.startsWith('*')) return `hostname pattern must only contain an asterisk at the beginning: ${quoted}`;
  const labels = pattern.split('.');
  for (let i = 0; i < labels.length; i++) {
    // The asterisk stands for a valid label: `*.x` is checked as `a.x`, `*--p.x` as `a--p.x`.
    const label = i === 0 ? `a${labels[i].slice(1)}` : labels[i];
    if (!HOSTNAME_LABEL.test(label))
      return `hostname pattern contains invalid label ${JSON.stringify(label)}: ${quoted}`;
  }
  return null;
}
