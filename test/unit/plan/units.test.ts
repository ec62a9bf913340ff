import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BANDWIDTH_PATTERN,
  formatBandwidth,
  formatDuration,
  formatRate,
  formatSize,
  parseBandwidth,
  parseDuration,
  parseRate,
  parseSize,
} from '../../../src/plan/units.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['0ms', 0],
    [' 5s ', 5000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it('rejects junk with an example of what it wanted', () => {
    expect(parseDuration('abc')).toEqual({ ok: false, message: 'expected a duration such as 90s or 2m, got "abc"' });
  });

  it.each(['500', 500])('rejects the plain number %j and says to add a unit', (input) => {
    const result = parseDuration(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toBe(
      `expected a duration such as 90s or 2m, got ${JSON.stringify(input)} (a plain number has no unit: ` +
        'write 500ms or 500s)',
    );
  });

  it.each(['30s1m', '1m1m', '-5s', '5 s', '5sec', '', 'ms', '1d', '1e3ms'])('rejects %j', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [3_723_004, '1h2m3s4ms'],
    [0.25, '0.25ms'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('throws on values no plan can hold', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
  });
});

describe('parseRate and formatRate', () => {
  it.each([
    ['2000/s', 2000],
    ['120/m', 2],
    ['3600/h', 1],
    ['0.5/s', 0.5],
    ['10 / s', 10],
  ])('%s is %d per second', (text, perSecond) => {
    expect(parseRate(text)).toEqual({ ok: true, value: perSecond });
  });

  it('rejects plain numbers and junk', () => {
    expect(parseRate(200)).toEqual({
      ok: false,
      message: 'expected a rate such as 2000/s or 120/m, got 200 (a plain number has no unit: write 200/s or 200/m)',
    });
    expect(parseRate('fast')).toEqual({ ok: false, message: 'expected a rate such as 2000/s or 120/m, got "fast"' });
    expect(parseRate('5/d').ok).toBe(false);
  });

  it.each([
    [2000, '2000/s'],
    [0.5, '30/m'],
    [1 / 3600, '1/h'],
  ])('formats %d per second as %s', (perSecond, text) => {
    expect(formatRate(perSecond)).toBe(text);
  });
});

describe('parseSize and formatSize', () => {
  it.each([
    ['512B', 512],
    ['1KiB', 1024],
    ['1MiB', 1_048_576],
    ['4GiB', 4 * 1024 ** 3],
    ['1KB', 1000],
    ['1MB', 1_000_000],
    ['1.5KiB', 1536],
    ['1.1KB', 1100],
    ['256mib', 256 * 1024 ** 2],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });

  it('rejects fractions of a byte, plain numbers and junk', () => {
    expect(parseSize('0.3KiB')).toEqual({
      ok: false,
      message: 'expected a whole number of bytes, got "0.3KiB" (307.2 bytes)',
    });
    expect(parseSize('256')).toEqual({
      ok: false,
      message:
        'expected a size such as 512B, 64KiB or 1MiB, got "256" (a plain number has no unit: write 256B or 256KiB)',
    });
    expect(parseSize('big').ok).toBe(false);
    expect(parseSize('1TB').ok).toBe(false);
  });

  it.each([
    [1_048_576, '1MiB'],
    [1000, '1KB'],
    [1536, '1536B'],
    [0, '0B'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe('parseBandwidth and formatBandwidth', () => {
  it.each([
    ['100KiB/s', 102_400],
    ['1MB/s', 1_000_000],
    ['1 KB / s', 1000],
    ['512b/s', 512],
    ['0B/s', 0],
  ])('%s is %d bytes per second', (text, bytesPerSecond) => {
    expect(parseBandwidth(text)).toEqual({ ok: true, value: bytesPerSecond });
    expect(new RegExp(BANDWIDTH_PATTERN).test(text)).toBe(true);
  });

  it.each([
    [
      100,
      'expected a bandwidth such as 100KiB/s or 1MB/s, got 100 (a plain number has no unit: write 100KiB/s or 100KB/s)',
    ],
    [
      '100/s',
      'expected a bandwidth such as 100KiB/s or 1MB/s, got "100/s" (the size needs a unit: write 100KiB/s or 100KB/s)',
    ],
    ['0.3KiB/s', 'expected a whole number of bytes per second, got "0.3KiB/s"'],
    ['100KiB', 'expected a bandwidth such as 100KiB/s or 1MB/s, got "100KiB"'],
    ['100KiB/m', 'expected a bandwidth such as 100KiB/s or 1MB/s, got "100KiB/m"'],
    ['fast/s', 'expected a bandwidth such as 100KiB/s or 1MB/s, got "fast/s"'],
  ])('rejects %j and says what it wanted', (input, message) => {
    expect(parseBandwidth(input)).toEqual({ ok: false, message });
  });

  it('formats as a size per second', () => {
    expect(formatBandwidth(102_400)).toBe('100KiB/s');
    expect(formatBandwidth(1500)).toBe('1500B/s');
  });
});

describe('round trips', () => {
  it('formatDuration → parseDuration is the identity on whole and fractional ms', () => {
    const wholeMs = fc.integer({ min: 0, max: 30 * 24 * 3_600_000 });
    const fractionalMs = fc.integer({ min: 1, max: 10_000_000 }).map((n) => n / 1000);
    fc.assert(
      fc.property(fc.oneof(wholeMs, fractionalMs), (ms) => {
        expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, value: ms });
      }),
    );
  });

  it('formatSize → parseSize is the identity on whole bytes', () => {
    const multiples = fc
      .tuple(fc.integer({ min: 0, max: 4096 }), fc.constantFrom(1, 1000, 1024, 1000 ** 2, 1024 ** 2, 1024 ** 3))
      .map(([n, unit]) => n * unit);
    fc.assert(
      fc.property(fc.oneof(fc.nat(), multiples), (bytes) => {
        expect(parseSize(formatSize(bytes))).toEqual({ ok: true, value: bytes });
      }),
    );
  });

  it('formatRate → parseRate is the identity on rates a plan can spell', () => {
    const perSecond = fc
      .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(1, 60, 3600))
      .map(([count, seconds]) => parseRate(`${count}/${seconds === 1 ? 's' : seconds === 60 ? 'm' : 'h'}`))
      .map((result) => (result.ok ? result.value : Number.NaN));
    fc.assert(
      fc.property(perSecond, (rate) => {
        expect(parseRate(formatRate(rate))).toEqual({ ok: true, value: rate });
      }),
    );
  });

  it('formatBandwidth → parseBandwidth is the identity on whole bytes per second', () => {
    fc.assert(
      fc.property(fc.nat(), (bytesPerSecond) => {
        expect(parseBandwidth(formatBandwidth(bytesPerSecond))).toEqual({ ok: true, value: bytesPerSecond });
      }),
    );
  });

  it('parsers never throw, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer()), (input) => {
        for (const parse of [parseDuration, parseRate, parseSize, parseBandwidth]) {
          const result = parse(input);
          expect(typeof result.ok).toBe('boolean');
        }
      }),
    );
  });
});

describe('rate precision', () => {
  it('keeps per-minute rates exact so they format back per minute', () => {
    expect(formatRate((parseRate('7/m') as { value: number }).value)).toBe('7/m');
  });
});
