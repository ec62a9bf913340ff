/**
 * Typed errors with a stable `code` and the exit code they map to. Known errors print one
 * line (what went wrong, where, and how to fix it); anything else prints its stack.
 * Exit codes follow k6: 0 pass, 99 checks failed, 2 bad plan or usage, 1 environment/internal.
 */
import { escapeControlCharacters } from './text.ts';

export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  checksFailed: 99,
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class HarnessError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = ExitCode.internal,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A plan or command line the user must fix; exit 2. */
export class UsageError extends HarnessError {
  constructor(message: string, hint?: string) {
    super('usage', message, ExitCode.usage, hint);
  }
}

/** One problem in a plan file, with its position (1-based line and column). */
export interface PlanIssue {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `fleets.consumers[1].instances`. */
  path: string;
  message: string;
}

export function formatPlanIssue(issue: PlanIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path ? `${issue.path}: ${issue.message} (${where})` : `${issue.message} (${where})`;
}

/** A plan that does not parse or validate; carries every issue found. Exit 2. */
/** Past this many problems the rest are counted, not printed: a broken plan should not flood the terminal. */
export const MAX_PRINTED_PLAN_ISSUES = 20;

export class PlanError extends HarnessError {
  constructor(readonly issues: PlanIssue[]) {
    const shown = issues.slice(0, MAX_PRINTED_PLAN_ISSUES).map(formatPlanIssue);
    const more = issues.length - shown.length;
    if (more > 0) shown.push(`... and ${more} more problem${more === 1 ? '' : 's'} (fix these first)`);
    super('plan-invalid', shown.join('\n'), ExitCode.usage);
  }
}

/** Something the machine lacks (Java, Maven, Go, a port, a download); exit 1 with the fix. */
export class EnvironmentError extends HarnessError {
  constructor(code: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.internal, hint, options);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof HarnessError) {
    // Messages echo what users gave (plan values, paths): never raw control characters.
    const text = error.hint ? `${error.message}\n  fix: ${error.hint}` : error.message;
    return escapeControlCharacters(text);
  }
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
