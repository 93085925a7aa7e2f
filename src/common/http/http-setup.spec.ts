import express from 'express';
import helmet from 'helmet';
import { securityHeaders } from './http-setup.js';

/** The headers an app answers `/` with, without those that vary per response. */
async function headersOf(use: express.RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use(use);
  app.get('/', (_req, res) => void res.json({ ok: true }));
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  try {
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/`);
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (!['date', 'etag', 'content-length', 'connection', 'keep-alive'].includes(name)) out[name] = value;
    });
    return out;
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('securityHeaders', () => {
  it.each([false, true])('sets exactly the headers helmet sets (secure: %s), computed once', async (secure) => {
    const viaHelmet = await headersOf(
      helmet({
        strictTransportSecurity: secure,
        contentSecurityPolicy: { directives: { upgradeInsecureRequests: secure ? [] : null } },
      }),
    );
    const precomputed = await headersOf(securityHeaders(secure));
    expect(precomputed).toEqual(viaHelmet);
    expect(precomputed['x-content-type-options']).toBe('nosniff');
    expect(precomputed['content-security-policy']).toContain("default-src 'self'");
    expect('x-powered-by' in precomputed).toBe(false);
    expect('strict-transport-security' in precomputed).toBe(secure);
    expect(precomputed['content-security-policy'].includes('upgrade-insecure-requests')).toBe(secure);
  });
});
