/**
 * An SQL92 filter expression the broker would refuse, with where: the 1-based line and column
 * of the first problem (columns count UTF-16 units; a tab is one column) and the line with a
 * caret under it. A UsageError: the user wrote the expression, exit 2.
 */
import { UsageError } from '../util/errors.ts';

export interface SourcePosition {
  line: number;
  column: number;
}

/** 1-based line and column of an offset; \n, \r\n and \r each end a line (as JavaCC counts them). */
export function positionOf(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const char = text[i];
    if (char === '\n' || (char === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The line holding the offset, and a caret under its column. */
export function caretExcerpt(text: string, offset: number): string {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  const rest = text.slice(lineStart);
  const lineEnd = rest.search(/[\r\n]/);
  const line = lineEnd < 0 ? rest : rest.slice(0, lineEnd);
  const pad = line.slice(0, offset - lineStart).replace(/[^\t]/g, ' ');
  return `${line}\n${pad}^`;
}

export class Sql92SyntaxError extends UsageError {
  readonly line: number;
  readonly column: number;
  readonly excerpt: string;

  constructor(
    readonly expression: string,
    /** Offset of the problem in the expression. */
    readonly offset: number,
    /** What is wrong, in the broker's words where it has them. */
    readonly reason: string,
  ) {
    const { line, column } = positionOf(expression, offset);
    const excerpt = caretExcerpt(expression, offset);
    super(
      `SQL92 filter: ${reason} (line ${line}, column ${column})\n${excerpt}`,
      'fix the expression: the broker refuses it when the consumer subscribes',
    );
    this.line = line;
    this.column = column;
    this.excerpt = excerpt;
  }
}
