/**
 * disk.fill's arithmetic on a real filesystem (this machine's temp dir; nothing is written):
 * the bytes to reach a ratio are what statfs says is missing, none when the ratio is already
 * passed, and the used ratio is RocketMQ's (total - free) / total.
 */
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { bytesToFill, usedRatio } from '../../../src/faults/actions/disk-fill.ts';

describe('disk.fill arithmetic', () => {
  it('reads the used ratio as RocketMQ does and asks for exactly the missing bytes', async () => {
    const dir = tmpdir();
    const s = statfsSync(dir);
    const used = await usedRatio(dir);
    expect(used).toBeCloseTo((s.blocks - s.bfree) / s.blocks, 4);
    expect(await bytesToFill(dir, used / 2)).toBe(0);
    const target = Math.min(1, used + 0.01);
    const missing = await bytesToFill(dir, target);
    // One percent of the filesystem, give or take the blocks written meanwhile by others.
    expect(missing / (s.blocks * s.bsize)).toBeCloseTo(target - used, 2);
  });
});
