/**
 * Properties of the faults section against small models: a valid schedule resolves the same
 * for the same seed, with occurrences in time order at `at + k × every` and targets the action
 * may take; a timing fails exactly when the model says an occurrence starts after its phase or
 * outlasts the run; scale faults fail exactly when the replayed instance count leaves 0..64.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import type { ResolvedPlan } from '../../../src/plan/resolved-plan.ts';
import { formatDuration } from '../../../src/plan/units.ts';
import { PlanError } from '../../../src/util/errors.ts';

const FILE = 'plans/fault-prop.yaml';
/** The run order, written out by hand as the oracle: warmup → load → chaos → heal → drain. */
const PHASES = { warmup: 10_000, load: 60_000, chaos: 20_000, heal: 15_000, drain: 30_000 } as const;
type Phase = keyof typeof PHASES;
const PHASE_NAMES = Object.keys(PHASES) as Phase[];
const RUN_MS = PHASES.warmup + PHASES.load + PHASES.chaos + PHASES.heal + PHASES.drain;
const OFFSET: Record<Phase, number> = {
  warmup: 0,
  load: PHASES.warmup,
  chaos: PHASES.warmup + PHASES.load,
  heal: PHASES.warmup + PHASES.load + PHASES.chaos,
  drain: PHASES.warmup + PHASES.load + PHASES.chaos + PHASES.heal,
};
const phaseArb = fc.constantFrom(...PHASE_NAMES);

/** The names each kind of target has in the plan below, written out by hand as the oracle. */
const LINKS = [
  'producers->broker-a',
  'consumers->broker-a',
  'producers->broker-b',
  'consumers->broker-b',
  'clients->namesrv-0',
  'clients->namesrv-1',
  'clients->proxy',
  'broker-a->namesrv-0',
  'broker-a->namesrv-1',
  'broker-a->broker-a-s1',
  'broker-b->namesrv-0',
  'broker-b->namesrv-1',
  'broker-b->broker-b-s1',
];
const NODES = ['namesrv-0', 'namesrv-1', 'broker-a', 'broker-a-s1', 'broker-b', 'broker-b-s1', 'proxy'];
const CONSUMER_INSTANCES = ['billing#0', 'billing#1', 'billing#2', 'audit#0'];
const PROCESSES = [...NODES, 'orders#0', 'orders#1', ...CONSUMER_INSTANCES];
const CONSUMER_FLEETS = ['billing', 'audit'];

/** Per action: what it may target, whether it lasts, and a valid set of parameters. */
const ACTIONS: Record<
  string,
  { targets: string[]; lasts: 'always' | 'never' | 'optional'; params: Record<string, unknown> }
> = {
  'network.down': { targets: LINKS, lasts: 'always', params: {} },
  'network.flap': { targets: LINKS, lasts: 'always', params: { period: '1s' } },
  'network.latency': { targets: LINKS, lasts: 'always', params: { latency: '100ms', stream: 'upstream' } },
  'network.bandwidth': { targets: LINKS, lasts: 'always', params: { rate: '64KiB/s' } },
  'network.timeout': { targets: LINKS, lasts: 'always', params: { timeout: '1s' } },
  'network.reset_peer': { targets: LINKS, lasts: 'always', params: {} },
  'network.slicer': { targets: LINKS, lasts: 'always', params: { averageSize: '1KiB', sizeVariation: '100B' } },
  'network.limit_data': { targets: LINKS, lasts: 'always', params: { bytes: '1MiB' } },
  kill: { targets: PROCESSES, lasts: 'never', params: {} },
  pause: { targets: PROCESSES, lasts: 'always', params: {} },
  restart: { targets: PROCESSES, lasts: 'never', params: { hard: true } },
  // Positive deltas: the balance is the subject of its own property below.
  scale: { targets: CONSUMER_FLEETS, lasts: 'never', params: { delta: 1 } },
  drift: { targets: CONSUMER_INSTANCES, lasts: 'optional', params: { subscription: { orders: 'TagA' } } },
};

/** `omit`: phases left out of the plan (chaos and heal then last 0ms by default). */
function plan(
  faults: unknown[],
  seed: number,
  phases: Record<Phase, number> = PHASES,
  omit: readonly Phase[] = [],
): string {
  return stringify({
    description: 'Fault properties.',
    seed,
    cluster: { namesrv: 2, brokers: 2, slavesPerMaster: 1, proxy: true },
    topics: [{ name: 'orders' }],
    fleets: {
      producers: [{ name: 'orders', topic: 'orders', instances: 2, rate: '10/s' }],
      consumers: [
        { name: 'billing', instances: 3, subscription: { orders: '*' } },
        { name: 'audit', subscription: { orders: '*' } },
      ],
    },
    phases: Object.fromEntries(PHASE_NAMES.filter((p) => !omit.includes(p)).map((p) => [p, formatDuration(phases[p])])),
    faults,
  });
}

function issuesOf(text: string): string[] {
  try {
    loadPlanText(text, FILE);
  } catch (error) {
    if (error instanceof PlanError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

type TargetModel = { names: string[] } | { random: string[]; pick: number };

const targetArb = (pool: string[]): fc.Arbitrary<TargetModel> =>
  fc.oneof(
    fc.constantFrom(...pool).map((name) => ({ names: [name] })),
    fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 4 }).map((names) => ({ names })),
    fc
      .uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 5 })
      .chain((random) => fc.integer({ min: 1, max: random.length }).map((pick) => ({ random, pick }))),
  );

interface FaultModel {
  action: string;
  target: TargetModel;
  phase: Phase;
  atMs: number;
  everyMs: number;
  count: number;
  durationMs: number | null;
}

/** A fault whose every occurrence starts in its phase and ends by the end of the run. */
const validFaultArb: fc.Arbitrary<FaultModel> = fc
  .record({
    action: fc.constantFrom(...Object.keys(ACTIONS)),
    phase: phaseArb,
    count: fc.integer({ min: 1, max: 5 }),
    durationMs: fc.integer({ min: 1, max: 2000 }),
    gapMs: fc.integer({ min: 1, max: 5000 }),
    atMs: fc.integer({ min: 0, max: 20_000 }),
    heals: fc.boolean(),
  })
  .chain((f) => {
    const spec = ACTIONS[f.action] ?? { targets: [], lasts: 'never' };
    const durationMs = spec.lasts === 'never' || (spec.lasts === 'optional' && !f.heals) ? null : f.durationMs;
    return targetArb(spec.targets).map(
      (target): FaultModel => ({
        action: f.action,
        target,
        phase: f.phase,
        atMs: f.atMs,
        everyMs: (durationMs ?? 0) + f.gapMs,
        count: f.count,
        durationMs,
      }),
    );
  })
  .filter((f) => {
    const lastStart = f.atMs + (f.count - 1) * f.everyMs;
    return lastStart < PHASES[f.phase] && OFFSET[f.phase] + lastStart + (f.durationMs ?? 0) <= RUN_MS;
  });

function faultYaml(f: FaultModel): Record<string, unknown> {
  return {
    action: f.action,
    target: 'names' in f.target ? (f.target.names.length === 1 ? f.target.names[0] : f.target.names) : f.target,
    phase: f.phase,
    at: formatDuration(f.atMs),
    ...(f.count > 1 ? { every: formatDuration(f.everyMs), count: f.count } : {}),
    ...(f.durationMs !== null ? { duration: formatDuration(f.durationMs) } : {}),
    ...(ACTIONS[f.action]?.params ?? {}),
  };
}

describe('a valid schedule', () => {
  it('resolves the same for the same seed, in time order, with targets the action may take', () => {
    fc.assert(
      fc.property(fc.array(validFaultArb, { minLength: 1, maxLength: 6 }), fc.nat(), (faults, seed) => {
        const text = plan(faults.map(faultYaml), seed);
        const resolved: ResolvedPlan['faults'] = loadPlanText(text, FILE).faults;
        // Same seed, same schedule, whatever else changes in the plan.
        expect(loadPlanText(text.replace('Fault properties.', 'Same faults, other words.'), FILE).faults).toEqual(
          resolved,
        );
        expect(resolved).toHaveLength(faults.length);
        resolved.forEach((fault, i) => {
          const model = faults[i] as FaultModel;
          expect(fault).toMatchObject({ name: `${model.action}-${i}`, action: model.action, phase: model.phase });
          expect(fault.occurrences.map((o) => o.index)).toEqual(Array.from({ length: model.count }, (_, k) => k));
          expect(fault.occurrences.map((o) => o.atMs)).toEqual(
            fault.occurrences.map((_, k) => model.atMs + k * model.everyMs),
          );
          for (let k = 1; k < fault.occurrences.length; k++) {
            expect(fault.occurrences[k]?.atMs).toBeGreaterThan(fault.occurrences[k - 1]?.atMs ?? Number.NaN);
          }
          for (const occurrence of fault.occurrences) {
            expect(occurrence.durationMs).toBe(model.durationMs);
            for (const name of occurrence.targets) expect(ACTIONS[model.action]?.targets).toContain(name);
            if ('names' in model.target) {
              expect(occurrence.targets).toEqual(model.target.names);
            } else {
              expect(occurrence.targets).toHaveLength(model.target.pick);
              expect(new Set(occurrence.targets).size).toBe(model.target.pick);
              for (const name of occurrence.targets) expect(model.target.random).toContain(name);
            }
          }
        });
      }),
    );
  });
});

describe('timing', () => {
  it('fails exactly when an occurrence starts after its phase ends or lasts past the end of the run', () => {
    // Weighted so that each outcome (on time, first start late, a later start late, too long) is common.
    const timing = fc.record({
      phase: phaseArb,
      // Phase lengths themselves too: an occurrence starting exactly as its phase ends is late.
      atMs: fc.oneof(fc.integer({ min: 0, max: 40_000 }), fc.constantFrom(...Object.values(PHASES))),
      count: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 6 })),
      durationMs: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 90_000 })),
      gapMs: fc.integer({ min: 1, max: 20_000 }),
    });
    fc.assert(
      fc.property(timing, ({ phase, atMs, count, durationMs, gapMs }) => {
        const everyMs = durationMs + gapMs;
        const fault = {
          action: 'pause',
          target: 'billing#0',
          phase,
          at: formatDuration(atMs),
          duration: formatDuration(durationMs),
          ...(count > 1 ? { every: formatDuration(everyMs), count } : {}),
        };
        const starts = Array.from({ length: count }, (_, k) => atMs + k * everyMs);
        const late = starts.findIndex((start) => start >= PHASES[phase]);
        const long = starts.findIndex((start) => OFFSET[phase] + start + durationMs > RUN_MS);
        const expected =
          late === 0
            ? ['faults[0].at: ', 'starts at']
            : late > 0
              ? ['faults[0].count: ', 'starts at']
              : long >= 0
                ? ['faults[0].duration: ', 'would last until']
                : [];
        const issues = issuesOf(plan([fault], 1));
        expect(issues).toHaveLength(expected.length === 0 ? 0 : 1);
        if (expected.length === 0) return;
        const [path = '', words = ''] = expected;
        expect(issues[0]?.startsWith(path)).toBe(true);
        expect(issues[0]).toContain(words);
        const k = late >= 0 ? late : long;
        expect(issues[0]).toContain(count === 1 ? 'the fault ' : `the ${k + 1}`);
        if (late >= 0) expect(issues[0]).toContain(`starts at ${formatDuration(starts[k] ?? 0)}`);
      }),
    );
  });
});

describe('timing with any phase lengths', () => {
  it(
    'judges every phase by its own length and the run by the sum ' +
      'of all five; an empty chaos or heal takes no fault',
    () => {
      const lengths = fc.record({
        warmup: fc.integer({ min: 0, max: 20_000 }),
        load: fc.integer({ min: 1, max: 60_000 }),
        chaos: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30_000 })),
        heal: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30_000 })),
        drain: fc.integer({ min: 0, max: 30_000 }),
      });
      const fault = fc.record({
        phase: phaseArb,
        atMs: fc.integer({ min: 0, max: 40_000 }),
        count: fc.integer({ min: 1, max: 4 }),
        durationMs: fc.integer({ min: 1, max: 60_000 }),
        gapMs: fc.integer({ min: 1, max: 10_000 }),
      });
      fc.assert(
        fc.property(lengths, fault, fc.boolean(), (phases, { phase, atMs, count, durationMs, gapMs }, omitEmpty) => {
          const everyMs = durationMs + gapMs;
          const yaml = {
            action: 'pause',
            target: 'billing#0',
            phase,
            at: formatDuration(atMs),
            duration: formatDuration(durationMs),
            ...(count > 1 ? { every: formatDuration(everyMs), count } : {}),
          };
          // A 0ms chaos or heal is the same whether written or left to its default.
          const omit = omitEmpty ? (['chaos', 'heal'] as const).filter((p) => phases[p] === 0) : [];
          const offset = PHASE_NAMES.slice(0, PHASE_NAMES.indexOf(phase)).reduce((sum, p) => sum + phases[p], 0);
          const runMs = PHASE_NAMES.reduce((sum, p) => sum + phases[p], 0);
          const starts = Array.from({ length: count }, (_, k) => atMs + k * everyMs);
          const late = starts.findIndex((start) => start >= phases[phase]);
          const long = starts.findIndex((start) => offset + start + durationMs > runMs);
          const expected =
            phases[phase] === 0
              ? `faults[0].phase: the ${phase} phase lasts 0ms (phases.${phase}): nothing can happen in it`
              : late === 0
                ? 'faults[0].at: '
                : late > 0
                  ? 'faults[0].count: '
                  : long >= 0
                    ? `faults[0].duration: `
                    : undefined;
          const issues = issuesOf(plan([yaml], 1, phases, omit));
          if (expected === undefined) return void expect(issues).toEqual([]);
          expect(issues).toHaveLength(1);
          expect(issues[0]?.startsWith(expected)).toBe(true);
          // The run's length spelt out: chaos and heal only when they last.
          const terms = PHASE_NAMES.filter((p) => phases[p] > 0 || (p !== 'chaos' && p !== 'heal')).map(
            (p) => `${p} ${formatDuration(phases[p])}`,
          );
          if (phases[phase] > 0 && late < 0)
            expect(issues[0]).toContain(
              `past its end at ${formatDuration(runMs)} (${terms.join(' + ')}): shorten duration`,
            );
        }),
      );
    },
  );
});

describe('scale faults', () => {
  it('fail exactly where the instance count, replayed in time order, leaves 0..64', () => {
    const scaleArb = fc.record({
      phase: phaseArb,
      atMs: fc.integer({ min: 0, max: 9_000 }),
      delta: fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
      fleet: fc.constantFrom('billing', 'audit'),
    });
    fc.assert(
      fc.property(fc.array(scaleArb, { minLength: 1, maxLength: 6 }), (scales) => {
        const faults = scales.map((s) => ({
          action: 'scale',
          target: s.fleet,
          phase: s.phase,
          at: formatDuration(s.atMs),
          delta: s.delta,
        }));
        // The model: replay in time order, ties in plan order; the first step out of range fails its fleet.
        const steps = scales
          .map((s, i) => ({ ...s, i, t: OFFSET[s.phase] + s.atMs }))
          .sort((a, b) => a.t - b.t || a.i - b.i);
        const count = new Map([
          ['billing', 3],
          ['audit', 1],
        ]);
        const failed = new Map<string, number>();
        for (const step of steps) {
          if (failed.has(step.fleet)) continue;
          const after = (count.get(step.fleet) ?? 0) + step.delta;
          count.set(step.fleet, after);
          if (after < 0) failed.set(step.fleet, step.i);
        }
        const expected = [...failed.entries()].map(([fleet, i]) => `faults[${i}].delta: ${fleet}`).sort();
        const issues = issuesOf(plan(faults, 1)).map(
          (issue) => `${issue.slice(0, issue.indexOf(':'))}: ${/fleet (\w+)/.exec(issue)?.[1]}`,
        );
        expect(issues.sort()).toEqual(expected);
      }),
    );
  });
});
