// What the bench reads about a process from Linux's /proc: CPU time (utime + stime, stat(5)) and
// resident memory (VmRSS, status). Undefined where /proc is missing or the process has exited.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second (sysconf(_SC_CLK_TCK)), the unit of stat(5)'s utime and stime. */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process so far, in clock ticks. */
export function cpuTicks(pid) {
  try {
    // The fields after the command name (which may hold spaces) start at field 3, state.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime: fields 14 and 15 of stat(5)
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by a process. */
export function processCpuSeconds(pid) {
  const ticks = cpuTicks(pid);
  return ticks === undefined ? undefined : ticks / CLOCK_TICKS;
}

/** Resident set size of a process now, in bytes. */
export function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stop(), which answers the highest seen (bytes). */
export function sampleRss(pid, everyMs = 100) {
  let peak = rssBytes(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid) ?? 0);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssBytes(pid) ?? 0);
    },
  };
}
