/**
 * `validate` against hostile input: random bytes, deeply nested YAML, and type-confused mutants of
 * every shipped plan. Each must end in a plan (mutants may still be valid) or in a known error
 * with one clear line per problem: never a crash, a hang or a raw zod message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadPlanText, planText } from '../../../src/plan/load-plan.ts';
import { HarnessError, PlanError } from '../../../src/util/errors.ts';

/**
 * A hang (or blow-up) detector, not a speed target: the slowest input (4000 nested lists) took
 * 2.27 s once at load average 15 while the budget was 2 s. A runaway parse takes far longer.
 */
const BUDGET_MS = 10_000;
const PLANS = readdirSync('plans')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: join('plans', f), data: parse(readFileSync(join('plans', f), 'utf8')) as unknown }));

/** Validates `bytes` as `validate` does; returns how long it took. Fails the test on anything but a known error. */
function validateBytes(bytes: Uint8Array, file = 'fuzz.yaml'): number {
  const started = performance.now();
  try {
    loadPlanText(planText(bytes, file), file);
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).exitCode).toBe(2);
    const issues = error instanceof PlanError ? error.issues.map((i) => i.message) : [(error as Error).message];
    for (const message of issues) {
      expect(message).not.toBe('');
      expect(message).not.toContain('\n');
      expect(message).not.toMatch(/Invalid input|Unrecognized key|\[object Object\]/);
    }
  }
  return performance.now() - started;
}

const text = (s: string) => new TextEncoder().encode(s);

/** Every path to a value in a plain JSON-like tree. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object')
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

function replaced(value: unknown, path: (string | number)[], by: unknown): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, by) : v));
  const record = value as Record<string, unknown>;
  return { ...record, [head as string]: replaced(record[head as string], rest, by) };
}

describe('validate on hostile input', () => {
  it('random bytes: a known error or a plan, within the budget', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        expect(validateBytes(bytes)).toBeLessThan(BUDGET_MS);
      }),
      { numRuns: 200 },
    );
  });

  it('random text, YAML-ish or not: a known error or a plan, within the budget', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 2000 }), (s) => {
        expect(validateBytes(text(s))).toBeLessThan(BUDGET_MS);
      }),
      { numRuns: 200 },
    );
  });

  it('deeply nested lists and maps: one error, within the budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4000 }), fc.boolean(), (depth, lists) => {
        // Maps indent two spaces a level: 600 levels make a file of about 360 KB, under the 1 MiB limit.
        const levels = Array.from({ length: Math.min(depth, 600) }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`);
        const nested = lists
          ? `description: ${'['.repeat(depth)}${']'.repeat(depth)}\n`
          : `description: x\nx:\n${levels.join('\n')}\n`;
        expect(validateBytes(text(nested))).toBeLessThan(BUDGET_MS);
      }),
      { numRuns: 40 },
    );
  });

  it('type-confused mutants of every shipped plan: a plan or clear errors, within the budget', () => {
    const mutant = fc
      .constantFrom(...PLANS)
      .chain((plan) =>
        fc.tuple(fc.constant(plan), fc.constantFrom(...paths(plan.data)), fc.jsonValue({ maxDepth: 3 })),
      );
    fc.assert(
      fc.property(mutant, ([plan, path, by]) => {
        const yaml = stringify(replaced(plan.data, path, by));
        expect(validateBytes(text(yaml), plan.file)).toBeLessThan(BUDGET_MS);
      }),
      { numRuns: 300 },
    );
  });
});
