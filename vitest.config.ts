import { readdirSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

// Integration tests start real JVMs; two cores cannot run several clusters at once. Vitest 3
// has no per-project worker limit, so each integration file is a project of its own, in a
// group after the previous one (`sequence.groupOrder` runs groups one after another): they
// run one file at a time, as before. Everything else runs first, two files at a time: unit
// (with the property tests; `npm run test:quick` is this project alone, no cluster, no
// browser), e2e (the CLI as a child process) and browser (the HTML report in Chromium).
// Any test file outside those folders lands in unit, so `npm test` never leaves one out.
const integration = readdirSync(new URL('test/integration/', import.meta.url))
  .filter((f) => f.endsWith('.test.ts'))
  .sort();

// Except these: their time goes to planned phases (the runs mostly wait, at 50-150 messages/s),
// not CPU, and each brings its own clusters on its own ports. They share one group, so two of
// them run at a time (each about 10% slower than alone). Three at a time was tried once (the
// group takes 814 s of a 1252 s suite; other work shared the machine then): each file ran
// 1.4-2.2 times slower and four failed (a 30 s watchdog wait, a controller failover,
// tag-drift-java, shrink's budget), so not that. The problem plans are two files (the
// problems, their fixes) so that neither half holds the group up alone. Files whose asserts
// bound a time (latency toxics, hand-over within 3 s, retry gaps), that run containers, or
// whose Java workers count sends in a fixed window (java-fleets) stay alone.
const SIDE_BY_SIDE = new Set([
  'batches.test.ts',
  'pop-diagnoses.test.ts',
  'timers.test.ts',
  'dead-letters.test.ts',
  'transactions.test.ts',
  'problem-plans.test.ts',
  'problem-fixes.test.ts',
  'faults.test.ts',
  'known-truth.test.ts',
  'fleets.test.ts',
  'java-and-ordered-plans.test.ts',
  'ha-failover.test.ts',
  'matrix.test.ts',
  'rebalance-join.test.ts',
  'run-lifecycle.test.ts',
  'coordinator-killed.test.ts',
  'external-provider.test.ts',
  'doctor.test.ts',
  'doctor-export.test.ts',
  'smoke-run.test.ts',
  'abort-on-fail.test.ts',
  'aborted-runs.test.ts',
  'concurrent-runs.test.ts',
  'agents-netns.test.ts',
  // Two short runs; the rate search's bound (send p99 2 s) and its ≥ 3 steps held at load average 22.
  'rate-search-backlog.test.ts',
  // A short run watched in Chromium: waits for a band and a final frame, no time bound asserted.
  'live-run.test.ts',
  // Real runs of a short plan, one after another; asserts fault counts, not times.
  'shrink.test.ts',
  // A few seconds of CPU while the API server starts, then kubectl calls: no time bound asserted.
  'k8s-apiserver.test.ts',
  // Two short JVMs (RocketMQ's filter library as an oracle), no cluster, no time bound asserted.
  'sql92-oracle.test.ts',
  // One short run of plans/sql-filters.yaml; asserts counts, not times.
  'sql-filters.test.ts',
  // One run that mostly waits for the broker's first disk check (60 s after boot); counts, not times.
  'disk-fill.test.ts',
  // One short run that mostly waits; compares latencies within the run, no time bound asserted.
  'disk-slow.test.ts',
  // One broker with authentication on, three short exchanges; no time bound asserted.
  'acl-signing.test.ts',
  // One short run of plans/acl.yaml with two revokes; asserts counts and what files hold, not times.
  'acl.test.ts',
]);
const alone = integration.filter((f) => !SIDE_BY_SIDE.has(f));
const integrationGroups = [...alone.map((f) => [f]), [...SIDE_BY_SIDE].filter((f) => integration.includes(f))];

export default defineConfig({
  test: {
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    // Only the unit project uses the threads pool (see there).
    poolOptions: { threads: { isolate: false } },
    hookTimeout: 120_000,
    reporters: ['default'],
    // Provisions RocketMQ and Toxiproxy before the suite (skipped by `npm run test:quick`).
    globalSetup: ['test/support/provision.global.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // One module graph per worker instead of one per file: most of the fast tier's time was
          // collect (importing the same src/ modules into 166 fresh contexts), 65-72 s in all;
          // 48-50 s without. The unit files restore what they change (env, fake timers) and pass
          // in shuffled file orders (--sequence.shuffle.files) this way. The pool, not the
          // project, decides whether workers are reused, and the forks pool's setting would
          // reach the integration files too: unit alone runs in the threads pool, not isolated.
          pool: 'threads',
          isolate: false,
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/integration/**', 'test/e2e/**', 'test/browser/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      ...integrationGroups.flatMap((files, i) =>
        files.map((file) => ({
          extends: true as const,
          test: {
            name: `integration/${file.replace(/\.test\.ts$/, '')}`,
            include: [`test/integration/${file}`],
            sequence: { groupOrder: i + 1 },
          },
        })),
      ),
    ],
  },
});
