import { describe, expect, it } from 'vitest';
import { ConsumerBehaviour } from '../../../src/fleet/consumer-behaviour.ts';
import { isPoison } from '../../../src/fleet/poison-messages.ts';
import { seededRandom } from '../../../src/util/random.ts';

const BASE = { consumeTime: { kind: 'fixed', ms: 0 }, failure: { ratio: 0, first: 0 }, seed: 11 } as const;

describe('ConsumerBehaviour with deadLetter', () => {
  it('answers retry to every delivery of a poison message and success to the rest', () => {
    const behaviour = new ConsumerBehaviour(
      { ...BASE, deadLetter: { poison: 0.2, maxReconsumeTimes: 2 } },
      seededRandom(1),
    );
    const poison = Array.from({ length: 500 }, (_, seq) => seq).filter((seq) => isPoison(0.2, 11, 'p#0', seq));
    expect(poison.length).toBeGreaterThan(50);
    for (let delivery = 0; delivery < 3; delivery++)
      for (let seq = 0; seq < 500; seq++)
        expect(behaviour.outcome('p#0', seq)).toBe(poison.includes(seq) ? 'retry' : 'success');
  });

  it('keeps the failure settings for the rest, and poison failures do not use up `first`', () => {
    const behaviour = new ConsumerBehaviour(
      { ...BASE, failure: { ratio: 0, first: 2 }, deadLetter: { poison: 0.5, maxReconsumeTimes: 0 } },
      seededRandom(1),
    );
    const seqs = Array.from({ length: 40 }, (_, seq) => seq);
    const healthy = seqs.filter((seq) => !isPoison(0.5, 11, 'p#0', seq));
    expect(healthy.length).toBeLessThan(35); // poison among them
    // Poison messages first: had they taken `first`, the healthy ones would all succeed.
    const order = [...seqs.filter((seq) => !healthy.includes(seq)), ...healthy];
    const outcomes = new Map(order.map((seq) => [seq, behaviour.outcome('p#0', seq)]));
    // The first two healthy messages take `first`; every poison message fails on its own account.
    for (const seq of seqs) {
      const expected = !healthy.includes(seq) || healthy.indexOf(seq) < 2 ? 'retry' : 'success';
      expect(outcomes.get(seq)).toBe(expected);
    }
  });
});
