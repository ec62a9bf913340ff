/**
 * fast-check generators of SQL92 filter expressions and message properties for the
 * differential test against the broker's filter: the grammar's every construct, the literals
 * whose Java types matter (int, long, L suffix, floats with exponents, 0.0 and overflow), odd
 * property strings ("5.0", "1e3", " 7", "", "true", long overflow, NaN, hex floats, Unicode
 * digits) and some text the broker's parser ignores or refuses (junk after the expression,
 * comments, unterminated strings).
 */
import fc from 'fast-check';

export const PROPERTY_NAMES = ['a', 'b', 'c', 'TAGS'] as const;

/** Property values that sit on Java's parsing edges. */
export const ODD_VALUES = [
  '5',
  '7',
  '0',
  '-0',
  '+5',
  '5.0',
  '5.5',
  '1e3',
  '1E3',
  ' 7',
  '7 ',
  '\t7',
  '',
  ' ',
  'true',
  'TRUE',
  'True',
  'false',
  'yes',
  '2147483647',
  '2147483648',
  '-2147483648',
  '-2147483649',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x1p3',
  '0x10',
  '7f',
  '7d',
  '7L',
  '1.',
  '.5',
  '1e',
  'abc',
  'eu',
  'us',
  "x'y",
  'TagA',
  'TagB',
  '\u0663',
  '\uff15',
  '1_000',
  '9007199254740993',
] as const;

const name = fc.constantFrom(...PROPERTY_NAMES, 'd', 'A');
const spaced = (parts: string[]) => parts.join(' ');

const stringLiteral = fc
  .constantFrom('eu', 'us', '', "x'y", '5', '5.0', 'true', 'TagA', 'abc', ' 7', 'NaN', 'e', '\u00e9', '\u0663')
  .map((s) => `'${s.replaceAll("'", "''")}'`);

const numberLiteral = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(
      '0',
      '3',
      '5',
      '7',
      '5L',
      '5l',
      '2147483647',
      '2147483648',
      '9223372036854775807',
      '5.0',
      '5.',
      '.5',
      '5e0',
      '1E3',
      '1.5e-3',
      '7.0',
      '007',
    ),
  },
  // Refused by the broker: 0.0 and underflow (below Double.MIN_VALUE), overflow, past Long.MAX_VALUE.
  { weight: 1, arbitrary: fc.constantFrom('0.0', '1e400', '1e-400', '9223372036854775808') },
);

const keyword = (word: string) => fc.constantFrom(word, word.toLowerCase(), word[0] + word.slice(1).toLowerCase());

const comparison = fc.constantFrom('=', '<>', '>', '>=', '<', '<=');
const ordering = fc.constantFrom('>', '>=', '<', '<=');
const equality = fc.constantFrom('=', '<>');
const literal = fc.oneof({ weight: 3, arbitrary: numberLiteral }, { weight: 1, arbitrary: stringLiteral });

/** Operands: mostly properties and numbers; sometimes negations, parentheses, booleans, NULL. */
function operand(depth: number): fc.Arbitrary<string> {
  const leaves = fc.oneof(
    { weight: 6, arbitrary: name },
    { weight: 4, arbitrary: numberLiteral },
    { weight: 1, arbitrary: stringLiteral },
    { weight: 1, arbitrary: fc.constantFrom('TRUE', 'FALSE', 'NULL', 'true') },
  );
  if (depth <= 0) return leaves;
  return fc.oneof(
    { weight: 12, arbitrary: leaves },
    { weight: 1, arbitrary: operand(depth - 1).map((o) => `-${o}`) },
    { weight: 1, arbitrary: operand(depth - 1).map((o) => `+ ${o}`) },
    { weight: 1, arbitrary: condition(depth - 1).map((c) => `(${c})`) },
  );
}

function condition(depth: number): fc.Arbitrary<string> {
  const o = operand(Math.max(0, depth - 1));
  const notOpt = fc.constantFrom('', '', 'NOT ', 'not ');
  const simple = fc.oneof(
    // The common shape: a property against a literal, either way round.
    { weight: 5, arbitrary: fc.tuple(name, ordering, numberLiteral).map(spaced) },
    { weight: 5, arbitrary: fc.tuple(name, equality, literal).map(spaced) },
    { weight: 2, arbitrary: fc.tuple(literal, equality, name).map(spaced) },
    { weight: 1, arbitrary: fc.tuple(numberLiteral, ordering, name).map(spaced) },
    { weight: 2, arbitrary: fc.tuple(name, comparison, name).map(spaced) },
    { weight: 2, arbitrary: fc.tuple(o, comparison, o).map(spaced) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(name, notOpt, keyword('BETWEEN'), o, keyword('AND'), o)
        .map(([v, not, between, lo, and, hi]) => `${v} ${not}${between} ${lo} ${and} ${hi}`),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.oneof({ weight: 6, arbitrary: name }, { weight: 1, arbitrary: o }),
          notOpt,
          keyword('IN'),
          fc.array(stringLiteral, { minLength: 1, maxLength: 6 }),
        )
        .map(([v, not, kw, list]) => `${v} ${not}${kw} (${list.join(', ')})`),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.oneof({ weight: 6, arbitrary: name }, { weight: 1, arbitrary: o }),
          notOpt,
          fc.oneof(keyword('CONTAINS'), keyword('STARTSWITH'), keyword('ENDSWITH')),
          stringLiteral,
        )
        .map(([v, not, kw, s]) => `${v} ${not}${kw} ${s}`),
    },
    { weight: 2, arbitrary: fc.tuple(o, fc.constantFrom('IS NULL', 'IS NOT NULL', 'is null')).map(spaced) },
    { weight: 1, arbitrary: name },
    { weight: 1, arbitrary: fc.constantFrom('TRUE', 'FALSE', 'NULL') },
  );
  if (depth <= 0) return simple;
  const inner = condition(depth - 1);
  return fc.oneof(
    { weight: 5, arbitrary: simple },
    { weight: 2, arbitrary: fc.tuple(inner, keyword('AND'), inner).map(spaced) },
    { weight: 2, arbitrary: fc.tuple(inner, keyword('OR'), inner).map(spaced) },
    { weight: 1, arbitrary: inner.map((c) => `NOT ${c}`) },
    { weight: 1, arbitrary: inner.map((c) => `(${c})`) },
    { weight: 1, arbitrary: fc.tuple(inner, fc.constantFrom('=', '<>'), inner).map(spaced) },
  );
}

/** Text the broker's parser may ignore, refuse or skip, around an expression. */
const decoration = fc.constantFrom(
  ...Array.from({ length: 30 }, () => ['', ''] as const),
  ['', ' )'],
  ['', ' #'],
  ['', ' b #'],
  ['', ' 01'],
  ['', ' -- note'],
  ['', ' -- note\n'],
  ['/* c */ ', ''],
  ['-- c\n', ''],
  ['', " 'open"],
  ['', ' /* open'],
  ['', ' NOT'],
  ['', ' IS'],
  ['', ' .'],
  ['\t', '\r\n'],
  ['/* \u00e9 */ ', ''],
  ['', ' \u00e9'],
  ['', ' IS \u00e9'],
);

export const expressionArbitrary: fc.Arbitrary<string> = fc
  .tuple(condition(3), decoration)
  .map(([c, [before, after]]) => `${before}${c}${after}`);

/** Short strings of characters Java's number parsers treat specially (Unicode digits, trim, NaN...). */
const numberish = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 5 }),
  fc
    .array(
      fc.constantFrom(
        '0',
        '5',
        '\u0663',
        '\uff15',
        '\u07c3',
        '+',
        '-',
        '.',
        'e',
        'E',
        ' ',
        '\t',
        '\u00a0',
        '\u0000',
        'x',
        'p',
        'f',
        'd',
        'L',
        'N',
        'a',
        'I',
        'n',
        'i',
        't',
        'y',
      ),
      { maxLength: 7 },
    )
    .map((chars) => chars.join('')),
);

export const propertiesArbitrary: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom(...PROPERTY_NAMES),
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ODD_VALUES) },
    { weight: 4, arbitrary: fc.integer({ min: -3, max: 12 }).map(String) },
    { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
    { weight: 1, arbitrary: numberish },
  ),
  { minKeys: 1, maxKeys: PROPERTY_NAMES.length },
);
