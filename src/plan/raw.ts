/**
 * Defensive reads of plan data before (or despite) validation: cross-checks run on whatever
 * the YAML holds, so every accessor answers undefined or empty instead of trusting a shape.
 */
export type Raw = Record<string, unknown>;

export function record(value: unknown): Raw | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined;
}

export function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An integer in [min, max], or undefined for anything else (the schema reports those). */
export function int(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}
