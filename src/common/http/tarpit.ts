/**
 * Refusals to callers over a limit (429) are answered after a pause. A client sending in a loop,
 * as floods and guessing scripts do, then gets one answer a second per connection instead of as
 * many as the server can produce: a limit that bounds the work an address causes, not only what
 * it is told. Waiting costs a timer and an idle socket. Past MAX_WAITING refusals waiting at once
 * (an attacker opening many connections) they are answered at once, and the connection closed.
 */
export const TARPIT_MS = 1000;
const MAX_WAITING = 1024;

let waiting = 0;

/** Something that can go away before the answer is due: a response's or a socket's 'close'. */
interface Closable {
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

/** Runs `answer` after TARPIT_MS (at once when too many are waiting), unless `conn` closes first. */
export function tarpit(conn: Closable, answer: () => void): void {
  if (waiting >= MAX_WAITING) return answer();
  waiting += 1;
  const release = () => {
    clearTimeout(timer);
    conn.off('close', release);
    waiting -= 1;
  };
  const timer = setTimeout(() => {
    release();
    answer();
  }, TARPIT_MS);
  conn.once('close', release);
}

/** Whether a request still has a body on the wire (so refusing it early should close the connection rather than read it). */
export function hasBody(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  return (
    (headers['content-length'] !== undefined && headers['content-length'] !== '0') ||
    headers['transfer-encoding'] !== undefined
  );
}
