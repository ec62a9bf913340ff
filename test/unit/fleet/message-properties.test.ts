import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageProperties, type PropertySpecs } from '../../../src/fleet/message-properties.ts';

const specs: PropertySpecs = { a: { int: [0, 10] }, region: { oneOf: ['eu', 'us'] } };

describe('messageProperties', () => {
  it('is a function of (seed, producer, seq): the ledger recomputes what the producer sent', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom('p#0', 'p#1'), fc.nat(1_000_000), (seed, producer, seq) => {
        expect(messageProperties(specs, seed, producer, seq)).toEqual(messageProperties(specs, seed, producer, seq));
      }),
    );
  });

  it('draws every value of the ranges, within them, and varies by message', () => {
    const seen = { a: new Set<string>(), region: new Set<string>() };
    for (let seq = 0; seq < 2000; seq++) {
      const p = messageProperties(specs, 42, 'p#0', seq);
      seen.a.add(p['a']!);
      seen.region.add(p['region']!);
    }
    expect([...seen.a].map(Number).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...seen.region].sort()).toEqual(['eu', 'us']);
    const other = Array.from({ length: 50 }, (_, seq) => messageProperties(specs, 43, 'p#0', seq)['a']);
    const same = Array.from({ length: 50 }, (_, seq) => messageProperties(specs, 42, 'p#0', seq)['a']);
    expect(other).not.toEqual(same);
  });

  it("keeps a property's values when another property is added", () => {
    const more: PropertySpecs = { ...specs, b: { int: [1, 3] } };
    for (let seq = 0; seq < 100; seq++) {
      const { b: _b, ...rest } = messageProperties(more, 7, 'p#1', seq);
      expect(rest).toEqual(messageProperties(specs, 7, 'p#1', seq));
    }
  });
});
