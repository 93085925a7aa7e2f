/**
 * Go-style durations (`time.ParseDuration`), because Coder's flags and env vars use them
 * (`CODER_SESSION_DURATION=24h`, `CODER_PROXY_HEALTH_INTERVAL=1m`).
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;

/** Parses `1h30m`, `90s`, `1.5h`, `0`; returns milliseconds or throws with a readable reason. */
export function parseDuration(input: string): number {
  const text = input.trim();
  if (text === '0') return 0;
  if (text === '') throw new Error('empty duration');
  let sign = 1;
  let rest = text;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(rest); m !== null; m = PART.exec(rest)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    consumed = PART.lastIndex;
  }
  if (consumed !== rest.length || consumed === 0) {
    throw new Error(`invalid duration "${input}" (use Go syntax such as 24h, 90m, 1h30m)`);
  }
  return sign * total;
}

/** Formats milliseconds the way Go prints a time.Duration (`24h0m0s`, `1m30s`, `500ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  const out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  return `${neg ? '-' : ''}${out}`;
}
