// Layering of src/ (issue 14): common (with config) → database → core → enterprise → app
// (app.module, app.factory, main, cli). An import may only point down this list, never back up,
// and no module may sit in an import cycle. Inside src/core the features are layered too
// (CORE_TIERS below). `npm run lint:deps` checks it in CI; .dependency-cruiser-known-violations.json
// lists the violations tolerated while a redesign proceeds (none since issue 14). A new one fails the build.
const layer = (name, path) => ({ name, path });
const LAYERS = [
  layer('common', '^src/(common|config)/'),
  layer('database', '^(src/database|migrations)/'),
  layer('core', '^src/core/'),
  layer('enterprise', '^src/enterprise/'),
  layer('app', '^src/(app\\.module|app\\.factory|main|startup-messages)\\.ts$|^src/cli/'),
];

/** For each layer, a rule forbidding imports of any layer above it. */
const upward = LAYERS.slice(0, -1).map((below, i) => ({
  name: `no-upward-from-${below.name}`,
  severity: 'error',
  comment: `${below.name} may not import ${LAYERS.slice(i + 1)
    .map((l) => l.name)
    .join(', ')}`,
  from: { path: below.path },
  to: {
    path: LAYERS.slice(i + 1)
      .map((l) => l.path)
      .join('|'),
  },
}));

/**
 * The features of src/core from the bottom up, read off the import graph (issue 14). A feature
 * imports only features of lower tiers; the features of one tier are independent of each other,
 * except inside the two tiers marked `cluster`, whose features call each other today (identity:
 * users, their keys, sign-in and the license's user limit; jobs: templates and workspaces run
 * provisioner jobs, which complete builds). Entities (the schema, whose foreign keys cross
 * features) and the Everyone-group rule they imply may be imported from any tier.
 */
const CORE_TIERS = [
  { name: 'foundations', features: ['rbac', 'audit', 'site-config', 'metrics', 'search'] },
  { name: 'access', features: ['access'] },
  { name: 'owners', features: ['groups', 'files'] },
  { name: 'organizations', features: ['organizations'] },
  { name: 'identity', features: ['users', 'api-keys', 'auth', 'licensing'], cluster: true },
  { name: 'jobs', features: ['templates', 'workspaces', 'provisioning'], cluster: true },
  { name: 'endpoints', features: ['members', 'authcheck', 'deployment', 'buildinfo', 'health', 'lifecycle'] },
];
const CORE_SHARED = '^src/core/([^/]+/entities/|groups/everyone-group\\.ts$)';
const coreFeatures = (features) => `^src/core/(${features.join('|')})/`;

const coreTiers = CORE_TIERS.flatMap((tier, i) => {
  const above = CORE_TIERS.slice(i + 1).flatMap((t) => t.features);
  const rules = [];
  if (above.length > 0) {
    rules.push({
      name: `no-upward-in-core-from-${tier.name}`,
      severity: 'error',
      comment: `${tier.features.join(', ')} may not import ${above.join(', ')} (src/core tiers)`,
      from: { path: coreFeatures(tier.features) },
      to: { path: coreFeatures(above), pathNot: CORE_SHARED },
    });
  }
  if (!tier.cluster && tier.features.length > 1) {
    rules.push({
      name: `no-sideways-in-core-${tier.name}`,
      severity: 'error',
      comment: `${tier.features.join(', ')} are independent features (src/core tiers)`,
      from: { path: coreFeatures(tier.features) },
      to: { path: coreFeatures(tier.features), pathNot: [CORE_SHARED, '^src/core/$1/'] },
    });
  }
  return rules;
});

module.exports = {
  forbidden: [
    ...upward,
    ...coreTiers,
    {
      name: 'core-feature-has-a-tier',
      severity: 'error',
      comment: 'every folder of src/core is placed in CORE_TIERS',
      from: { path: '^src/core/', pathNot: coreFeatures(CORE_TIERS.flatMap((t) => t.features)) },
      to: {},
    },
    {
      name: 'core-entities-import-entities',
      severity: 'error',
      comment: 'an entity describes a table: it may name other entities, never services or repositories',
      from: { path: '^src/core/[^/]+/entities/' },
      to: { path: '^src/(core|enterprise)/', pathNot: '^src/(core|enterprise)/[^/]+/entities/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'modules in an import cycle (type-only imports included) cannot be understood or tested alone',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-test-imports-from-src',
      severity: 'error',
      comment: 'production code never imports test helpers',
      from: { path: '^(src|migrations)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
