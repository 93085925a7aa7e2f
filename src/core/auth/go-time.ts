const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Go's `time.Time.String()` for a UTC time, as Coder prints it in messages. */
export function formatGoTime(date: Date): string {
  const base =
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${pad(ms, 3)}`.replace(/0+$/, '');
  return `${base}${fraction} +0000 UTC`;
}
