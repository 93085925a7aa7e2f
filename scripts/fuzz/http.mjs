// A plain node:http client for the fuzzer: exact bytes (any Content-Type or none, raw paths), the
// time to the last byte, and transport errors reported instead of thrown.
import http from 'node:http';

const RETRYABLE = new Set(['ECONNRESET', 'EPIPE']);

export function createClient(baseUrl, { timeoutMs = 10_000, maxSockets = 8 } = {}) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 1000 });

  function once(req) {
    return new Promise((resolve) => {
      const started = performance.now();
      const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
      const headers = { ...req.headers };
      if (body !== undefined) headers['Content-Length'] = String(body.length);
      let settled = false;
      const finish = (result) => {
        if (settled) return;
        settled = true;
        resolve({ ...result, ms: performance.now() - started });
      };
      const onResponse = (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          finish({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => finish({ status: 0, error: { code: err.code ?? 'ERROR', message: err.message } }));
      };
      let r;
      try {
        // From another loopback address (`localAddress`): a fresh connection, not the pool's.
        const via = req.localAddress ? { localAddress: req.localAddress, agent: false } : { agent };
        r = http.request(
          { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, ...via },
          onResponse,
        );
      } catch (err) {
        // Refused by Node before sending (a header value it will not write): the generator's fault.
        finish({ status: 0, error: { code: 'CLIENT_REFUSED', message: err.message } });
        return;
      }
      r.setTimeout(timeoutMs, () => {
        r.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' }));
      });
      r.on('error', (err) =>
        finish({ status: 0, error: { code: err.code ?? 'ERROR', message: err.message }, reusedSocket: r.reusedSocket }),
      );
      if (body !== undefined) r.write(body);
      r.end();
    });
  }

  return {
    baseUrl,
    /**
     * Sends one request. A reset on a reused keep-alive socket before any answer is the client's
     * race with the server closing an idle socket (Node's documented case), so it is retried once
     * on a fresh connection; any other transport error is returned as `error`.
     */
    async send(req) {
      const res = await once(req);
      if (res.error && res.reusedSocket && RETRYABLE.has(res.error.code)) return once(req);
      return res;
    },
    /** JSON helper for fixtures: throws on a transport error. */
    async json(method, path, { token, body, headers = {} } = {}) {
      const res = await this.send({
        method,
        path,
        headers: {
          ...(token ? { 'Coder-Session-Token': token } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      if (res.error) throw new Error(`${method} ${path}: ${res.error.code} ${res.error.message}`);
      let parsed;
      try {
        parsed = res.text ? JSON.parse(res.text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text: res.text };
    },
    close() {
      agent.destroy();
    },
  };
}
