import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanFile, loadPlanText, planText } from '../../../src/plan/load-plan.ts';
import { describeError, MAX_PRINTED_PLAN_ISSUES, PlanError, UsageError } from '../../../src/util/errors.ts';
import { escapeControlCharacters } from '../../../src/util/text.ts';

function tempFile(name: string, content: string | Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rmq-chaos-hostile-')), name);
  writeFileSync(file, content);
  return file;
}

describe('hostile plan files', () => {
  it('refuses a file over the size limit before reading it, naming the limit and the flag', async () => {
    const file = tempFile('big.yaml', `description: x\n${'# padding\n'.repeat(200)}`);
    const refused = loadPlanFile(file, [], { maxBytes: 1024 });
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toMatchObject({
      message: expect.stringMatching(/is 2\.\d KiB, over the 1\.0 KiB limit for a plan$/),
      hint: expect.stringContaining('--max-plan-size'),
    });
  });

  it('refuses a binary file in one line, with the offset of its first NUL byte', () => {
    const bytes = new Uint8Array([0x64, 0x65, 0x73, 0x63, 0x00, 0x01, 0x1b, 0x5b]);
    expect(() => planText(bytes, 'x.bin')).toThrow('x.bin: not a YAML text file: NUL byte at offset 4');
  });

  it('refuses text that is not UTF-8', () => {
    expect(() => planText(new Uint8Array([0xff, 0xfe, 0x41]), 'x.yaml')).toThrow(
      'x.yaml: not a YAML text file: not valid UTF-8',
    );
  });

  it('prints the first 20 problems and counts the rest', () => {
    const text = ['description: x', ...Array.from({ length: 30 }, (_, i) => `bad${i}: 1`)].join('\n');
    let error: unknown;
    try {
      loadPlanText(text, 'many.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanError);
    const lines = (error as PlanError).message.split('\n');
    expect(lines).toHaveLength(MAX_PRINTED_PLAN_ISSUES + 1);
    expect(lines.at(-1)).toMatch(/^\.\.\. and \d+ more problems \(fix these first\)$/);
    // 30 unknown keys and the missing required keys: all counted, 20 printed.
    expect((error as PlanError).issues.length).toBe(
      MAX_PRINTED_PLAN_ISSUES + Number(/and (\d+) more/.exec(lines.at(-1)!)![1]),
    );
  });

  it('escapes control characters in everything it echoes', () => {
    expect(escapeControlCharacters('a\u001b[2Jb\u0007c\u009bd\ne\tf')).toBe('a\\u001b[2Jb\\u0007c\\u009bd\ne\\u0009f');
    const error = new UsageError('plan file not found: evil\u001b[2J.yaml', 'a \u0007 hint');
    expect(describeError(error)).toBe('plan file not found: evil\\u001b[2J.yaml\n  fix: a \\u0007 hint');
  });

  it('still names a duplicate key where it is (its own check, not the quadratic one of yaml)', () => {
    expect(() => loadPlanText('description: x\ndescription: y\n', 'dup.yaml')).toThrow(
      'duplicate key "description" in this map (dup.yaml:2:1)',
    );
  });
});
