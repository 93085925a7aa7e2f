// Baseline B for `npm run bench -- pipeline`: bare node:http + pg (pg.Pool), doing the routes' work
// of work.mjs with hand-written routing and body reading. Listens on a free loopback port and
// prints it on stdout; SIGTERM ends it.
import { createServer } from 'node:http';
import { createWork } from './work.mjs';

const work = await createWork();
const NOT_FOUND = { status: 404, body: { message: 'Route not found.' } };

function send(res, reply) {
  const headers = { 'Content-Type': reply.contentType ?? 'application/json; charset=utf-8', ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['Content-Length'] = Buffer.byteLength(text);
  res.writeHead(reply.status, headers);
  res.end(text);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

async function authenticated(req, search, handler) {
  const queryToken = search ? (new URLSearchParams(search).get('coder_session_token') ?? undefined) : undefined;
  const { actor, error } = await work.authenticate(
    req.headers,
    queryToken,
    req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null,
  );
  return error ?? handler(actor);
}

async function route(req) {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const search = q < 0 ? '' : req.url.slice(q + 1);
  const parts = path.split('/'); // ['', 'api', 'v2', ...]
  if (parts[1] !== 'api' || parts[2] !== 'v2') return NOT_FOUND;
  if (req.method === 'GET') {
    if (parts.length === 4 && parts[3] === 'buildinfo') return work.buildInfo();
    if (parts.length === 5 && parts[3] === 'users' && parts[4] === 'me')
      return authenticated(req, search, (actor) => work.userMe(actor));
    if (parts.length === 5 && parts[3] === 'groups')
      return authenticated(req, search, (actor) => work.group(actor, decodeURIComponent(parts[4])));
    if (parts.length === 6 && parts[3] === 'organizations' && parts[5] === 'groups')
      return authenticated(req, search, (actor) => work.organizationGroups(actor, decodeURIComponent(parts[4])));
  }
  if (
    req.method === 'PATCH' &&
    parts.length === 7 &&
    parts[3] === 'scim' &&
    parts[4] === 'v2' &&
    parts[5] === 'Users'
  ) {
    let body;
    try {
      body = await readJson(req);
    } catch {
      return { status: 400, body: { message: 'Malformed JSON body.' } };
    }
    return work.scimPatchUser(req.headers.authorization, decodeURIComponent(parts[6]), body);
  }
  return NOT_FOUND;
}

const server = createServer((req, res) => {
  route(req).then(
    (reply) => send(res, reply),
    (err) => {
      process.stderr.write(`${err.stack}\n`);
      send(res, { status: 500, body: { message: 'An internal error occurred.' } });
    },
  );
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.once('SIGTERM', () => {
  server.close(() => work.close().then(() => process.exit(0)));
  server.closeAllConnections();
});
