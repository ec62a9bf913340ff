import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddmin, split } from '../../../../src/cli/shrink/ddmin.ts';

/**
 * A fake oracle: the set "fails" when it contains every item of one of the causes (a failure
 * that needs faults a and b together, or c alone). Counts distinct subsets asked, as the
 * shrink's cache would run them.
 */
function oracle(causes: readonly (readonly number[])[]) {
  const asked = new Set<string>();
  const fails = async (subset: readonly number[]) => {
    asked.add(JSON.stringify(subset));
    return causes.some((cause) => cause.every((item) => subset.includes(item)));
  };
  return { fails, asked };
}

const itemsAndCauses = fc.integer({ min: 0, max: 12 }).chain((n) =>
  fc.record({
    items: fc.constant(Array.from({ length: n }, (_, i) => i)),
    // Causes drawn from the items (an empty cause: the failure needs no item at all).
    causes: fc.array(
      fc.subarray(
        Array.from({ length: n }, (_, i) => i),
        { maxLength: Math.min(3, n) },
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  }),
);

describe('ddmin', () => {
  it('keeps the one item that matters out of three', async () => {
    const { fails, asked } = oracle([[2]]);
    expect(await ddmin([0, 1, 2], fails)).toEqual([2]);
    // [0, 1] passes, [2] fails, then the empty set passes: three runs.
    expect([...asked]).toEqual(['[0,1]', '[2]', '[]']);
  });

  it('keeps two items that fail only together', async () => {
    const { fails } = oracle([[1, 6]]);
    expect(await ddmin([0, 1, 2, 3, 4, 5, 6, 7], fails)).toEqual([1, 6]);
  });

  it('returns nothing when the failure needs no item', async () => {
    const { fails } = oracle([[]]);
    expect(await ddmin([0, 1, 2, 3], fails)).toEqual([]);
  });

  it('stops when the test throws (the budget), and says so', async () => {
    let calls = 0;
    const fails = async () => {
      if (++calls > 2) throw new Error('budget');
      return false;
    };
    await expect(ddmin([0, 1, 2, 3, 4], fails)).rejects.toThrow('budget');
  });

  it('property: the answer still fails, is 1-minimal, and the tries are bounded', async () => {
    await fc.assert(
      fc.asyncProperty(itemsAndCauses, async ({ items, causes }) => {
        // ddmin starts from a failing set: every cause is within the items.
        const { fails, asked } = oracle(causes);
        const answer = await ddmin(items, fails);
        const check = oracle(causes);
        expect(await check.fails(answer)).toBe(true);
        for (const item of answer) expect(await check.fails(answer.filter((x) => x !== item))).toBe(false);
        expect(answer.every((x) => items.includes(x))).toBe(true);
        const n = items.length;
        expect(asked.size).toBeLessThanOrEqual((n * n + 3 * n) / 2 + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('splits into even chunks in order', () => {
    expect(split([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(split([1, 2, 3], 3)).toEqual([[1], [2], [3]]);
  });
});
