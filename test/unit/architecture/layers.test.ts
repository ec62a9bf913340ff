import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayers, formatLayerReport } from '../../../scripts/check-layers.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rmq-chaos-layers-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('layers of src/', () => {
  it('the project itself: every folder placed, no import runs back up', () => {
    const report = checkLayers('src');
    expect(formatLayerReport(report)).toEqual([]);
  });

  it('names the file, line and both folders of an import that runs back up', () => {
    const root = tree({
      'low/a.ts': "export const a = 1;\n\nimport { b } from '../high/b.ts';\n",
      'high/b.ts': "import { a } from '../low/a.ts';\nexport const b = a;\n",
    });
    const report = checkLayers(root, ['low', 'high']);
    expect(report.violations).toEqual([
      expect.objectContaining({ line: 3, from: 'low', to: 'high', specifier: '../high/b.ts' }),
    ]);
    expect(formatLayerReport(report, ['low', 'high'])[0]).toMatch(/low\/a\.ts:3: low\/ imports high\/ .*low < high/);
  });

  it('sees re-exports, type imports and dynamic imports, not import-like strings', () => {
    const root = tree({
      'low/a.ts': [
        "export type { B } from '../high/b.ts';",
        "import type { C } from '../high/c.ts';",
        "export const load = () => import('../high/d.ts');",
        'export const text = "import { x } from \'../high/e.ts\'";',
        'export type D = C;',
      ].join('\n'),
      'high/b.ts': 'export type B = 1;',
      'high/c.ts': 'export type C = 1;',
      'high/d.ts': 'export {};',
    });
    const specifiers = checkLayers(root, ['low', 'high']).violations.map((v) => v.specifier);
    expect(specifiers.sort()).toEqual(['../high/b.ts', '../high/c.ts', '../high/d.ts']);
  });

  it('a folder missing from the layer list is reported, not silently allowed', () => {
    const root = tree({ 'low/a.ts': 'export {};', 'stray/x.ts': "import '../low/a.ts';" });
    const report = checkLayers(root, ['low']);
    expect(report.unplaced).toEqual(['stray']);
    expect(formatLayerReport(report, ['low'])).toEqual([
      'src/stray/ is not in the layer list: add it to LAYERS in scripts/check-layers.ts',
    ]);
  });
});

describe('surfaces', () => {
  it('an import into the inside of a folder with a surface is reported; its surface is fine', () => {
    const root = tree({
      'protocol/index.ts': "export * from './remoting/codec.ts';",
      'protocol/remoting/codec.ts': 'export const codec = 1;',
      'drivers/ok.ts': "import { codec } from '../protocol/index.ts';\nexport const a = codec;",
      'drivers/deep.ts': "import { codec } from '../protocol/remoting/codec.ts';\nexport const b = codec;",
    });
    const report = checkLayers(root, ['protocol', 'drivers'], { protocol: 'index.ts' });
    expect(report.violations).toEqual([]);
    expect(report.deepImports.map((v) => [v.file.endsWith('drivers/deep.ts'), v.line, v.specifier])).toEqual([
      [true, 1, '../protocol/remoting/codec.ts'],
    ]);
  });
});
