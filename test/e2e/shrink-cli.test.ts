/** `rmq-chaos shrink` on input it cannot shrink: exit 2, one line naming the folder, nothing run. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-shrink-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function shrink(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, 'shrink', ...args, '--reports', join(dir, 'reports')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, err: result.stderr };
}

describe('rmq-chaos shrink, bad input', () => {
  it('a passing run: exit 2, nothing to shrink, no tries', () => {
    const run = join(dir, 'passed');
    cpSync(join(import.meta.dirname, '../fixtures/runs/flap-duplicates'), run, { recursive: true });
    const { code, err } = shrink(run);
    expect(err).toContain(`${run} passed: nothing to shrink`);
    expect(code).toBe(2);
    expect(existsSync(join(run, 'shrink'))).toBe(false);
  });

  it('a run folder that does not exist: exit 2 with the path', () => {
    const { code, err } = shrink(join(dir, 'no-such-run'));
    expect(err).toContain(join(dir, 'no-such-run'));
    expect(code).toBe(2);
  });

  it('a bad --budget: exit 2', () => {
    const { code, err } = shrink(join(dir, 'no-such-run'), '--budget', 'soon');
    expect(err).toContain('--budget soon');
    expect(code).toBe(2);
  });
});
