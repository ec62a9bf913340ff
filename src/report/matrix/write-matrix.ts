import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMatrixMarkdown } from './matrix-markdown.ts';
import { renderMatrixPage } from './matrix-page.ts';
import type { MatrixResult } from './matrix-result.ts';

export const MATRIX_FILES = { json: 'matrix.json', markdown: 'matrix.md', html: 'index.html' } as const;

/** Writes matrix.json, matrix.md and index.html into the matrix folder; returns their paths, the page last. */
export async function writeMatrixReports(result: MatrixResult, matrixDir: string): Promise<string[]> {
  const files: [string, string][] = [
    [MATRIX_FILES.json, `${JSON.stringify(result, null, 2)}\n`],
    [MATRIX_FILES.markdown, renderMatrixMarkdown(result)],
    [MATRIX_FILES.html, renderMatrixPage(result)],
  ];
  const written: string[] = [];
  for (const [name, text] of files) {
    const file = join(matrixDir, name);
    await writeFile(file, text);
    written.push(file);
  }
  return written;
}
