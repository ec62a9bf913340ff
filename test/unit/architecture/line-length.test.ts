import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkLineLength,
  formatLineLengthReport,
  LINE_LIMIT,
  trackedSourceFiles,
} from '../../../scripts/check-line-length.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One file in a fresh temp folder, its lines joined with \n. */
function file(lines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-line-length-'));
  made.push(dir);
  const path = join(dir, 'a.ts');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A line of exactly n characters. */
const longLine = (n: number) => `export const s = '${'x'.repeat(n - 20)}';`;

describe('line length', () => {
  it('the project itself: no tracked source line is longer than the limit without a marker', () => {
    const files = trackedSourceFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => relative(process.cwd(), f).startsWith('test/fixtures/'))).toBe(false);
    expect(formatLineLengthReport(checkLineLength(files))).toEqual([]);
  });

  it('names the file, line and length of a long line', () => {
    const path = file(['// short', longLine(LINE_LIMIT), longLine(LINE_LIMIT + 1)]);
    const report = checkLineLength([path]);
    expect(report.long).toEqual([{ file: relative(process.cwd(), path), line: 3, length: 121 }]);
    expect(formatLineLengthReport(report)).toEqual([`${relative(process.cwd(), path)}:3: 121 characters (limit 120)`]);
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    const arrows = `// ${'→'.repeat(LINE_LIMIT - 3)}`;
    const emoji = `// ${'😀'.repeat(LINE_LIMIT - 3)}`;
    expect(checkLineLength([file([arrows, emoji])]).long).toEqual([]);
  });

  it('a marker with a reason allows the next line, and that line only', () => {
    const path = file(['// line-length: a regular expression literal cannot be cut', longLine(130), longLine(130)]);
    const report = checkLineLength([path]);
    expect(report.long.map((l) => l.line)).toEqual([3]);
    expect(report.allowed).toBe(1);
    expect(report.markers).toEqual([]);
  });

  it('a marker without a reason allows nothing, and one before a short line is reported', () => {
    const path = file(['// line-length:', longLine(130), '  // line-length: once long', 'const short = 1;']);
    const report = checkLineLength([path]);
    expect(report.long.map((l) => l.line)).toEqual([2]);
    expect(report.markers.map((m) => [m.line, m.problem])).toEqual([
      [1, 'no reason'],
      [3, 'excuses nothing'],
    ]);
    expect(formatLineLengthReport(report)).toHaveLength(3);
  });
});
