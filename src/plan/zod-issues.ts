/**
 * Turns zod's issues into plan issues that are not yet positioned. Leaf messages are already
 * human (schema-primitives.ts writes them); this step handles what only the surrounding data
 * can say: a missing key, one message per unknown key with a "did you mean", record keys.
 */
import { MAX_PRINTED_PLAN_ISSUES } from '../util/errors.ts';
import { z } from 'zod';
import { requiredKeyMessage, unknownKeyAmongMany, unknownKeyMessage, type PathSegment } from './messages.ts';
import { keyNouns } from './schema-primitives.ts';
import { thresholdKeyMetric } from './threshold-keys.ts';

/** An issue before it has a position: `anchor` says whether to point at the value or its key. */
export interface PendingIssue {
  path: PathSegment[];
  anchor: 'value' | 'key';
  message: string;
  /** Path printed in the message when it differs from `path` (unknown keys print their map). */
  shownPath?: PathSegment[];
  /** For a string value: the problem is this many characters into it (a SQL92 error's place). */
  valueOffset?: number;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

/** The object schema that validates the value at `path`, to list the keys it allows. */
function objectSchemaAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodObject | undefined {
  let current: z.ZodType | undefined = schema;
  let index = 0;
  while (current) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodUnion) {
      current = (current.options as z.ZodType[]).find((option) => objectSchemaAt(option, path.slice(index)));
    } else if (index === path.length) {
      return current instanceof z.ZodObject ? current : undefined;
    } else if (current instanceof z.ZodObject) {
      const shape = current.shape as Record<string, z.ZodType>;
      const key = String(path[index++]);
      // A threshold key with a selector (`loss{group:a}`) is validated like its metric's key.
      current = Object.hasOwn(shape, key) ? shape[key] : shape[thresholdKeyMetric(key)];
    } else if (current instanceof z.ZodArray) {
      current = current.element as z.ZodType;
      index++;
    } else if (current instanceof z.ZodRecord) {
      current = current.valueType as z.ZodType;
      index++;
    } else {
      return undefined;
    }
  }
  return undefined;
}

function unknownKeyIssues(schema: z.ZodType, path: PathSegment[], keys: readonly string[]): PendingIssue[] {
  const objectSchema = objectSchemaAt(schema, path);
  const known = objectSchema ? Object.keys(objectSchema.shape) : [];
  const noun = objectSchema ? keyNouns.get(objectSchema) : undefined;
  return keys.map((key, i) => {
    // Keys come in document order, and only the first MAX_PRINTED_PLAN_ISSUES problems are
    // printed: a later key of this map is never shown, so it skips the spelling suggestions
    // (a 1 MiB map of unknown keys spent most of its time there).
    if (i >= MAX_PRINTED_PLAN_ISSUES) {
      return { path: [...path, key], anchor: 'key', message: `unknown key ${JSON.stringify(key)}`, shownPath: path };
    }
    if (noun?.among !== undefined) {
      return {
        path: [...path, key],
        anchor: 'key',
        message: unknownKeyAmongMany(key, known, noun.keyNoun, noun.among, noun.elsewhere),
        shownPath: path,
      };
    }
    let message = unknownKeyMessage(key, known, noun?.keyNoun);
    if (noun?.listKnown && !message.includes('(known:')) message += ` (known: ${known.join(', ')})`;
    return { path: [...path, key], anchor: 'key', message, shownPath: path };
  });
}

/**
 * The issues of the one union branch that accepted the value's type, if exactly one did: for
 * `consumeTime: {uniform: 5}` the map branch's "expected two durations" says more than "expected
 * a duration or a distribution". Zod itself does this only when the branch's issues are not
 * type errors.
 */
function matchedBranch(issue: z.core.$ZodIssueInvalidUnion): readonly z.core.$ZodIssue[] | undefined {
  const matched = issue.errors.filter(
    (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
  );
  return matched.length === 1 ? matched[0] : undefined;
}

export function fromZodIssues(issues: readonly z.core.$ZodIssue[], data: unknown, schema: z.ZodType): PendingIssue[] {
  const pending: PendingIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
    const branch = issue.code === 'invalid_union' ? matchedBranch(issue) : undefined;
    if (branch) {
      pending.push(
        ...fromZodIssues(
          branch.map((i) => ({ ...i, path: [...path, ...i.path] })),
          data,
          schema,
        ),
      );
      continue;
    }
    const parent = path.slice(0, -1);
    const last = path.at(-1);
    const parentValue = valueAt(data, parent);
    // Zod only judges an absent key when it is required: whatever it says about one (a type,
    // an enum or a union error) means the key is missing.
    const missing =
      typeof last === 'string' &&
      parentValue !== null &&
      typeof parentValue === 'object' &&
      !Array.isArray(parentValue) &&
      !Object.hasOwn(parentValue, last);
    if (missing) {
      pending.push({ path: parent, anchor: 'value', message: requiredKeyMessage(last) });
    } else if (issue.code === 'unrecognized_keys') {
      pending.push(...unknownKeyIssues(schema, path, issue.keys));
    } else if (issue.code === 'invalid_key') {
      pending.push({ path, anchor: 'key', message: issue.issues[0]?.message ?? issue.message });
    } else {
      pending.push({ path, anchor: 'value', message: issue.message });
    }
  }
  return pending;
}
