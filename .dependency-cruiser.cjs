// The import rules of DESIGN.md §3, checked by `npm run lint`.
// `text` is a leaf library like `domain`: the pipeline folds text for search with it.
const layer = (name, allowed) => ({
  name: `${name}-imports`,
  comment: `${name} may import only: ${allowed.join(', ')}`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: {
    path: '^(src|dashboard)/',
    pathNot: allowed.map((target) => `^${target}(/|\\.ts$)`),
  },
});

module.exports = {
  forbidden: [
    layer('domain', ['src/domain']),
    layer('text', ['src/text', 'src/domain']),
    layer('collectors', ['src/collectors', 'src/domain', 'src/text']),
    layer('classifiers', ['src/classifiers', 'src/domain', 'src/text']),
    layer('db', ['src/db', 'src/domain']),
    layer('pipeline', ['src/pipeline', 'src/collectors', 'src/classifiers', 'src/db', 'src/domain', 'src/text']),
    // Alert webhooks refuse non-public addresses with the collector's own check.
    layer('jobs', ['src/jobs', 'src/pipeline', 'src/db', 'src/domain', 'src/reports']),
    // The narrative of a report is written from the message catalogue (a pure module of strings).
    layer('reports', ['src/reports', 'src/domain', 'src/db/queries', 'src/db/client', 'dashboard/i18n']),
    layer('api', ['src/api', 'src/db/queries', 'src/db/client', 'src/jobs/job-runner', 'src/reports', 'src/classifiers', 'dashboard', 'src/domain']),
    {
      name: 'dashboard-imports',
      comment: 'dashboard may import only domain',
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'nothing-imports-entry-points',
      comment: 'main and cli are composition roots; nothing imports them',
      severity: 'error',
      from: { path: '^(src|dashboard)/', pathNot: '^src/(main|cli)\\.ts$' },
      to: { path: '^src/(main|cli|config|logger)\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|test|bench|demo)/' },
  },
};
