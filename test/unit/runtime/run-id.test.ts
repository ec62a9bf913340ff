import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { claimRunId, runIdBase } from '../../../src/runtime/run-id.ts';

const run = promisify(execFile);
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function parents(n: number): string[] {
  const root = mkdtempSync(join(tmpdir(), 'rmq-chaos-run-id-'));
  made.push(root);
  return Array.from({ length: n }, (_, i) => join(root, `p${i}`));
}

describe('run ids', () => {
  it('reads as the start second and the plan', () => {
    expect(runIdBase('smoke', new Date('2026-12-06T08:45:12.345Z'))).toBe('20261206-084512Z-smoke');
  });

  it('a second claim of the same base gets the next suffix, with its own folders', () => {
    const dirs = parents(3);
    expect(claimRunId('20261206-084512Z-smoke', dirs)).toBe('20261206-084512Z-smoke');
    expect(claimRunId('20261206-084512Z-smoke', dirs)).toBe('20261206-084512Z-smoke-2');
    for (const dir of dirs)
      expect(readdirSync(dir).sort()).toEqual(['20261206-084512Z-smoke', '20261206-084512Z-smoke-2']);
  });

  it('skips an id a finished run left in any one folder, and gives back what that attempt made', () => {
    const [state, work, reports] = parents(3) as [string, string, string];
    mkdirSync(join(reports, 'base'), { recursive: true });
    expect(claimRunId('base', [state, work, reports])).toBe('base-2');
    expect(readdirSync(state)).toEqual(['base-2']);
    expect(readdirSync(work)).toEqual(['base-2']);
    expect(readdirSync(reports).sort()).toEqual(['base', 'base-2']);
  });

  it('fails on other errors without leaving a folder behind', () => {
    const [state, reports] = parents(2) as [string, string];
    mkdirSync(resolve(reports, '..'), { recursive: true });
    writeFileSync(reports, 'a file where the reports folder should be');
    expect(() => claimRunId('base', [state, reports])).toThrow();
    expect(existsSync(join(state, 'base'))).toBe(false);
  });

  it('processes claiming the same base at once all get distinct ids', async () => {
    const dirs = parents(2);
    const script = `import { claimRunId } from ${JSON.stringify(resolve('src/runtime/run-id.ts'))};
      process.stdout.write(claimRunId('same-second', ${JSON.stringify(dirs)}));`;
    const ids = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
        return stdout;
      }),
    );
    expect(new Set(ids).size).toBe(6);
    for (const dir of dirs) expect(readdirSync(dir).sort()).toEqual([...ids].sort());
  }, 60_000);
});
