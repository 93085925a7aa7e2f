// Layering of src/ (issue 14): common (with config) → database → core → enterprise → app
// (app.module, app.factory, main, cli). An import may only point down this list, never back up,
// and no module may sit in an import cycle. `npm run lint:deps` checks it in CI; the imports that
// broke these rules when the check was introduced are listed in .dependency-cruiser-known-violations.json
// and shrink as the redesign proceeds. A new one fails the build.
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
  comment: `${below.name} may not import ${LAYERS.slice(i + 1).map((l) => l.name).join(', ')}`,
  from: { path: below.path },
  to: { path: LAYERS.slice(i + 1).map((l) => l.path).join('|') },
}));

module.exports = {
  forbidden: [
    ...upward,
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
