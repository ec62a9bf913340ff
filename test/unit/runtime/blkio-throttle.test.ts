/**
 * The blkio throttle's files, on a fake cgroup folder (the real one needs root and changes the
 * machine; the disk-slow integration test uses it): what is refused and why, one line per limit
 * with the device, 0 to clear, and clearing where the files are missing says so.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blkioThrottleProblem,
  clearThrottleSync,
  readThrottle,
  setThrottle,
} from '../../../src/runtime/blkio-throttle.ts';

const FILES = ['write_bps', 'write_iops', 'read_bps', 'read_iops'].map((k) => `blkio.throttle.${k}_device`);

function fakeBlkio(): string {
  const root = mkdtempSync(join(tmpdir(), 'rmq-chaos-blkio-'));
  for (const file of FILES) writeFileSync(join(root, file), '');
  return root;
}

describe('blkio throttle', () => {
  it('is refused without root, and without a cgroup v1 blkio throttle', () => {
    const root = fakeBlkio();
    expect(blkioThrottleProblem(root, 0)).toBeUndefined();
    expect(blkioThrottleProblem(root, 1000)).toBe('setting a blkio throttle needs root');
    const empty = mkdtempSync(join(tmpdir(), 'rmq-chaos-blkio-'));
    expect(blkioThrottleProblem(empty, 0)).toMatch(/blkio\.throttle\.write_bps_device does not exist: .*cgroup v1/);
  });

  it('writes each given limit as "major:minor value", whole numbers, and 0 to clear all four', () => {
    const root = fakeBlkio();
    setThrottle('7:3', { writeBps: 262144.4, readIops: 40 }, root);
    expect(readFileSync(join(root, FILES[0]!), 'utf8')).toBe('7:3 262144');
    expect(readFileSync(join(root, FILES[1]!), 'utf8')).toBe('');
    expect(readThrottle('7:3', root)).toEqual({ writeBps: 262144, readIops: 40 });
    expect(readThrottle('7:4', root)).toEqual({});
    expect(clearThrottleSync('7:3', root)).toBe(true);
    for (const file of FILES) expect(readFileSync(join(root, file), 'utf8')).toBe('7:3 0');
    expect(clearThrottleSync('7:3', join(root, 'gone'))).toBe(false);
  });
});
