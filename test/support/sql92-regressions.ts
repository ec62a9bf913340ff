/**
 * Named SQL92 filter cases where the broker's behaviour is easy to get wrong, each with the
 * outcome RocketMQ's own filter gives (checked against it by test/integration/sql92-oracle.test.ts;
 * test/unit/filter checks src/filter gives the same without a JVM). Outcome: `error` (the broker
 * refuses the expression), `true`, `false`, `null`, or `throws <Java exception class>`.
 */
export interface Sql92Regression {
  name: string;
  expression: string;
  properties: Record<string, string>;
  expected: string;
  /** Default 5.3.3. */
  version?: string;
}

export const SQL92_REGRESSIONS: readonly Sql92Regression[] = [
  { name: 'text after the expression is ignored', expression: 'a > 5 )', properties: { a: '7' }, expected: 'true' },
  { name: 'a bad character right after it is seen', expression: 'a > 5 #', properties: { a: '7' }, expected: 'error' },
  {
    name: 'a bad character two tokens later is not',
    expression: 'a > 5 b #',
    properties: { a: '7' },
    expected: 'true',
  },
  {
    name: 'a leading zero ends the number: a = 01 is a = 0',
    expression: 'a = 01',
    properties: { a: '0' },
    expected: 'true',
  },
  { name: '0.0 is refused (below Double.MIN_VALUE)', expression: 'a > 0.0', properties: {}, expected: 'error' },
  { name: 'a float overflow is refused', expression: 'a < 1e400', properties: {}, expected: 'error' },
  { name: 'past Long.MAX_VALUE is refused', expression: 'a = 9223372036854775808', properties: {}, expected: 'error' },
  { name: 'a line comment needs its line end', expression: 'a > -- c', properties: { a: '7' }, expected: 'null' },
  { name: 'TRUE = a string literal is refused', expression: "TRUE = 'x'", properties: {}, expected: 'error' },
  { name: 'a string literal = TRUE is Boolean.valueOf', expression: "'true' = TRUE", properties: {}, expected: 'true' },
  {
    name: 'a Boolean = a String property is a ClassCastException',
    expression: '(a > 1) = b',
    properties: { a: '5', b: 'true' },
    expected: 'throws java.lang.ClassCastException',
  },
  {
    name: 'a Boolean = a number is false, <> true',
    expression: '(a > 1) <> 5',
    properties: { a: '5' },
    expected: 'true',
  },
  {
    name: 'BETWEEN constants out of order are refused',
    expression: 'a BETWEEN 5 AND 1',
    properties: {},
    expected: 'error',
  },
  {
    name: 'BETWEEN negated bounds are not constants',
    expression: 'a BETWEEN -1 AND -5',
    properties: { a: '-3' },
    expected: 'false',
  },
  {
    name: 'NOT BETWEEN is not order-checked',
    expression: 'a NOT BETWEEN 5 AND 1',
    properties: { a: '3' },
    expected: 'true',
  },
  {
    name: 'BETWEEN a string and a number is a NumberFormatException',
    expression: "a BETWEEN 'x' AND 5",
    properties: {},
    expected: 'error',
  },
  { name: 'a bare property is never true', expression: 'a', properties: { a: 'true' }, expected: 'false' },
  {
    name: 'so NOT a bare property is true when it is set',
    expression: 'NOT a',
    properties: { a: 'x' },
    expected: 'true',
  },
  { name: 'Double.valueOf trims', expression: 'a > 5.0', properties: { a: ' 7' }, expected: 'true' },
  {
    name: 'Integer.valueOf does not',
    expression: 'a > 5',
    properties: { a: ' 7' },
    expected: 'throws java.lang.RuntimeException',
  },
  {
    name: 'Integer.valueOf refuses 5.0',
    expression: 'a = 5',
    properties: { a: '5.0' },
    expected: 'throws java.lang.RuntimeException',
  },
  { name: 'Integer.valueOf takes a plus sign', expression: 'a = 5', properties: { a: '+5' }, expected: 'true' },
  {
    name: 'Integer.valueOf takes Arabic-Indic digits',
    expression: 'a = 3',
    properties: { a: '\u0663' },
    expected: 'true',
  },
  {
    name: 'Double.valueOf does not',
    expression: 'a = 3.0',
    properties: { a: '\u0663' },
    expected: 'throws java.lang.RuntimeException',
  },
  { name: 'Double.valueOf takes a type suffix', expression: 'a > 5.0', properties: { a: '7f' }, expected: 'true' },
  {
    name: 'Double.valueOf takes hexadecimal floats',
    expression: 'a = 8.0',
    properties: { a: '0x1p3' },
    expected: 'true',
  },
  { name: 'Double.valueOf takes an exponent', expression: 'a >= 1E3', properties: { a: '1e3' }, expected: 'true' },
  {
    name: 'two properties compare as doubles',
    expression: 'a > b',
    properties: { a: '10', b: '9.5' },
    expected: 'true',
  },
  { name: 'NaN is above everything', expression: 'a > b', properties: { a: 'NaN', b: 'Infinity' }, expected: 'true' },
  {
    name: 'two strings that are not numbers cannot be ordered',
    expression: 'a > b',
    properties: { a: 'x', b: 'y' },
    expected: 'throws java.lang.RuntimeException',
  },
  {
    name: 'past Integer: the literal is a Long',
    expression: 'a = 2147483648',
    properties: { a: '2147483648' },
    expected: 'true',
  },
  {
    name: 'an int literal parses the property as an int',
    expression: 'a = 5',
    properties: { a: '2147483648' },
    expected: 'throws java.lang.RuntimeException',
  },
  {
    name: 'Longs compare exactly past 2^53',
    expression: 'a = 9007199254740993',
    properties: { a: '9007199254740992' },
    expected: 'false',
  },
  {
    name: 'minus a Long Integer.MIN_VALUE',
    expression: 'a = -2147483648',
    properties: { a: '-2147483648' },
    expected: 'true',
  },
  { name: 'equality: a missing left side is unknown', expression: 'a = b', properties: { b: '1' }, expected: 'null' },
  { name: 'equality: a missing right side is false', expression: 'a = b', properties: { a: '1' }, expected: 'false' },
  { name: 'so <> with a missing right side is true', expression: 'a <> b', properties: { a: '1' }, expected: 'true' },
  { name: 'null AND false is false', expression: 'NOT (a = 1 AND b = 1)', properties: { b: '2' }, expected: 'true' },
  { name: 'null OR true is true', expression: 'a = 1 OR b = 1', properties: { b: '1' }, expected: 'true' },
  { name: 'null OR false is null', expression: 'NOT (a = 1 OR b = 1)', properties: { b: '2' }, expected: 'null' },
  {
    name: 'OR stops at TRUE before an exception',
    expression: 'b = 1 OR a > 5',
    properties: { a: 'x', b: '1' },
    expected: 'true',
  },
  {
    name: 'AND goes on after NULL into an exception',
    expression: 'c = 1 AND a > 5',
    properties: { a: 'x' },
    expected: 'throws java.lang.RuntimeException',
  },
  { name: 'minus a property is null', expression: '-a < 1', properties: { a: '5' }, expected: 'null' },
  { name: 'property names are case-sensitive', expression: 'A = 1', properties: { a: '1' }, expected: 'null' },
  {
    name: 'keywords are not',
    expression: "a in ('x') and b is not null",
    properties: { a: 'x', b: '' },
    expected: 'true',
  },
  {
    name: 'TAGS is a property',
    expression: "TAGS IN ('TagA', 'TagB')",
    properties: { TAGS: 'TagA' },
    expected: 'true',
  },
  { name: 'IN wants a property', expression: "5 IN ('5')", properties: {}, expected: 'error' },
  { name: 'IN with a missing property is null', expression: "NOT (a IN ('x'))", properties: {}, expected: 'null' },
  { name: 'strings cannot be ordered', expression: "a > 'x'", properties: {}, expected: 'error' },
  { name: 'NULL cannot be compared', expression: 'NULL = a', properties: {}, expected: 'error' },
  { name: 'IS NULL of a missing property', expression: 'a IS NULL', properties: {}, expected: 'true' },
  { name: "CONTAINS '' is false", expression: "a CONTAINS ''", properties: { a: 'x' }, expected: 'false' },
  { name: "NOT CONTAINS '' is false too", expression: "a NOT CONTAINS ''", properties: { a: 'x' }, expected: 'false' },
  {
    name: 'NOT CONTAINS of a missing property is false',
    expression: "a NOT CONTAINS 'x'",
    properties: {},
    expected: 'false',
  },
  { name: 'but NOT (CONTAINS) of it is true', expression: "NOT (a CONTAINS 'x')", properties: {}, expected: 'true' },
  { name: 'STARTSWITH on 5.x', expression: "a STARTSWITH 'eu'", properties: { a: 'eu-1' }, expected: 'true' },
  {
    name: '4.9.7 has no CONTAINS: the rest is ignored',
    expression: "a CONTAINS 'x'",
    properties: { a: 'x' },
    expected: 'false',
    version: '4.9.7',
  },
  {
    name: '4.9.7 refuses NOT CONTAINS',
    expression: "a NOT CONTAINS 'x'",
    properties: { a: 'x' },
    expected: 'error',
    version: '4.9.7',
  },
  { name: 'NOT must negate something after a value', expression: 'a NOT b', properties: {}, expected: 'error' },
  { name: 'a string literal is not a condition', expression: "'x'", properties: {}, expected: 'error' },
  { name: 'an unterminated string is refused', expression: "a = 'x", properties: {}, expected: 'error' },
  { name: 'a doubled quote is one quote', expression: "a = 'x''y'", properties: { a: "x'y" }, expected: 'true' },
];
