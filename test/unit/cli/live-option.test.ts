import { describe, expect, it } from 'vitest';
import { liveOption } from '../../../src/cli/live-option.ts';
import { UsageError } from '../../../src/util/errors.ts';

describe('run --live [port]', () => {
  it('is off without the flag, a random port (0) alone, the port given with one', () => {
    expect(liveOption(undefined)).toBeUndefined();
    expect(liveOption(true)).toBe(0);
    expect(liveOption('8080')).toBe(8080);
  });

  it('refuses what is not a port with a usage error (exit 2)', () => {
    for (const bad of ['0', '65536', '80a', '-1', '8080.5', 'http'])
      expect(() => liveOption(bad), bad).toThrow(UsageError);
    expect(() => liveOption('x')).toThrow(/--live x: not a port \(1-65535\)/);
  });
});
