// Baseline A for `npm run bench -- pipeline`: bare Express 5, one router, no middleware (the JSON
// body parser on the SCIM route only), doing the routes' work of work.mjs. Listens on a free
// loopback port and prints it on stdout; SIGTERM ends it.
//
// With BASELINE_KEPT=1 it is the bench's floor instead: the same app plus, in front of its router,
// the per-request behaviour issue 15 says to keep, taken from our built server (dist/) and not
// rewritten: the request id and build version headers, the metrics and request-log observers, the
// security headers. What it costs over bare Express is what no server keeping that behaviour can
// avoid, whatever its framework.
import express from 'express';
import { createWork } from './work.mjs';

const kept = process.env.BASELINE_KEPT === '1';

const work = await createWork();
const router = express.Router();

function send(res, reply) {
  res.status(reply.status);
  if (reply.headers) res.set(reply.headers);
  if (reply.contentType) res.type(reply.contentType);
  res.json(reply.body);
}

/** The route's work for the request's session, or the 401. */
const authenticated = (handler) => async (req, res) => {
  const { actor, error } = await work.authenticate(
    req.headers,
    req.query.coder_session_token,
    req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null,
  );
  send(res, error ?? (await handler(actor, req)));
};

router.get(
  '/api/v2/users/me',
  authenticated((actor) => work.userMe(actor)),
);
router.get(
  '/api/v2/groups/:group',
  authenticated((actor, req) => work.group(actor, req.params.group)),
);
router.get(
  '/api/v2/organizations/:organization/groups',
  authenticated((actor, req) => work.organizationGroups(actor, req.params.organization)),
);
router.patch(
  '/api/v2/scim/v2/Users/:id',
  express.json({ type: ['application/json', 'application/scim+json'] }),
  async (req, res) => send(res, await work.scimPatchUser(req.headers.authorization, req.params.id, req.body)),
);
router.get('/api/v2/buildinfo', (_req, res) => send(res, work.buildInfo()));

const app = express();
// As our server (src/common/http/http-setup.ts): no generated ETags, so both send the same headers' worth of work.
app.set('etag', false);
if (kept) {
  const { observeRequests, securityHeaders } = await import('../../dist/src/common/http/http-setup.js');
  const { MetricsService } = await import('../../dist/src/core/metrics/metrics.service.js');
  const { createAppLogger, logRequest } = await import('../../dist/src/common/http/logging.js');
  // The pool gauges read no pool here (they are read only when scraped); the request metrics are ours.
  const metrics = new MetricsService({ pool: undefined });
  // Our server's default level (info) and format off a terminal (JSON): requests log at debug, so a
  // 2xx builds nothing, as on our server.
  const log = createAppLogger('info', 'json');
  app.disable('x-powered-by');
  app.use(observeRequests([metrics.observer, { finished: (req, res, ms) => logRequest(log, req, res, ms) }]));
  app.use(securityHeaders(false));
}
app.use(router);
const server = app.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.once('SIGTERM', () => {
  server.close(() => work.close().then(() => process.exit(0)));
  server.closeAllConnections();
});
