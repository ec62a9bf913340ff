/**
 * Differential test: src/filter against RocketMQ's own filter library (rocketmq-filter and the
 * broker's MessageEvaluationContext, from the cached broker jars) on generated expressions and
 * property maps, per grammar (4.9.7: no CONTAINS & co.; 5.3.3). Parse refusals must agree (with
 * the position where the broker's message gives one: brokerPosition) and,
 * where both accept, every evaluation's outcome: TRUE, FALSE, NULL or the exception class (a
 * stricter test than the delivery decision, which is TRUE or not). One JVM per version.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { outcome, parseSql92, Sql92SyntaxError } from '../../src/filter/index.ts';
import { positionOf } from '../../src/filter/sql92-error.ts';
import { expressionArbitrary, propertiesArbitrary } from '../support/sql92-arbitraries.ts';
import { SQL92_REGRESSIONS } from '../support/sql92-regressions.ts';
import { askOracle, type OracleCase, provisionOracle } from './support/sql92-oracle.ts';

const EXPRESSIONS = 2000;
const MAPS_PER_EXPRESSION = 3;
const SEED = Number(process.env.SQL92_SEED ?? 20_261_207);

function ours(version: string, c: OracleCase): string {
  let filter;
  try {
    filter = parseSql92(c.expression, { version });
  } catch (error) {
    if (error instanceof Sql92SyntaxError) return 'error';
    throw error;
  }
  const result = outcome(filter, c.properties);
  return result.result === 'throws' ? `throws ${result.exception}` : result.result;
}

/**
 * Where the broker's message says the refused expression goes wrong ("at line L, column C"),
 * as src/filter's position predicts it: the same for syntax errors; for a lexical error, one
 * past the end when the bad character is the last one or a string or comment is unterminated
 * (JavaCC reads to the end of input and then counts one more column), where src/filter points
 * at the character or the opening quote instead.
 */
function brokerPosition(expression: string, version: string): string | undefined {
  try {
    parseSql92(expression, { version });
    return undefined;
  } catch (error) {
    if (!(error instanceof Sql92SyntaxError)) throw error;
    const lexical = error.reason.startsWith('Lexical error');
    const atEnd = lexical && (/unterminated/.test(error.reason) || error.offset === expression.length - 1);
    const { line, column } = atEnd ? positionOf(expression, expression.length) : error;
    return `line ${line}, column ${column}`;
  }
}

const VERSIONS = ['4.9.7', '5.3.3'] as const;

beforeAll(async () => {
  for (const version of VERSIONS) await provisionOracle(version);
});

describe.each(VERSIONS)('SQL92 filter against RocketMQ %s', (version) => {
  it(`agrees with the broker's filter library`, async () => {
    const expressions = fc.sample(expressionArbitrary, { numRuns: EXPRESSIONS, seed: SEED });
    const maps = fc.sample(propertiesArbitrary, { numRuns: EXPRESSIONS * MAPS_PER_EXPRESSION, seed: SEED + 1 });
    const cases = expressions.flatMap((expression, i) =>
      maps
        .slice(i * MAPS_PER_EXPRESSION, (i + 1) * MAPS_PER_EXPRESSION)
        .map((properties) => ({ expression, properties })),
    );
    const started = performance.now();
    const answers = await askOracle(version, cases);
    const mismatches = cases.flatMap((c, i) => {
      const answer = answers[i];
      const theirs = !answer ? 'missing' : 'error' in answer ? 'error' : answer.outcome;
      const mine = ours(version, c);
      return mine === theirs
        ? []
        : [{ ...c, broker: theirs, ours: mine, why: answer && 'error' in answer ? answer.error : '' }];
    });
    const positions = expressions.flatMap((expression, i) => {
      const answer = answers[i * MAPS_PER_EXPRESSION];
      const theirs = answer && 'error' in answer ? /line \d+, column \d+/.exec(answer.error)?.[0] : undefined;
      if (!theirs) return [];
      const mine = brokerPosition(expression, version);
      return mine === theirs ? [] : [{ expression, broker: theirs, ours: mine }];
    });
    expect(positions.slice(0, 8)).toEqual([]);
    const refused = answers.filter((a) => 'error' in a).length;
    const delivered = answers.filter((a) => 'outcome' in a && a.outcome === 'true').length;
    const threw = answers.filter((a) => 'outcome' in a && a.outcome.startsWith('throws')).length;
    const ms = Math.round(performance.now() - started);
    console.log(
      `sql92 ${version}: ${cases.length - mismatches.length}/${cases.length} agree ` +
        `(${refused} refused, ${delivered} delivered, ${threw} threw) in ${ms} ms, seed ${SEED}`,
    );
    expect(mismatches.slice(0, 8)).toEqual([]);
  }, 60_000);
});

describe('SQL92 regression cases', () => {
  // The expectations test/unit/filter holds src/filter to are the broker's own answers.
  it('are what the broker answers', async () => {
    const answers = new Map<string, string>();
    for (const version of VERSIONS) {
      const cases = SQL92_REGRESSIONS.filter((r) => (r.version ?? '5.3.3') === version);
      const replies = await askOracle(version, cases);
      cases.forEach((c, i) => {
        const reply = replies[i];
        answers.set(c.name, !reply ? 'missing' : 'error' in reply ? 'error' : reply.outcome);
      });
    }
    expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(SQL92_REGRESSIONS.map((r) => [r.name, r.expected])));
  }, 60_000);
});
