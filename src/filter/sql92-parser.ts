/**
 * parseSql92: RocketMQ's SelectorParser (filter/.../parser/SelectorParser.jj and the generated
 * parser the broker runs), production for production, with the checks its expression
 * factories make while building (ComparisonExpression.checkLessThanOperand, checkEqualOperand,
 * the constant order of BETWEEN, ConstantExpression.createFromDecimal / createFloat, IN on a
 * property only, asBooleanExpression). Whatever the broker refuses when a consumer subscribes
 * is a Sql92SyntaxError here, at the position of the first problem; whatever it accepts parses.
 *
 * Tokens are read only as far as the broker's parser looks (one token past the expression,
 * two after NOT and IS, the whole operand after a unary +, which it scans ahead by grammar
 * alone), and the end of the text is not required: see Sql92Filter.ignoredTail. Syntax errors
 * are placed where the broker's message places them; semantic ones (which it gives no position)
 * at the operand or operator at fault.
 */
import {
  isBooleanExpression,
  type ComparisonOperator,
  type ConstantNode,
  type Sql92Filter,
  type Sql92Grammar,
  type Sql92Node,
  type StringTest,
} from './sql92-ast.ts';
import { Sql92SyntaxError, positionOf } from './sql92-error.ts';
import { decodeStringLiteral, Sql92Lexer, type Token, type TokenKind } from './sql92-lexer.ts';
import {
  JavaEvaluationError,
  javaBoolean,
  javaCompare,
  javaDouble,
  javaInt,
  javaLong,
  javaString,
  javaToString,
  INTEGER_RANGE,
  type JavaValue,
} from './java-values.ts';

export interface ParseSql92Options {
  /** The broker's RocketMQ version: picks the grammar (CONTAINS & co. from 5.1.3 on). */
  version: string;
}

/** The first version whose grammar has CONTAINS, STARTSWITH and ENDSWITH (and NOT ...). */
export const STRING_PREDICATES_SINCE = '5.1.3';

export function sql92Grammar(version: string): Sql92Grammar {
  return { version, stringPredicates: compareVersions(version, STRING_PREDICATES_SINCE) >= 0 };
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Parses an SQL92 filter as the broker of that version would; throws Sql92SyntaxError where it would refuse it. */
export function parseSql92(expression: string, options: ParseSql92Options): Sql92Filter {
  const grammar = sql92Grammar(options.version);
  const parser = new Parser(expression, grammar);
  const root = parser.parse();
  const tail = parser.ignoredTail();
  return { expression, grammar, root, ...(tail ? { ignoredTail: tail } : {}) };
}

const STRING_TESTS: ReadonlySet<TokenKind> = new Set<TokenKind>(['CONTAINS', 'STARTSWITH', 'ENDSWITH']);
const AFTER_NOT: ReadonlySet<TokenKind> = new Set<TokenKind>([...STRING_TESTS, 'BETWEEN', 'IN']);
const COMPARISONS: ReadonlySet<TokenKind> = new Set<TokenKind>(['>', '>=', '<', '<=']);
const LONG_MAX = 2n ** 63n - 1n;

class Parser {
  private readonly lexer: Sql92Lexer;
  private readonly tokens: Token[] = [];
  private index = 0;
  /** Depth of syntactic lookahead: semantic checks are off inside. */
  private scanning = 0;

  constructor(
    private readonly text: string,
    grammar: Sql92Grammar,
  ) {
    this.lexer = new Sql92Lexer(text, grammar.stringPredicates);
  }

  parse(): Sql92Node {
    return this.asBoolean(this.orExpression());
  }

  ignoredTail(): Sql92Filter['ignoredTail'] {
    const next = this.tokens[this.index];
    if (!next || next.kind === 'EOF') return undefined;
    return { offset: next.start, ...positionOf(this.text, next.start), text: this.text.slice(next.start) };
  }

  // --- tokens -------------------------------------------------------------------------------

  private peek(ahead = 1): Token {
    while (this.tokens.length < this.index + ahead) {
      const last = this.tokens.at(-1);
      this.tokens.push(last?.kind === 'EOF' ? last : this.lexer.next());
    }
    return this.tokens[this.index + ahead - 1] as Token;
  }

  private consume(): Token {
    const token = this.peek();
    this.index++;
    return token;
  }

  private expect(kind: TokenKind, what: string): Token {
    const token = this.peek();
    if (token.kind !== kind) throw this.unexpected(token, what);
    return this.consume();
  }

  private unexpected(token: Token, expected: string): Sql92SyntaxError {
    const found = token.kind === 'EOF' ? 'the end of the expression' : `"${token.image}"`;
    // JavaCC places the end of input on the last character read, so the broker's message does too.
    const at = token.kind === 'EOF' ? Math.max(0, this.text.length - 1) : token.start;
    return new Sql92SyntaxError(this.text, at, `Encountered ${found}, was expecting ${expected}`, 'syntax');
  }

  /**
   * A check of the broker's expression factories failed: refused, except while scanning (the
   * grammar-only lookahead of unary +), where the broker's parser does not run them.
   */
  private refuse(node: { start: number }, reason: string): void {
    if (this.scanning === 0) throw new Sql92SyntaxError(this.text, node.start, reason, 'semantic');
  }

  /**
   * JavaCC's syntactic LOOKAHEAD: whether the production parses from here (grammar only),
   * without consuming anything. A lexical error on the way is still an error.
   */
  private scans(production: () => unknown): boolean {
    const index = this.index;
    this.scanning++;
    try {
      production();
      return true;
    } catch (error) {
      if (error instanceof Sql92SyntaxError && error.kind === 'syntax') return false;
      throw error;
    } finally {
      this.index = index;
      this.scanning--;
    }
  }

  private source(node: { start: number; end: number }): string {
    return this.text.slice(node.start, node.end);
  }

  // --- productions ------------------------------------------------------------------------

  private orExpression(): Sql92Node {
    let left = this.andExpression();
    while (this.peek().kind === 'OR') {
      this.consume();
      const right = this.andExpression();
      left = {
        kind: 'or',
        left: this.asBoolean(left),
        right: this.asBoolean(right),
        start: left.start,
        end: right.end,
      };
    }
    return left;
  }

  private andExpression(): Sql92Node {
    let left = this.equalityExpression();
    while (this.peek().kind === 'AND') {
      this.consume();
      const right = this.equalityExpression();
      left = {
        kind: 'and',
        left: this.asBoolean(left),
        right: this.asBoolean(right),
        start: left.start,
        end: right.end,
      };
    }
    return left;
  }

  private equalityExpression(): Sql92Node {
    let left = this.comparisonExpression();
    for (;;) {
      const token = this.peek();
      if (token.kind === '=' || token.kind === '<>') {
        this.consume();
        const right = this.comparisonExpression();
        const equal = this.createEqual(left, right);
        left = token.kind === '=' ? equal : { kind: 'not', operand: equal, start: equal.start, end: equal.end };
      } else if (token.kind === 'IS') {
        // LOOKAHEAD(2): IS NULL, else IS NOT NULL.
        const isNull = this.peek(2).kind === 'NULL';
        this.consume();
        if (!isNull) this.expect('NOT', 'NULL or NOT NULL after IS');
        const end = this.expect('NULL', 'NULL after IS NOT').end;
        const nullConstant: ConstantNode = { kind: 'constant', value: null, booleanLiteral: true, start: end, end };
        const equal: Sql92Node = { kind: 'equal', left, right: nullConstant, start: left.start, end };
        left = isNull ? equal : { kind: 'not', operand: equal, start: left.start, end };
      } else {
        return left;
      }
    }
  }

  private comparisonExpression(): Sql92Node {
    let left = this.unaryExpr();
    for (;;) {
      const token = this.peek();
      if (COMPARISONS.has(token.kind)) {
        this.consume();
        const right = this.unaryExpr();
        left = this.createCompare(token.kind as ComparisonOperator, left, right);
        continue;
      }
      let not = false;
      let operator = token;
      if (token.kind === 'NOT') {
        // LOOKAHEAD(2): NOT must be followed by what it negates here, or the expression is refused.
        operator = this.peek(2);
        // The broker's parser blames the NOT itself (its lookahead failed there).
        if (!AFTER_NOT.has(operator.kind)) {
          throw this.unexpected(token, 'CONTAINS, STARTSWITH, ENDSWITH, BETWEEN or IN after NOT here');
        }
        not = true;
        this.consume();
      } else if (!AFTER_NOT.has(token.kind)) {
        return left;
      }
      this.consume();
      if (STRING_TESTS.has(operator.kind)) {
        const search = this.expect('STRING', `a string literal after ${operator.kind}`);
        const test = operator.kind as StringTest;
        left = {
          kind: 'stringTest',
          test,
          not,
          operand: left,
          search: decodeStringLiteral(search.image),
          start: left.start,
          end: search.end,
        };
      } else if (operator.kind === 'BETWEEN') {
        const low = this.unaryExpr();
        this.expect('AND', 'AND between the bounds of BETWEEN');
        const high = this.unaryExpr();
        left = not ? this.createNotBetween(left, low, high) : this.createBetween(operator, left, low, high);
      } else {
        left = this.inList(operator, left, not);
      }
    }
  }

  private inList(operator: Token, left: Sql92Node, not: boolean): Sql92Node {
    this.expect('(', 'a ( after IN');
    const values = [decodeStringLiteral(this.expect('STRING', 'a string literal in the IN list').image)];
    while (this.peek().kind === ',') {
      this.consume();
      values.push(decodeStringLiteral(this.expect('STRING', 'a string literal in the IN list').image));
    }
    const end = this.expect(')', 'a , or ) in the IN list').end;
    if (left.kind !== 'property') {
      this.refuse(operator, `Expected a property for In expression, got: ${this.source(left)}`);
      return left;
    }
    return { kind: 'in', operand: left, values, not, start: left.start, end };
  }

  private unaryExpr(): Sql92Node {
    const token = this.peek();
    if (token.kind === '+') {
      // LOOKAHEAD("+" unaryExpr()): if what follows + is not an operand, the broker blames the +.
      const operand = () => {
        this.consume();
        return this.unaryExpr();
      };
      if (this.scanning === 0 && !this.scans(operand)) throw this.unexpected(token, 'an operand after +');
      return operand();
    }
    if (token.kind === '-' || token.kind === 'NOT') {
      this.consume();
      const operand = this.unaryExpr();
      if (token.kind === '-') return { kind: 'negate', operand, start: token.start, end: operand.end };
      return { kind: 'not', operand: this.asBoolean(operand), start: token.start, end: operand.end };
    }
    return this.primaryExpr();
  }

  private primaryExpr(): Sql92Node {
    const token = this.consume();
    const constant = (value: JavaValue, booleanLiteral = false): ConstantNode => ({
      kind: 'constant',
      value,
      booleanLiteral,
      start: token.start,
      end: token.end,
    });
    switch (token.kind) {
      case 'STRING':
        return constant(javaString(decodeStringLiteral(token.image)));
      case 'DECIMAL':
        return constant(this.decimal(token));
      case 'FLOAT':
        return constant(this.float(token));
      case 'TRUE':
      case 'FALSE':
        return constant(javaBoolean(token.kind === 'TRUE'), true);
      case 'NULL':
        return constant(null, true);
      case 'ID':
        return { kind: 'property', name: token.image, start: token.start, end: token.end };
      case '(': {
        const inner = this.orExpression();
        this.expect(')', 'a )');
        return inner;
      }
      default:
        this.index--;
        throw this.unexpected(token, 'a literal, a property name, (, +, - or NOT');
    }
  }

  // --- the broker's expression factories and their checks ---------------------------------

  /** ConstantExpression.createFromDecimal: an L suffix is dropped; Integer when it fits, else Long. */
  private decimal(token: Token): JavaValue {
    const digits = token.image.replace(/[lL]$/, '');
    const value = BigInt(digits);
    if (value > LONG_MAX) this.refuse(token, `NumberFormatException: For input string: "${digits}"`);
    return value <= INTEGER_RANGE.max ? javaInt(Number(value)) : javaLong(value);
  }

  /** ConstantExpression.createFloat: a Double; infinite and below Double.MIN_VALUE (so 0.0 too) refused. */
  private float(token: Token): JavaValue {
    const value = Number(token.image);
    if (value > Number.MAX_VALUE) this.refuse(token, `${token.image} is greater than 1.7976931348623157E308`);
    if (value < Number.MIN_VALUE) this.refuse(token, `${token.image} is less than 4.9E-324`);
    return javaDouble(value);
  }

  /** SelectorParser.asBooleanExpression: a bare property becomes a boolean cast; a literal or negation is refused. */
  private asBoolean(node: Sql92Node): Sql92Node {
    if (isBooleanExpression(node)) return node;
    if (node.kind === 'property') return { kind: 'booleanCast', operand: node, start: node.start, end: node.end };
    this.refuse(node, `Expression will not result in a boolean value: ${this.source(node)}`);
    return node;
  }

  /** checkLessThanOperand: only numbers (and properties, negations) on either side of < <= > >=. */
  private checkLessThanOperand(node: Sql92Node): void {
    if (node.kind === 'constant') {
      const type = node.value?.type;
      if (type === 'Integer' || type === 'Long' || type === 'Double') return;
      this.refuse(node, `Value '${javaToString(node.value)}' cannot be compared.`);
      return;
    }
    if (isBooleanExpression(node)) this.refuse(node, `Value '${this.source(node)}' cannot be compared.`);
  }

  private createCompare(operator: ComparisonOperator, left: Sql92Node, right: Sql92Node): Sql92Node {
    this.checkLessThanOperand(left);
    this.checkLessThanOperand(right);
    return { kind: 'compare', operator, left, right, start: left.start, end: right.end };
  }

  /** createEqual: NULL is not comparable (IS NULL is); TRUE/FALSE = a non-boolean literal is refused. */
  private createEqual(left: Sql92Node, right: Sql92Node): Sql92Node {
    for (const side of [left, right]) {
      if (side.kind === 'constant' && side.value === null) this.refuse(side, `'NULL' cannot be compared.`);
    }
    if (left.kind === 'constant' && right.kind === 'constant' && left.booleanLiteral && !right.booleanLiteral) {
      this.refuse(left, `'${javaToString(left.value)}' cannot be compared with '${javaToString(right.value)}'`);
    }
    return { kind: 'equal', left, right, start: left.start, end: right.end };
  }

  /** createBetween: constant bounds must be non-null and in order (compared as the broker compares). */
  private createBetween(operator: Token, value: Sql92Node, low: Sql92Node, high: Sql92Node): Sql92Node {
    if (low.kind === 'constant' && high.kind === 'constant') this.checkBetweenBounds(operator, low.value, high.value);
    const left = this.createCompare('>=', value, low);
    const right = this.createCompare('<=', value, high);
    return { kind: 'and', left, right, start: value.start, end: high.end };
  }

  private checkBetweenBounds(operator: Token, low: JavaValue, high: JavaValue): void {
    if (low === null || high === null) {
      this.refuse(operator, 'Illegal values of between, values can not be null!');
      return;
    }
    let order: number;
    try {
      order = javaCompare(high, low);
    } catch (error) {
      if (!(error instanceof JavaEvaluationError)) throw error;
      this.refuse(operator, error.message);
      return;
    }
    if (order < 0) {
      // String.format("%s") of the values: strings unquoted.
      const show = (v: JavaValue) => (v?.type === 'String' ? v.value : javaToString(v));
      this.refuse(
        operator,
        `Illegal values of between, left value(${show(low)}) must less than or equal to right value(${show(high)})`,
      );
    }
  }

  private createNotBetween(value: Sql92Node, low: Sql92Node, high: Sql92Node): Sql92Node {
    const left = this.createCompare('<', value, low);
    const right = this.createCompare('>', value, high);
    return { kind: 'or', left, right, start: value.start, end: high.end };
  }
}
