/**
 * Building blocks for the checks an action declares on its parameters. Values are judged
 * with the field's own schema first, so a value the schema rejects never gets a second message.
 */
import type { z } from 'zod';
import { undeclared } from '../messages.ts';
import { record } from '../raw.ts';
import { formatDuration, formatSize, parseDuration, parseSize, type UnitResult } from '../units.ts';
import { checkSqlSyntax } from '../cross-check-sql.ts';
import type { ParamCheck } from './fault-spec.ts';

export function valid(schema: z.ZodType, value: unknown): boolean {
  return value !== undefined && schema.safeParse(value).success;
}

type Parse = (input: string) => UnitResult;

/** The value in ms (or bytes) when the schema accepts it; `def` when absent; undefined when invalid. */
export function measure(schema: z.ZodType, value: unknown, parse: Parse, def?: number): number | undefined {
  if (value === undefined) return def;
  const parsed = valid(schema, value) ? parse(value as string) : undefined;
  return parsed?.ok ? parsed.value : undefined;
}

interface Unit {
  parse: Parse;
  format: (n: number) => string;
}

export const DURATIONS: Unit = { parse: parseDuration, format: formatDuration };
export const SIZES: Unit = { parse: parseSize, format: formatSize };

/** `small` must be less than `big` when both are there and valid; `why` ends the message. */
export function lessThan<K extends string>(small: K, big: K, unit: Unit, why: string): ParamCheck<K> {
  return ({ fault, fields, at, issues }) => {
    const a = measure(fields[small].schema, fault[small], unit.parse);
    const b = measure(fields[big].schema, fault[big], unit.parse);
    if (a === undefined || b === undefined || a < b) return;
    issues.push({
      path: at(small),
      anchor: 'value',
      message: `${small} (${unit.format(a)}) must be less than ${big} (${unit.format(b)}): ${why}`,
    });
  };
}

/** Every topic of a topic → expression map is one the plan declares. */
export function topicsDeclared<K extends string>(key: K): ParamCheck<K> {
  return ({ fault, at, issues, declaredTopics }) => {
    if (!declaredTopics) return;
    for (const topic of Object.keys(record(fault[key]) ?? {})) {
      if (!declaredTopics.includes(topic))
        issues.push({ path: at(key, topic), anchor: 'key', message: undeclared(topic, declaredTopics) });
    }
  };
}

/** SQL92 values of a topic → subscription map parse as the plan's brokers would parse them. */
export function sqlParses<K extends string>(key: K): ParamCheck<K> {
  return ({ fault, at, issues, serverVersion }) => {
    checkSqlSyntax(fault[key], (...rest) => at(key, ...rest.slice(1)), serverVersion, issues);
  };
}
