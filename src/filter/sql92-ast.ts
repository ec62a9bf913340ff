/**
 * A compiled SQL92 filter: the expression tree RocketMQ's SelectorParser builds, node for node
 * (BETWEEN is already the AND of two comparisons, `<>` the NOT of an equality, IS NULL an
 * equality with NULL, a bare property a boolean cast), so evaluating it is a walk with the
 * broker's rules (sql92-evaluate.ts). Offsets point into the expression, for messages.
 */
import type { JavaValue } from './java-values.ts';

interface Span {
  /** Offsets into the expression, end exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface ConstantNode extends Span {
  readonly kind: 'constant';
  readonly value: JavaValue;
  /** TRUE, FALSE and NULL are boolean expressions on the broker; string and number literals are not. */
  readonly booleanLiteral: boolean;
}

export interface PropertyNode extends Span {
  readonly kind: 'property';
  /** As written: property names are case-sensitive. */
  readonly name: string;
}

export interface LogicNode extends Span {
  readonly kind: 'and' | 'or';
  readonly left: Sql92Node;
  readonly right: Sql92Node;
}

export interface UnaryNode extends Span {
  /** not: three-valued NOT; booleanCast: a bare property used as a condition; negate: unary minus. */
  readonly kind: 'not' | 'booleanCast' | 'negate';
  readonly operand: Sql92Node;
}

export interface EqualNode extends Span {
  readonly kind: 'equal';
  readonly left: Sql92Node;
  readonly right: Sql92Node;
}

export type ComparisonOperator = '>' | '>=' | '<' | '<=';

export interface CompareNode extends Span {
  readonly kind: 'compare';
  readonly operator: ComparisonOperator;
  readonly left: Sql92Node;
  readonly right: Sql92Node;
}

export interface InNode extends Span {
  readonly kind: 'in';
  readonly operand: PropertyNode;
  readonly values: readonly string[];
  readonly not: boolean;
}

export type StringTest = 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH';

export interface StringTestNode extends Span {
  readonly kind: 'stringTest';
  readonly test: StringTest;
  readonly not: boolean;
  readonly operand: Sql92Node;
  readonly search: string;
}

export type Sql92Node =
  | ConstantNode
  | PropertyNode
  | LogicNode
  | UnaryNode
  | EqualNode
  | CompareNode
  | InNode
  | StringTestNode;

/** Which grammar: before 5.1.3 there is no CONTAINS, STARTSWITH or ENDSWITH. */
export interface Sql92Grammar {
  /** The RocketMQ version the grammar is that of, e.g. "4.9.7", "5.3.3". */
  version: string;
  stringPredicates: boolean;
}

export interface Sql92Filter {
  readonly expression: string;
  readonly grammar: Sql92Grammar;
  readonly root: Sql92Node;
  /**
   * Text after the expression that the broker ignores: its parser stops at the first token
   * that cannot continue the expression, without requiring the end (so `a > 5 )` and
   * `a = 01` (as `a = 0`) are accepted). Worth a warning: it is rarely what was meant.
   */
  readonly ignoredTail?: { offset: number; line: number; column: number; text: string };
}

/** BooleanExpression on the broker: what AND, OR, NOT and the top level accept. */
export function isBooleanExpression(node: Sql92Node): boolean {
  switch (node.kind) {
    case 'constant':
      return node.booleanLiteral;
    case 'property':
    case 'negate':
      return false;
    default:
      return true;
  }
}
