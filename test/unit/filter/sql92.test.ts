import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matches, outcome, parseSql92, Sql92SyntaxError } from '../../../src/filter/index.ts';
import { ExitCode } from '../../../src/util/errors.ts';
import { expressionArbitrary, propertiesArbitrary } from '../../support/sql92-arbitraries.ts';
import { SQL92_REGRESSIONS } from '../../support/sql92-regressions.ts';

function ours(expression: string, properties: Record<string, string>, version = '5.3.3'): string {
  let filter;
  try {
    filter = parseSql92(expression, { version });
  } catch (error) {
    if (error instanceof Sql92SyntaxError) return 'error';
    throw error;
  }
  const result = outcome(filter, properties);
  return result.result === 'throws' ? `throws ${result.exception}` : result.result;
}

function refusal(expression: string, version = '5.3.3'): Sql92SyntaxError {
  try {
    parseSql92(expression, { version });
  } catch (error) {
    if (error instanceof Sql92SyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(expression)} to be refused`);
}

describe("SQL92 filter: the broker's answers (regression cases)", () => {
  it.each(SQL92_REGRESSIONS.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    expect(ours(r.expression, r.properties, r.version)).toBe(r.expected);
  });
});

describe('SQL92 filter: where a refused expression is wrong', () => {
  it.each([
    ["a > 'x'", 1, 5, "Value ''x'' cannot be compared."],
    ["a >\n  'x'", 2, 3, "Value ''x'' cannot be compared."],
    ['a = 5 AND #', 1, 11, 'Lexical error: unexpected character "#"'],
    ["a = 'open", 1, 5, 'unterminated string'],
    ['a = 1 AND /* open', 1, 11, 'unterminated comment'],
    ['a BETWEEN 5 AND 1', 1, 3, 'left value(5) must less than or equal to right value(1)'],
    ['a IN (1)', 1, 7, 'Encountered "1", was expecting a string literal in the IN list'],
    ['', 1, 1, 'Encountered the end of the expression'],
    // The end of input is placed on the last character, as the broker's message places it.
    ['a = 5 AND', 1, 9, 'Encountered the end of the expression'],
    // A tab moves to the next multiple of 8, as the broker's parser counts columns.
    ["\ta > 'x'", 1, 13, "Value ''x'' cannot be compared."],
    // The grammar-only lookahead after + fails, so the + is blamed; its checks do not run there.
    ["a > + (b NOT c) AND 'x' > 1", 1, 5, 'Encountered "+", was expecting an operand after +'],
    ['a > 0.0', 1, 5, '0.0 is less than 4.9E-324'],
    ['a = NULL', 1, 5, "'NULL' cannot be compared."],
    ["5 IN ('5')", 1, 3, 'Expected a property for In expression, got: 5'],
    ['5 AND a', 1, 1, 'Expression will not result in a boolean value: 5'],
    ['a IS 5', 1, 6, 'Encountered "5", was expecting NULL or NOT NULL after IS'],
  ] as const)('%j: line %i, column %i', (expression, line, column, reason) => {
    const error = refusal(expression);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.reason).toContain(reason);
    expect(error.exitCode).toBe(ExitCode.usage);
  });

  it('shows the line with a caret under the problem', () => {
    const error = refusal("region = 'eu' AND\n  a > 'five'");
    expect(error.excerpt).toBe("  a > 'five'\n      ^");
    expect(error.message).toContain('(line 2, column 7)');
  });

  it('4.9.7 has no CONTAINS: NOT CONTAINS is refused at NOT (CONTAINS is an identifier there)', () => {
    const error = refusal("a NOT CONTAINS 'x'", '4.9.7');
    expect(error.column).toBe(3);
    expect(ours("a NOT CONTAINS 'x'", { a: 'y' }, '5.1.3')).toBe('true');
    expect(ours("a NOT CONTAINS 'x'", { a: 'y' }, '5.1.2')).toBe('error');
  });
});

describe('SQL92 filter: accepted expressions', () => {
  it('reports text the broker ignores after the expression', () => {
    expect(parseSql92('a > 5 )', { version: '5.3.3' }).ignoredTail).toEqual({
      offset: 6,
      line: 1,
      column: 7,
      text: ')',
    });
    expect(parseSql92('a = 01', { version: '5.3.3' }).ignoredTail?.text).toBe('1');
    expect(parseSql92('a > 5 -- note\n', { version: '5.3.3' }).ignoredTail).toBeUndefined();
  });

  it("decides the issue's example", () => {
    const filter = parseSql92("a > 5 AND region = 'eu'", { version: '5.3.3' });
    expect(matches(filter, { a: '6', region: 'eu' })).toBe(true);
    expect(matches(filter, { a: '5', region: 'eu' })).toBe(false);
    expect(matches(filter, { a: '6' })).toBe(false);
    expect(outcome(filter, { a: '6.5', region: 'eu' })).toMatchObject({ result: 'throws', delivered: false });
  });

  it('never fails with anything but a Sql92SyntaxError, on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), expressionArbitrary), propertiesArbitrary, (expression, properties) => {
        for (const version of ['4.9.7', '5.3.3']) {
          let filter;
          try {
            filter = parseSql92(expression, { version });
          } catch (error) {
            expect(error).toBeInstanceOf(Sql92SyntaxError);
            continue;
          }
          expect(typeof matches(filter, properties)).toBe('boolean');
        }
      }),
      { numRuns: 500 },
    );
  });
});
