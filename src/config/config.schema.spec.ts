import { ConfigError, helpText, KNOWN_EXPERIMENTS, loadConfig, VARIABLES } from './config.schema.js';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration (Go syntax)', () => {
  it.each([
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['0', 0],
    ['-1m', -60_000],
  ])('%s', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', '24', 'h', '1d', '1h-', 'abc', '1 h'])('rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrow();
  });

  it('formats like Go', () => {
    expect(formatDuration(720 * 3_600_000)).toBe('720h0m0s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(500)).toBe('500ms');
  });
});

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const c = loadConfig({});
    expect(c.httpHost).toBe('127.0.0.1');
    expect(c.httpPort).toBe(3000);
    expect(c.accessUrl).toBe('http://127.0.0.1:3000');
    expect(c.pgConnectionUrl).toBeUndefined();
    expect(c.sessionDurationMs).toBe(86_400_000);
    expect(c.apiRateLimit).toBe(512);
    expect(c.dataDir.endsWith('.coder-data')).toBe(true);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      CODER_HTTP_ADDRESS: '0.0.0.0:8080',
      CODER_ACCESS_URL: 'https://coder.example.com/',
      CODER_PG_CONNECTION_URL: 'postgres://u:p@db:5432/coder',
      CODER_SESSION_DURATION: '1h',
      CODER_API_RATE_LIMIT: '-1',
      CODER_LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({
      httpHost: '0.0.0.0',
      httpPort: 8080,
      accessUrl: 'https://coder.example.com',
      pgConnectionUrl: 'postgres://u:p@db:5432/coder',
      sessionDurationMs: 3_600_000,
      apiRateLimit: -1,
      logLevel: 'debug',
    });
  });

  it.each([
    ['CODER_HTTP_ADDRESS', 'nonsense'],
    ['CODER_HTTP_ADDRESS', '127.0.0.1:70000'],
    ['CODER_ACCESS_URL', 'not a url'],
    ['CODER_ACCESS_URL', 'ftp://x'],
    ['CODER_PG_CONNECTION_URL', 'mysql://x'],
    ['CODER_SESSION_DURATION', '1 day'],
    ['CODER_SESSION_DURATION', '1s'],
    ['CODER_API_RATE_LIMIT', 'lots'],
    ['CODER_API_RATE_LIMIT', '0'],
    ['CODER_LOG_LEVEL', 'loud'],
    ['CODER_LOG_FORMAT', 'xml'],
    ['CODER_LOG_FORMAT', 'JSON '],
    ['CODER_PG_POOL_MAX', '0'],
    ['CODER_QUIET_HOURS_DEFAULT_SCHEDULE', '0 0 * * 1'],
    ['CODER_PROVISIONER_DAEMONS', '-1'],
    ['CODER_JOB_HANG_TIMEOUT', 'soon'],
    ['CODER_DERP_SERVER_RELAY_URL', 'not a url'],
    ['CODER_PROXY_HEALTH_INTERVAL', 'often'],
    ['CODER_PROXY_HEALTH_INTERVAL', '10ms'],
    ['CODER_REPLICA_HEARTBEAT_INTERVAL', '-5s'],
    ['CODER_REPLICA_PRUNE_INTERVAL', '30 minutes'],
    ['CODER_EXPERIMENTS', 'moons,Bad Name'],
    ['CODER_DOCS_URL', 'docs'],
    ['CODER_PROMETHEUS_ENABLE', 'yes'],
    ['CODER_PROMETHEUS_ADDRESS', 'localhost'],
    ['CODER_PROMETHEUS_ADDRESS', '127.0.0.1:99999'],
    ['CODER_PROMETHEUS_ADDRESS', 'http://127.0.0.1:2112'],
  ])('rejects %s=%j naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toContain(name);
  });

  it("uses Coder's high-availability intervals by default and reads them as Go durations", () => {
    expect(loadConfig({})).toMatchObject({
      replicaHeartbeatIntervalMs: 5000,
      replicaPruneIntervalMs: 1_800_000,
      proxyHealthIntervalMs: 60_000,
    });
    const c = loadConfig({
      CODER_PROXY_HEALTH_INTERVAL: '30s',
      CODER_REPLICA_HEARTBEAT_INTERVAL: '500ms',
      CODER_REPLICA_PRUNE_INTERVAL: '1h',
    });
    expect(c).toMatchObject({
      proxyHealthIntervalMs: 30_000,
      replicaHeartbeatIntervalMs: 500,
      replicaPruneIntervalMs: 3_600_000,
    });
  });

  it('reads experiments (none by default, * = every known one) and the docs URL', () => {
    expect(loadConfig({})).toMatchObject({ experiments: [], docsUrl: 'https://coder.com/docs' });
    expect(loadConfig({ CODER_EXPERIMENTS: 'moons, dashboard_theme,moons' }).experiments).toEqual([
      'moons',
      'dashboard_theme',
    ]);
    expect(loadConfig({ CODER_EXPERIMENTS: '*' }).experiments).toEqual([...KNOWN_EXPERIMENTS]);
    expect(loadConfig({ CODER_DOCS_URL: 'https://docs.example.com/' }).docsUrl).toBe('https://docs.example.com');
  });

  it("reads the Prometheus listener: off by default at Coder's 127.0.0.1:2112, Go's boolean spellings", () => {
    expect(loadConfig({})).toMatchObject({
      prometheusEnable: false,
      prometheusHost: '127.0.0.1',
      prometheusPort: 2112,
    });
    for (const on of ['true', 'TRUE', 't', '1'])
      expect(loadConfig({ CODER_PROMETHEUS_ENABLE: on }).prometheusEnable).toBe(true);
    for (const off of ['false', 'F', '0', ''])
      expect(loadConfig({ CODER_PROMETHEUS_ENABLE: off }).prometheusEnable).toBe(false);
    expect(loadConfig({ CODER_PROMETHEUS_ADDRESS: ':9100' })).toMatchObject({
      prometheusHost: '0.0.0.0',
      prometheusPort: 9100,
    });
    expect(loadConfig({ CODER_PROMETHEUS_ADDRESS: '[::1]:9100' })).toMatchObject({
      prometheusHost: '::1',
      prometheusPort: 9100,
    });
  });

  it.each([
    ['127.0.0.1:3000', '127.0.0.1:3000'],
    ['0.0.0.0:8080', '127.0.0.1:8080'],
    ['127.0.0.1:8080', ':8080'],
  ])('refuses a metrics address that is the API address (%s and %s) when the listener is on', (http, metrics) => {
    const env = { CODER_HTTP_ADDRESS: http, CODER_PROMETHEUS_ADDRESS: metrics };
    expect(() => loadConfig({ ...env, CODER_PROMETHEUS_ENABLE: 'true' })).toThrow(
      /^Invalid configuration: CODER_PROMETHEUS_ADDRESS: must not be the API's address/,
    );
    expect(loadConfig(env).prometheusEnable).toBe(false);
    expect(
      loadConfig({ ...env, CODER_PROMETHEUS_ENABLE: 'true', CODER_PROMETHEUS_ADDRESS: '127.0.0.2:3001' })
        .prometheusPort,
    ).toBe(3001);
  });

  it('reads the log format: auto by default (pretty on a terminal, else JSON), or forced', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ CODER_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ CODER_LOG_FORMAT: ' json ' }).logFormat).toBe('json');
    expect(helpText()).toMatch(/CODER_LOG_FORMAT +Log format: pretty .*\(default: auto\)/);
  });

  it('never echoes a database URL (it may hold a password)', () => {
    expect(() => loadConfig({ CODER_PG_CONNECTION_URL: 'mysql://user:secretpw@db/x' })).toThrow(/^(?!.*secretpw)/s);
  });

  it('--help lists every variable with its default', () => {
    const text = helpText();
    for (const v of VARIABLES) expect(text).toContain(v.name);
    expect(text).toContain('(default: 24h)');
    expect(text).toMatch(/CODER_PROMETHEUS_ENABLE +Serve Prometheus metrics .*\(default: false\)/);
    expect(text).toMatch(/CODER_PROMETHEUS_ADDRESS +Listen address .*\(default: 127\.0\.0\.1:2112\)/);
  });
});
