import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readShrinkInput } from '../../../../src/cli/shrink/shrink-input.ts';
import type { RunSummary } from '../../../../src/result/run-summary.ts';
import { ExitCode, HarnessError } from '../../../../src/util/errors.ts';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/runs/flap-duplicates');

/** A copy of the flap-duplicates run (it passed), edited by `edit`, with or without its plan.yaml. */
function runFolder(edit?: (s: RunSummary) => void, planYaml = true): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'rmq-chaos-shrink-')), 'run');
  cpSync(FIXTURE, dir, { recursive: true });
  const file = join(dir, 'summary.json');
  const summary = JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
  edit?.(summary);
  writeFileSync(file, JSON.stringify(summary));
  if (planYaml) cpSync(join(import.meta.dirname, '../../../../plans/flap-duplicates.yaml'), join(dir, 'plan.yaml'));
  return dir;
}

/** The duplicates threshold failed, as a run whose threshold said count==0 would. */
const failedDuplicates = (s: RunSummary) => {
  s.verdict = 'fail';
  s.failures = ['threshold duplicates count==0 (observed 12)'];
  s.checks = s.checks.map((c) => (c.key === 'duplicates' ? { ...c, ok: false } : c));
};

async function usageError(promise: Promise<unknown>): Promise<HarnessError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HarnessError);
  expect((error as HarnessError).exitCode).toBe(ExitCode.usage);
  return error as HarnessError;
}

describe('readShrinkInput', () => {
  it('a passing run: exit 2, nothing to shrink', async () => {
    const dir = runFolder();
    expect((await usageError(readShrinkInput(dir))).message).toBe(`${dir} passed: nothing to shrink`);
  });

  it('a folder without a summary: exit 2 with the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-shrink-'));
    expect((await usageError(readShrinkInput(dir))).message).toContain(join(dir, 'summary.json'));
  });

  it('a failed run without plan.yaml: exit 2, saying the folder does not keep its plan', async () => {
    const dir = runFolder(failedDuplicates, false);
    expect((await usageError(readShrinkInput(dir))).message).toContain(join(dir, 'plan.yaml'));
  });

  it('a failed run: its failed checks are the target, or the --check among them', async () => {
    const dir = runFolder((s) => {
      failedDuplicates(s);
      s.expectedDiagnoses = [{ id: 'duplicate-burst', group: 'billing', fired: false }];
    });
    const input = await readShrinkInput(dir);
    expect(input.target).toEqual(['threshold:duplicates', 'diagnosis:duplicate-burst@billing']);
    expect(input.planText).toContain('name: flap-duplicates');
    expect((await readShrinkInput(dir, ['threshold:duplicates'])).target).toEqual(['threshold:duplicates']);
    expect((await usageError(readShrinkInput(dir, ['threshold:loss']))).message).toContain('--check threshold:loss');
  });
});
