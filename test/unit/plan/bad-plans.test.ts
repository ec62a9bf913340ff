/**
 * The bad-plan corpus: each file in test/fixtures/bad-plans starts with `# expect:` lines, the
 * exact messages (with line:column) the loader must print, in order, and optional `# set:`
 * lines, --set overrides to apply. Adding a case is adding a file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../src/plan/load-plan.ts';
import { PlanError, formatPlanIssue } from '../../../src/util/errors.ts';

const DIR = 'test/fixtures/bad-plans';
const files = readdirSync(DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

function header(text: string, tag: string): string[] {
  return [...text.matchAll(new RegExp(`^# ${tag}: (.*)$`, 'gm'))].map((match) => match[1] ?? '');
}

async function messages(path: string, sets: string[]): Promise<string[]> {
  try {
    await loadPlanFile(path, sets);
  } catch (error) {
    if (error instanceof PlanError) {
      // The error's own message is what the CLI prints: one formatted issue per line.
      expect(error.message).toBe(error.issues.map(formatPlanIssue).join('\n'));
      return error.issues.map(formatPlanIssue);
    }
    throw error;
  }
  return [];
}

describe('bad plans', () => {
  it('has a corpus of at least 110 cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(110);
  });

  it.each(files)('%s', async (name) => {
    const path = `${DIR}/${name}`;
    const text = readFileSync(path, 'utf8');
    const expected = header(text, 'expect');
    expect(expected.length, 'fixture declares its expected messages').toBeGreaterThan(0);
    expect(await messages(path, header(text, 'set'))).toEqual(expected);
  });
});
