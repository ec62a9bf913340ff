/**
 * Units in plans: durations (`1m30s`), rates (`2000/s`) and sizes (`1MiB`). Each parser returns a
 * result instead of throwing so the schema can turn a failure into a positioned plan issue.
 * Plain numbers are rejected everywhere: `load: 20` could mean 20 ms or 20 s, and guessing wrong
 * turns a 20-second smoke test into a 5-hour one.
 */

export type UnitResult = { ok: true; value: number } | { ok: false; message: string };

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const PLAIN_NUMBER = /^\s*\d+(?:\.\d+)?\s*$/;

/** A non-negative number without a unit (as a YAML number or a digits-only string). */
function isPlainNumber(input: string | number): boolean {
  return typeof input === 'number' ? input >= 0 : PLAIN_NUMBER.test(input);
}

/** Decimal inputs like `1.1s` multiply to 1100.0000000000002; keep nanosecond precision only. */
function clean(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** Components must appear largest first (`1h30m`, not `30m1h`), each at most once. */
const DURATION = new RegExp(`^(?=\\d)(?:(${NUMBER})h)?(?:(${NUMBER})m(?!s))?(?:(${NUMBER})s)?(?:(${NUMBER})ms)?$`);
/** JSON Schema pattern for editors; the parser above is the authority. */
export const DURATION_PATTERN = DURATION.source;

const MS_PER = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;

/** How messages name each kind of value; the schema reuses these for type errors. */
export const UNIT_EXPECTED = {
  duration: 'a duration such as 90s or 2m',
  rate: 'a rate such as 2000/s or 120/m',
  size: 'a size such as 512B, 64KiB or 1MiB',
  bandwidth: 'a bandwidth such as 100KiB/s or 1MB/s',
} as const;

function describeInput(input: string | number): string {
  return typeof input === 'number' ? String(input) : JSON.stringify(input);
}

function ok(value: number): UnitResult {
  return { ok: true, value };
}

function fail(message: string): UnitResult {
  return { ok: false, message };
}

/** `example` is shown in the message; thresholds pass `500ms` because that is what fits there. */
export function parseDuration(input: string | number, example?: string): UnitResult {
  const what = example ? `a duration such as ${example}` : UNIT_EXPECTED.duration;
  const expected = `expected ${what}, got ${describeInput(input)}`;
  if (isPlainNumber(input)) {
    const n = String(input).trim();
    return fail(`${expected} (a plain number has no unit: write ${n}ms or ${n}s)`);
  }
  const match = typeof input === 'string' ? DURATION.exec(input.trim()) : null;
  if (!match) return fail(expected);
  const [, h, m, s, ms] = match;
  const total = Number(h ?? 0) * MS_PER.h + Number(m ?? 0) * MS_PER.m + Number(s ?? 0) * MS_PER.s + Number(ms ?? 0);
  return ok(clean(total));
}

/** Shortest exact spelling: 90000 → `1m30s`, 500 → `500ms`, 0 → `0ms`, 0.25 → `0.25ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot format duration ${ms}`);
  if (!Number.isInteger(ms)) return `${decimal(ms)}ms`;
  if (ms === 0) return '0ms';
  let rest = ms;
  let out = '';
  for (const unit of ['h', 'm', 's', 'ms'] as const) {
    const whole = Math.floor(rest / MS_PER[unit]);
    if (whole > 0) out += `${whole}${unit}`;
    rest -= whole * MS_PER[unit];
  }
  return out;
}

const RATE = new RegExp(`^(${NUMBER})\\s*/\\s*(s|m|h)$`);
export const RATE_PATTERN = RATE.source;
const SECONDS_PER = { s: 1, m: 60, h: 3600 } as const;

/** Messages per second. Zero is allowed here; the schema decides whether a field may be 0. */
export function parseRate(input: string | number): UnitResult {
  const expected = `expected ${UNIT_EXPECTED.rate}, got ${describeInput(input)}`;
  if (isPlainNumber(input)) {
    const n = String(input).trim();
    return fail(`${expected} (a plain number has no unit: write ${n}/s or ${n}/m)`);
  }
  const match = typeof input === 'string' ? RATE.exec(input.trim()) : null;
  if (!match) return fail(expected);
  const [, count, per] = match as unknown as [string, string, keyof typeof SECONDS_PER];
  return ok(Number(count) / SECONDS_PER[per]);
}

/** `N/s` when the per-second rate is a whole number, else `N/m` or `N/h` when exact, else decimal `/s`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) throw new RangeError(`cannot format rate ${perSecond}`);
  for (const [unit, seconds] of [
    ['s', 1],
    ['m', 60],
    ['h', 3600],
  ] as const) {
    const count = Math.round(perSecond * seconds);
    if (count / seconds === perSecond) return `${count}/${unit}`;
  }
  return `${decimal(perSecond)}/s`;
}

const SIZE = new RegExp(`^(${NUMBER})\\s*(B|KB|MB|GB|KiB|MiB|GiB)$`, 'i');
export const SIZE_PATTERN = `^\\d+(?:\\.\\d+)?\\s*(?:[Bb]|[KkMmGg][Ii]?[Bb])$`;
const BYTES_PER: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Bytes; `KB`/`MB`/`GB` are decimal (1000), `KiB`/`MiB`/`GiB` binary (1024), case-insensitive. */
export function parseSize(input: string | number): UnitResult {
  const expected = `expected ${UNIT_EXPECTED.size}, got ${describeInput(input)}`;
  if (isPlainNumber(input)) {
    const n = String(input).trim();
    return fail(`${expected} (a plain number has no unit: write ${n}B or ${n}KiB)`);
  }
  const match = typeof input === 'string' ? SIZE.exec(input.trim()) : null;
  if (!match) return fail(expected);
  const [, count, unit] = match as unknown as [string, string, string];
  const exact = Number(count) * (BYTES_PER[unit.toLowerCase()] ?? Number.NaN);
  // `1.1KB` multiplies to 1100.0000000000002: accept float noise, not real fractions of a byte.
  const bytes = Math.abs(exact - Math.round(exact)) < 1e-6 ? Math.round(exact) : exact;
  if (!Number.isSafeInteger(bytes)) {
    return fail(`expected a whole number of bytes, got ${describeInput(input)} (${bytes} bytes)`);
  }
  return ok(bytes);
}

const BANDWIDTH = /^(.*?)\s*\/\s*s$/;
export const BANDWIDTH_PATTERN = `${SIZE_PATTERN.slice(0, -1)}\\s*/\\s*s$`;

/** Bytes per second: a size per second (`100KiB/s`, `1MB/s`), with the size parser's units. */
export function parseBandwidth(input: string | number): UnitResult {
  const expected = `expected ${UNIT_EXPECTED.bandwidth}, got ${describeInput(input)}`;
  if (isPlainNumber(input)) {
    const n = String(input).trim();
    return fail(`${expected} (a plain number has no unit: write ${n}KiB/s or ${n}KB/s)`);
  }
  const match = typeof input === 'string' ? BANDWIDTH.exec(input.trim()) : null;
  if (!match) return fail(expected);
  const amount = (match[1] ?? '').trim();
  if (isPlainNumber(amount)) return fail(`${expected} (the size needs a unit: write ${amount}KiB/s or ${amount}KB/s)`);
  const size = parseSize(amount);
  if (size.ok) return size;
  // A well-formed size that failed is a fraction of a byte (`0.3KiB/s`); anything else is not a bandwidth.
  return fail(
    SIZE.test(amount) ? `expected a whole number of bytes per second, got ${describeInput(input)}` : expected,
  );
}

export function formatBandwidth(bytesPerSecond: number): string {
  return `${formatSize(bytesPerSecond)}/s`;
}

/** Largest binary unit that divides exactly, then decimal, then bytes: 1048576 → `1MiB`, 1000 → `1KB`. */
export function formatSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`cannot format size ${bytes}`);
  if (bytes === 0) return '0B';
  for (const unit of ['GiB', 'MiB', 'KiB', 'GB', 'MB', 'KB'] as const) {
    const per = BYTES_PER[unit.toLowerCase()] ?? 1;
    if (bytes % per === 0) return `${bytes / per}${unit}`;
  }
  return `${bytes}B`;
}

/** Decimal spelling without exponent so the parsers (which take no exponents) accept it back. */
function decimal(n: number): string {
  const plain = String(n);
  if (!/e/i.test(plain)) return plain;
  return n.toFixed(20).replace(/\.?0+$/, '');
}
