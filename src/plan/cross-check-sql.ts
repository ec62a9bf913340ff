/**
 * SQL92 subscriptions, judged as the broker of the plan's version would judge them when the
 * consumer subscribes (src/filter has its grammar), plus what the harness needs to know their
 * answer in advance: a filter may read the producers' properties, TAGS, KEYS and the harness's
 * producer and seq, never a property RocketMQ sets per message at random (UNIQ_KEY) or by
 * circumstance (DELAY, RECONSUME_TIME, ...), or the ledger could not say what it selects.
 * Text the broker's parser would silently ignore (`a > 5 )`, or CONTAINS before 5.1.3, where
 * `a CONTAINS 'x'` filters on `a` alone) is refused too: the broker accepts it, but a run of
 * it would measure a filter nobody meant.
 */
import { parseSql92, Sql92SyntaxError, STRING_PREDICATES_SINCE, type Sql92Node } from '../filter/index.ts';
import { SYSTEM_PROPERTY_NAMES } from '../protocol/index.ts';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import type { PathSegment } from './messages.ts';
import { record, str, type Raw } from './raw.ts';
import { IDENTITY_PROPERTY_PREFIX } from './schema-properties.ts';
import type { PendingIssue } from './zod-issues.ts';

type At = (...rest: PathSegment[]) => PathSegment[];

const STRING_PREDICATES = 'CONTAINS, STARTSWITH and ENDSWITH';

/** System properties whose value the plan decides: the producer's tag and its one key per message. */
const KNOWN_SYSTEM_PROPERTIES: ReadonlySet<string> = new Set(['TAGS', 'KEYS']);
/** The harness's identity properties a filter may read; the run id differs per run. */
const KNOWN_IDENTITY_PROPERTIES: ReadonlySet<string> = new Set([
  `${IDENTITY_PROPERTY_PREFIX}producer`,
  `${IDENTITY_PROPERTY_PREFIX}seq`,
]);

/** The server version the plan's brokers run (the default when absent or not a string). */
export function serverVersionOf(plan: Raw): string {
  return str(record(plan.cluster)?.version) ?? D.cluster.version;
}

/** Every `{sql}` value of a topic → subscription map, as [topic, expression]. */
export function sqlEntries(subscription: unknown): [string, string][] {
  return Object.entries(record(subscription) ?? {}).flatMap(([topic, value]) => {
    const sql = record(value)?.sql;
    return typeof sql === 'string' ? [[topic, sql] as [string, string]] : [];
  });
}

/** The broker's refusal of each SQL92 expression in the map, and filters that read what cannot be known. */
export function checkSqlSyntax(subscription: unknown, at: At, version: string, issues: PendingIssue[]): void {
  for (const [topic, sql] of sqlEntries(subscription)) {
    const path = at('subscription', topic, 'sql');
    if (sql.trim() === '') continue; // the schema's message
    try {
      const filter = parseSql92(sql, { version });
      if (filter.ignoredTail) {
        const tail = filter.ignoredTail;
        const newer = /^(CONTAINS|STARTSWITH|ENDSWITH)\b/i.test(tail.text) && !filter.grammar.stringPredicates;
        issues.push({
          path,
          anchor: 'value',
          valueOffset: tail.offset,
          message:
            `a RocketMQ ${version} broker would ignore this SQL92 filter from column ${tail.column} on ` +
            `(${near(sql, tail.offset)}): its parser stops at the first token that cannot continue the ` +
            `expression and filters with what came before; ${
              newer
                ? `${STRING_PREDICATES} are operators only from RocketMQ ${STRING_PREDICATES_SINCE} on`
                : 'remove the rest or fix the expression'
            }`,
        });
        continue;
      }
      const unknowable = propertyNames(filter.root).find(
        (name) =>
          (SYSTEM_PROPERTY_NAMES.has(name) && !KNOWN_SYSTEM_PROPERTIES.has(name)) ||
          (name.startsWith(IDENTITY_PROPERTY_PREFIX) && !KNOWN_IDENTITY_PROPERTIES.has(name)),
      );
      if (unknowable !== undefined)
        issues.push({
          path,
          anchor: 'value',
          message:
            `the filter reads ${unknowable}, which the client or broker sets per message (the harness cannot ` +
            "know it ahead, so loss could not be judged): filter on the producers' properties, TAGS or KEYS",
        });
    } catch (error) {
      if (!(error instanceof Sql92SyntaxError)) throw error;
      issues.push({
        path,
        anchor: 'value',
        valueOffset: error.offset,
        message:
          `a RocketMQ ${version} broker refuses this SQL92 filter: ${error.reason} (line ${error.line}, ` +
          `column ${error.column} of the expression, at ${near(sql, error.offset)})`,
      });
    }
  }
}

/** A short quote of the expression from `offset`, or "the end". */
function near(sql: string, offset: number): string {
  if (offset >= sql.length) return 'the end';
  const rest = sql.slice(offset);
  return JSON.stringify(rest.length > 24 ? `${rest.slice(0, 24)}...` : rest);
}

function propertyNames(node: Sql92Node): string[] {
  switch (node.kind) {
    case 'property':
      return [node.name];
    case 'constant':
      return [];
    case 'and':
    case 'or':
    case 'equal':
    case 'compare':
      return [...propertyNames(node.left), ...propertyNames(node.right)];
    case 'not':
    case 'booleanCast':
    case 'negate':
    case 'in':
    case 'stringTest':
      return propertyNames(node.operand);
  }
}
