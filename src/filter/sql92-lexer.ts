/**
 * The tokens of RocketMQ's SelectorParser.jj, produced the way its JavaCC token manager does:
 * on demand (a lexical error past the last token the parser looks at is never seen, as on the
 * broker), longest match first, a keyword before an identifier of the same length. Keywords
 * and identifiers are ASCII only; CONTAINS, STARTSWITH and ENDSWITH are keywords from 5.1.3
 * on (before, they are ordinary identifiers).
 */
import { Sql92SyntaxError } from './sql92-error.ts';

export type KeywordKind =
  | 'NOT'
  | 'AND'
  | 'OR'
  | 'BETWEEN'
  | 'IN'
  | 'TRUE'
  | 'FALSE'
  | 'NULL'
  | 'IS'
  | 'CONTAINS'
  | 'STARTSWITH'
  | 'ENDSWITH';

export type OperatorKind = '=' | '<>' | '>' | '>=' | '<' | '<=' | '(' | ')' | ',' | '+' | '-';

export type TokenKind = KeywordKind | OperatorKind | 'DECIMAL' | 'FLOAT' | 'STRING' | 'ID' | 'EOF';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  image: string;
  /** Offsets into the expression, end exclusive. */
  start: number;
  end: number;
}

const BASE_KEYWORDS: readonly KeywordKind[] = ['NOT', 'AND', 'OR', 'BETWEEN', 'IN', 'TRUE', 'FALSE', 'NULL', 'IS'];
const STRING_KEYWORDS: readonly KeywordKind[] = ['CONTAINS', 'STARTSWITH', 'ENDSWITH'];

const WHITE_SPACE = /[ \t\n\r\f]+/y;
// A line comment needs its line end: "-- x" at the very end is two minus signs and an identifier.
const LINE_COMMENT = /--[^\n\r]*(?:\r\n|\n|\r)/y;
const BLOCK_COMMENT = /\/\*[^*]*\*+(?:[^*/][^*]*\*+)*\//y;
const WORD = /[a-zA-Z_$][a-zA-Z0-9_$]*/y;
const DECIMAL = /0|[1-9][0-9]*[lL]?/y;
const FLOAT = /[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+/y;
const STRING = /'(?:''|[^'])*'/y;
const OPERATORS: readonly OperatorKind[] = ['<>', '<=', '>=', '<', '>', '=', '(', ')', ',', '+', '-'];

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

export class Sql92Lexer {
  private readonly keywords: ReadonlySet<string>;
  private position = 0;

  constructor(
    private readonly text: string,
    stringPredicates: boolean,
  ) {
    this.keywords = new Set(stringPredicates ? [...BASE_KEYWORDS, ...STRING_KEYWORDS] : BASE_KEYWORDS);
  }

  /** The next token, EOF at the end; throws Sql92SyntaxError on a character no token starts with. */
  next(): Token {
    this.skipIgnored();
    const { text } = this;
    const start = this.position;
    if (start >= text.length) return { kind: 'EOF', image: '', start, end: start };
    const token = this.longestMatch(start);
    if (!token) {
      throw new Sql92SyntaxError(text, start, `Lexical error: unexpected ${describeCharacter(text, start)}`, 'lexical');
    }
    this.position = token.end;
    return token;
  }

  private skipIgnored(): void {
    for (;;) {
      const skipped =
        matchAt(WHITE_SPACE, this.text, this.position) ??
        matchAt(LINE_COMMENT, this.text, this.position) ??
        matchAt(BLOCK_COMMENT, this.text, this.position);
      if (!skipped) return;
      this.position += skipped.length;
    }
  }

  private longestMatch(start: number): Token | undefined {
    const { text } = this;
    const make = (kind: TokenKind, image: string): Token => ({ kind, image, start, end: start + image.length });
    const word = matchAt(WORD, text, start);
    if (word) {
      const upper = word.toUpperCase();
      return make(this.keywords.has(upper) ? (upper as KeywordKind) : 'ID', word);
    }
    const decimal = matchAt(DECIMAL, text, start);
    const float = matchAt(FLOAT, text, start);
    if (float && float.length > (decimal?.length ?? 0)) return make('FLOAT', float);
    if (decimal) return make('DECIMAL', decimal);
    const string = matchAt(STRING, text, start);
    if (string) return make('STRING', string);
    const operator = OPERATORS.find((op) => text.startsWith(op, start));
    return operator ? make(operator, operator) : undefined;
  }
}

function describeCharacter(text: string, at: number): string {
  const char = String.fromCodePoint(text.codePointAt(at) ?? 0);
  if (char === "'") return 'an unterminated string (a quote without its closing quote)';
  if (text.startsWith('/*', at)) return 'an unterminated comment (/* without */)';
  return `character ${JSON.stringify(char)}`;
}

/** A string literal's value: the quotes removed, each doubled quote made one. */
export function decodeStringLiteral(image: string): string {
  return image.slice(1, -1).replaceAll("''", "'");
}
