import express from 'express';
import { routePrefix, RoutingExpressAdapter } from './routing-adapter.js';

describe('routePrefix', () => {
  it.each([
    ['/api/v2/users/me', '/api/v2/users'],
    ['/api/v2/users/:user/keys', '/api/v2/users'],
    ['/api/v2/users', '/api/v2/users'],
    ['/api/v2/users?q=x/y', '/api/v2/users'],
    ['/api/v2/users/', '/api/v2/users'],
    ['/healthz', '/healthz'],
    ['/healthz?x', '/healthz'],
    ['/scim/v2/Users/.search', '/scim/v2/Users'],
    ['/', '/'],
  ])('%s → %s', (path, prefix) => {
    expect(routePrefix(path)).toBe(prefix);
  });
});

describe('RoutingExpressAdapter', () => {
  const handler = (name: string) => (req: express.Request, res: express.Response) =>
    void res.json({ name, route: (req.route as { path: string }).path, params: req.params });

  async function serve(setup: (adapter: RoutingExpressAdapter) => void) {
    const app = express();
    app.set('case sensitive routing', true);
    app.set('strict routing', true);
    const adapter = new RoutingExpressAdapter(app);
    setup(adapter);
    app.use((_req: express.Request, res: express.Response) => void res.status(404).json({ miss: true }));
    const server = app.listen(0);
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    const call = async (method: string, path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
      return {
        status: res.status,
        body: method === 'HEAD' ? undefined : ((await res.json()) as Record<string, unknown>),
      };
    };
    return { call, close: () => new Promise((r) => server.close(r)), adapter };
  }

  it('matches as one ordered list would: order within a prefix, full route paths, params, strict and case-sensitive', async () => {
    const { call, close, adapter } = await serve((a) => {
      a.routeByPrefix();
      a.get('/api/v2/users/roles', handler('roles'));
      a.get('/api/v2/users/:user', handler('user'));
      a.post('/api/v2/users', handler('create'));
      a.get('/api/v2/groups/:group', handler('group'));
      a.get('/healthz', handler('health'));
    });
    try {
      expect(await call('GET', '/api/v2/users/roles')).toEqual({
        status: 200,
        body: { name: 'roles', route: '/api/v2/users/roles', params: {} },
      });
      expect(await call('GET', '/api/v2/users/me?x=1')).toEqual({
        status: 200,
        body: { name: 'user', route: '/api/v2/users/:user', params: { user: 'me' } },
      });
      expect((await call('POST', '/api/v2/users')).body?.name).toBe('create');
      expect((await call('GET', '/api/v2/groups/g1')).body?.params).toEqual({ group: 'g1' });
      expect((await call('GET', '/healthz')).body?.name).toBe('health');
      expect((await call('HEAD', '/healthz')).status).toBe(200);
      for (const miss of ['/api/v2/users/me/', '/API/v2/users/me', '/api/v2/Users/me', '/healthz/', '/api/v2/nope']) {
        expect({ miss, ...(await call('GET', miss)) }).toEqual({ miss, status: 404, body: { miss: true } });
      }
      // No OPTIONS route: the request passes on (to the app's 404/405), not to Express' automatic answer.
      expect(await call('OPTIONS', '/api/v2/users')).toEqual({ status: 404, body: { miss: true } });
      expect(adapter.prefixRouteLayers().map((l) => (l.route as { path: string }).path)).toEqual([
        '/api/v2/users/roles',
        '/api/v2/users/:user',
        '/api/v2/users',
        '/api/v2/groups/:group',
        '/healthz',
      ]);
    } finally {
      await close();
    }
  });

  it('registers routes on the app itself until routeByPrefix(), and refuses a parameter in a prefix', async () => {
    const { call, close, adapter } = await serve((a) => {
      a.get('/swagger/doc.json', handler('doc'));
      a.routeByPrefix();
      expect(() => a.get('/api/:version/users', handler('x'))).toThrow(/must be literal/);
    });
    try {
      expect((await call('GET', '/swagger/doc.json')).body?.name).toBe('doc');
      expect(adapter.prefixRouteLayers()).toEqual([]);
    } finally {
      await close();
    }
  });
});
