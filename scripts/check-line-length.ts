/**
 * Line length, checked: Biome formats to lineWidth 120 but never splits a string or template
 * literal, so a long message stays one long line unless someone cuts it into pieces joined
 * with `+`. `npm run lint` fails on each git-tracked source line in src/, test/, bench/, bin/
 * and scripts/ longer than LINE_LIMIT characters (code points, so `→` counts once).
 *
 * A line that cannot be cut (a long regular expression literal, say) is allowed by a marker
 * comment on the line before it, `// line-length: <why>`, which excuses that one line. A
 * marker whose next line fits is reported too, so markers do not outlive their reason.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LINE_LIMIT = 120;

/** The folders whose source is checked (the same ones Biome formats). */
export const CHECKED_FOLDERS = ['src', 'test', 'bench', 'bin', 'scripts'] as const;

const SOURCE_FILE = /\.(ts|mts|js|mjs)$/;
/** Fixtures are data a test reads (recorded runs, plans), not code anyone formats. */
const NOT_CHECKED = /^test\/fixtures\//;
/** A marker needs a reason: a bare `// line-length:` excuses nothing. */
const MARKER = /^\s*\/\/ line-length: *(\S.*)?$/;

export interface LongLine {
  file: string;
  line: number;
  length: number;
}

export interface MarkerProblem {
  file: string;
  line: number;
  problem: 'no reason' | 'excuses nothing';
}

export interface LineLengthReport {
  long: LongLine[];
  markers: MarkerProblem[];
  /** Long lines a marker allows. */
  allowed: number;
  files: number;
}

/** The git-tracked source files of CHECKED_FOLDERS under `root`, as absolute paths. */
export function trackedSourceFiles(root = '.'): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', ...CHECKED_FOLDERS], {
    cwd: root,
    encoding: 'utf8',
  });
  return listed
    .split('\0')
    .filter((path) => SOURCE_FILE.test(path) && !NOT_CHECKED.test(path))
    .map((path) => resolve(root, path));
}

export function checkLineLength(files: readonly string[], limit = LINE_LIMIT): LineLengthReport {
  const long: LongLine[] = [];
  const markers: MarkerProblem[] = [];
  let allowed = 0;
  for (const path of files) {
    const file = relative(process.cwd(), path);
    const lines = readFileSync(path, 'utf8').split(/\r?\n/);
    lines.forEach((text, i) => {
      const marker = MARKER.exec(text);
      const next = lines[i + 1];
      if (marker && marker[1] === undefined) markers.push({ file, line: i + 1, problem: 'no reason' });
      else if (marker && (next === undefined || width(next) <= limit))
        markers.push({ file, line: i + 1, problem: 'excuses nothing' });
      const length = width(text);
      if (length <= limit) return;
      const previous = i > 0 ? MARKER.exec(lines[i - 1] ?? '') : null;
      if (previous?.[1] !== undefined) allowed++;
      else long.push({ file, line: i + 1, length });
    });
  }
  return { long, markers, allowed, files: files.length };
}

export function formatLineLengthReport(report: LineLengthReport, limit = LINE_LIMIT): string[] {
  const lines = report.long.map((l) => `${l.file}:${l.line}: ${l.length} characters (limit ${limit})`);
  for (const m of report.markers) {
    lines.push(
      m.problem === 'no reason'
        ? `${m.file}:${m.line}: a line-length marker needs a reason: // line-length: <why the next line cannot be cut>`
        : `${m.file}:${m.line}: this line-length marker excuses nothing (the next line fits in ${limit}): remove it`,
    );
  }
  return lines;
}

/** Characters as a reader counts them: code points, not UTF-16 units or UTF-8 bytes. */
function width(text: string): number {
  return [...text].length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), '..', '..');
  const report = checkLineLength(trackedSourceFiles(root));
  const lines = formatLineLengthReport(report);
  for (const line of lines) console.error(line);
  if (lines.length > 0) {
    console.error(
      `cut a long string into '...' + '...' pieces (or hoist a long \${...} into a const); ` +
        `a line that cannot be cut needs '// line-length: <why>' on the line before it`,
    );
    process.exitCode = 1;
  } else {
    console.log(
      `line length: ${report.files} files within ${LINE_LIMIT} characters (${report.allowed} marked exceptions)`,
    );
  }
}
