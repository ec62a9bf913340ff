/**
 * The broker's decision for one message: evaluate the compiled filter against the message's
 * properties (always strings on the broker) the way RocketMQ's expression classes do, then
 * deliver only on TRUE. NULL (a missing property somewhere that mattered) and any Java
 * exception while evaluating (a property that does not parse as the number it is compared
 * with, a Boolean compared with a String) mean no delivery, as in
 * ExpressionMessageFilter.isMatchedByCommitLog. Evaluation order and short-circuits follow the
 * Java code, since they decide whether an exception happens at all.
 */
import type { Sql92Filter, Sql92Node } from './sql92-ast.ts';
import {
  compareDoubles,
  doubleValueOf,
  javaBoolean,
  javaCompare,
  JavaEvaluationError,
  javaDouble,
  javaInt,
  javaLong,
  javaString,
  type JavaValue,
} from './java-values.ts';

/** Message properties as the broker sees them: name → string value; absent or undefined is null. */
export type MessageProperties = Readonly<Record<string, string | undefined>>;

/** Whether the broker delivers a message with these properties to a subscription with this filter. */
export function matches(filter: Sql92Filter, properties: MessageProperties): boolean {
  return outcome(filter, properties).delivered;
}

/**
 * What evaluating the filter gave, and so why a message was or was not delivered: TRUE,
 * FALSE, NULL (unknown: a property it needed was missing) or a Java exception (named).
 */
export type Sql92Outcome =
  | { result: 'true'; delivered: true }
  | { result: 'false' | 'null'; delivered: false }
  | { result: 'throws'; delivered: false; exception: string; message: string };

export function outcome(filter: Sql92Filter, properties: MessageProperties): Sql92Outcome {
  let value: JavaValue;
  try {
    value = evaluate(filter.root, properties);
  } catch (error) {
    if (!(error instanceof JavaEvaluationError)) throw error;
    return { result: 'throws', delivered: false, exception: error.javaClass, message: error.message };
  }
  if (value === null) return { result: 'null', delivered: false };
  // The root is a boolean expression (the parser's asBooleanExpression), so a Boolean.
  return value.type === 'Boolean' && value.value
    ? { result: 'true', delivered: true }
    : { result: 'false', delivered: false };
}

const TRUE = javaBoolean(true);
const FALSE = javaBoolean(false);

/** A node's Java value; throws JavaEvaluationError where the Java code throws. */
export function evaluate(node: Sql92Node, properties: MessageProperties): JavaValue {
  switch (node.kind) {
    case 'constant':
      return node.value;
    case 'property': {
      const value = Object.hasOwn(properties, node.name) ? properties[node.name] : undefined;
      return value === undefined ? null : javaString(value);
    }
    case 'and': {
      const lv = booleanOf(node.left, properties);
      if (lv === false) return FALSE;
      const rv = booleanOf(node.right, properties);
      if (rv === false) return FALSE;
      return lv === null || rv === null ? null : TRUE;
    }
    case 'or': {
      const lv = booleanOf(node.left, properties);
      if (lv === true) return TRUE;
      const rv = booleanOf(node.right, properties);
      if (rv === true) return TRUE;
      return lv === null || rv === null ? null : FALSE;
    }
    case 'not': {
      const value = booleanOf(node.operand, properties);
      return value === null ? null : javaBoolean(!value);
    }
    case 'booleanCast': {
      const value = evaluate(node.operand, properties);
      if (value === null) return null;
      return value.type === 'Boolean' ? value : FALSE;
    }
    case 'negate':
      return negate(evaluate(node.operand, properties));
    case 'equal': {
      const lv = evaluate(node.left, properties);
      const rv = evaluate(node.right, properties);
      // Asymmetric on purpose (the broker's doCreateEqual): only a null left side is unknown.
      if ((lv === null) !== (rv === null)) return lv === null ? null : FALSE;
      if (lv === null || rv === null) return TRUE;
      return javaBoolean(javaCompare(lv, rv) === 0);
    }
    case 'compare': {
      const lv = evaluate(node.left, properties);
      if (lv === null) return null;
      const rv = evaluate(node.right, properties);
      if (rv === null) return null;
      const order =
        lv.type === 'String' && rv.type === 'String'
          ? compareStringsAsDoubles(lv.value, rv.value)
          : javaCompare(lv, rv);
      return javaBoolean(holds(node.operator, order));
    }
    case 'in': {
      const value = evaluate(node.operand, properties);
      if (value === null || value.type !== 'String') return null;
      return javaBoolean(node.values.includes(value.value) !== node.not);
    }
    case 'stringTest': {
      if (node.search === '') return FALSE;
      const value = evaluate(node.operand, properties);
      if (value === null || value.type !== 'String') return FALSE;
      return javaBoolean(stringTest(node.test, value.value, node.search) !== node.not);
    }
  }
}

/** `(Boolean) x.evaluate(...)` of a boolean expression: TRUE, FALSE or null. */
function booleanOf(node: Sql92Node, properties: MessageProperties): boolean | null {
  const value = evaluate(node, properties);
  if (value === null) return null;
  if (value.type !== 'Boolean') {
    throw new JavaEvaluationError('java.lang.ClassCastException', `${value.type} cannot be cast to Boolean`);
  }
  return value.value;
}

/** UnaryExpression.negate: Java arithmetic (int and long wrap around); a non-number is null. */
function negate(value: JavaValue): JavaValue {
  if (value === null) return null;
  switch (value.type) {
    case 'Integer':
      return javaInt(-value.value | 0);
    case 'Long':
      return javaLong(BigInt.asIntN(64, -value.value));
    case 'Double':
      return javaDouble(-value.value);
    default:
      return null;
  }
}

/** Two strings under < <= > >=: both parsed with Double.valueOf, or the comparison throws. */
function compareStringsAsDoubles(left: string, right: string): number {
  try {
    return compareDoubles(doubleValueOf(left), doubleValueOf(right));
  } catch (error) {
    if (!(error instanceof JavaEvaluationError)) throw error;
    throw new JavaEvaluationError(
      'java.lang.RuntimeException',
      `It's illegal to compare string by '>=', '>', '<', '<='. lv=${left}, rv=${right}`,
    );
  }
}

function holds(operator: '>' | '>=' | '<' | '<=', order: number): boolean {
  switch (operator) {
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
  }
}

function stringTest(test: 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH', value: string, search: string): boolean {
  switch (test) {
    case 'CONTAINS':
      return value.includes(search);
    case 'STARTSWITH':
      return value.startsWith(search);
    case 'ENDSWITH':
      return value.endsWith(search);
  }
}
