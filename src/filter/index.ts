/**
 * RocketMQ's SQL92 message filter, as the broker applies it: parse an expression with the
 * grammar of a given broker version (refusals are Sql92SyntaxError, exit 2, with the position)
 * and decide per message whether the broker delivers it. Checked against RocketMQ's own filter
 * library by test/integration/sql92-oracle.test.ts.
 *
 * Evaluate against the properties the broker stores for the message: the user's plus those
 * the producer's client adds (TAGS when it has tags, KEYS, UNIQ_KEY; the Java client also
 * WAIT=true), all strings.
 */
export type {
  ComparisonOperator,
  Sql92Filter,
  Sql92Grammar,
  Sql92Node,
  StringTest,
} from './sql92-ast.ts';
export { type Sql92ErrorKind, Sql92SyntaxError } from './sql92-error.ts';
export { parseSql92, sql92Grammar, STRING_PREDICATES_SINCE, type ParseSql92Options } from './sql92-parser.ts';
export { matches, outcome, type MessageProperties, type Sql92Outcome } from './sql92-evaluate.ts';
