/**
 * The layering of src/, checked: each top-level folder may import only folders below it in
 * LAYERS (the picture in the README's Architecture section). An import that runs back up is
 * how folder cycles start, so `npm run lint` fails on the first one and names the fix.
 *
 * Imports are read with TypeScript's own pre-processor (static imports, re-exports, dynamic
 * `import()`), not a regular expression, so a string that looks like an import is not one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Bottom first: a folder may import any folder listed before it, never one after it. */
export const LAYERS = [
  'util',
  'filter',
  'protocol',
  'drivers',
  'setup',
  'runtime',
  'network',
  'cluster',
  'plan',
  'metrics',
  'fleet',
  'agents',
  'observe',
  'faults',
  'checks',
  'result',
  'compare',
  'run',
  'report',
  'k8s',
  'cli',
] as const;

/**
 * Folders whose public surface is one file: from outside, import only that file (their
 * internals can then move without touching every importer).
 */
export const SURFACES: Readonly<Record<string, string>> = { filter: 'index.ts', protocol: 'index.ts' };

export interface LayerViolation {
  file: string;
  line: number;
  from: string;
  to: string;
  specifier: string;
}

export interface LayerReport {
  violations: LayerViolation[];
  /** Top-level folders of src/ that LAYERS does not place (each must be placed). */
  unplaced: string[];
  /** Imports from outside a folder with a surface (SURFACES) into its internals. */
  deepImports: LayerViolation[];
}

export function checkLayers(
  srcDir: string,
  layers: readonly string[] = LAYERS,
  surfaces: Readonly<Record<string, string>> = SURFACES,
): LayerReport {
  const root = resolve(srcDir);
  const rank = new Map(layers.map((name, i) => [name, i]));
  const violations: LayerViolation[] = [];
  const deepImports: LayerViolation[] = [];
  const unplaced = new Set<string>();
  for (const file of sourceFiles(root)) {
    const from = topFolder(root, file);
    if (from === undefined) continue;
    if (!rank.has(from)) unplaced.add(from);
    const text = readFileSync(file, 'utf8');
    const lineOf = (pos: number) =>
      ts.getLineAndCharacterOfPosition(ts.createSourceFile(file, text, ts.ScriptTarget.Latest), pos).line + 1;
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), ref.fileName);
      const to = topFolder(root, target);
      if (to === undefined || to === from) continue;
      const surface = surfaces[to];
      if (surface !== undefined && target !== join(root, to, surface)) {
        deepImports.push({
          file: relative(process.cwd(), file),
          line: lineOf(ref.pos),
          from,
          to,
          specifier: ref.fileName,
        });
      }
      const fromRank = rank.get(from);
      const toRank = rank.get(to);
      if (toRank === undefined) {
        unplaced.add(to);
        continue;
      }
      if (fromRank !== undefined && toRank > fromRank) {
        violations.push({
          file: relative(process.cwd(), file),
          line: lineOf(ref.pos),
          from,
          to,
          specifier: ref.fileName,
        });
      }
    }
  }
  return { violations, unplaced: [...unplaced].sort(), deepImports };
}

export function formatLayerReport(report: LayerReport, layers: readonly string[] = LAYERS): string[] {
  const lines = report.violations.map(
    (v) =>
      `${v.file}:${v.line}: ${v.from}/ imports ${v.to}/ ('${v.specifier}'), which sits above it ` +
      `(layers, bottom first: ${layers.join(' < ')}); move what both need down, or pass it in from above`,
  );
  for (const v of report.deepImports) {
    lines.push(
      `${v.file}:${v.line}: imports the inside of ${v.to}/ ('${v.specifier}'); import its surface, ` +
        `src/${v.to}/${SURFACES[v.to] ?? 'index.ts'}, and export what you need from there`,
    );
  }
  for (const folder of report.unplaced) {
    lines.push(`src/${folder}/ is not in the layer list: add it to LAYERS in scripts/check-layers.ts`);
  }
  return lines;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** The top-level folder of src/ a path is in; undefined outside src/ or for files at its top. */
function topFolder(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const lines = formatLayerReport(checkLayers(process.argv[2] ?? 'src'));
  for (const line of lines) console.error(line);
  if (lines.length > 0) process.exitCode = 1;
  else console.log(`layers: src/ imports run one way (${LAYERS.length} folders)`);
}
