import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  judgeStep,
  RateSearch,
  type RateSearchSpec,
  SEARCH_TOLERANCE,
  slopePerSecond,
  staircase,
  staircaseLength,
} from '../../../src/metrics/rate-search.ts';

const SPEC: RateSearchSpec = { p99Ms: 50, stepMs: 3000, fromPerSecond: 100, toPerSecond: 20_000 };

/** Runs the search against `verdict` until it stops; returns the rates tried with their verdicts. */
function drive(search: RateSearch, verdict: (rate: number) => boolean): { rate: number; ok: boolean }[] {
  const tried: { rate: number; ok: boolean }[] = [];
  for (let rate = search.next(); rate !== undefined; rate = search.next()) {
    const ok = verdict(rate);
    search.record(rate, ok);
    tried.push({ rate, ok });
  }
  return tried;
}

/** The precision the budget guarantees: the staircase's factor halved (geometrically) per bisection step. */
function guaranteedRatio(spec: RateSearchSpec, budget: number): number {
  const n = staircaseLength(budget);
  const factor = (spec.toPerSecond / spec.fromPerSecond) ** (1 / (n - 1));
  return Math.max(1 + SEARCH_TOLERANCE, factor ** (1 / 2 ** (budget - n)));
}

const specs = fc
  .record({
    from: fc.integer({ min: 50, max: 2000 }),
    span: fc.double({ min: 2, max: 400, noNaN: true }),
    budget: fc.integer({ min: 3, max: 20 }),
  })
  .map(({ from, span, budget }) => ({
    spec: { ...SPEC, fromPerSecond: from, toPerSecond: Math.round(from * span) },
    budget,
  }));

describe('RateSearch', () => {
  it('converges within its budget to within the guaranteed precision of a knee between from and to', () => {
    fc.assert(
      fc.property(specs, fc.double({ min: 0, max: 1, noNaN: true }), ({ spec, budget }, where) => {
        const knee = spec.fromPerSecond + where * (spec.toPerSecond - spec.fromPerSecond);
        const search = new RateSearch(spec, budget);
        const tried = drive(search, (rate) => rate <= knee);
        expect(tried.length).toBeLessThanOrEqual(budget);
        const found = search.found;
        expect(found).toBeDefined();
        expect(found!).toBeLessThanOrEqual(knee);
        // Whole-number rates: rounding costs at most half a message per second at each end.
        expect(found!).toBeGreaterThanOrEqual(knee / (guaranteedRatio(spec, budget) * 1.005) - 1);
      }),
    );
  });

  it('finds a knee at 4200/s within 5 % in the ten steps of a 30 s load of 3 s steps', () => {
    const search = new RateSearch(SPEC, 10);
    const tried = drive(search, (rate) => rate <= 4200);
    expect(search.found!).toBeGreaterThan(4200 / 1.05);
    expect(search.found!).toBeLessThanOrEqual(4200);
    expect(tried.length).toBeLessThanOrEqual(10);
    expect(tried.map((t) => t.rate).slice(0, 4)).toEqual(staircase(SPEC, 10).slice(0, 4));
  });

  it('never reports a rate that failed, whatever the verdicts (noise, non-monotone clusters)', () => {
    fc.assert(
      fc.property(specs, fc.infiniteStream(fc.boolean()), ({ spec, budget }, verdicts) => {
        const search = new RateSearch(spec, budget);
        const stream = verdicts[Symbol.iterator]();
        const tried = drive(search, () => stream.next().value as boolean);
        expect(tried.length).toBeLessThanOrEqual(budget);
        const found = search.found;
        if (found === undefined) return;
        expect(tried.some((t) => t.rate === found && t.ok)).toBe(true);
        expect(tried.some((t) => t.rate === found && !t.ok)).toBe(false);
      }),
    );
  });

  it('reports nothing when even from fails, and the upper bound when to holds', () => {
    const none = new RateSearch(SPEC, 10);
    expect(drive(none, () => false)).toHaveLength(1);
    expect(none.found).toBeUndefined();
    expect(none.note()).toMatch(/not even the lowest rate \(100\/s\)/);

    const all = new RateSearch(SPEC, 10);
    const tried = drive(all, () => true);
    expect(all.found).toBe(20_000);
    expect(all.converged).toBe(true);
    expect(tried).toHaveLength(staircase(SPEC, 10).length);
    expect(all.note()).toMatch(/raise rate\.max\.to/);
  });

  it('climbs from `from` to exactly `to` in half the budget', () => {
    expect(staircase(SPEC, 10)).toEqual([100, 376, 1414, 5318, 20_000]);
    expect(staircase({ ...SPEC, fromPerSecond: 100, toPerSecond: 101 }, 10)).toEqual([100, 101]);
  });
});

describe('judgeStep', () => {
  const good = {
    offeredPerSecond: 1000,
    achievedPerSecond: 1000,
    sendP99Ms: 12,
    e2eP99Ms: 30,
    backlogSlopePerSecond: 0,
  };

  it('takes a step within every bound as sustainable', () => {
    expect(judgeStep(good, SPEC)).toEqual({ sustainable: true, reason: null });
  });

  it('says which bound a step broke', () => {
    expect(judgeStep({ ...good, sendP99Ms: 51 }, SPEC).reason).toBe('send p99 51 ms > 50 ms');
    expect(judgeStep({ ...good, sendP99Ms: null }, SPEC).reason).toBe('nothing was acknowledged');
    expect(judgeStep({ ...good, achievedPerSecond: 850 }, SPEC).reason).toBe('acked 850/s of 1000/s asked');
    expect(judgeStep({ ...good, backlogSlopePerSecond: 120 }, SPEC).reason).toBe('backlog grew 120/s');
    expect(judgeStep({ ...good, backlogSlopePerSecond: 40 }, SPEC).sustainable).toBe(true);
  });
});

describe('slopePerSecond', () => {
  it('is the least-squares slope per second of points in ms', () => {
    expect(slopePerSecond([0, 500, 1000, 1500].map((t) => ({ t, value: 10 + t / 10 })))).toBeCloseTo(100);
    expect(slopePerSecond([{ t: 0, value: 5 }])).toBe(0);
    expect(slopePerSecond([0, 250, 500].map((t) => ({ t, value: 7 })))).toBe(0);
  });
});
