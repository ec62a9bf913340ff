/**
 * An SQL92 filter expression the broker would refuse, with where: the 1-based line and column
 * of the first problem, counted as the broker's parser (JavaCC) counts them, so a syntax
 * error's position is the one in the broker's own message (UTF-16 units; a tab moves to the
 * next multiple of 8), and the line with a caret under it. A UsageError: the user wrote the
 * expression, exit 2.
 */
import { UsageError } from '../util/errors.ts';

export interface SourcePosition {
  line: number;
  column: number;
}

const TAB_SIZE = 8;

/** 1-based line and column of an offset as JavaCC's SimpleCharStream counts: \n, \r\n, \r end a line. */
export function positionOf(text: string, offset: number): SourcePosition {
  let line = 1;
  let column = 0; // of the last character counted
  for (let i = 0; i < offset && i < text.length; i++) {
    const char = text[i];
    if (char === '\n' || (char === '\r' && text[i + 1] !== '\n')) {
      line++;
      column = 0;
    } else if (char === '\t') {
      column += TAB_SIZE - (column % TAB_SIZE);
    } else if (char !== '\r') {
      column++;
    }
  }
  return { line, column: column + 1 };
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

/** lexical: no token starts here; syntax: the grammar does not allow this token; semantic: the broker's checks. */
export type Sql92ErrorKind = 'lexical' | 'syntax' | 'semantic';

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
    readonly kind: Sql92ErrorKind,
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
