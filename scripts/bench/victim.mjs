// The victim of the load-isolation bench, in a worker thread so that the attacker's work on the
// bench's main thread does not delay its timestamps: one keep-alive connection, one request at a
// time, one due every intervalMs. When a slow answer makes the next request late, its latency counts
// from when it was due, not from when it could be sent (coordinated omission): otherwise a server
// that stalls for seconds would show one slow sample followed by a burst of fast ones.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, token, durationMs, intervalMs } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One GET; its latency counts from `since` (a performance.now() value). */
function get(since) {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: { 'Coder-Session-Token': token } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - since, status: res.statusCode }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ ms: performance.now() - since, status: err.message }));
    req.end();
  });
}

const samples = [];
const start = performance.now();
for (let i = 0; ; i++) {
  const due = start + i * intervalMs;
  if (due >= start + durationMs) break;
  const wait = due - performance.now();
  // On time: wait, then time from the actual send (the worker's own timer jitter is not the
  // server's). Late because the previous answer was: time from when it was due.
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  samples.push(await get(wait > 0 ? performance.now() : due));
}
agent.destroy();
parentPort.postMessage(samples);
