import { loadConfig, VARIABLES } from '../../config/config.schema.js';
import { deploymentOptions } from './deployment-options.js';
import { deploymentValues } from './deployment-values.js';

/** The names the 2023 dashboard looks up (a missing one throws), with Coder's flag, env and root group. */
const DASHBOARD_OPTIONS: [string, string, string, string | undefined][] = [
  ['Access URL', 'access-url', 'CODER_ACCESS_URL', 'Networking'],
  ['Wildcard Access URL', 'wildcard-access-url', 'CODER_WILDCARD_ACCESS_URL', 'Networking'],
  ['Experiments', 'experiments', 'CODER_EXPERIMENTS', undefined],
  ['SSH Keygen Algorithm', 'ssh-keygen-algorithm', 'CODER_SSH_KEYGEN_ALGORITHM', undefined],
  ['Secure Auth Cookie', 'secure-auth-cookie', 'CODER_SECURE_AUTH_COOKIE', 'Networking'],
  [
    'Disable Owner Workspace Access',
    'disable-owner-workspace-access',
    'CODER_DISABLE_OWNER_WORKSPACE_ACCESS',
    undefined,
  ],
  ['OIDC Client ID', 'oidc-client-id', 'CODER_OIDC_CLIENT_ID', 'OIDC'],
  ['OAuth2 GitHub Client ID', 'oauth2-github-client-id', 'CODER_OAUTH2_GITHUB_CLIENT_ID', 'OAuth2'],
];

const SECRETS = {
  CODER_PG_CONNECTION_URL: 'postgres://coder:pg-Secret-Pw@db.internal:5432/coder',
  CODER_SCIM_AUTH_HEADER: 'scim-Secret-Key-123',
  CODER_PROVISIONER_DAEMON_PSK: 'psk-Secret-456',
};

type Group = { name: string; parent?: Group };
const root = (group: Group | undefined): string | undefined => (group?.parent ? root(group.parent) : group?.name);

describe('deployment options', () => {
  const defaults = deploymentOptions(loadConfig({}));
  const byName = (options: ReturnType<typeof deploymentOptions>, name: string) => options.find((o) => o.name === name);

  it.each(DASHBOARD_OPTIONS)('has "%s" with Coder\'s flag, env and group', (name, flag, env, group) => {
    const option = byName(defaults, name);
    expect(option).toMatchObject({ name, flag, env, value_source: 'default' });
    expect(root(option?.group)).toBe(group);
  });

  it('has one option per variable of ours, each with a value unless it is a secret, and unique names and flags', () => {
    const options = deploymentOptions(loadConfig({}));
    for (const variable of VARIABLES) {
      const matching = options.filter((o) => o.env === variable.name);
      expect([variable.name, matching.length]).toEqual([variable.name, 1]);
      const secret = matching[0].annotations?.secret === 'true';
      expect([variable.name, secret || 'value' in matching[0]]).toEqual([variable.name, true]);
    }
    expect(new Set(options.map((o) => o.name)).size).toBe(options.length);
    expect(new Set(options.map((o) => o.flag)).size).toBe(options.length);
  });

  it('gives values as Coder encodes them: durations in nanoseconds, arrays, numbers, booleans', () => {
    const options = deploymentOptions(
      loadConfig({
        CODER_SESSION_DURATION: '2h',
        CODER_EXPERIMENTS: 'moons',
        CODER_ACCESS_URL: 'https://coder.example.com',
      }),
    );
    expect(byName(options, 'Session Duration')).toMatchObject({
      value: 7_200_000_000_000,
      value_source: 'env',
      default: '24h',
    });
    expect(byName(options, 'Experiments')).toMatchObject({ value: ['moons'], value_source: 'env' });
    expect(byName(options, 'Provisioner Daemons')).toMatchObject({ value: 3, value_source: 'default' });
    expect(byName(options, 'Secure Auth Cookie')).toMatchObject({ value: true });
    expect(byName(defaults, 'Secure Auth Cookie')).toMatchObject({ value: false });
    expect(byName(options, 'Access URL')).toMatchObject({ value: 'https://coder.example.com', value_source: 'env' });
  });

  it("reports the Prometheus listener under Coder's names (introspection group), off at 127.0.0.1:2112 by default", () => {
    expect(byName(defaults, 'Prometheus Enable')).toMatchObject({
      flag: 'prometheus-enable',
      env: 'CODER_PROMETHEUS_ENABLE',
      yaml: 'enable',
      value: false,
      value_source: 'default',
      group: { name: 'Prometheus', yaml: 'prometheus', parent: { name: 'Introspection', yaml: 'introspection' } },
    });
    expect(byName(defaults, 'Prometheus Address')).toMatchObject({
      flag: 'prometheus-address',
      env: 'CODER_PROMETHEUS_ADDRESS',
      yaml: 'address',
      default: '127.0.0.1:2112',
      value: '127.0.0.1:2112',
      value_source: 'default',
    });
    const on = deploymentOptions(
      loadConfig({ CODER_PROMETHEUS_ENABLE: 'true', CODER_PROMETHEUS_ADDRESS: '[::1]:9100' }),
    );
    expect(byName(on, 'Prometheus Enable')).toMatchObject({ value: true, value_source: 'env' });
    expect(byName(on, 'Prometheus Address')).toMatchObject({ value: '[::1]:9100', value_source: 'env' });
  });

  it('follows derived defaults: the keys file inside a configured data directory is still the default', () => {
    const options = deploymentOptions(loadConfig({ CODER_DATA_DIR: '/srv/coder' }));
    expect(byName(options, 'Data Directory')).toMatchObject({ value: '/srv/coder', value_source: 'env' });
    expect(byName(options, 'License Keys File')).toMatchObject({
      value: '/srv/coder/license-keys.json',
      value_source: 'default',
    });
  });

  it('never carries a secret: secret options are annotated and have no value, and the config leaves them out', () => {
    const config = loadConfig(SECRETS);
    const text = JSON.stringify({ options: deploymentOptions(config), config: deploymentValues(config) });
    for (const secret of [
      'pg-Secret-Pw',
      SECRETS.CODER_PG_CONNECTION_URL,
      SECRETS.CODER_SCIM_AUTH_HEADER,
      SECRETS.CODER_PROVISIONER_DAEMON_PSK,
    ]) {
      expect(text).not.toContain(secret);
    }
    const secrets = deploymentOptions(config).filter((o) => o.annotations?.secret === 'true');
    expect(secrets.map((o) => [o.env, 'value' in o, o.value_source])).toEqual([
      ['CODER_PG_CONNECTION_URL', false, 'env'],
      ['CODER_SCIM_AUTH_HEADER', false, 'env'],
      ['CODER_PROVISIONER_DAEMON_PSK', false, 'env'],
    ]);
  });
});

describe('deployment values (the config object)', () => {
  it("has the keys the dashboard reads, with this server's values", () => {
    const values = deploymentValues(
      loadConfig({ CODER_ACCESS_URL: 'https://coder.example.com', CODER_EXPERIMENTS: 'moons' }),
    );
    expect(values).toMatchObject({
      access_url: 'https://coder.example.com',
      wildcard_access_url: '',
      experiments: ['moons'],
      external_auth: [],
      support: { links: [] },
      http_address: '127.0.0.1:3000',
      docs_url: 'https://coder.com/docs',
      secure_auth_cookie: true,
      max_session_expiry: 86_400_000_000_000,
      prometheus: {
        enable: false,
        address: '127.0.0.1:2112',
        collect_agent_stats: false,
        collect_db_metrics: false,
        aggregate_agent_stats_by: [],
      },
    });
    const on = deploymentValues(loadConfig({ CODER_PROMETHEUS_ENABLE: '1', CODER_PROMETHEUS_ADDRESS: '0.0.0.0:9100' }));
    expect(on.prometheus).toMatchObject({ enable: true, address: '0.0.0.0:9100' });
  });
});
