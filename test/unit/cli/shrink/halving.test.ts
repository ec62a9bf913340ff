import { describe, expect, it } from 'vitest';
import { halveWhileFailing } from '../../../../src/cli/shrink/halving.ts';

type State = Record<string, number>;

/** Lengths halved down to a floor of 1; the fake run fails while a >= 4 (b does not matter). */
const halving = (asked: State[]) => ({
  knobs: ['a', 'b'],
  halve: (s: State, knob: string) => ((s[knob] ?? 0) / 2 >= 1 ? { ...s, [knob]: (s[knob] ?? 0) / 2 } : undefined),
  fails: async (s: State) => {
    asked.push(s);
    return (s.a ?? 0) >= 4;
  },
});

describe('halveWhileFailing', () => {
  it('halves each knob while the run still fails, keeping the last value that failed', async () => {
    const asked: State[] = [];
    expect(await halveWhileFailing({ a: 32, b: 8 }, halving(asked))).toEqual({ a: 4, b: 1 });
    // a: 16, 8, 4 fail, 2 passes; b: 4, 2, 1 fail, then at its floor.
    expect(asked.map((s) => `${s.a}/${s.b}`)).toEqual(['16/8', '8/8', '4/8', '2/8', '4/4', '4/2', '4/1']);
  });

  it('leaves the state alone when the first halving passes', async () => {
    const asked: State[] = [];
    expect(await halveWhileFailing({ a: 4, b: 1 }, halving(asked))).toEqual({ a: 4, b: 1 });
    expect(asked).toHaveLength(1);
  });
});
