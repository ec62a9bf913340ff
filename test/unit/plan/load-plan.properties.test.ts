/**
 * Properties of the whole loader: no input makes it throw anything but a plan or usage error
 * (with every message human and every position inside the text), and `--set` is exactly
 * the same as editing the YAML by hand. The base plan has faults, so junk anywhere in them
 * (and in what their checks read: cluster, fleets, phases, seed) is covered too. Any valid
 * `expect` section resolves to what it says with every default filled, and a diagnosis list
 * fails exactly at the entries that repeat an earlier one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DIAGNOSIS_IDS } from '../../../src/plan/expectations-catalogue.ts';
import {
  INVARIANT_IDS,
  INVARIANT_STATES,
  type InvariantId,
  type InvariantState,
} from '../../../src/plan/expectations-catalogue.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { formatPath, type PathSegment } from '../../../src/plan/messages.ts';
import type { ResolvedPlan } from '../../../src/plan/resolved-plan.ts';
import { formatThresholdExpression } from '../../../src/plan/thresholds.ts';
import { formatDuration, formatRate, formatSize } from '../../../src/plan/units.ts';
import { PlanError, UsageError } from '../../../src/util/errors.ts';

const FILE = 'plans/prop.yaml';

const BASE = {
  description: 'Property base plan.',
  cluster: { provider: 'local', brokers: 2, proxy: true },
  topics: [{ name: 'orders', queues: 4 }, { name: 'audit' }],
  fleets: {
    producers: [
      { name: 'orders', topic: 'orders', rate: '100/s', tags: { TagA: 1 } },
      {
        name: 'ramp',
        topic: 'audit',
        startRate: '10/s',
        stages: [
          { duration: '5s', target: '50/s' },
          { duration: '5s', target: '0/s' },
        ],
        maxInFlight: 64,
        ordered: { shardingKeys: 8 },
      },
    ],
    consumers: [
      { name: 'billing', subscription: { orders: '*' } },
      {
        name: 'audit',
        group: 'audit-group',
        instances: 2,
        subscription: { audit: '*' },
        mode: 'push',
        consumeTime: { uniform: ['1ms', '5ms'] },
        failure: { ratio: 0.01 },
        onCrash: 'continue',
        overrides: [
          { instances: [1], subscription: { audit: 'TagA', orders: '*' }, consumeTime: { exponential: '2ms' } },
        ],
      },
    ],
  },
  phases: { load: '20s' },
  sampling: { interval: '500ms', snapshot: '2s' },
  thresholds: {
    loss: ['count==0'],
    e2e_latency: ['p(99)<500ms'],
    'received{group:audit-group,instance:each}': ['count>0'],
  },
  faults: [
    {
      name: 'cut',
      action: 'network.down',
      target: 'consumers->broker-b',
      at: '2s',
      duration: '3s',
      every: '5s',
      count: 2,
    },
    { action: 'kill', target: { random: ['billing#0', 'audit#0', 'audit#1'], pick: 2 } },
    { action: 'scale', target: 'audit', delta: -1, phase: 'drain' },
    { action: 'drift', target: 'audit#1', subscription: { orders: 'TagA' }, duration: '1s' },
    {
      action: 'network.latency',
      target: ['clients->proxy', 'producers->broker-a'],
      latency: '50ms',
      stream: 'upstream',
      duration: '1s',
    },
  ],
  expect: {
    diagnoses: ['inconsistent-subscription', { id: 'unconsumed-queues', group: 'audit-group' }],
    others: 'report',
    invariants: { 'no-loss': 'violated' },
  },
};

/** Zod's own wording, which must never reach a user. */
const ZOD_DEFAULTS =
  // line-length: a regular expression literal cannot be cut (as a RegExp string every escape would double)
  /Invalid input|Invalid option|Unrecognized key|Too (big|small)|received \w+$|invalid value|undefined|\[object Object\]/;

function checkFailure(error: unknown, text: string): void {
  if (error instanceof UsageError) return;
  expect(error).toBeInstanceOf(PlanError);
  const lines = text.split(/\r\n|\r|\n/);
  for (const issue of (error as PlanError).issues) {
    expect(issue.message).not.toBe('');
    expect(issue.message).not.toMatch(ZOD_DEFAULTS);
    expect(issue.line).toBeGreaterThanOrEqual(1);
    expect(issue.column).toBeGreaterThanOrEqual(1);
    if (issue.file === FILE) {
      expect(issue.line).toBeLessThanOrEqual(lines.length);
      expect(issue.column).toBeLessThanOrEqual((lines[issue.line - 1]?.length ?? 0) + 1);
    }
  }
}

function loadOrCheck(text: string, sets: string[] = []): ResolvedPlan | undefined {
  try {
    return loadPlanText(text, FILE, sets);
  } catch (error) {
    checkFailure(error, text);
    return undefined;
  }
}

const yamlish = fc
  .array(
    fc.constantFrom(
      'description: ',
      'topics:',
      'phases:',
      'load: ',
      'fleets:',
      'producers:',
      'cluster:',
      'thresholds:',
      '- ',
      '  ',
      '\t',
      '\n',
      '[',
      ']',
      '{',
      '}',
      ':',
      ',',
      '"',
      "'",
      '#',
      '&a ',
      '*a',
      '!!str ',
      '---',
      '? ',
      '|',
      '>',
      '20s',
      '-3',
      '1.5',
      'null',
      '~',
      'name: smoke',
      'p(99)<5',
      'yes',
      '1m30s',
      '200/s',
      '  - name: x\n',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Every path in a JSON value, so mutations can hit any depth. */
function paths(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries: Array<[PathSegment, unknown]> = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

function setIn(target: unknown, path: readonly PathSegment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [PathSegment, ...PathSegment[]];
  const container: Record<PathSegment, unknown> | unknown[] =
    target !== null && typeof target === 'object'
      ? (structuredClone(target) as Record<PathSegment, unknown>)
      : typeof head === 'number'
        ? []
        : {};
  (container as Record<PathSegment, unknown>)[head] = setIn(
    (container as Record<PathSegment, unknown>)[head],
    rest,
    value,
  );
  return container;
}

const mutatedBase = fc
  .tuple(fc.constantFrom(...paths(BASE).filter((p) => p.length > 0)), fc.jsonValue({ maxDepth: 2 }))
  .map(([path, value]) => stringify(setIn(BASE, path, value)));

describe('junk never escapes as anything but a plan or usage error', () => {
  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), yamlish), (text) => void loadOrCheck(text)),
    );
  });

  it('arbitrary YAML data', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => void loadOrCheck(stringify(value))));
  });

  it('a valid plan with one value anywhere replaced by junk', () => {
    fc.assert(fc.property(mutatedBase, (text) => void loadOrCheck(text)));
  });

  it('arbitrary --set arguments', () => {
    const argument = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.constantFrom(...paths(BASE).filter((p) => p.length > 0)), fc.string())
        .map(([path, value]) => `${formatPath(path)}=${value}`),
    );
    fc.assert(fc.property(fc.array(argument, { maxLength: 3 }), (sets) => void loadOrCheck(stringify(BASE), sets)));
  });
});

interface Edit {
  path: PathSegment[];
  value: unknown;
}

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.integer({ min: 1, max: 24 * 3_600_000 }).map((ms) => ({ path: ['phases', 'load'], value: formatDuration(ms) })),
  fc.integer({ min: 0, max: 3_600_000 }).map((ms) => ({ path: ['phases', 'warmup'], value: formatDuration(ms) })),
  fc.integer({ min: 0, max: 60_000 }).map((ms) => ({ path: ['phases', 'chaos'], value: formatDuration(ms) })),
  fc.integer({ min: 0, max: 60_000 }).map((ms) => ({ path: ['phases', 'heal'], value: formatDuration(ms) })),
  fc.constantFrom('load', 'chaos', 'heal').map((phase) => ({ path: ['faults', 0, 'phase'], value: phase })),
  fc.integer({ min: 1, max: 4 }).map((n) => ({ path: ['cluster', 'brokers'], value: n })),
  fc.constantFrom('local', 'containers').map((p) => ({ path: ['cluster', 'provider'], value: p })),
  fc.integer({ min: 1, max: 64 }).map((n) => ({ path: ['topics', 0, 'queues'], value: n })),
  fc
    .integer({ min: 1, max: 100_000 })
    .map((n) => ({ path: ['fleets', 'producers', 0, 'rate'], value: formatRate(n / 60) })),
  fc
    .integer({ min: 64, max: 4 * 1024 * 1024 })
    .map((n) => ({ path: ['fleets', 'producers', 0, 'messageSize'], value: formatSize(n) })),
  fc.integer({ min: 1, max: 64 }).map((n) => ({ path: ['fleets', 'consumers', 1, 'instances'], value: n })),
  fc.integer({ min: 1, max: 100_000 }).map((n) => ({ path: ['fleets', 'producers', 0, 'maxInFlight'], value: n })),
  fc
    .integer({ min: 0, max: 100_000 })
    .map((n) => ({ path: ['fleets', 'producers', 1, 'stages', 0, 'target'], value: formatRate(n) })),
  fc
    .integer({ min: 0, max: 30_000 })
    .map((ms) => ({ path: ['fleets', 'producers', 1, 'stages', 1, 'duration'], value: formatDuration(ms) })),
  fc.constantFrom('push', 'pull', 'simple').map((m) => ({ path: ['fleets', 'consumers', 1, 'mode'], value: m })),
  fc
    .double({ min: 0, max: 1, noNaN: true })
    .map((r) => ({ path: ['fleets', 'consumers', 1, 'failure', 'ratio'], value: r + 0 })),
  fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 3 }).map((indexes) => ({
    path: ['fleets', 'consumers', 1, 'overrides', 0, 'instances'],
    value: indexes,
  })),
  fc
    .integer({ min: 1, max: 100 })
    .map((ms) => ({ path: ['fleets', 'consumers', 0, 'consumeTime'], value: { exponential: formatDuration(ms) } })),
  fc.integer({ min: 50, max: 70_000 }).map((ms) => ({ path: ['sampling', 'interval'], value: formatDuration(ms) })),
  fc.integer({ min: 500, max: 70_000 }).map((ms) => ({ path: ['sampling', 'snapshot'], value: formatDuration(ms) })),
  fc.constantFrom('report', 'fail', 'warn').map((o) => ({ path: ['expect', 'others'], value: o })),
  fc
    .tuple(fc.constantFrom(...INVARIANT_IDS, 'no-los'), fc.constantFrom(...INVARIANT_STATES, 'held'))
    .map(([id, state]) => ({ path: ['expect', 'invariants', id], value: state })),
  fc
    .constantFrom('billing', 'audit-group', 'audit', 'nobody')
    .map((g) => ({ path: ['expect', 'diagnoses', 1, 'group'], value: g })),
  fc
    // Not [1]: the edit above reaches into it as a map.
    .tuple(fc.constantFrom(0, 2), fc.constantFrom('inconsistent-subscription', 'stale-consumer', 'stale-consumr'))
    .map(([i, id]) => ({ path: ['expect', 'diagnoses', i], value: id })),
  fc
    .integer({ min: 0, max: 9 })
    .map((n) => ({ path: ['thresholds', 'received{group:audit-group,instance:each}', 0], value: `count>=${n}` })),
  fc.constantFrom('loss{group:billing}', 'unique{instance:audit#1}', 'loss{group:nobody}').map((key) => ({
    path: ['thresholds', key],
    value: ['count==0'],
  })),
  fc
    .constantFrom('TagA', 'TagA || TagB', '*')
    .map((e) => ({ path: ['fleets', 'consumers', 0, 'subscription'], value: { orders: e, audit: '*' } })),
  fc.nat().map((n) => ({ path: ['seed'], value: n })),
  fc
    .string({ minLength: 1 })
    .filter((s) => s.trim() !== '')
    .map((s) => ({ path: ['description'], value: s })),
  fc.integer({ min: 0, max: 1000 }).map((n) => ({
    path: ['thresholds', 'loss', 0],
    value: formatThresholdExpression({ metric: 'loss', aggregation: { kind: 'count' }, op: '<=', value: n }),
  })),
  fc.integer({ min: 0, max: 100_000 }).map((n) => ({ path: ['thresholds', 'backlog', 0], value: `max<${n}` })),
  fc
    .integer({ min: 1, max: 10_000 })
    .map((ms) => ({ path: ['thresholds', 'e2e_latency', 1], value: `p(99.9)<${formatDuration(ms)}` })),
  fc.integer({ min: 0, max: 30_000 }).map((ms) => ({ path: ['faults', 0, 'at'], value: formatDuration(ms) })),
  fc.integer({ min: 0, max: 5 }).map((n) => ({ path: ['faults', 0, 'count'], value: n })),
  fc.integer({ min: 0, max: 4 }).map((n) => ({ path: ['faults', 1, 'target', 'pick'], value: n })),
  fc.integer({ min: -4, max: 2 }).map((n) => ({ path: ['faults', 2, 'delta'], value: n })),
  fc
    .constantFrom('billing#0', 'audit#2', 'broker-a', 'consumers->broker-c')
    .map((t) => ({ path: ['faults', 3, 'target'], value: t })),
  fc.constantFrom('network.down', 'kill', 'pause', 'scale').map((a) => ({ path: ['faults', 4, 'action'], value: a })),
);

/** What loading gives, minus where it came from: the plan, or the issues without their positions. */
function outcome(text: string, sets: string[] = []): { plan: Omit<ResolvedPlan, 'source'> } | { issues: string[] } {
  try {
    const { source: _source, ...plan } = loadPlanText(text, FILE, sets);
    return { plan };
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    return { issues: error.issues.map((i) => `${i.path}: ${i.message}`).sort() };
  }
}

describe('--set', () => {
  it('equals editing the YAML by hand, whether the result is valid or not', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const byHand = edits.reduce<unknown>((plan, e) => setIn(plan, e.path, e.value), BASE);
        // JSON is valid YAML flow syntax, so it is a faithful spelling of any value on a command line.
        const sets = edits.map(
          (e) => `${formatPath(e.path)}=${typeof e.value === 'number' ? e.value : JSON.stringify(e.value)}`,
        );
        expect(outcome(stringify(BASE), sets)).toEqual(outcome(stringify(byHand)));
      }),
    );
  });

  it('the base plan itself is valid', () => {
    expect(outcome(stringify(BASE))).toHaveProperty('plan');
  });
});

const GROUPS = ['billing', 'audit-group'] as const;

interface EntryModel {
  id: (typeof DIAGNOSIS_IDS)[number];
  group: string | undefined;
  /** Written as {id} even without a group. */
  long: boolean;
}

const entryArb = (ids: readonly (typeof DIAGNOSIS_IDS)[number][]): fc.Arbitrary<EntryModel> =>
  fc.record({
    id: fc.constantFrom(...ids),
    group: fc.option(fc.constantFrom(...GROUPS), { nil: undefined }),
    long: fc.boolean(),
  });

const entryKey = (e: EntryModel): string => `${e.id}/${e.group ?? ''}`;

function written(e: EntryModel): unknown {
  return e.group !== undefined ? { id: e.id, group: e.group } : e.long ? { id: e.id } : e.id;
}

const invariantsArb = fc.record(
  Object.fromEntries(INVARIANT_IDS.map((id) => [id, fc.constantFrom(...INVARIANT_STATES)])) as Record<
    InvariantId,
    fc.Arbitrary<InvariantState>
  >,
  { requiredKeys: [] },
);

function withExpect(section: unknown): string {
  const { expect: _expect, ...rest } = BASE;
  return stringify(section === undefined ? rest : { ...rest, expect: section });
}

describe('expect', () => {
  it('any valid section resolves to what it says, with every default filled', () => {
    fc.assert(
      fc.property(
        fc.option(fc.uniqueArray(entryArb(DIAGNOSIS_IDS), { selector: entryKey, maxLength: 8 }), { nil: undefined }),
        fc.option(fc.constantFrom('report', 'fail'), { nil: undefined }),
        fc.option(invariantsArb, { nil: undefined }),
        fc.boolean(),
        (diagnoses, others, invariants, absent) => {
          const section = {
            ...(diagnoses !== undefined ? { diagnoses: diagnoses.map(written) } : {}),
            ...(others !== undefined ? { others } : {}),
            ...(invariants !== undefined ? { invariants } : {}),
          };
          const empty = Object.keys(section).length === 0;
          const plan = loadPlanText(withExpect(empty && absent ? undefined : section), FILE);
          expect(plan.expect).toEqual({
            diagnoses: (diagnoses ?? []).map((e) =>
              e.group !== undefined ? { id: e.id, group: e.group } : { id: e.id },
            ),
            others: others ?? 'report',
            invariants: {
              'no-loss': 'hold',
              'broadcast-complete': 'hold',
              'no-unexpected': 'hold',
              ordered: 'hold',
              'dead-letters-exact': 'hold',
              ...invariants,
            },
          });
        },
      ),
    );
  });

  it('a diagnosis list fails exactly at the entries that repeat an earlier one, however written', () => {
    const fewIds = DIAGNOSIS_IDS.slice(0, 2);
    fc.assert(
      fc.property(fc.array(entryArb(fewIds), { maxLength: 8 }), (entries) => {
        const seen = new Set<string>();
        const repeats = entries.flatMap((e, i) => (seen.has(entryKey(e)) ? [i] : (seen.add(entryKey(e)), [])));
        try {
          loadPlanText(withExpect({ diagnoses: entries.map(written) }), FILE);
          expect(repeats).toEqual([]);
        } catch (error) {
          if (!(error instanceof PlanError)) throw error;
          expect(error.issues.map((issue) => issue.path)).toEqual(repeats.map((i) => `expect.diagnoses[${i}]`));
          expect(
            error.issues.every((issue) => issue.message.includes('is already expected at expect.diagnoses[')),
          ).toBe(true);
        }
      }),
    );
  });
});
